"""Formats the API refuses, and animated GIFs (docs/metering.md §17; measured 2026-07): BMP,
TIFF, HEIC and SVG get the size they would have and a clear "convert to PNG or JPEG"; an
animated GIF is read on its first frame and priced on it."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys

import pytest
from PIL import Image

from calc.adapters import images


def encoded(fmt: str, size=(40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(buf, fmt)
    return buf.getvalue()


def heic(width: int, height: int) -> bytes:
    """The boxes a HEIC header starts with: ftyp (brand heic), then an ispe with the size."""
    ftyp = struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0" + b"mif1heic"
    ispe = struct.pack(">I", 20) + b"ispe" + b"\0\0\0\0" + struct.pack(">II", width, height)
    return ftyp + b"\0\0\0\x30meta" + ispe + b"\0" * 64


REFUSED = [
    ("BMP", encoded("BMP", (40, 30)), (40, 30)),
    ("TIFF", encoded("TIFF", (64, 48)), (64, 48)),
    ("HEIC", heic(4032, 3024), (4032, 3024)),
    ("SVG", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="640" '
            b'height="480"><rect/></svg>', (640, 480)),
    ("SVG", b'<svg viewBox="0 0 1200 800" xmlns="http://www.w3.org/2000/svg"/>', (1200, 800)),
]


@pytest.mark.parametrize(("fmt", "data", "size"), REFUSED)
def test_a_refused_format_says_so_with_its_size(fmt, data, size):
    with pytest.raises(images.RefusedFormatError) as caught:
        images.probe(data)
    assert (caught.value.format, caught.value.size) == (fmt, size)
    assert "the API refuses this format (HTTP 400): convert to PNG or JPEG" in str(caught.value)


def test_an_svg_without_a_size_is_refused_without_one():
    with pytest.raises(images.RefusedFormatError) as caught:
        images.probe(b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>')
    assert caught.value.size is None


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_pillow_readable_refused_formats_decode_when_asked(fmt):
    with pytest.raises(images.RefusedFormatError):
        images.load(encoded(fmt))
    assert images.load(encoded(fmt), first_frame_ok=True).info.size == (40, 30)


def animated_gif(size=(64, 32), frames=3) -> bytes:
    pics = [Image.new("RGB", size, (i * 80, 255 - i * 80, 0)) for i in range(frames)]
    buf = io.BytesIO()
    pics[0].save(buf, "GIF", save_all=True, append_images=pics[1:], duration=50, loop=0)
    return buf.getvalue()


def test_an_animated_gif_is_read_on_its_first_frame():
    info = images.probe(animated_gif())
    assert (info.animated, info.frames, info.size) == (True, 3, (64, 32))
    with pytest.raises(images.AnimatedImageError, match="the API reads its first frame"):
        images.check_still(info)


def test_the_cli_prices_a_refused_format_at_its_size_and_says_so(tmp_path):
    path = tmp_path / "scan.bmp"
    path.write_bytes(encoded("BMP", (1024, 1024)))
    out = subprocess.run([sys.executable, "-m", "calc", str(path), "--model", "gpt-4o",
                          "--json"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "convert to PNG or JPEG" in out.stderr
    assert json.loads(out.stdout)["tokens"] == 765  # 1024×1024 on gpt-4o: 4 tiles, 85 + 680
