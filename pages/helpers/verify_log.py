"""Verify's calibration log: one SQLite file shared by every session, written as measurements
come in, shown as a table and a scatter of estimate against reported, downloaded as CSV, and
pruned row by row (a session deletes only its own rows)."""

from __future__ import annotations

import logging
import os

import pandas as pd
import streamlit as st

import calc
from calc.views import access as va
from calc.views import inert
from calc.views import verify as vv

LOG = logging.getLogger("patchwork")


@st.cache_resource(max_entries=4, show_spinner=False)
def open_log(path: str) -> vv.CalibrationLog:
    """One log object per file, shared by every session (thread-safe, WAL mode). The path is
    for the operator: logged here once, never shown to visitors."""
    log = vv.CalibrationLog(path)
    LOG.info("Patchwork calibration log: %s", path)
    return log


def log_row(row) -> str | None:
    """Append to the calibration log; the reason when it could not be written."""
    path = str(vv.default_path())
    try:
        open_log(path).add(row, session=st.session_state["patchwork_session"])
    except calc.CalcError as exc:  # the measurement is still shown; only the log entry is missing
        LOG.warning("calibration log %s: %s", path, exc)
        return f"this measurement could not be written to the calibration log: {exc}"
    return None


def delete_rows(path: str, session: str | None) -> None:
    """on_click: delete the picked rows and clear the pick (its options are about to change)."""
    s = st.session_state
    ids = [i for i in (s.get("verify_delete_ids") or []) if isinstance(i, int)]
    try:
        n = open_log(path).delete(ids, session=session)  # another session's ids delete nothing
        s["verify_log_notice"] = ("success", f"Deleted {vv.rows_word(n)}.")
    except calc.CalcError as exc:
        LOG.warning("calibration log %s: %s", path, exc)
        s["verify_log_notice"] = ("error", f"Could not delete: {exc}")
    s["verify_delete_ids"] = []


def log_section(config: dict) -> None:
    s = st.session_state
    st.subheader("Calibration log")
    path = str(vv.default_path())
    session = vv.log_session(va.switch(va.SHARED_LOG, config, os.environ),
                             s["patchwork_session"])
    try:
        log = open_log(path)
        rows = log.rows(session)
    except calc.CalcError as exc:  # the path is for the operator's log, not the page
        LOG.warning("calibration log %s: %s", path, exc)
        st.error(vv.LOG_UNAVAILABLE.format(inert.md(exc)))
        return
    st.caption(vv.log_caption(session is None))
    if s["verify_log_notice"]:
        getattr(st, s["verify_log_notice"][0])(inert.md(s["verify_log_notice"][1]))
        s["verify_log_notice"] = None
    if not rows:
        st.info("No measurements yet: count an image above or run a calibration.")
        return
    st.dataframe(pd.DataFrame(vv.log_records(rows)), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(rows), 420))
    chart, actions = st.columns([3, 2], gap="large")
    chart.plotly_chart(vv.scatter_figure(rows), width="stretch", config={"displayModeBar": False},
                       key="verify_scatter")
    actions.download_button("Download CSV", data=lambda: vv.log_csv(log, session),
                            on_click="ignore", file_name="patchwork-calibration.csv",
                            mime="text/csv", icon=":material/download:", key="verify_csv",
                            width="stretch")
    labels = {r.id: vv.row_label(r) for r in rows}
    picked = actions.multiselect("Rows to delete", list(labels), key="verify_delete_ids",
                                 format_func=labels.get, placeholder="Pick rows by id")
    actions.button(f"Delete {vv.rows_word(len(picked))}", disabled=not picked,
                   key="verify_delete", on_click=delete_rows, args=(path, session),
                   icon=":material/delete:", width="stretch")
