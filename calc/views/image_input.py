"""An image a visitor brings (upload, link, sample), read the way every page shows it.

The pages reach the image and URL adapters only through here: one place decides how a link is
fetched (always under the public-address policy) and how a file is decoded.
"""

from __future__ import annotations

from calc.adapters.images import AnimatedImageError, LoadedImage, RefusedFormatError, load
from calc.adapters.url_fetch import AddressPolicy, FetchedImage, fetch_image

__all__ = ["AnimatedImageError", "LoadedImage", "RefusedFormatError", "fetch_public",
           "read_image"]


def read_image(data: bytes, *, first_frame_ok: bool = False,
               max_side: int | None = None) -> LoadedImage:
    """Decode an uploaded or fetched file (EXIF applied, limits checked); ImageError if refused.
    `max_side`: only a copy fitted to it, for previews (calc.adapters.images.load)."""
    return load(data, first_frame_ok=first_frame_ok, max_side=max_side)


def fetch_public(url: str) -> FetchedImage:
    """Fetch an image link for a visitor: public addresses only, never loosened from a page."""
    return fetch_image(url, policy=AddressPolicy.public())
