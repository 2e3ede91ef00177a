"""Paste a request: the JSON body of responses.create or chat.completions.create, as the model
will see it — each image with its grid and its tokens or rejection, the text tokens, the total
and the price on every current model, and whether the API would take it at all. Collects input,
calls calc.views.request, renders.
"""

from __future__ import annotations

import hashlib

import streamlit as st

import calc
from calc.engine.clock import today
from calc.views import request as vr
from calc.views.inert import md
from calc.views.markup import text_html
from pages.helpers import page_state
from pages.helpers.router import ensure_router
from pages.helpers.session_cache import memo

ensure_router(__file__)  # a shared /request link still runs app.py (page config, menu, sidebar)

MAX_BODY_MB = 50  # the upload limit of .streamlit/config.toml; the API's own is 512 MB
VERDICT = {"accepted": st.success, "uncertain": st.warning, "refused": st.error}
STATUS = {"accepted": "accepted", "rejected": "rejected", "unknown": "size unknown"}
COLUMNS = 3


def _keep_state() -> None:
    """Defaults once; then keep the widgets' values while the page is not shown (Streamlit
    forgets a widget's value when another page runs)."""
    ss = st.session_state
    ss.setdefault("request_tier", "standard")
    ss.setdefault("request_fetch", False)
    for key in ("request_body", "request_tier", "request_fetch"):
        if key in ss:
            ss[key] = ss[key]


def _load_example() -> None:
    st.session_state["request_body"] = vr.example_body()


def _body() -> str:
    """The pasted body, or an uploaded .json file's text (the upload wins while it is there)."""
    left, right = st.columns([3, 1], vertical_alignment="top")
    left.text_area("Request body (JSON)", key="request_body", height=240,
                   placeholder='{"model": "gpt-6-sol", "input": [{"role": "user", "content": '
                               '[{"type": "input_text", "text": "…"}, {"type": "input_image", '
                               '"image_url": "data:image/png;base64,…"}]}]}',
                   help="What you would pass to client.responses.create or "
                        "client.chat.completions.create, as JSON.")
    with right:
        st.button("Load an example", on_click=_load_example, icon=":material/description:",
                  width="stretch")
        upload = st.file_uploader("…or a .json file", type=["json"], key="request_file",
                                  help=f"Up to {MAX_BODY_MB} MB.")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox("Price tier", calc.TIERS, key="request_tier", format_func=calc.tier_label,
                   help="The rate every model's price is given at (a model that does not offer "
                        "it has no price).")
    right.toggle("Fetch remote images", key="request_fetch",
                 help="Read the size of http(s) images by fetching them (public addresses "
                      "only). Off: their size is unknown.")
    if upload is not None:
        try:
            return upload.getvalue().decode("utf-8")
        except UnicodeDecodeError:
            st.error("That file is not UTF-8 text: a request body is JSON.")
            return ""
    return st.session_state.get("request_body") or ""


def _screen(body: str) -> vr.RequestScreen:
    """Worked out once per body, tier, fetch choice and day, in this session."""
    ss = st.session_state
    key = (hashlib.sha256(body.encode("utf-8")).hexdigest(), ss["request_tier"],
           bool(ss["request_fetch"]), today())
    return memo("request_screen", key,
                lambda: vr.request_screen(body, tier=ss["request_tier"],
                                          fetch_remote=bool(ss["request_fetch"])),
                max_entries=4)


def _card(card: vr.ImageCard) -> None:
    with st.container(border=True):
        st.html(text_html("", card.title, f" · {STATUS[card.status]}"))
        if card.picture is not None:
            st.html(card.picture)
        st.html(text_html(card.source, caption=True))
        st.html(text_html(card.facts, caption=True))
        st.html(text_html(card.outcome))
        for line in (card.way_out, *card.notes):
            if line:
                st.html(text_html(line, caption=True))


def _show(screen: vr.RequestScreen) -> None:
    VERDICT[screen.verdict_kind](md(screen.verdict))
    with st.container(horizontal=True, gap="small"):
        for m in screen.metrics:
            st.metric(m.label, m.value, help=m.help, border=True, width="content")
    for note in screen.notes:
        st.html(text_html(note, caption=True))
    if screen.cards:
        st.subheader("The images, as the model sees them")
        columns = st.columns(COLUMNS)
        for i, card in enumerate(screen.cards):
            with columns[i % COLUMNS]:
                _card(card)
        if screen.more:
            st.html(text_html(f"… and {screen.more:,} more images, counted above but not drawn.",
                              caption=True))
    st.subheader("On every current model")
    st.html(screen.models_html)
    st.html(text_html(screen.models_note, caption=True))
    st.download_button("Estimate JSON", data=screen.json, file_name="request-estimate.json",
                       mime="application/json", on_click="ignore", icon=":material/download:")
    st.html(text_html("Verify can send this request with your API key and show what the API "
                      "reports beside this estimate.", caption=True))


_keep_state()
st.title("Paste a request")
st.html(text_html("The body of a Responses or Chat Completions request, as the model will see "
                  "it: each image's grid and tokens, the text tokens (counted offline, "
                  "exactly), whether the API would take it, and its price on every model. "
                  "Nothing is sent to OpenAI.", caption=True))
body = _body()
page_state.hand_over_request(body, st.session_state["request_fetch"])  # Verify can send it
if not body.strip():
    st.info("Paste a request body — or load the example — to see it as the model will.")
else:
    try:
        screen = _screen(body)
    except calc.CalcError as error:
        st.error(md(f"This is not a request that can be estimated: {error}"))
    else:
        _show(screen)
