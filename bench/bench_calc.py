"""Estimates per second for calc.tokens (against a bare reference), calc.estimate and
calc.estimate_frame (a million rows); `import calc` and the CLI's start-up time."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from math import isqrt
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import calc  # noqa: E402

SIZES = [(1, 1), (512, 512), (1024, 1024), (1800, 2400), (4000, 1474), (4032, 3024),
         (480, 320), (2048, 4096), (128, 64), (6000, 4000)]
MODELS = ["gpt-5.6-sol", "gpt-6-sol", "gpt-5.4-mini", "gpt-4.1-mini", "gpt-image-2", "gpt-4o"]


def bare_gpt54_high(w: int, h: int) -> int:
    """gpt-5.4 at high written out by hand with its constants inlined: no lookups, no checks.

    The floor calc.tokens is held against (fit 2048, budget 2,500, ×1.2, reject > 30,000).
    """
    if w > 2048 or h > 2048:
        if w >= h:
            w, h = 2048, max(1, (2 * h * 2048 + w) // (2 * w))
        else:
            w, h = max(1, (2 * w * 2048 + h) // (2 * h)), 2048
    n = ((w + 31) // 32) * ((h + 31) // 32)
    if n > 2500:
        a, b = isqrt(2500 * w // h), isqrt(2500 * h // w)
        if a * h <= b * w:
            w, h = max(1, 32 * a), max(1, 32 * a * h // w)
        else:
            w, h = max(1, 32 * b * w // h), max(1, 32 * b)
        n = min(((w + 31) // 32) * ((h + 31) // 32), 2500)
    if n > 30000:
        raise ValueError(n)
    return (n * 6 + 4) // 5


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
    names = [m.name for m in calc.models(include_shut_down=False) if "low" in m.details]
    return pd.DataFrame({
        "width": rng.integers(1, 8000, n), "height": rng.integers(1, 8000, n),
        "model": rng.choice(names, n), "detail": rng.choice(["auto", "high", "low"], n),
    })


def main() -> None:
    cases = [(w, h, m, "high") for w, h in SIZES for m in MODELS] * 50
    print(f"calc.tokens    {per_second(calc.tokens, cases):>12,.0f} estimates/s (6 models)")
    same = [(w, h, "gpt-5.4", "high") for w, h in SIZES] * 300
    ours = per_second(calc.tokens, same, repeat=9)
    bare = per_second(bare_gpt54_high, [(w, h) for w, h, *_ in same], repeat=9)
    print(f"calc.tokens on gpt-5.4 high: {ours:,.0f}/s; bare reference {bare:,.0f}/s: "
          f"{bare / ours:.2f}× the bare time (target within 1.5×)")
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
          f"({len(frame) / median:,.0f} rows/s; target < 0.4 s)")
    print(f"import calc: median {import_seconds() * 1000:.0f} ms over 10 fresh interpreters "
          "(target < 100 ms)")
    print(f"python -m calc 1024x1024 --model gpt-5.6-sol: median {cli_seconds():.3f} s over 10 "
          "runs, interpreter start included (target well under 0.5 s)")


def import_seconds(runs: int = 10) -> float:
    root = Path(__file__).resolve().parents[1]
    code = "import time; t = time.perf_counter(); import calc; print(time.perf_counter() - t)"
    return statistics.median(
        float(subprocess.run([sys.executable, "-c", code], cwd=root, check=True,
                             capture_output=True, text=True).stdout) for _ in range(runs))


def cli_seconds(runs: int = 10) -> float:
    root = Path(__file__).resolve().parents[1]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "calc", "1024x1024", "--model", "gpt-5.6-sol"],
                       cwd=root, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
