"""Estimates per second for calc.tokens, calc.estimate and calc.estimate_frame (a million rows)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import calc  # noqa: E402

SIZES = [(1, 1), (512, 512), (1024, 1024), (1800, 2400), (4000, 1474), (4032, 3024),
         (480, 320), (2048, 4096), (128, 64), (6000, 4000)]
MODELS = ["gpt-4o", "gpt-4.1-mini", "gpt-5-mini", "gpt-image-1", "gpt-5.4", "o3"]


def per_second(fn, cases, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for case in cases:
            fn(*case)
        times.append(time.perf_counter() - start)
    return len(cases) / statistics.median(times)


def random_frame(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = [m.name for m in calc.models() if m.family != "image"]
    return pd.DataFrame({
        "width": rng.integers(1, 8000, n), "height": rng.integers(1, 8000, n),
        "model": rng.choice(names, n), "detail": rng.choice(["auto", "high", "low"], n),
    })


def main() -> None:
    cases = [(w, h, m, "high") for w, h in SIZES for m in MODELS] * 50
    print(f"calc.tokens    {per_second(calc.tokens, cases):>12,.0f} estimates/s")
    print(f"calc.estimate  {per_second(calc.estimate, cases):>12,.0f} estimates/s")
    frame = random_frame(1_000_000)
    calc.estimate_frame(frame.head(100))  # warm the imports and the plan cache
    times = []
    for _ in range(5):
        start = time.perf_counter()
        calc.estimate_frame(frame)
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    print(f"calc.estimate_frame, 1,000,000 rows: median {median:.3f} s, best {best:.3f} s "
          f"({len(frame) / median:,.0f} rows/s; target < 1 s)")
    print(f"python -m calc 1024x1024 --model gpt-4o: median {cli_seconds():.3f} s over 10 runs, "
          "interpreter start included (target well under 0.5 s)")


def cli_seconds(runs: int = 10) -> float:
    root = Path(__file__).resolve().parents[1]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "calc", "1024x1024", "--model", "gpt-4o"],
                       cwd=root, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
