"""Patchwork: the router. Page config, navigation and the shared sidebar; nothing else."""

import logging

import streamlit as st

import calc

st.set_page_config(page_title="Patchwork — what an image costs", page_icon="🧩", layout="wide")

pages = [
    st.Page("pages/explore.py", title="Explore", icon="🔍", url_path="explore", default=True),
    st.Page("pages/plan.py", title="Plan", icon="📊", url_path="plan"),
    st.Page("pages/verify.py", title="Verify", icon="✅", url_path="verify"),
    st.Page("pages/metered.py", title="How it's metered", icon="📐", url_path="metered"),
]
page = st.navigation(pages)

with st.sidebar:
    st.markdown("### 🧩 Patchwork")
    st.caption("What an image costs on OpenAI's vision models — with the working shown on the "
               "picture.")
    book = calc.catalogue()
    st.caption(f"Prices and rules as of **{book.as_of}** · {len(book.models)} models  \n"
               f"Source: {book.source}")
    # Streamlit serves no repository file, so a link to docs/metering.md would break: link the
    # page that shows it (its first tab) and name the file.
    st.page_link(next(p for p in pages if p.url_path == "metered"),
                 label="The rules: docs/metering.md", icon=":material/menu_book:")

try:
    page.run()
except Exception:  # the page boundary: the traceback is for the operator, not the visitor
    logging.getLogger("patchwork").exception("page %s failed", page.title)
    st.error("Something went wrong on this page. It has been logged for the operator; try "
             "again, or reload the page.")
