"""`python -m calc plan` on generated manifests of 1M, 5M and 20M rows: rows per second and peak
memory (each run in a fresh process, so its peak RSS is its own). Target ≥ 2M rows/s, < 500 MB,
flat with the row count.

    .venv/bin/python bench/bench_manifest.py [--rows 1000000,5000000,20000000] [--parquet]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def generate(path: Path, rows: int, parquet: bool) -> None:
    """A realistic mix: a few thousand distinct sizes (photos, scans, screenshots), counts 1–5."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(7)
    step = 1_000_000
    pool_w, pool_h = rng.integers(200, 8000, 3000), rng.integers(200, 6000, 3000)
    writer = None
    for start in range(0, rows, step):
        n = min(step, rows - start)
        pick = rng.integers(0, len(pool_w), n)
        w, h = pool_w[pick], pool_h[pick]
        table = pa.table({"width": w, "height": h, "count": rng.integers(1, 6, n)})
        if writer is None:
            writer = (pq.ParquetWriter(path, table.schema) if parquet else
                      pacsv.CSVWriter(path, table.schema))
        writer.write_table(table)
    writer.close()


def one(path: str, models: list[str]) -> None:
    from calc.views.manifest import plan_files

    start = time.perf_counter()
    result = plan_files([path], models)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": result.rows, "seconds": seconds, "peak_mb": peak_mb,
                      "tokens": result.models[0].image_tokens}))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", default="1000000,5000000,20000000")
    p.add_argument("--model", action="append", default=None)
    p.add_argument("--parquet", action="store_true")
    p.add_argument("--one", help=argparse.SUPPRESS)
    args = p.parse_args()
    models = args.model or ["gpt-5.6-sol"]
    if args.one:
        one(args.one, models)
        return
    kind = "parquet" if args.parquet else "csv"
    print(f"python -m calc plan's scan, {kind}, models {', '.join(models)} (fresh process each)")
    print(f"{'rows':>12}  {'MB on disk':>10}  {'seconds':>8}  {'rows/s':>12}  {'peak RSS MB':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in (int(r) for r in args.rows.split(",")):
            path = Path(tmp) / f"manifest-{rows}.{kind}"
            generate(path, rows, args.parquet)
            cmd = [sys.executable, __file__, "--one", str(path)] + \
                sum((["--model", m] for m in models), [])
            out = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True,
                                            cwd=ROOT).stdout)
            print(f"{out['rows']:>12,}  {os.path.getsize(path) / 1e6:>10.0f}  "
                  f"{out['seconds']:>8.2f}  {out['rows'] / out['seconds']:>12,.0f}  "
                  f"{out['peak_mb']:>11.0f}")
            path.unlink()


if __name__ == "__main__":
    main()
