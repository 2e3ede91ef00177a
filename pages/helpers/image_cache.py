"""The one decode cache the pages share: an image read once serves Explore and Verify alike."""

from __future__ import annotations

import hashlib

import streamlit as st

from calc.views import image_input as images


@st.cache_resource(max_entries=4, show_spinner=False)
def _decode(sha256: str, _data: bytes, first_frame_ok: bool) -> images.LoadedImage:
    """Keyed by the file's hash. cache_resource, not cache_data: cache_data would pickle a
    24-megapixel image on every rerun."""
    return images.read_image(_data, first_frame_ok=first_frame_ok)


def decode(data: bytes) -> tuple[images.LoadedImage, images.AnimatedImageError | None]:
    """The still image; for an animated one, its first frame and the reason (to show the user).

    Any other ImageError (corrupt, unsupported, too large) propagates for the page to report.
    """
    sha = hashlib.sha256(data).hexdigest()
    try:
        return _decode(sha, data, False), None
    except images.AnimatedImageError as animated:
        return _decode(sha, data, True), animated
