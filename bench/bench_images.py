"""Timings for calc.adapters.images: probe and load of a 24 MP JPEG; probing 1,000 small files.

Run from the repo root: .venv/bin/python bench/bench_images.py
Targets: probe reads the header only (milliseconds even at 24 MP); 1,000 headers in under 2 s.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from calc.adapters import images  # noqa: E402

SMALL_FILES = 1_000
TARGET_SMALL_SECONDS = 2.0


def timed(fn, repeat: int) -> float:
    """Median seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def photo_like_jpeg(width: int, height: int) -> bytes:
    """A gradient with noise: compresses like a photo, not like a flat colour."""
    rng = np.random.default_rng(1)
    x = np.linspace(0, 255, width, dtype=np.float32)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    base = np.stack([x + 0 * y, y + 0 * x, (x + y) / 2], axis=-1)
    noisy = base + rng.normal(0, 12, size=base.shape).astype(np.float32)
    buf = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def small_files(folder: Path, n: int) -> list[Path]:
    paths = []
    formats = [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp"), ("GIF", "gif")]
    for i in range(n):
        fmt, ext = formats[i % len(formats)]
        path = folder / f"img{i:04}.{ext}"
        Image.new("RGB", (64 + i % 200, 48 + i % 150), (i % 256, 80, 160)).save(path, fmt)
        paths.append(path)
    return paths


def main() -> None:
    data = photo_like_jpeg(6000, 4000)
    print(f"6000x4000 JPEG: {len(data) / 2**20:.1f} MB")
    probe_s = timed(lambda: images.probe(data), repeat=50)
    print(f"  probe (bytes)      {probe_s * 1e3:8.3f} ms   (median of 50)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.jpg"
        path.write_bytes(data)
        probe_path_s = timed(lambda: images.probe(path), repeat=50)
        print(f"  probe (path)       {probe_path_s * 1e3:8.3f} ms   (median of 50)")
        load_s = timed(lambda: images.load(path), repeat=3)
        print(f"  load  (decode)     {load_s * 1e3:8.1f} ms   (median of 3)")

        loaded = images.load(path)
        png_s = timed(lambda: images.to_png_bytes(loaded.image), repeat=1)
        size_mb = len(images.to_png_bytes(loaded.image)) / 2**20
        print(f"  to_png_bytes       {png_s * 1e3:8.1f} ms   (once; {size_mb:.1f} MB of PNG)")

        folder = Path(tmp) / "small"
        folder.mkdir()
        paths = small_files(folder, SMALL_FILES)
        start = time.perf_counter()
        for p in paths:
            images.probe(p)
        total = time.perf_counter() - start
    verdict = "OK" if total < TARGET_SMALL_SECONDS else "TOO SLOW"
    each_ms = total / SMALL_FILES * 1e3
    print(
        f"probe {SMALL_FILES:,} small files (PNG/JPEG/WEBP/GIF): {total:.3f} s "
        f"({each_ms:.3f} ms each) — target < {TARGET_SMALL_SECONDS:g} s: {verdict}"
    )


if __name__ == "__main__":
    main()
