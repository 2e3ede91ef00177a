"""What both of Plan's views draw the same way: a table from calc.views.plan, the model picker,
uploads and editable tables that survive a trip to another page, bad rows, and image headers
read once per session."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from calc.views.model_choice import model_label, model_names
from calc.views.plan import workload as wl
from calc.views.plan.screen import MAX_TABLE_ROWS
from calc.views.plan.table import Table, shown
from pages.helpers.session_cache import memo

# An upload's parsed result is this visitor's: kept in their session (session_cache), a few at
# a time — a 1,000,000-row CSV's workload is ~100 MB — never in a cache shared by every session.
MAX_READ = 3


def show_table(table: Table, key: str, pin: str | None = None) -> None:
    """A table as calc.views.plan formatted it; `pin` keeps a column in view when the table
    scrolls sideways."""
    config = {pin: st.column_config.Column(pinned=True)} if pin else None
    st.dataframe(shown(table), hide_index=True, key=key, column_config=config)


def model_picker(key: str, label: str, families: tuple[str, ...], multi: bool, switch: str):
    ss = st.session_state
    show = st.toggle("Show shut-down models", key=switch)
    options = model_names(include_shut_down=show, families=families)
    chosen = ss.get(key)
    extra = [m for m in (chosen if isinstance(chosen, list) else [chosen]) if m and
             m not in options]
    options += extra  # a link's shut-down model stays selectable
    if multi:
        return st.multiselect(label, options, key=key, format_func=model_label)
    return st.selectbox(label, options, key=key, format_func=model_label)


def keep_upload(key: str) -> None:
    """on_change: remember what an uploader holds; it forgets when it leaves the page."""
    st.session_state[f"{key}_kept"] = st.session_state.get(key)


def uploaded(files, key: str):
    """This run's upload, else the one kept from before the uploader left the page."""
    if files:
        return files
    kept = st.session_state.get(f"{key}_kept")
    if kept:
        count = len(kept) if isinstance(kept, list) else 1
        st.caption(f"Using the {count:,} file{'s' if count > 1 else ''} uploaded before "
                   "(drop new ones above to replace them).")
    return kept


def editor_key(name: str) -> str:
    """An editable table's widget key: a new one each time its starting table is replaced."""
    return f"{name}_editor_{st.session_state.get(f'{name}_version', 0)}"


def keep_table(name: str) -> None:
    """An editor that was not drawn has lost its edits: make them its new starting table."""
    ss = st.session_state
    ss[f"{name}_base"] = ss.pop(f"{name}_current")
    ss[f"{name}_version"] = ss.get(f"{name}_version", 0) + 1


def read_images(key: tuple, files: list) -> wl.Workload:
    def read() -> wl.Workload:
        with st.spinner("Reading the image headers…"):
            return wl.read_images([(f.name, f.getvalue()) for f in files])

    return memo("plan_images", key, read, MAX_READ)


def show_bad_rows(workload: wl.Workload) -> None:
    bad, count = workload.bad_rows, workload.bad_count
    if not count:
        return
    label = str(bad.columns[0])  # line (CSV), row (Parquet, a table), name (an image)
    noun = {"name": "image"}.get(label, label) + ("" if count == 1 else "s")
    st.warning(f"{count:,} {noun} left out of the totals: the table says why.")
    st.dataframe(bad.head(MAX_TABLE_ROWS), hide_index=True, key=f"plan_bad_{label}",
                 column_config={c: st.column_config.Column(c.capitalize()) for c in bad.columns})
    if count > min(len(bad), MAX_TABLE_ROWS):
        st.caption(f"The first {min(len(bad), MAX_TABLE_ROWS):,} of {count:,} are shown.")


def sizes_editor(name: str, columns: dict, **options) -> pd.DataFrame:
    """An editable table of sizes whose edits survive the editor leaving the page."""
    ss = st.session_state
    edited = st.data_editor(ss[f"{name}_base"], key=editor_key(name), hide_index=True,
                            num_rows="dynamic", column_config=columns, **options)
    ss[f"{name}_current"] = edited
    return edited


def pixels(label: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, min_value=1, step=1, format="%d")
