"""The one decode cache the pages share: an image read once serves Explore and Verify alike.

Per browser session (session_cache), never across visitors, and two images at most: a decoded
24-megapixel photo is ~70 MB.
"""

from __future__ import annotations

import hashlib

from calc.views import image_input as images
from pages.helpers.session_cache import memo

MAX_DECODED = 2


def decode(data: bytes) -> tuple[images.LoadedImage, images.AnimatedImageError | None]:
    """The still image; for an animated one, its first frame and the reason (to show the user).

    Any other ImageError (corrupt, unsupported, too large) propagates for the page to report.
    """
    sha = hashlib.sha256(data).hexdigest()
    try:
        return memo("decode", (sha, False), lambda: images.read_image(data), MAX_DECODED), None
    except images.AnimatedImageError as animated:
        first = memo("decode", (sha, True),
                     lambda: images.read_image(data, first_frame_ok=True), MAX_DECODED)
        return first, animated
