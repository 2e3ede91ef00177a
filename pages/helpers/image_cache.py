"""The one decode cache the pages share: an image read once serves Explore and Verify alike.

Per browser session (session_cache), never across visitors, and two images at most: a decoded
24-megapixel photo is ~70 MB. The bundled samples alone are shared by every session
(st.cache_resource): they are the app's own files, and every new visitor's first screen.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

import calc
from calc.views import image_input as images
from pages.helpers.overlay_figure import preview_data_url
from pages.helpers.session_cache import memo

MAX_DECODED = 2


def decode(data: bytes) -> tuple[images.LoadedImage, calc.ImageError | None]:
    """The still image; for an animated one its first frame, and for a format the API refuses
    that Pillow reads (BMP, TIFF) its pixels — each with the reason, to show the user.

    Any other ImageError (corrupt, too large, HEIC or SVG) propagates for the page to report.
    """
    sha = hashlib.sha256(data).hexdigest()
    try:
        return memo("decode", (sha, False), lambda: images.read_image(data), MAX_DECODED), None
    except (images.AnimatedImageError, images.RefusedFormatError) as caveat:
        if isinstance(caveat, images.RefusedFormatError) and caveat.format in ("HEIC", "AVIF",
                                                                                "SVG"):
            raise  # nothing here decodes them: the page uses the size they declare
        first = memo("decode", (sha, True),
                     lambda: images.read_image(data, first_frame_ok=True), MAX_DECODED)
        return first, caveat


# --- the bundled samples: ours, not a visitor's, so decoded once per process and shared ---------

@st.cache_resource(max_entries=8, show_spinner=False)
def sample_image(path: str) -> images.LoadedImage:
    """A bundled sample, decoded once for every session (a still image; errors propagate)."""
    return images.read_image(Path(path).read_bytes())


@st.cache_resource(max_entries=16, show_spinner=False)
def sample_preview(sha256: str, size: tuple[int, int], _image) -> str:
    """A sample's preview at `size`, encoded once for every session."""
    return preview_data_url(_image, size)
