"""Explore's four ways to bring an image — an upload, a link, a bundled sample, a width and
height — and the image they put on screen.

The image on screen is `explore_current` in the session: a dict of kind ("upload", "url",
"sample", "size"), label, size, the decoded image (None for a size only), url and sample. It
survives an input that fails: a file that cannot be read leaves the last image on screen, with
the reason beside it. What the file says is worked out in calc.views.explore (`bring`).
"""

from __future__ import annotations

import functools

import streamlit as st

import calc
from calc.engine.estimate import MAX_SIDE
from calc.views.explore import bring
from calc.views.image_input import fetch_public
from calc.views.inert import md, short
from calc.views.markup import text_html
from calc.views.samples import sample, samples
from pages.helpers.image_cache import decode, sample_image

SOURCES = ("Upload", "Image URL", "Sample", "Width × height")
# The API takes the first five; the others are taken too, to say so and give their size.
UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff", "heic", "heif", "svg"]


def start() -> None:
    """Every run: the image on screen, the last input tried and what it said."""
    state = st.session_state
    state.setdefault("explore_current", None)  # the image on screen (survives failed inputs)
    state.setdefault("explore_processed", None)  # the last input tried, so it runs once
    state.setdefault("explore_messages", [])  # what that input said: [(level, text)]


def set_current(kind: str, label: str, size: tuple[int, int], loaded=None, url=None,
                 sample_name=None) -> None:
    st.session_state["explore_current"] = dict(kind=kind, label=label, size=size, loaded=loaded,
                                               url=url, sample=sample_name)


def _use_bytes(data: bytes, kind: str, label: str, url=None, sample_name=None) -> list:
    """Decode and make current; a refused file leaves the current image as it was."""
    with st.spinner("Reading the image …"):
        brought = bring(label, lambda: decode(data))
    if brought.size is not None:
        set_current(kind, brought.label, brought.size, brought.loaded, url, sample_name)
    return list(brought.messages)


def _use_sample(name: str) -> list:
    """A bundled sample: decoded once per process (warmed at server start), shared."""
    chosen = sample(name)
    try:
        loaded = sample_image(str(chosen.path))
    except OSError as e:  # a damaged checkout: say so rather than fail
        return [("error", f"The sample {chosen.title!r} cannot be read ({e.strerror or e}).")]
    except calc.ImageError as e:
        return [("error", f"{short(chosen.title)}: {e}")]
    set_current("sample", short(chosen.title), loaded.info.size, loaded, sample_name=name)
    return []


def _use_size(w: int, h: int) -> list:
    set_current("size", f"{w}×{h} (size only)", (w, h))
    return []


def _fetch(url: str) -> list:
    try:
        with st.spinner(f"Fetching {md(short(url))} …"):
            fetched = fetch_public(url)
    except calc.FetchError as e:
        return [("error", f"Could not use that URL: {e}")]
    return _use_bytes(fetched.data, "url", url, url=url)


def _keep_upload() -> None:
    """The uploader's on_change: Streamlit runs it before the next script run, whichever page
    that run is for. A file dropped just before another page was opened is kept here (Streamlit
    forgets the uploader's file while another page is shown) and used on return."""
    upload = st.session_state.get("explore_upload")
    if upload is not None:
        st.session_state["explore_pending_upload"] = (upload.file_id, upload.name,
                                                      upload.getvalue())


def bring_image() -> None:
    """The four ways in. Each new input is tried once; its messages stay until the next one."""
    # wrap: in a narrow column the four options take two rows rather than scroll sideways
    source = st.segmented_control("Bring an image", SOURCES, key="explore_source", required=True,
                                  wrap=True)
    key, run = None, None
    if source == "Upload":
        upload = st.file_uploader("An image file (PNG, JPEG, WEBP or GIF)", type=UPLOAD_TYPES,
                                  key="explore_upload", on_change=_keep_upload)
        pending = st.session_state.pop("explore_pending_upload", None)
        if upload is not None:  # its bytes read only if it is new
            key = ("upload", upload.file_id)
            run = lambda: _use_bytes(upload.getvalue(), "upload", upload.name)  # noqa: E731
        elif pending is not None:  # dropped just before another page was opened
            file_id, name, data = pending
            key, run = ("upload", file_id), functools.partial(_use_bytes, data, "upload", name)
        elif (current := st.session_state["explore_current"]) and current["kind"] == "upload":
            # Streamlit empties the uploader while another page is shown; the image is kept.
            st.caption(f":material/check_circle: Using **{md(current['label'])}** — drop another "
                       "file to replace it.")
    elif source == "Image URL":
        with st.form("explore_url_form", border=False):
            url = st.text_input("Image URL (http or https)", key="explore_url",
                                placeholder="https://example.com/photo.jpg")
            fetch_now = st.form_submit_button("Fetch")
        if url.strip():
            key, run = ("url", url.strip()), functools.partial(_fetch, url.strip())
            if fetch_now:  # the same URL again: fetch again
                st.session_state["explore_processed"] = None
    elif source == "Sample":
        name = st.selectbox("Sample image", [s.name for s in samples()], key="explore_sample",
                            format_func=lambda n: sample(n).title)
        st.html(text_html(sample(name).description, caption=True))
        key, run = ("sample", name), functools.partial(_use_sample, name)
    else:
        c1, c2 = st.columns(2)
        w = c1.number_input("Width (px)", min_value=1, max_value=MAX_SIDE, step=1,
                            key="explore_w")
        h = c2.number_input("Height (px)", min_value=1, max_value=MAX_SIDE, step=1,
                            key="explore_h")
        key, run = ("size", int(w), int(h)), functools.partial(_use_size, int(w), int(h))
    if key is not None and key != st.session_state["explore_processed"]:
        st.session_state["explore_processed"] = key
        st.session_state["explore_messages"] = run()
    for level, text in st.session_state["explore_messages"]:
        (st.error if level == "error" else st.warning)(md(text))
