"""calc.adapters.images: formats, EXIF, animation, size limits, corrupt data, data URLs."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageOps

import calc
from calc.adapters import images
from calc.adapters.images import (
    AnimatedImageError,
    CorruptImageError,
    NotAnImageError,
    TooManyPixelsError,
    UnsupportedFormatError,
)
from calc.engine.errors import CalcError, ImageError

ORIENTATION = 0x0112


def encode(im: Image.Image, fmt: str, **params) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def gradient(w: int, h: int, mode: str = "RGB") -> Image.Image:
    """Distinct pixels everywhere, so a wrong rotation or flip shows."""
    im = Image.new("RGB", (w, h))
    im.putdata([((x * 7) % 256, (y * 11) % 256, (x * y) % 256) for y in range(h) for x in range(w)])
    return im.convert(mode)


def with_orientation(fmt: str, orientation: int, size=(40, 30)) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return encode(gradient(*size), fmt, exif=exif)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int, idat: bytes = zlib.compress(b"\0")) -> bytes:
    """A PNG claiming width×height (1-bit grey) without the pixel data to back it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (16, 12), c) for c in ("red", "green", "blue")]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


# --- accepted formats -------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_accepted_formats_probe_and_load(fmt):
    data = encode(gradient(33, 17), fmt)
    info = images.probe(data)
    assert info.format == fmt
    assert info.size == (33, 17)
    assert info.stored_size == (33, 17)
    assert info.orientation == 1
    assert (info.frames, info.animated) == (1, False)
    loaded = images.load(data)
    assert loaded.image.size == (33, 17)
    assert loaded.image.mode in ("RGB", "RGBA")


def test_probe_takes_bytes_path_and_file(tmp_path):
    data = encode(gradient(20, 10), "PNG")
    path = tmp_path / "x.png"
    path.write_bytes(data)
    expected = images.probe(data)
    assert images.probe(path) == expected
    assert images.probe(str(path)) == expected
    with open(path, "rb") as f:
        assert images.probe(f) == expected
    assert images.probe(bytearray(data)) == expected


def test_load_after_probe_on_the_same_open_file(tmp_path):
    data = encode(gradient(20, 10), "PNG")
    stream = io.BytesIO(data)
    images.probe(stream)
    assert stream.tell() > 0
    assert images.load(stream).image.size == (20, 10)


def test_sha256_is_of_the_source_bytes(tmp_path):
    import hashlib

    data = encode(gradient(5, 5), "JPEG")
    path = tmp_path / "x.jpg"
    path.write_bytes(data)
    assert images.load(path).sha256 == hashlib.sha256(data).hexdigest()
    assert images.load(io.BytesIO(data)).sha256 == hashlib.sha256(data).hexdigest()


def test_mpo_jpeg_is_a_still_jpeg():
    # Phones write MPO (a JPEG with extra pictures); the API reads it as a JPEG.
    data = encode(
        Image.new("RGB", (30, 20)),
        "MPO",
        save_all=True,
        append_images=[Image.new("RGB", (30, 20), "red")],
    )
    info = images.probe(data)
    assert (info.format, info.animated, info.frames) == ("JPEG", False, 1)
    images.check_still(info)
    assert images.load(data).image.size == (30, 20)


# --- EXIF orientation ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_gives_size_the_model_sees(fmt, orientation):
    data = with_orientation(fmt, orientation, size=(40, 30))
    info = images.probe(data)
    assert info.orientation == orientation
    assert info.stored_size == (40, 30)
    assert info.size == ((30, 40) if orientation >= 5 else (40, 30))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_load_applies_orientation_like_exif_transpose(orientation):
    data = with_orientation("PNG", orientation, size=(7, 5))
    loaded = images.load(data)
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    assert loaded.image.size == loaded.info.size
    assert loaded.image.tobytes() == expected.tobytes()


# --- a reduced load, for previews ------------------------------------------------------------

@pytest.mark.parametrize(("stored", "orientation", "max_side", "pixels"), [
    ((600, 400), 1, 150, (150, 100)),
    ((600, 400), 6, 150, (100, 150)),  # turned: the long side is the height
    ((6000, 4000), 1, 1280, (1280, 853)),  # 4000 × 1280 / 6000 = 853.3
    ((4032, 3024), 8, 1280, (960, 1280)),
    ((5000, 1), 1280, 1280, (1280, 1)),  # orientation 1280 is invalid: upright; never 0 px
    ((300, 200), 1, 1280, (300, 200)),  # fits: never enlarged
])
def test_reduced_load_fits_the_long_side_and_keeps_the_true_size(stored, orientation, max_side,
                                                                  pixels):
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    data = encode(Image.new("RGB", stored, "teal"), "JPEG", exif=exif)
    loaded = images.load(data, max_side=max_side)
    assert loaded.image.size == pixels
    full = images.probe(data)
    assert loaded.info == full  # what the header says, untouched
    assert loaded.sha256 == images.load(data).sha256


def test_reduced_load_is_the_full_image_shrunk():
    # the bundled phone photo, a real JPEG: decoded at a reduced scale, then fitted
    data = (Path(calc.__file__).parent / "data" / "samples" / "phone_photo.jpg").read_bytes()
    small = images.load(data, max_side=320).image
    expected = images.load(data).image.resize(small.size, Image.Resampling.BILINEAR)
    assert small.size == (240, 320)  # 3024×4032 upright
    diff = [abs(a - b) for a, b in zip(small.tobytes(), expected.tobytes(), strict=True)]
    assert sum(diff) / len(diff) < 1  # of 255: the same picture


def test_reduced_load_of_a_small_png_is_the_full_load():
    data = encode(gradient(30, 20), "PNG")
    assert images.load(data, max_side=1280).image.tobytes() == images.load(data).image.tobytes()


def test_invalid_orientation_value_is_treated_as_upright():
    data = with_orientation("JPEG", 42)
    info = images.probe(data)
    assert info.orientation == 1
    assert info.size == (40, 30)


def test_probe_does_not_decode_pixels():
    # Header says 64×64 but the pixel data is garbage: probe is happy, load is not.
    data = png_header_only(64, 64, idat=b"not zlib data at all")
    assert images.probe(data).size == (64, 64)
    with pytest.raises(CorruptImageError):
        images.load(data)


# --- refused formats and non-images -----------------------------------------------


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_unaccepted_formats_are_refused_with_the_accepted_list(fmt):
    data = encode(gradient(10, 10), fmt)
    with pytest.raises(UnsupportedFormatError) as err:
        images.probe(data)
    msg = str(err.value)
    assert msg == (f"{fmt}, 10×10 px: the API refuses this format (HTTP 400): convert to PNG "
                   "or JPEG")  # docs/metering.md §17: refused with HTTP 400, measured
    with pytest.raises(UnsupportedFormatError):
        images.load(data)


@pytest.mark.parametrize("data", [b"hello, this is text\n" * 20, b"", b"\x89PNG\r\n"])
def test_non_images_are_refused(data):
    with pytest.raises(NotAnImageError) as err:
        images.probe(data)
    assert "not an image" in str(err.value)
    with pytest.raises(NotAnImageError):
        images.load(data)


def test_missing_file_is_refused(tmp_path):
    missing = tmp_path / "nope.png"
    with pytest.raises(NotAnImageError, match="nope.png"):
        images.probe(missing)
    with pytest.raises(NotAnImageError, match="nope.png"):
        images.load(missing)


def test_errors_are_calc_errors():
    for cls in (
        NotAnImageError,
        UnsupportedFormatError,
        TooManyPixelsError,
        AnimatedImageError,
        CorruptImageError,
    ):
        assert issubclass(cls, ImageError) and issubclass(cls, CalcError)


# --- truncated and corrupt data -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_image_is_corrupt_on_load(fmt):
    data = encode(gradient(200, 150), fmt)
    half = data[: len(data) // 2]
    assert images.probe(half).size == (200, 150)  # the header survived
    with pytest.raises(CorruptImageError, match="truncated or corrupt"):
        images.load(half)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_damaged_bytes_only_ever_raise_image_errors(fmt):
    # Cut and flip bytes at many places: each attempt either loads or raises an ImageError.
    data = encode(gradient(64, 48), fmt)
    outcomes = set()
    for i in range(1, len(data), max(1, len(data) // 60)):
        flipped = bytearray(data)
        flipped[i] ^= 0xA5
        for candidate in (data[:i], bytes(flipped)):
            try:
                images.load(candidate)
                outcomes.add("ok")
            except ImageError as e:
                outcomes.add(type(e).__name__)
    assert "ok" in outcomes and len(outcomes) > 1


# --- animation ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_animated_images_are_detected_and_refused(fmt):
    data = animated(fmt)
    info = images.probe(data)  # probe reports, does not refuse
    assert info.format == fmt
    assert info.animated is True
    assert info.frames == 3
    with pytest.raises(AnimatedImageError) as err:
        images.check_still(info)
    if fmt == "GIF":  # accepted: the API reads the first frame (measured on gpt-5.5 / 5.6)
        assert "the API reads its first frame" in str(err.value)
    else:
        assert "only still images" in str(err.value)
        assert "first frame can still be estimated" in str(err.value)
    with pytest.raises(AnimatedImageError):
        images.load(data)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_first_frame_of_animation_can_be_loaded(fmt):
    loaded = images.load(animated(fmt), first_frame_ok=True)
    assert loaded.info.animated is True
    assert loaded.image.size == (16, 12)
    r, g, b, *_ = loaded.image.getpixel((8, 6))
    assert r > 200 and g < 50 and b < 50  # the first frame is red


# --- pixel limit -------------------------------------------------------------------------


@pytest.mark.filterwarnings("error")  # Pillow's DecompressionBombWarning must not escape
@pytest.mark.parametrize(
    "width,height",
    [(20000, 10000), (10001, 10000), (100_000, 100_000)],
)
def test_a_huge_header_is_read_and_its_pixels_never_decoded(width, height):
    data = png_header_only(width, height)
    assert len(data) < 100  # nothing was allocated to make it
    assert images.probe(data).size == (width, height)  # the API resizes it: a size to price
    with pytest.raises(TooManyPixelsError) as err:
        images.load(data)
    assert err.value.size == (width, height)


def test_a_huge_image_says_its_size_and_the_limit():
    with pytest.raises(TooManyPixelsError) as err:
        images.load(png_header_only(20000, 10000))
    assert str(err.value) == ("the image is 20,000×10,000 (200.0 megapixels): too large to draw "
                              "here (pictures over 100 megapixels are not decoded), but its size "
                              "prices it as any other")


@pytest.mark.filterwarnings("error")
def test_exactly_max_pixels_goes_on_to_decoding():
    # 10,000 × 10,000 is the limit itself: past the check, the decoder finds only a header
    with pytest.raises(CorruptImageError):
        images.load(png_header_only(10000, 10000))


# --- modes, PNG bytes, data URLs ------------------------------------------------------------


@pytest.mark.parametrize(
    "mode,expected",
    [("RGBA", "RGBA"), ("LA", "RGBA"), ("L", "RGB"), ("1", "RGB"), ("P", "RGB"), ("CMYK", "RGB")],
)
def test_load_converts_to_rgb_or_rgba(mode, expected):
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    assert images.load(encode(gradient(9, 9, mode), fmt)).image.mode == expected


def test_palette_with_transparency_keeps_alpha():
    im = Image.new("P", (4, 4), 0)
    data = encode(im, "PNG", transparency=0)
    assert images.load(data).image.mode == "RGBA"


def test_16_bit_grey_is_scaled_not_clipped():
    im = Image.new("I;16", (2, 1))
    im.putpixel((0, 0), 0x8000)
    im.putpixel((1, 0), 0xFFFF)
    loaded = images.load(encode(im, "PNG"))
    assert loaded.image.getpixel((0, 0)) == (128, 128, 128)
    assert loaded.image.getpixel((1, 0)) == (255, 255, 255)


def decode_data_url(url: str) -> Image.Image:
    header, payload = url.split(",", 1)
    assert header.startswith("data:image/") and header.endswith(";base64")
    return Image.open(io.BytesIO(base64.b64decode(payload, validate=True)))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "png"])
@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_data_url_round_trips_exact_pixels(fmt, mode):
    im = gradient(23, 19, "RGB")
    if mode == "RGBA":
        im.putalpha(Image.linear_gradient("L").resize((23, 19)))
    url = images.data_url(im, fmt)
    assert url.startswith(f"data:image/{fmt.lower()};base64,")
    back = decode_data_url(url).convert(mode)
    assert back.size == im.size
    assert back.tobytes() == im.tobytes()


def test_data_url_of_loaded_image_matches_source_pixels():
    data = with_orientation("PNG", 6, size=(12, 8))
    loaded = images.load(data)
    back = decode_data_url(images.data_url(loaded.image)).convert("RGB")
    assert back.size == (8, 12)
    assert back.tobytes() == loaded.image.tobytes()


def test_data_url_refuses_lossy_formats():
    with pytest.raises(UnsupportedFormatError, match="PNG or WEBP"):
        images.data_url(gradient(2, 2), "JPEG")


def test_to_png_bytes_is_lossless():
    im = gradient(31, 7)
    back = Image.open(io.BytesIO(images.to_png_bytes(im)))
    assert back.format == "PNG"
    assert back.convert("RGB").tobytes() == im.tobytes()
