"""Keep every page behind app.py's router, even on a first request that goes straight to a page."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_router() -> None:
    # With a folder named `pages/` beside app.py, Streamlit's first run of a fresh server falls
    # back to its old folder mode when the URL names a page: the page runs without app.py.
    # Switching that mode off and rerunning hands the request to app.py's st.navigation.
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
