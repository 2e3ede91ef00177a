"""Reading images the way the vision API sees them: accepted format, size after EXIF orientation.

`probe` reads only the header (fast, safe on huge files); `load` decodes the pixels.
Every refusal is an `ImageError` subclass whose message says what to do.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import re
import struct
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from PIL import Image, UnidentifiedImageError

from calc.engine.errors import ImageError, RefusedFormatError

# docs/metering.md §17: PNG, JPEG, WEBP and GIF (an animated GIF is read on its first frame,
# measured); BMP, TIFF, HEIC and SVG are refused with HTTP 400 (measured 2026-07).
SUPPORTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")
_SVG_SIZE = re.compile(rb"""\b(width|height)\s*=\s*["']\s*(\d{1,7})(?:\.\d+)?\s*(?:px)?\s*["']""")
_SVG_VIEWBOX = re.compile(rb"""\bviewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+"""
                          rb"""(\d{1,7})(?:\.\d+)?[\s,]+(\d{1,7})(?:\.\d+)?\s*["']""")
# Our own ceiling on decoding, checked from the header before any pixel is decoded: a 200 MP
# image is a size the API takes (it resizes it; up to 512 MB a request, metering.md §17), so its
# header is read and priced at any size, but its pixels (600 MB and more) are not decoded here.
MAX_PIXELS = 100_000_000
# Pillow's own bomb guard would refuse to even open a header over ~179 MP; every open here goes
# through _open and every decode through load's MAX_PIXELS check, so the guard is ours.
Image.MAX_IMAGE_PIXELS = None
# What Pillow's decoders raise on malformed data (beyond its own UnidentifiedImageError).
MALFORMED = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError,
             ZeroDivisionError, struct.error)

_ACCEPTED_TEXT = "PNG, JPEG, WEBP or GIF"
# zlib level 1: on a 24 MP photo ~2.5x faster than Pillow's default 6, and about as small.
_PNG_LEVEL = 1
_ORIENTATION_TAG = 0x0112
# Formats whose extra frames are an animation. (An MPO "JPEG" holds extra pictures,
# e.g. a phone's depth map, but the API decodes it as one still JPEG.)
_ANIMATABLE = ("GIF", "WEBP", "PNG")
# The same table ImageOps.exif_transpose uses.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

Source = bytes | bytearray | memoryview | str | os.PathLike[str] | BinaryIO


class NotAnImageError(ImageError):
    """Data that is not an image, or a file that cannot be read."""


class UnsupportedFormatError(RefusedFormatError):
    """An image in a format the API does not accept (BMP, TIFF, …)."""


class RefusedFormatError(UnsupportedFormatError):
    """BMP, TIFF, HEIC or SVG: the API refuses the format (HTTP 400), but the picture has a
    size — what it would cost once converted to PNG or JPEG. `size` is None where even the
    size cannot be read."""

    def __init__(self, fmt: str, size: tuple[int, int] | None):
        self.format, self.size = fmt, size
        at = f", {size[0]}×{size[1]} px" if size else ""
        super().__init__(f"{fmt}{at}: the API refuses this format (HTTP 400): convert to PNG "
                         "or JPEG")


class TooManyPixelsError(ImageError):
    """An image too large to decode here (over MAX_PIXELS pixels). Its header was read: `size`
    (oriented) prices it like any other size."""

    def __init__(self, size: tuple[int, int]):
        self.size = size
        w, h = size
        super().__init__(
            f"the image is {w:,}×{h:,} ({w * h / 1e6:,.1f} megapixels): too large to draw here "
            f"(pictures over {MAX_PIXELS // 1_000_000} megapixels are not decoded), but its size "
            "prices it as any other")


class AnimatedImageError(ImageError):
    """An animated GIF, WEBP or PNG. The API reads an animated GIF's first frame (measured on
    gpt-5.5 / gpt-5.6); the guide lists still images only for the others."""


class CorruptImageError(ImageError):
    """An image whose header reads but whose pixel data is truncated or damaged."""


class OversizedMetadataError(CorruptImageError):
    """A PNG text (zTXt, iTXt) or colour-profile (iCCP) chunk that inflates past Pillow's limit."""


_METADATA_BOMB = (
    "its metadata (a compressed PNG text or colour-profile chunk) inflates past the safety "
    "limit — a decompression bomb or a damaged file. Re-export the image without metadata"
)


def _damaged(e: Exception, fmt: str) -> CorruptImageError:
    """The error for a decode that failed: a metadata bomb says so, anything else is damage."""
    if isinstance(e, ValueError) and "decompressed data too large" in str(e).lower():
        return OversizedMetadataError(f"the file cannot be used: {_METADATA_BOMB}")
    return CorruptImageError(
        f"the file is truncated or corrupt ({fmt}, {str(e)[:200]}); re-export or re-download it"
    )


@dataclass(frozen=True)
class ImageInfo:
    """What the header says. `width`/`height` are as the model sees them (EXIF applied)."""

    width: int
    height: int
    stored_size: tuple[int, int]  # (width, height) as stored, before orientation
    format: str  # Pillow's format name; an MPO file is reported as "JPEG"
    orientation: int  # EXIF orientation 1–8 (1 when absent or invalid)
    frames: int
    animated: bool
    mode: str

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)


@dataclass(frozen=True)
class LoadedImage:
    image: Image.Image  # decoded, oriented, RGB or RGBA
    info: ImageInfo
    sha256: str  # hex digest of the source bytes


def probe(source: Source) -> ImageInfo:
    """Read the header only: format, oriented size, animation. Refuses what the API won't take
    (a refused format with the size it has: RefusedFormatError)."""
    fp, name = _as_file(source)
    _sniff_refused(source)
    with _open(fp, name) as im:
        return _inspect(im)


def check_still(info: ImageInfo) -> None:
    """Raise AnimatedImageError if the image is animated (the message says what is priced)."""
    if info.animated and info.format == "GIF":
        raise AnimatedImageError(
            f"this GIF is animated ({info.frames} frames): the API reads its first frame "
            "(measured on gpt-5.5 / gpt-5.6), so it is priced on the first frame.")
    if info.animated:
        raise AnimatedImageError(
            f"this {info.format} is animated ({info.frames} frames); the API takes only still "
            "images. The first frame can still be estimated."
        )


def _head(source: Source, n: int = 65536) -> bytes:
    """The first bytes of a source, the position left where it was."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source[:n])
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as f:
                return f.read(n)
        except OSError:
            return b""
    try:
        where = source.tell()
        head = source.read(n)
        source.seek(where)
        return head
    except (AttributeError, OSError):
        return b""


def _sniff_refused(source: Source) -> None:
    """HEIC and SVG, which Pillow cannot open: RefusedFormatError with the size they declare."""
    head = _head(source)
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        box = head.find(b"ispe")  # the image spatial extents: version/flags, width, height
        size = None
        if box >= 0 and len(head) >= box + 16:
            w, h = struct.unpack(">II", head[box + 8:box + 16])
            size = (w, h) if w and h else None
        raise RefusedFormatError("AVIF" if head[8:12] == b"avif" else "HEIC", size)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in text:
        tag = text[text.find(b"<svg"):][:4000]
        found = {m[1]: int(m[2]) for m in _SVG_SIZE.finditer(tag)}
        size = (found.get(b"width"), found.get(b"height"))
        if None in size:
            box = _SVG_VIEWBOX.search(tag)
            size = (int(box[1]), int(box[2])) if box else (None, None)
        raise RefusedFormatError("SVG", size if None not in size and 0 not in size else None)


def load(source: Source, *, first_frame_ok: bool = False,
         max_side: int | None = None) -> LoadedImage:
    """Decode the image as the model sees it (oriented, RGB/RGBA).

    Animated images, and formats the API refuses, are refused unless `first_frame_ok`: then
    frame 0 is used, and a refused format Pillow can read (BMP, TIFF) is decoded — what it
    would be once converted.
    `max_side`: the pixels shrunk to fit it (never enlarged; `info` still describes the image as
    it is), for previews: a JPEG is then decoded at a reduced scale to begin with (DCT scaling),
    a 24 MP photo in a fraction of the time and of its ~70 MB.
    """
    data = _read_all(source)
    digest = hashlib.sha256(data).hexdigest()
    _sniff_refused(data)
    with _open(io.BytesIO(data), _name(source)) as im:
        info = _inspect(im, refused_ok=first_frame_ok)
        if info.width * info.height > MAX_PIXELS:
            raise TooManyPixelsError(info.size)
        if not first_frame_ok:
            check_still(info)
        fit = None if max_side is None else _fit(im.size, max_side)
        try:
            if fit is not None:
                im.draft(im.mode, fit)  # JPEG only (elsewhere a no-op): at least `fit`
            im.load()  # frame 0: Image.open leaves an animated image on its first frame
            pixels = _to_rgb_or_rgba(im)
        except MALFORMED as e:
            raise _damaged(e, info.format) from e
    if fit is not None and pixels.size != fit:
        pixels = pixels.resize(fit, Image.Resampling.BILINEAR)
    # Transpose from the orientation probe read, so load always agrees with probe
    # (Pillow's exif_transpose would re-read EXIF, which for PNG can differ after decoding).
    method = _TRANSPOSE.get(info.orientation)
    if method is not None:
        pixels = pixels.transpose(method)
    return LoadedImage(image=pixels, info=info, sha256=digest)


def _fit(size: tuple[int, int], max_side: int) -> tuple[int, int] | None:
    """`size` shrunk to fit `max_side` on its long side (rounded, at least 1); None if it fits."""
    w, h = size
    if max(w, h) <= max_side:
        return None
    scale = max_side / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def to_png_bytes(image: Image.Image) -> bytes:
    """Lossless PNG of exactly these pixels (no metadata)."""
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=_PNG_LEVEL)
    return buf.getvalue()


def data_url(image: Image.Image, format: str = "PNG") -> str:
    """A base64 data URL of exactly these pixels. Lossless formats only: PNG or WEBP."""
    fmt = format.upper()
    buf = io.BytesIO()
    if fmt == "PNG":
        image.save(buf, "PNG", compress_level=_PNG_LEVEL)
    elif fmt == "WEBP":
        # exact=True keeps the colour of fully transparent pixels too.
        image.save(buf, "WEBP", lossless=True, exact=True)
    else:
        raise UnsupportedFormatError(
            f"data URLs are made as PNG or WEBP (lossless), not {format!r}"
        )
    encoded = base64.b64encode(buf.getvalue()).decode("ascii")
    return f"data:image/{fmt.lower()};base64,{encoded}"


def preview_url(data: bytes, size: tuple[int, int]) -> str:
    """A thumbnail: the image as the model sees it (oriented, first frame), shrunk to `size`,
    as a small lossy WEBP data URL. A JPEG is decoded at a reduced scale (Pillow's draft)."""
    with _open(io.BytesIO(data), "the file") as im:
        info = _inspect(im)
        stored = (size[1], size[0]) if info.orientation >= 5 else size
        try:
            im.draft("RGB", stored)  # JPEG: decode at 1/2 … 1/8 scale; others ignore it
            small = _to_rgb_or_rgba(im).resize(stored, Image.Resampling.BILINEAR)
        except MALFORMED as e:
            raise _damaged(e, info.format) from e
    method = _TRANSPOSE.get(info.orientation)
    if method is not None:
        small = small.transpose(method)
    buf = io.BytesIO()
    small.save(buf, "WEBP", quality=80, method=0)
    return "data:image/webp;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def resized_file(image: Image.Image, size: tuple[int, int], format: str) -> bytes:
    """`image` (decoded and upright: see `load`) resized to `size` with LANCZOS and saved in
    `format`, the file's own. No EXIF goes with it: the pixels are already upright."""
    small = image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    fmt = format.upper()
    if fmt == "JPEG":
        small.convert("RGB").save(buf, "JPEG", quality=95)
    elif fmt == "WEBP":
        small.save(buf, "WEBP", quality=95)
    elif fmt in ("PNG", "GIF"):
        small.save(buf, fmt, **({"compress_level": _PNG_LEVEL} if fmt == "PNG" else {}))
    else:
        raise UnsupportedFormatError(f"{format} images are not accepted by the API; use "
                                     f"{_ACCEPTED_TEXT}")
    return buf.getvalue()


# ---------------------------------------------------------------------------


def _as_file(source: Source) -> tuple[BinaryIO | str, str]:
    """Something Image.open takes, plus a name for messages."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), "the file"
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source), _name(source)
    return source, "the file"


def _name(source: Source) -> str:
    """How a source is named in messages: a path, shortened if long."""
    if not isinstance(source, (str, os.PathLike)):
        return "the file"
    path = os.fspath(source)
    return path if len(path) <= 120 else path[:119] + "…"


def _read_all(source: Source) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as f:
                return f.read()
        except OSError as e:
            raise NotAnImageError(f"could not read {_name(source)}: {e.strerror or e}") from e
    # From the start, as Image.open does (a probe before may have moved the position).
    with contextlib.suppress(AttributeError, OSError):
        source.seek(0)
    return source.read()


def _open(fp: BinaryIO | str, name: str) -> Image.Image:
    """Image.open with Pillow's errors and bomb guard turned into our messages."""
    try:
        return Image.open(fp)
    except UnidentifiedImageError as e:
        raise NotAnImageError(
            f"{name} is not an image that can be read; use {_ACCEPTED_TEXT}"
        ) from e
    except OSError as e:
        raise NotAnImageError(f"could not read {name}: {e.strerror or e}") from e
    except (ValueError, SyntaxError, EOFError, IndexError, TypeError) as e:
        # Pillow reads PNG chunks before the pixels at open: a text-chunk bomb fails here.
        raise _damaged(e, "header") from e


def _inspect(im: Image.Image, refused_ok: bool = False) -> ImageInfo:
    """Check the format from the header, without decoding."""
    fmt = "JPEG" if im.format == "MPO" else (im.format or "unknown")
    w, h = im.size
    if fmt not in SUPPORTED_FORMATS and not refused_ok:
        raise RefusedFormatError(fmt, (h, w) if _orientation(im) >= 5 else (w, h))
    orientation = _orientation(im)
    if fmt in _ANIMATABLE:
        try:  # a GIF's frames are counted by reading through the file
            frames = int(getattr(im, "n_frames", 1))
            animated = bool(getattr(im, "is_animated", False))
        except MALFORMED as e:
            raise _damaged(e, fmt) from e
    else:
        frames, animated = 1, False
    ow, oh = (h, w) if orientation >= 5 else (w, h)
    return ImageInfo(
        width=ow,
        height=oh,
        stored_size=(w, h),
        format=fmt,
        orientation=orientation,
        frames=frames,
        animated=animated,
        mode=im.mode,
    )


def _orientation(im: Image.Image) -> int:
    """EXIF orientation from the header's EXIF block; 1 if absent or unreadable.

    Not im.getexif(): for PNG that decodes the whole image when no eXIf chunk precedes
    the pixel data.
    """
    raw = im.info.get("exif")
    if not raw:
        return 1
    exif = Image.Exif()
    try:
        exif.load(raw)
        value = int(exif.get(_ORIENTATION_TAG, 1))
    except MALFORMED:  # malformed EXIF is common and harmless: the picture is unrotated
        return 1
    return value if value in range(1, 9) else 1


def _to_rgb_or_rgba(im: Image.Image) -> Image.Image:
    if im.mode.startswith("I;16"):
        # 16-bit grey: scale to 8 bits (convert() would clip everything above 255 to white).
        grey = np.asarray(im).astype(np.uint16) >> 8
        im = Image.fromarray(grey.astype(np.uint8))
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    return im.convert("RGBA" if has_alpha else "RGB")
