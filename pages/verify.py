"""Verify: the estimate next to what the API reports, and a calibration log.

Collects input, calls calc (views.verify, views.verify_request, views.calibration, views.access)
and renders. A call that costs money is made only in the run that follows a click on a button
labelled with its cost, never on a rerun. The API key is read, used to build a client and
dropped: it is never rendered, logged, stored in the calibration log or put in the URL.
Hosted for a team, calc.views.access decides whose key goes where and what may be billed.
"""

from __future__ import annotations

import logging
import os
import secrets
from decimal import Decimal

import pandas as pd
import streamlit as st

import calc
from calc.engine.compare import detail_for, fidelity_for
from calc.views import access as va
from calc.views import inert
from calc.views import verify as vv
from calc.views import verify_request as vreq
from calc.views.calibration import CalibrationJob, calibration_sizes, measurer
from calc.views.model_choice import model_label, model_names
from pages.helpers import page_state
from pages.helpers.image_cache import decode
from pages.helpers.operator_settings import operator_settings
from pages.helpers.router import ensure_router
from pages.helpers.session_cache import memo

ensure_router(__file__)  # a link straight to /verify still runs app.py (page config, menu, sidebar)

UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "gif"]
TIMEOUT_S = 20.0  # read timeout: a large image takes a while to upload, a page not minutes
LOG = logging.getLogger("patchwork")
SOURCES = ("From Explore", "Upload here")


@st.cache_resource(max_entries=4, show_spinner=False)
def _open_log(path: str) -> vv.CalibrationLog:
    """One log object per file, shared by every session (thread-safe, WAL mode). The path is
    for the operator: logged here once, never shown to visitors."""
    log = vv.CalibrationLog(path)
    LOG.info("Patchwork calibration log: %s", path)
    return log


def _init_state() -> None:
    s = st.session_state
    for name, value in (("verify_results", {}), ("verify_errors", {}),  # by cache key
                        ("verify_request_results", {}), ("verify_request_errors", {}),
                        ("verify_key_typed", None), ("verify_base_typed", None),
                        ("verify_calibration", None), ("verify_calib_job", None),
                        ("verify_log_notice", None),
                        ("verify_spent_usd", Decimal(0))):  # on the operator's key
        s.setdefault(name, value)
    # This browser session's id: its calibration rows carry it. Random, never the key.
    s.setdefault("patchwork_session", secrets.token_hex(16))


def _take_typed_key() -> None:
    """Keep a typed key out of the widget once entered, so it is not sent back to the page."""
    s = st.session_state
    s["verify_key_typed"] = (s.get("verify_key_field") or "").strip() or s["verify_key_typed"]
    s["verify_key_field"] = ""


def _set(name: str, value) -> None:  # on_click / on_change: one session value
    st.session_state[name] = value


def _take_base_url() -> None:
    _set("verify_base_typed", (st.session_state.get("verify_base_field") or "").strip() or None)


def _request(kind: str, key: tuple, force: bool = False) -> None:
    """on_click: note what was asked. The next run does it once and forgets the request."""
    _set("verify_request", dict(kind=kind, key=key, force=force))


def _client(access: va.Access):
    return vv.make_client(access.key, access.base_url, timeout=TIMEOUT_S, policy=access.policy)


def _key_section(access: va.Access) -> None:
    panel = vv.key_panel(access, st.session_state["verify_spent_usd"])
    with st.container(border=True):
        c1, c2 = st.columns([4, 1])
        c1.markdown(panel.mode)
        if panel.forget:
            c2.button("Forget the key", on_click=_set, args=("verify_key_typed", None),
                      key="verify_forget")
            # Only with a key typed here: the app's own key never goes to a typed endpoint.
            st.session_state.setdefault("verify_base_field",
                                        st.session_state["verify_base_typed"] or "")
            st.text_input("Base URL (optional: another OpenAI-compatible endpoint for your key)",
                          key="verify_base_field", on_change=_take_base_url,
                          placeholder=access.base_url, max_chars=va.MAX_URL_LENGTH)
        else:
            st.text_input(panel.key_field, type="password", key="verify_key_field",
                          on_change=_take_typed_key, placeholder="sk-…",
                          help="Kept in this browser session only: never shown, logged or "
                               "stored.")
        if panel.problem:
            st.error(panel.problem)
        if panel.unencrypted:  # nothing is sent until the visitor confirms
            st.warning(panel.unencrypted, icon=":material/lock_open:")
            st.button(panel.confirm, key="verify_http_ok", icon=":material/lock_open:",
                      on_click=_set, args=("verify_http_confirmed", access.base_url))
        elif panel.confirmed:
            st.caption(panel.confirmed)


def _image_section(choice: dict) -> tuple[vv.LoadedImage | None, str]:
    st.subheader("The image")
    shared, _, explore_ran = page_state.handed_over()
    shared = vv.handed_picture(shared)
    source = SOURCES[1]
    if shared is not None:
        source = st.segmented_control("Image", SOURCES, key="verify_source", required=True,
                                      default=SOURCES[0], label_visibility="collapsed")
    elif explore_ran:
        st.caption("Explore has no picture to share (a typed size only, or nothing yet): "
                   "upload the image here.")
    if source == SOURCES[0]:
        st.caption(vv.image_caption(shared["label"], shared["image"].info, choice))
        return shared["image"], shared["label"]
    upload = st.file_uploader("An image file (PNG, JPEG, WEBP or GIF)", type=UPLOAD_TYPES,
                              key="verify_upload")
    if upload is None:
        return None, ""
    label = inert.short(upload.name)
    try:
        loaded, animated = decode(upload.getvalue())
    except calc.ImageError as e:
        st.error(inert.md(f"{label}: {e}"))
        return None, ""
    if animated is not None:
        st.warning(inert.md(f"{animated} The first frame is what is measured."))
        label += " (first frame)"
    st.caption(vv.image_caption(label, loaded.info))
    return loaded, label


def _pick(column, label: str, key: str, options: list, wanted: str) -> str:
    """A segmented control whose value is always one of `options` (a new model may lack it)."""
    if st.session_state.get(key) != wanted:
        st.session_state[key] = wanted
    return column.segmented_control(label, options, key=key, required=True)


def _settings(choice: dict) -> dict:
    """Model, detail and fidelity for this page, starting from Explore's choice."""
    s = st.session_state
    names = model_names()  # current models: the API no longer serves shut-down ones
    s.setdefault("verify_model", choice["model"] if choice["model"] in names else names[0])
    if s["verify_model"] not in names:
        names.append(s["verify_model"])
    c1, c2, c3 = st.columns([4, 3, 2])
    model = c1.selectbox("Model", names, key="verify_model", format_func=model_label)
    m = calc.resolve_model(model)
    detail = _pick(c2, "Detail", "verify_detail", list(m.details),
                   detail_for(m, s.get("verify_detail", choice["detail"]))[0])
    fidelity = "low"
    if m.family == "image":
        fidelity = _pick(c3, "Input fidelity", "verify_fidelity", list(m.fidelities),
                         fidelity_for(m, s.get("verify_fidelity", choice["fidelity"]))[0])
        if fidelity == "high":
            c3.caption("The API calls here send no fidelity: expect the measurement to miss "
                       "the high-fidelity tokens.")
    else:
        c3.caption("Input fidelity applies to gpt-image models only.")
    return dict(choice, model=model, detail=detail, fidelity=fidelity)


def _spend(access: va.Access, bound, actual=None, *, settle: bool = False) -> None:
    """Before a billed call its bound counts (a call that fails half-way may still be billed);
    after it, its real cost, once known."""
    spending = va.spending(access, st.session_state["verify_spent_usd"])
    spending = spending.settled(bound, actual) if settle else spending.counted(bound)
    st.session_state["verify_spent_usd"] = spending.spent


def _log_row(row) -> str | None:
    """Append to the calibration log; the reason when it could not be written."""
    path = str(vv.default_path())
    try:
        _open_log(path).add(row, session=st.session_state["patchwork_session"])
    except calc.CalcError as exc:  # the measurement is still shown; only the log entry is missing
        LOG.warning("calibration log %s: %s", path, exc)
        return f"this measurement could not be written to the calibration log: {exc}"
    return None


def _call(store: str, key: tuple, access: va.Access, bound, call):
    """Make one call (its bound counted against the cap first): its result, kept in
    `store`_results, or None with the failure's message (key-free, actionable) in
    `store`_errors, under `key`. Nothing else is lost."""
    s = st.session_state
    s[f"{store}_errors"].pop(key, None)
    _spend(access, bound)
    try:
        with st.spinner(f"Asking {access.host} …"):
            result = call(_client(access))
    except calc.CalcError as exc:  # MeasureError, PayloadTooLargeError
        s[f"{store}_errors"][key] = inert.scrub(str(exc), access.key)
        return None
    vv.remember(s[f"{store}_results"], key, result)
    return result


def _action(label: str, key: str, blocked: str | None, args: tuple, access: va.Access) -> None:
    st.button(label, type="primary", disabled=blocked is not None, key=key, on_click=_request,
              args=args, help=blocked)
    if blocked and access.key is not None:
        st.caption(vv.dollars(f"🚫 Disabled: {blocked}."))  # our own words


def _show(view: vv.ResultView | None, error: str | None, cached: bool) -> None:
    if error:
        st.error(inert.md(error))
    if view is None:
        return
    getattr(st, view.level)(view.verdict)
    for column, (label, value) in zip(st.columns(3), view.metrics, strict=True):
        column.metric(label, value, border=True)
    st.dataframe(pd.DataFrame(view.rows, columns=["what", "value"]), hide_index=True,
                 width="stretch")
    if view.reply:  # scrubbed when received; shown as the characters sent
        st.caption(f"The model's reply: “{inert.md(inert.short(view.reply, 500))}”")
    if cached:
        st.caption(vv.cached_note(view.measured_at))


def _measure_section(loaded, check: vv.ImageCheck, settings, access: va.Access,
                     request: dict | None) -> None:
    s = st.session_state
    st.subheader("Measure")
    method = st.segmented_control("Method", list(vv.METHOD_LABELS), key="verify_method",
                                  format_func=vv.METHOD_LABELS.get, required=True,
                                  default="count")
    preview = check.previews[method]
    st.caption(vv.dollars(("💳 Billed: " if preview.billed else "🆓 ") + preview.text))
    blocked = vv.measure_block(access, preview, s["verify_spent_usd"])
    ckey = vv.cache_key(loaded.sha256, settings["model"], settings["detail"],
                        settings["fidelity"], method, access.host)
    _action(preview.button, "verify_go", blocked, ("measure", ckey), access)
    fresh, bound = None, preview.usd if preview.billed else None
    if (blocked is None and request is not None and request["key"] == ckey
            and (request["force"] or ckey not in s["verify_results"])):
        url = memo("verify_payload", loaded.sha256, lambda: vv.image_payload(loaded.image),
                   max_entries=1)  # encoding a large photo takes seconds: once per image
        fresh = _call("verify", ckey, access, bound, lambda client: vv.measure(
            client, method, estimate=check.estimate, image_url=url, detail=settings["detail"]))
    if fresh is not None:
        _spend(access, bound, fresh.measurement.cost_usd, settle=True)
        problem = _log_row(vv.row_from_measurement(
            fresh.measurement, width=loaded.info.width, height=loaded.info.height,
            estimate=check.estimate.tokens, fidelity=settings["fidelity"]))
        if problem:
            st.warning(inert.md(inert.scrub(problem, access.key)))
    result = s["verify_results"].get(ckey)
    _show(result and vv.result_view(result), s["verify_errors"].get(ckey),
          cached=result is not None and fresh is None)
    if result is not None:
        again = vv.measure_block(access, preview, s["verify_spent_usd"])  # what was just spent
        st.button(vv.again_label(preview), key="verify_again", disabled=bool(again),
                  on_click=_request, args=("measure", ckey, True), help=again)
        if again and again != blocked:
            st.caption(vv.dollars(f"🚫 Disabled: {again}."))


def _request_section(access: va.Access, request: dict | None) -> None:
    """The request Paste a request handed over: its estimate, what is sent, what came back."""
    handed = page_state.handed_request()
    if handed is None:
        return
    s = st.session_state
    st.subheader("The pasted request")
    body, fetch = handed
    try:  # worked out once per body: a data URL's header is decoded, a remote image maybe fetched
        plan = memo("verify_request_plan", vreq.body_key(body, fetch),
                    lambda: vreq.plan_request(body, fetch_remote=fetch), max_entries=1)
    except calc.CalcError as exc:
        st.error(inert.md(f"The body on Paste a request is not a request that can be sent: {exc}"))
        return
    for line in (plan.summary, vreq.sent_note(plan), f"💳 Billed: {plan.text}"):
        st.caption(inert.md(line))
    if plan.unknown and not plan.refused:
        st.checkbox(f"Send it with the {plan.unknown} image(s) of unknown size (their tokens "
                    "are not in the estimate)", key="verify_send_unknown")
    blocked = vv.access_block(access) or vreq.send_block(
        plan, access, s["verify_spent_usd"], bool(s.get("verify_send_unknown")))
    rkey = vreq.send_key(plan, access.host)
    _action(plan.button, "verify_send", blocked, ("send", rkey, True), access)
    if blocked is None and request is not None and request["key"] == rkey:
        sent = _call("verify_request", rkey, access, plan.usd, lambda c: vreq.send(c, plan))
        if sent is not None:
            _spend(access, plan.usd, sent.usage.cost_usd, settle=True)
    result = s["verify_request_results"].get(rkey)
    _show(result and vreq.result_view(result), s["verify_request_errors"].get(rkey), False)


def _key_models_section(access: va.Access, request: dict | None) -> None:
    """GET /v1/models (free), held against the catalogue (docs/metering.md §12)."""
    s = st.session_state
    st.subheader("Models your key can use")
    st.button("List them (free)", key="verify_list_models", icon=":material/list:",
              disabled=not access.ready, on_click=_request, args=("models", ("models",)),
              help=None if access.ready else "Needs an API key and a usable endpoint (see "
                                             "above).")
    if request is not None and request["kind"] == "models" and access.ready:
        s.pop("verify_key_models_error", None)
        try:
            with st.spinner("Asking the API which models this key can use …"):
                s["verify_key_models"] = vv.key_models(vv.list_models(_client(access)))
        except calc.ApiError as exc:
            s["verify_key_models_error"] = inert.scrub(str(exc), access.key)
    if s.get("verify_key_models_error"):
        st.error(inert.md(s["verify_key_models_error"]))
    if s.get("verify_key_models"):
        st.dataframe(pd.DataFrame(vv.key_model_records(s["verify_key_models"])),
                     hide_index=True, width="stretch")
        for note in vv.key_model_notes(s["verify_key_models"]):  # from the API: shown inert
            st.warning(inert.md(note), icon=":material/new_releases:")


def _start_calibration(model: str) -> None:
    """on_click: a new run, measured one size per rerun so it can be stopped."""
    _set("verify_calib_job", CalibrationJob(model, calibration_sizes(model),
                                            vv.CALIBRATION_DETAIL))
    st.session_state.pop("verify_calib_error", None)


def _calibration_section(settings: dict, access: va.Access) -> bool:
    """The calibration controls; True when a run is under way (the page then reruns)."""
    s = st.session_state
    st.subheader("Calibration run")
    st.caption(vv.CALIBRATION_INTRO)
    names = model_names()
    s.setdefault("verify_calib_model", settings["model"])
    if s["verify_calib_model"] not in names:
        names.append(s["verify_calib_model"])
    c1, c2 = st.columns([2, 3])
    model = c1.selectbox("Model to calibrate", names, key="verify_calib_model",
                         format_func=model_label)
    c2.caption(vv.calibration_plan(calibration_sizes(model)))
    job = s["verify_calib_job"]
    running = job is not None and not job.finished
    b1, b2 = st.columns(2)
    b1.button(f"Run calibration on {model} (free)", key="verify_calib_go",
              disabled=not access.ready or running, on_click=_start_calibration, args=(model,),
              help=None if access.ready else "add an API key (and a usable endpoint) above")
    b2.button("Stop the run", key="verify_calib_stop", disabled=not running,
              on_click=job and job.stop)
    if running and access.ready:
        st.progress(len(job.done) / len(job.sizes),
                    text=f"Calibrating {job.model}: {len(job.done)} of {len(job.sizes)} sizes")

        record = vv.calibration_recorder(job.model, settings["rules"], _log_row)

        def keep(m, w, h) -> None:  # each point is logged as soon as it is measured
            s["verify_calib_log_problem"] = record(m, w, h) or s.get("verify_calib_log_problem")

        try:  # one size: two free count calls, each bounded by the client's timeouts
            job.step(vv.recording(measurer(_client(access), model=job.model,
                                           detail=vv.CALIBRATION_DETAIL), keep))
        except calc.CalcError as exc:  # a client that cannot be built: the run ends here
            job.error = str(exc)
    if job is not None and (job.finished or not access.ready):
        s["verify_calibration"], s["verify_calib_job"] = job.result(), None
        if s["verify_calibration"].error:  # an API error, or a stop
            s["verify_calib_error"] = inert.scrub(s["verify_calibration"].error, access.key)
    if s["verify_calibration"] is not None and s["verify_calib_job"] is None:
        _show_calibration(vv.calibration_view(s["verify_calibration"]))
    return s["verify_calib_job"] is not None


def _show_calibration(view: vv.CalibrationView) -> None:
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


def _delete_rows(path: str, session: str | None) -> None:
    """on_click: delete the picked rows and clear the pick (its options are about to change)."""
    s = st.session_state
    ids = [i for i in (s.get("verify_delete_ids") or []) if isinstance(i, int)]
    try:
        n = _open_log(path).delete(ids, session=session)  # another session's ids delete nothing
        s["verify_log_notice"] = ("success", f"Deleted {n} row{'s' if n != 1 else ''}.")
    except calc.CalcError as exc:
        LOG.warning("calibration log %s: %s", path, exc)
        s["verify_log_notice"] = ("error", f"Could not delete: {exc}")
    s["verify_delete_ids"] = []


def _log_section(config: dict) -> None:
    s = st.session_state
    st.subheader("Calibration log")
    path = str(vv.default_path())
    session = vv.log_session(va.switch(va.SHARED_LOG, config, os.environ),
                             s["patchwork_session"])
    try:
        log = _open_log(path)
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
    actions.button(f"Delete {len(picked)} row{'s' if len(picked) != 1 else ''}",
                   disabled=not picked, key="verify_delete", on_click=_delete_rows,
                   args=(path, session), icon=":material/delete:", width="stretch")


_init_state()
# The click's request, taken at once: whatever happens below, no later rerun finds it again.
request_now = st.session_state.pop("verify_request", None)
st.title("Verify")
st.caption("The estimate next to what the API reports — with your own key. Counting is free; "
           "a billed check happens only when you press a button that shows its cost.")
config_now = operator_settings(warn=True)
state = st.session_state
access_now = va.resolve(config_now, os.environ, state["verify_key_typed"],
                        state["verify_base_typed"], state.get("verify_http_confirmed"))
_key_section(access_now)
choice_now = vv.handed_choice(page_state.handed_over()[1])
loaded_now, _ = _image_section(choice_now)
settings_now = _settings(choice_now)
check_now = vv.image_check(None if loaded_now is None else loaded_now.info.size, settings_now)
if check_now.problem:
    st.error(check_now.problem)
if check_now.metric:
    st.metric(*check_now.metric)
if access_now.key is None:
    st.info(vv.no_key_help(check_now.previews, settings_now["model"]))
if check_now.estimate is not None:
    _measure_section(loaded_now, check_now, settings_now, access_now, request_now)
elif loaded_now is None:
    st.info("Bring an image — on Explore, or upload it above — to compare its estimate with "
            "what the API reports.")
_request_section(access_now, request_now)
_key_models_section(access_now, request_now)
calibrating = _calibration_section(settings_now, access_now)
_log_section(config_now)
if calibrating:  # the next size in the next run: a Stop click gets in between
    st.rerun()
