"""A small cache that lives in one browser session: what one visitor uploads stays theirs.

st.cache_data / st.cache_resource are shared by every session of the server; an upload's
decoded pixels, previews and payloads are kept here instead, a few entries per session (an
entry can be a decoded 100-megapixel image), oldest dropped first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def memo(name: str, key: Hashable, make: Callable[[], T], max_entries: int) -> T:
    """make(), computed once per `key` in this session; at most `max_entries` kept under `name`."""
    store = st.session_state.get(f"_session_cache_{name}")
    if not isinstance(store, OrderedDict):
        store = st.session_state[f"_session_cache_{name}"] = OrderedDict()
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = make()  # an exception leaves the cache as it was
    store[key] = value
    while len(store) > max_entries:
        store.popitem(last=False)
    return value
