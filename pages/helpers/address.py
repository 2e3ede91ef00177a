"""The address bar: a page's settings written into it in place, never as a new history entry.

Streamlit 1.67 gives every real change written to st.query_params its own browser history entry
(its frontend pushes one whenever the query string changes; streamlit/streamlit#16831 kept that
on purpose), so the browser's Back would step through every setting before it left the page.
Widgets bound to the URL (bind="query-params") replace the entry instead, but a bound widget's
parameter leaves the URL while the widget is not drawn (Plan's hidden view) and a bad value in a
link is corrected silently. So a page writes its query here: a few lines of script replace the
current entry's address (history.replaceState), and Back and Forward step between pages.

Streamlit's own copy of the query string is left as the page found it; the pages read the query
only on a session's first visit (a shared link or a reload), and those read the address bar.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st

from pages.helpers import page_state

MARKER = "data-patchwork-address"
_RUNS = itertools.count()  # a new body every run, so the browser runs the script every run
# Waits until the browser shows this page's path: after a page switch Streamlit updates the path
# a moment after the page's first elements arrive, and the previous page's entry must not be
# rewritten. A newer call (the next run) supersedes a waiting one.
_SCRIPT = """<script %s>(() => {
  const d = %s;
  const mine = window.__patchworkAddress = {};
  const until = Date.now() + 30000;
  const put = () => {
    if (window.__patchworkAddress !== mine) return;
    const at = location.pathname.replace(/^\\/+|\\/+$/g, "");
    if (d.path !== null && at !== d.path) {
      if (Date.now() < until) setTimeout(put, 50);
      return;
    }
    if (location.search !== d.search)
      history.replaceState(history.state, "", location.pathname + d.search + location.hash);
  };
  put();
})();</script>"""


def search(query: Mapping[str, str]) -> str:
    """The address's query part for `query` ("" for none); commas and colons kept readable."""
    return f"?{urlencode(query, safe=',:')}" if query else ""


def show(query: Mapping[str, str]) -> None:
    """Put `query` in the address bar of the page on screen, replacing its history entry."""
    on_screen = page_state.url_path()
    base = st.get_option("server.baseUrlPath").strip("/")
    path = None if on_screen is None else "/".join(p for p in (base, on_screen) if p)
    data = json.dumps({"search": search(query), "path": path, "run": next(_RUNS)})
    data = data.replace("<", "\\u003c")
    st.html(_SCRIPT % (MARKER, data), unsafe_allow_javascript=True)
