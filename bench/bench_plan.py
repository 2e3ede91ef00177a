"""Plan benchmarks: sizes of 1,000 uploaded images (target < 2 s) and a 1,000,000-row CSV planned
end to end — read, check and collapse (batch by batch), estimate_frame, aggregate — on the
default models (target < 3 s).

Run: .venv/bin/python bench/bench_plan.py
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from PIL import Image  # noqa: E402

from calc.views import manifest as mf  # noqa: E402
from calc.views.plan import figures as pf  # noqa: E402
from calc.views.plan import settings as ps  # noqa: E402
from calc.views.plan import totals as pt  # noqa: E402
from calc.views.plan import workload as wl  # noqa: E402

# Sizes cameras, phones, screens and scanners produce (both orientations).
COMMON = [(4032, 3024), (4000, 3000), (3264, 2448), (5472, 3648), (4624, 3468), (1920, 1080),
          (2532, 1170), (2778, 1284), (2560, 1440), (1280, 720), (2550, 3300), (1700, 2200),
          (1024, 1024), (800, 600), (640, 480), (512, 512), (256, 256), (1600, 1200)]


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times), min(times)


# --- 1,000 uploaded images ------------------------------------------------------------------------


def write_images(folder: Path, n: int = 1000, seed: int = 5) -> list[tuple[int, int]]:
    """n small JPEG/PNG files; every fourth JPEG carries EXIF orientation 6 or 8 (rotated)."""
    rng = np.random.default_rng(seed)
    expected = []
    for i in range(n):
        w, h = (int(v) for v in rng.integers(16, 640, 2))
        image = Image.new("RGB", (w, h), (i % 256, 80, 160))
        if i % 2:
            image.save(folder / f"img{i:04}.png", "PNG")
            expected.append((w, h))
        elif i % 4 == 0:
            exif = Image.Exif()
            exif[0x0112] = 6 if i % 8 == 0 else 8
            image.save(folder / f"img{i:04}.jpg", "JPEG", exif=exif, quality=80)
            expected.append((h, w))  # the model sees it turned upright
        else:
            image.save(folder / f"img{i:04}.jpg", "JPEG", quality=80)
            expected.append((w, h))
    return expected


def bench_images() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        expected = write_images(folder)
        paths = sorted(folder.iterdir())

        def from_disk():
            return wl.read_images([(p.name, p.read_bytes()) for p in paths])

        uploads = [(p.name, p.read_bytes()) for p in paths]
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zf:
            for name, data in uploads:
                zf.writestr(f"batch/{name}", data)
        zipped = archive.getvalue()
        w, disk_median, disk_best = timed(from_disk, 3)
        _, mem_median, mem_best = timed(lambda: wl.read_images(uploads), 3)
        z, zip_median, zip_best = timed(lambda: wl.read_images([("batch.zip", zipped)]), 3)
    got = list(zip(w.rows["width"], w.rows["height"], strict=True))
    assert got == expected and len(z.rows) == 1000, "sizes read wrongly"
    total = sum(len(d) for _, d in uploads)
    print(f"1,000 images ({total / 2**20:.1f} MiB, 500 PNG + 500 JPEG, 250 with EXIF rotation; "
          "target < 2 s):")
    print(f"  files on disk → sizes   median {disk_median:.3f} s, best {disk_best:.3f} s")
    print(f"  uploaded bytes → sizes  median {mem_median:.3f} s, best {mem_best:.3f} s")
    print(f"  one .zip → sizes        median {zip_median:.3f} s, best {zip_best:.3f} s")


# --- a 1,000,000-row CSV --------------------------------------------------------------------------


def realistic_csv(n: int = 1_000_000, seed: int = 7) -> bytes:
    """70 % common device sizes (either way up), 30 % arbitrary crops, some detail and count
    values, and 0.1 % bad rows of every kind."""
    rng = np.random.default_rng(seed)
    common = np.array(COMMON + [(h, w) for w, h in COMMON])
    pick = rng.integers(0, len(common), n)
    w, h = common[pick, 0].copy(), common[pick, 1].copy()
    crop = rng.random(n) < 0.3
    w[crop], h[crop] = rng.integers(64, 6000, crop.sum()), rng.integers(64, 6000, crop.sum())
    frame = pd.DataFrame({"width": w.astype(str), "height": h.astype(str),
                          "count": rng.integers(1, 6, n).astype(str),
                          "detail": rng.choice(["", "", "", "high", "low"], n)})
    bad = rng.choice(n, n // 1000, replace=False)
    frame.loc[bad, "width"] = rng.choice(["", "abc", "0", "-5", "12.5", "250000"], len(bad))
    return frame.to_csv(index=False).encode()


def distinct_csv(n: int = 1_000_000, seed: int = 9) -> bytes:
    """The worst case: (almost) every row a size no other row has."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"width": rng.integers(1, 10_000, n),
                         "height": rng.integers(1, 10_000, n)}).to_csv(index=False).encode()


def plan(data: bytes, models) -> dict[str, float]:
    t0 = time.perf_counter()
    workload = mf.read_manifest(data)
    t1 = time.perf_counter()
    priced = pt.price_workload(workload.rows, models)
    t2 = time.perf_counter()
    # What the page does next: the file's counts as the backlog, the default request shape.
    settings = ps.Settings(source="csv", models=tuple(models))
    images = Fraction(priced.images)
    v = pf.volume(settings, images)
    table = pf.figures_table([pf.figures(t, settings, v, images)
                              for t in pt.model_totals(priced)])
    t3 = time.perf_counter()
    assert set(priced.compared) <= set(table.column("model")), "a compared model is missing"
    return {"parse+validate": t1 - t0, "estimate": t2 - t1, "aggregate": t3 - t2,
            "total": t3 - t0, "bad": workload.bad_count,
            "sizes": len(priced.sizes), "estimated": len(priced.costs)}


def bench_csv(name: str, data: bytes, models, repeat: int = 3) -> pt.PricedWorkload | None:
    plan(wl.TEMPLATE_CSV.encode(), models)  # warm imports and caches
    runs = [plan(data, models) for _ in range(repeat)]
    totals = [r["total"] for r in runs]
    best = min(runs, key=lambda r: r["total"])
    stages = ", ".join(f"{k} {best[k]:.2f}" for k in ("parse+validate", "estimate", "aggregate"))
    print(f"  {name}: median {statistics.median(totals):.2f} s, best {min(totals):.2f} s "
          f"({stages} s) — {best['bad']:,} bad rows, "
          f"{best['sizes']:,} distinct sizes, {best['estimated']:,} rows estimated")
    return None


def main() -> None:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} "
          "(other work on the machine slows every figure)")
    bench_images()
    models = pt.DEFAULT_MODELS
    realistic, distinct = realistic_csv(), distinct_csv()
    print(f"1,000,000-row CSV planned end to end on {len(models)} models "
          f"({len(realistic) / 2**20:.1f} MiB; target < 3 s):")
    bench_csv("realistic mix", realistic, models)
    bench_csv("worst case, all sizes distinct", distinct, models, repeat=2)
    bench_csv("worst case, one model", distinct, ("gpt-4.1-mini",), repeat=2)

    workload = mf.read_manifest(realistic)
    priced = pt.price_workload(workload.rows, models)
    _, median, best = timed(lambda: pt.resize_totals(priced), 2)
    print(f"  resize advisor (5 fits × {len(models)} models, realistic mix, computed once per "
          f"workload): median {median:.2f} s, best {best:.2f} s")

    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    plan(realistic, models)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory: {traced / 2**20:,.0f} MiB allocated during one realistic 1M-row plan "
          f"(tracemalloc); process peak RSS {peak_rss:,.0f} MiB (ru_maxrss, whole run)")


if __name__ == "__main__":
    main()
