"""The few session keys that cross pages, in one place.

Streamlit forgets a widget's value when a run ends without drawing the widget: on every trip to
another page (the page's script does not run at all) and while one of Plan's views is hidden.
A page that must come back as it was keeps its widgets' values here (`keep`) and has them put
back on its next run. Explore hands its image and choice to Verify here, and the router notes
which page is on screen, for the address bar (pages/helpers/address.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

SHARED_IMAGE = "shared_image"  # Explore → Verify: the image on screen (None: a size only)
SHARED_CHOICE = "shared_choice"  # Explore → Verify: model, detail, fidelity, rules, tier
_ON_SCREEN = "page_on_screen"  # the url path of the page the last full run showed
_LANDED = "page_landed"  # the url path of the session's first page
_MEMORY = "{page}_memory"  # a page's widget values, kept while it is not on screen


def keep(page: str, first: Callable[[], Mapping[str, Any]]) -> bool:
    """Call at the top of every run of `page` (and of its fragments). The first run of the
    session fills the widgets from `first()` (a shared link, else the defaults) and returns True;
    every run puts back the values Streamlit dropped, and remembers the others."""
    state = st.session_state
    key = _MEMORY.format(page=page)
    fresh = key not in state
    if fresh:
        state[key] = dict(first())
    memory = state[key]
    for name, value in memory.items():
        if name in state:
            memory[name] = state[name]  # the latest: a widget's, or one a callback set
        else:
            state[name] = value
    return fresh


def hand_over(image: Mapping[str, Any] | None, choice: Mapping[str, Any]) -> None:
    """Explore's image and choice, for Verify."""
    st.session_state[SHARED_IMAGE] = None if image is None else dict(image)
    st.session_state[SHARED_CHOICE] = dict(choice)


def handed_over() -> tuple[Any, Any, bool]:
    """What Explore handed over: the image, the choice, and whether Explore has run at all."""
    state = st.session_state
    return state.get(SHARED_IMAGE), state.get(SHARED_CHOICE), SHARED_CHOICE in state


def on_screen(url_path: str) -> None:
    """The router: this run shows the page served at `url_path` ("" for the default page)."""
    st.session_state[_ON_SCREEN] = url_path
    st.session_state.setdefault(_LANDED, url_path)


def landed_here() -> bool:
    """Whether the session began on the page on screen: only then is the address a link to it.
    (A trip from another page brings that page's address along, which is not this page's.)"""
    return st.session_state.get(_LANDED) == st.session_state.get(_ON_SCREEN)


def url_path() -> str | None:
    """The url path of the page on screen; None when no router ran (a page tested alone)."""
    return st.session_state.get(_ON_SCREEN)

