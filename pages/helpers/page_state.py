"""The few session keys that cross pages, in one place.

Streamlit forgets a widget's value when a run ends without drawing the widget: on every trip to
another page (the page's script does not run at all) and while one of Plan's views is hidden.
A page that must come back as it was keeps its widgets' values here (`keep`) and has them put
back on its next run. Explore hands its image and choice to Verify here, and Paste a request its
body; the router notes which page is on screen (for arrivals, links and the address bar:
pages/helpers/address.py) and that it has rerouted a page once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

SHARED_IMAGE = "shared_image"  # Explore → Verify: the image on screen (None: a size only)
SHARED_CHOICE = "shared_choice"  # Explore → Verify: model, detail, fidelity, rules, tier
SHARED_REQUEST = "shared_request"  # Paste a request → Verify: the body, and whether to fetch
_ON_SCREEN = "page_on_screen"  # the file of the page the last run showed
_BEFORE = "page_before"  # the file of the page the run before it showed
_LANDED = "page_landed"  # the file of the session's first page
_URL_PATH = "page_url_path"  # the url path of the page on screen
_REROUTED = "router_rerun"  # a page found itself outside app.py once and went through it
_MEMORY = "{page}_memory"  # a page's widget values, kept while it is not on screen


def keep(page: str, first: Callable[[], Mapping[str, Any]]) -> bool:
    """Top of every full run of `page`: its widgets' values, kept across trips and hidden views.

    The session's first run fills them from `first()` (a shared link, else the defaults) and
    returns True. A run that arrives from another page puts every kept value back; any other
    remembers the widgets' values (the latest: the visitor's, or a callback's). Every value is
    set again each run: once a widget is not drawn, its key shows the value last set under it,
    which must be the latest, not one from before the widget was ever drawn."""
    state = st.session_state
    key = _MEMORY.format(page=page)
    fresh = key not in state
    if fresh:
        state[key] = dict(first())
    memory = state[key]
    back = fresh or arrived()
    for name in memory:
        if not back and name in state:
            memory[name] = state[name]
        state[name] = memory[name]
    return fresh


def remember(page: str) -> None:
    """Top of a fragment's run: what its widgets hold now, in case the next run is another
    page's. Nothing is set: the rest of the page is on screen as it was."""
    state = st.session_state
    memory = state.get(_MEMORY.format(page=page), {})
    for name in memory:
        if name in state:
            memory[name] = state[name]


def hand_over(image: Mapping[str, Any] | None, choice: Mapping[str, Any]) -> None:
    """Explore's image and choice, for Verify."""
    st.session_state[SHARED_IMAGE] = None if image is None else dict(image)
    st.session_state[SHARED_CHOICE] = dict(choice)


def handed_over() -> tuple[Any, Any, bool]:
    """What Explore handed over: the image, the choice, and whether Explore has run at all."""
    state = st.session_state
    return state.get(SHARED_IMAGE), state.get(SHARED_CHOICE), SHARED_CHOICE in state


def hand_over_request(body: str | None, fetch_remote: bool) -> None:
    """Paste a request's body (None: none pasted) for Verify, and whether remote images may be
    fetched to read their sizes."""
    st.session_state[SHARED_REQUEST] = (dict(body=body, fetch=bool(fetch_remote))
                                        if body and body.strip() else None)


def handed_request() -> tuple[str, bool] | None:
    """What Paste a request handed over: (body, fetch remote images), or None."""
    shared = st.session_state.get(SHARED_REQUEST)
    if not isinstance(shared, dict) or not isinstance(shared.get("body"), str):
        return None
    return shared["body"], bool(shared.get("fetch"))


def on_screen(page_file: str) -> None:
    """Every run of every page (pages/helpers/router.ensure_router): this page is on screen."""
    state = st.session_state
    state[_BEFORE] = state.get(_ON_SCREEN)
    state[_ON_SCREEN] = page_file
    state.setdefault(_LANDED, page_file)


def arrived() -> bool:
    """Whether this run of the page came from another page."""
    return st.session_state.get(_BEFORE) != st.session_state.get(_ON_SCREEN)


def landed_here() -> bool:
    """Whether the session began on the page on screen: only then is the address a link to it.
    (A trip from another page brings that page's address along, which is not this page's.)"""
    return st.session_state.get(_LANDED) == st.session_state.get(_ON_SCREEN)


def served_at(url_path: str) -> None:
    """The router: the page on screen is served at `url_path` ("" for the default page)."""
    st.session_state[_URL_PATH] = url_path


def url_path() -> str | None:
    """The url path of the page on screen; None when no router ran (a page tested alone)."""
    return st.session_state.get(_URL_PATH)


def first_reroute() -> bool:
    """The router: True once per session, when a page first runs outside app.py."""
    if _REROUTED in st.session_state:
        return False
    st.session_state[_REROUTED] = True
    return True
