"""The one decode cache the pages share: an image read once serves Explore and Verify alike.

Per browser session (session_cache), never across visitors, and two images at most. What a
session keeps of an image is small: the file's own bytes, what its header says, and a copy fitted
to PREVIEW_MAX_SIDE that every preview is drawn from (a JPEG is decoded at that scale straight
away). The full pixels — ~70 MB for a 24-megapixel photo — are decoded only when something needs
them (the overlay PNG, Verify's measurement) and then let go: twenty visitors with a photo each
hold twenty photos' bytes, not 1.4 GB of pixels. Full decodes are taken two at a time, so twenty
at once cannot stack up either. The bundled samples alone are shared by every session
(st.cache_resource): they are the app's own files, and every new visitor's first screen.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from PIL import Image

import calc
from calc.views import image_input as images
from calc.views.explore_overlay import PREVIEW_MAX_SIDE
from pages.helpers.overlay_figure import preview_webp
from pages.helpers.served_media import Served, serve
from pages.helpers.session_cache import memo

MAX_DECODED = 2
_FULL_DECODES = threading.BoundedSemaphore(2)  # process-wide: the peak memory of full decodes


@dataclass(frozen=True, eq=False)
class HeldImage:
    """An image as a session keeps it; `info` and `sha256` as calc.adapters.images.LoadedImage."""

    data: bytes  # the file as it came
    info: images.ImageInfo
    sha256: str
    working: Image.Image  # fitted to PREVIEW_MAX_SIDE (the image itself if it fits): for previews
    first_frame: bool  # decoded with first_frame_ok: an animated file's first frame, or a format
    # the API refuses that Pillow reads (BMP, TIFF)

    @property
    def image(self) -> Image.Image:
        """The full pixels, decoded now and not kept."""
        with _FULL_DECODES:
            return images.read_image(self.data, first_frame_ok=self.first_frame).image


def _hold(data: bytes, first_frame: bool) -> HeldImage:
    with _FULL_DECODES:  # a PNG or WEBP is decoded in full before it is fitted
        small = images.read_image(data, first_frame_ok=first_frame, max_side=PREVIEW_MAX_SIDE)
    return HeldImage(data, small.info, small.sha256, small.image, first_frame)


def decode(data: bytes) -> tuple[HeldImage, calc.ImageError | None]:
    """The still image; for an animated one its first frame, and for a format the API refuses
    that Pillow reads (BMP, TIFF) its pixels — each with the reason, to show the user.

    Any other ImageError (corrupt, too large, HEIC or SVG) propagates for the page to report.
    """
    sha = hashlib.sha256(data).hexdigest()
    try:
        return memo("decode", (sha, False), lambda: _hold(data, False), MAX_DECODED), None
    except (images.AnimatedImageError, images.RefusedFormatError) as caveat:
        if isinstance(caveat, images.RefusedFormatError) and caveat.format in ("HEIC", "AVIF",
                                                                                "SVG"):
            raise  # nothing here decodes them: the page uses the size they declare
        first = memo("decode", (sha, True), lambda: _hold(data, True), MAX_DECODED)
        return first, caveat


def preview(image: Image.Image, size: tuple[int, int]) -> Served:
    """`image` shrunk to `size`, served by URL for as long as the result is kept."""
    return serve(preview_webp(image, size), "image/webp", ".webp")


# --- the bundled samples: ours, not a visitor's, so read once per process and shared ------------

@st.cache_resource(max_entries=8, show_spinner=False)
def sample_image(path: str) -> HeldImage:
    """A bundled sample, read once for every session (a still image; errors propagate)."""
    return _hold(Path(path).read_bytes(), False)


@st.cache_resource(max_entries=16, show_spinner=False)
def sample_preview(sha256: str, size: tuple[int, int], _working: Image.Image) -> Served:
    """A sample's preview at `size`, encoded once and served to every session."""
    return preview(_working, size)
