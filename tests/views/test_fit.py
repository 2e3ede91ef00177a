"""An image resized to fit (calc.views.fit): LANCZOS, upright, its own format, the fitted size.
Known answer: metering.md §5, 7952×5304 on gpt-6-sol at auto → 6764×4512 (35,871 tokens)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from calc.adapters.images import load
from calc.views.fit import fit_image, fitted_file, fitted_name


def encoded(size: tuple[int, int], fmt: str, orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    Image.new("RGB", size, "olive").save(buf, fmt, exif=exif.tobytes())
    return buf.getvalue()


def test_a_rejected_photo_is_fitted_upright_in_its_format():
    fitted = fit_image(encoded((5304, 7952), "JPEG", orientation=8), "gpt-6-sol")
    assert (fitted.before.accepted, fitted.after.tokens) == (False, 35_871)
    assert fitted.resized and fitted.format == "JPEG"
    with Image.open(io.BytesIO(fitted.data)) as im:
        assert (im.format, im.size) == ("JPEG", (6764, 4512))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF", "JPEG"])
def test_each_format_is_kept(fmt):
    loaded = load(encoded((640, 480), fmt))
    with Image.open(io.BytesIO(fitted_file(loaded, (320, 240)))) as im:
        assert (im.format, im.size) == (fmt, (320, 240))


def test_an_accepted_image_keeps_its_size():
    fitted = fit_image(encoded((1600, 1600), "PNG"), "gpt-5.4", "high")
    assert not fitted.resized and fitted.after.tokens == 3000  # metering.md §16


@pytest.mark.parametrize("fmt, name, mime", [
    ("JPEG", "patchwork-fit-6764x4512.jpg", "image/jpeg"),
    ("PNG", "patchwork-fit-6764x4512.png", "image/png"),
    ("WEBP", "patchwork-fit-6764x4512.webp", "image/webp"),
    ("GIF", "patchwork-fit-6764x4512.gif", "image/gif"),
])
def test_download_names(fmt, name, mime):
    assert fitted_name((6764, 4512), fmt) == (name, mime)
