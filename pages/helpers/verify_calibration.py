"""Verify's calibration run: one model's sizes counted free, one size per rerun so a Stop click
gets in between, each point logged as soon as it is measured, the fit shown when it ends."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import calc
from calc.views import access as va
from calc.views import inert
from calc.views import verify as vv
from calc.views.calibration import CalibrationJob, calibration_sizes, measurer
from calc.views.model_choice import model_label
from pages.helpers.verify_calls import client, set_value
from pages.helpers.verify_log import log_row


def start_calibration(model: str) -> None:
    """on_click: a new run, measured one size per rerun so it can be stopped."""
    set_value("verify_calib_job", CalibrationJob(model, calibration_sizes(model),
                                                 vv.CALIBRATION_DETAIL))
    st.session_state.pop("verify_calib_error", None)


def step(job: CalibrationJob, settings: dict, access: va.Access) -> None:
    """Measure the run's next size (two free count calls, each bounded by the client's
    timeouts), logging each point as soon as it is measured."""
    s = st.session_state
    st.progress(*vv.calibration_progress(len(job.done), len(job.sizes), job.model))
    record = vv.calibration_recorder(job.model, settings["rules"], log_row)

    def keep(m, w, h) -> None:
        s["verify_calib_log_problem"] = record(m, w, h) or s.get("verify_calib_log_problem")

    try:
        job.step(vv.recording(measurer(client(access), model=job.model,
                                       detail=vv.CALIBRATION_DETAIL), keep))
    except calc.CalcError as exc:  # a client that cannot be built: the run ends here
        job.error = str(exc)


def calibration_section(settings: dict, access: va.Access) -> bool:
    """The calibration controls; True when a run is under way (the page then reruns)."""
    s = st.session_state
    st.subheader("Calibration run")
    st.caption(vv.CALIBRATION_INTRO)
    s.setdefault("verify_calib_model", settings["model"])
    c1, c2 = st.columns([2, 3])
    model = c1.selectbox("Model to calibrate", vv.model_options(s["verify_calib_model"]),
                         key="verify_calib_model", format_func=model_label)
    c2.caption(vv.calibration_plan(calibration_sizes(model)))
    job = s["verify_calib_job"]
    running = job is not None and not job.finished
    b1, b2 = st.columns(2)
    b1.button(f"Run calibration on {model} (free)", key="verify_calib_go",
              disabled=not access.ready or running, on_click=start_calibration, args=(model,),
              help=None if access.ready else "add an API key (and a usable endpoint) above")
    b2.button("Stop the run", key="verify_calib_stop", disabled=not running,
              on_click=job and job.stop)
    if running and access.ready:
        step(job, settings, access)
    if job is not None and (job.finished or not access.ready):
        s["verify_calibration"], s["verify_calib_job"] = job.result(), None
        if s["verify_calibration"].error:  # an API error, or a stop
            s["verify_calib_error"] = inert.scrub(s["verify_calibration"].error, access.key)
    if s["verify_calibration"] is not None and s["verify_calib_job"] is None:
        show_calibration(vv.calibration_view(s["verify_calibration"]))
    return s["verify_calib_job"] is not None


def show_calibration(view: vv.CalibrationView) -> None:
    if st.session_state.get("verify_calib_error"):
        st.error(f"The run stopped: {inert.md(st.session_state['verify_calib_error'])}")
    problem = st.session_state.pop("verify_calib_log_problem", None)
    if problem:
        st.warning(inert.md(problem))
    getattr(st, view.level)(view.verdict)
    for column, (label, value) in zip(st.columns(3), view.metrics, strict=True):
        column.metric(label, value, border=True)
    if view.records:
        st.dataframe(pd.DataFrame(view.records), hide_index=True, width="stretch")
    for note in view.notes:
        st.caption(note)
