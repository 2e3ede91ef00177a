"""Pictures served by URL (pages/helpers/served_media.py): named by their content, served while
someone holds them, and never after."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import hashlib

from starlette.requests import Request

from pages.helpers import served_media

PICTURE = b"RIFF\x1a\x00\x00\x00WEBPVP8L a picture's bytes"


def get(name: str):
    """GET /patchwork/media/<name> through the app's own route."""
    (route,) = served_media.routes()
    assert route.path == "/patchwork/media/{name}"
    request = Request({"type": "http", "method": "GET", "path": f"/patchwork/media/{name}",
                       "headers": [], "query_string": b"", "path_params": {"name": name}})
    # on its own thread: after the browser tests, Playwright's loop is running on this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, route.endpoint(request)).result()


def test_a_picture_is_named_by_its_content_and_served_with_a_long_cache():
    served = served_media.serve(PICTURE, "image/webp", ".webp")
    name = hashlib.sha256(PICTURE).hexdigest() + ".webp"
    assert served.url == f"patchwork/media/{name}"  # relative: under the app's own root
    assert served_media.serve(PICTURE, "image/webp", ".webp") is served  # the same, once
    response = get(name)
    assert response.status_code == 200 and response.body == PICTURE
    assert response.media_type == "image/webp"
    assert response.headers["cache-control"] == "private, max-age=31536000, immutable"


def test_nothing_is_served_once_nobody_holds_it():
    data = PICTURE + b" held by one session"
    served = served_media.serve(data, "image/webp", ".webp")
    name = served.url.rsplit("/", 1)[1]
    assert get(name).status_code == 200
    del served  # the session's cache let it go (or the session ended)
    gc.collect()
    assert get(name).status_code == 404


def test_an_unknown_name_is_not_found():
    assert get("0" * 64 + ".webp").status_code == 404
    assert get("../../app.py").status_code == 404
