"""A page of every Markdown sample, each escaped by calc.views.inert.md and rendered by Streamlit:
tests/browser/test_inert_markdown.py reads back what the browser shows."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # calc and tests, from the repo

import streamlit as st  # noqa: E402

from calc.views import inert  # noqa: E402
from tests.fakes.markdown_samples import samples  # noqa: E402

for i, text in enumerate(samples()):
    with st.container(key=f"sample_{i}"):
        st.markdown(inert.md(text))
        # As messages show it: inside the page's own emphasis, in an alert.
        st.error(f"**{inert.md(text)}** said")
