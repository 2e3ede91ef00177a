"""Pictures served by URL rather than written into the page.

Explore's preview went into st.html as a data: URL: 20–30 KB that every rerun sent again and every
browser parsed and sanitised again. Here a picture gets a URL named by its SHA-256: the page ships
only the URL, and the browser fetches the bytes once and keeps them (they never change under that
name).

What is served lives exactly as long as something else holds it: a visitor's session cache holds
the previews of what they brought (pages/helpers/session_cache.py: a few per session, gone with
the session), the bundled samples' previews are held for everyone (image_cache). The registry
here only finds them (weak references): it keeps nothing alive, so nothing a visitor brought
outlives their session, and a name nobody holds any more answers 404.

app.py's st.App serves routes() beside Streamlit's own.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import weakref

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PATH = "patchwork/media"  # beside Streamlit's own /media and /_stcore, never under them
# The name is the content's hash: the same name is always the same bytes.
CACHE_CONTROL = "private, max-age=31536000, immutable"


class Served:
    """Bytes served at `url` (relative to the app's root) while this object is referenced."""

    __slots__ = ("__weakref__", "data", "mime", "url")

    def __init__(self, data: bytes, mime: str, url: str):
        self.data, self.mime, self.url = data, mime, url

    @property
    def data_url(self) -> str:
        """The same bytes inline, for a page's first screen (see pages/explore.py)."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


_registry: weakref.WeakValueDictionary[str, Served] = weakref.WeakValueDictionary()
_lock = threading.Lock()  # sessions run on their own threads; requests on the event loop


def serve(data: bytes, mime: str, suffix: str) -> Served:
    """Serve `data` for as long as the caller keeps the returned object."""
    name = hashlib.sha256(data).hexdigest() + suffix
    with _lock:
        served = _registry.get(name)
        if served is None:
            served = _registry[name] = Served(data, mime, f"{PATH}/{name}")
    return served


async def _media(request: Request) -> Response:
    with _lock:
        served = _registry.get(request.path_params["name"])
    if served is None:
        return Response(status_code=404)
    return Response(served.data, media_type=served.mime,
                    headers={"Cache-Control": CACHE_CONTROL})


def routes() -> list[Route]:
    """The one route, under the server's base path if it has one (the page's URLs are relative,
    so they resolve there too)."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return [Route(f"{'/' + base if base else ''}/{PATH}/{{name}}", _media, methods=["GET"])]
