"""Verify: the estimate next to what the API reports, and a calibration log.

A thin page: it collects input, calls calc (views.verify, views.calibration) and renders. A call
that costs money is made only in the run that follows a click on a button labelled with its cost,
never on a rerun. The API key is read, used to build a client and dropped: it is never rendered,
logged, stored in the calibration log or put in the URL.

Hosted for a team (calc.views.access): the operator's key goes only to the operator's endpoint;
a visitor's own endpoint needs a key they typed; billed checks on the operator's key are off
unless the operator turns them on, and capped per session. Each browser session has a random
id: its calibration rows are its own unless the operator shares the log.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import calc
from calc.engine.clock import today
from calc.engine.compare import detail_for, fidelity_for
from calc.engine.pricing import format_usd
from calc.views import access as va
from calc.views import inert
from calc.views import verify as vv
from calc.views import verify_request as vreq
from calc.views.calibration import CalibrationJob, calibration_sizes, measurer
from calc.views.model_choice import DEFAULT_MODEL, model_label, model_names
from pages.helpers import page_state
from pages.helpers.image_cache import decode
from pages.helpers.operator_settings import operator_settings
from pages.helpers.router import ensure_router
from pages.helpers.session_cache import memo

ensure_router(__file__)  # a link straight to /verify still runs app.py (page config, menu, sidebar)

UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "gif"]
TIMEOUT_S = 20.0  # read timeout: a large image takes a while to upload, a page not minutes
LOG = logging.getLogger("patchwork")
RULE_LABELS = {"billing": "billing (measured)", "documented": "documented (guide)"}
DEFAULT_CHOICE = {"model": DEFAULT_MODEL, "detail": "auto", "fidelity": "low", "rules": "billing",
                  "tier": "standard"}
SOURCES = ("From Explore", "Upload here")
CALIBRATION_DETAIL = "high"  # the calibration sizes isolate the high-detail rules


def _md(text: str) -> str:
    """Our own Markdown: a pair of dollar signs would otherwise be typeset as maths."""
    return text.replace("$", "\\$")


# --- cached resources ---------------------------------------------------------------------

@st.cache_resource(max_entries=4, show_spinner=False)
def _open_log(path: str) -> vv.CalibrationLog:
    """One log object per file, shared by every session (it is thread-safe, WAL mode). The path
    is for the operator: logged here once, never shown to visitors."""
    log = vv.CalibrationLog(path)
    LOG.info("Patchwork calibration log: %s", path)
    return log


def _payload(sha256: str, image) -> str:
    """The data URL sent: encoding a large photo takes seconds, so once per image (this
    session's last image only: a payload can be tens of MB)."""
    return memo("verify_payload", sha256, lambda: vv.image_payload(image), max_entries=1)


# --- state ----------------------------------------------------------------------------------

def _init_state() -> None:
    s = st.session_state
    s.setdefault("verify_results", {})  # cache key → VerifyResult
    s.setdefault("verify_errors", {})  # cache key → the last failure's message
    s.setdefault("verify_key_typed", None)  # a key typed here: this session only
    s.setdefault("verify_base_typed", None)
    s.setdefault("verify_calibration", None)  # the last CalibrationResult
    s.setdefault("verify_calib_job", None)  # a CalibrationJob in progress
    s.setdefault("verify_log_notice", None)
    s.setdefault("verify_spent_usd", Decimal(0))  # billed on the operator's key this session
    s.setdefault("verify_request_results", {})  # a pasted request's key → RequestResult
    s.setdefault("verify_request_errors", {})
    # This browser session's id: its calibration rows carry it. Random, never the key.
    s.setdefault("patchwork_session", secrets.token_hex(16))


def _take_typed_key() -> None:
    """Keep a typed key out of the widget once entered, so it is not sent back to the page."""
    s = st.session_state
    typed = (s.get("verify_key_field") or "").strip()
    if typed:
        s["verify_key_typed"] = typed
    s["verify_key_field"] = ""


def _forget_typed_key() -> None:
    st.session_state["verify_key_typed"] = None


def _take_base_url() -> None:
    s = st.session_state
    s["verify_base_typed"] = (s.get("verify_base_field") or "").strip() or None


# --- the key and the endpoint ---------------------------------------------------------------

def _credentials(config: dict) -> va.Access:
    s = st.session_state
    return va.resolve(config, os.environ, s["verify_key_typed"], s["verify_base_typed"],
                      s.get("verify_http_confirmed"))


def _confirm_http(base_url: str) -> None:
    """on_click: the visitor accepts that their key goes to this plain-http endpoint."""
    st.session_state["verify_http_confirmed"] = base_url


def _mode_line(access: va.Access) -> str:
    """Which mode the page is in, in one line of our own Markdown."""
    host = inert.md(access.host)
    if access.owner == va.VISITOR:
        return (f"🔑 **Your own key** (typed here, this browser session only) → **{host}**. "
                "Billed checks are charged to your key.")
    where = va.where(access.key_source, va.KEY_NAME)
    if access.billed_allowed:
        billed = (f"billed checks on: this session may spend up to ${access.cap_usd} "
                  f"(spent {format_usd(st.session_state['verify_spent_usd'])})")
    else:
        billed = "billed checks off (Count and calibration are free)"
    return (f"🔑 **The app's key** (from {where}) → **{host}**, the endpoint the operator "
            f"configured; {billed}.")


def _key_section(access: va.Access) -> None:
    with st.container(border=True):
        if access.key is None:
            st.markdown("**No API key yet.** Everything else on this page works without one; "
                        "measuring needs your own OpenAI key.")
        else:
            c1, c2 = st.columns([4, 1])
            c1.markdown(_md(_mode_line(access)))
            if access.owner == va.VISITOR:
                c2.button("Forget the key", on_click=_forget_typed_key, key="verify_forget")
        if access.owner != va.VISITOR:
            label = ("OpenAI API key" if access.key is None else
                     "Or use your own OpenAI API key (then you may also choose the endpoint)")
            st.text_input(label, type="password", key="verify_key_field",
                          on_change=_take_typed_key, placeholder="sk-…",
                          help="Kept in this browser session only: never shown, logged or "
                               "stored.")
        else:
            # Only with a key typed here: the app's own key never goes to a typed endpoint.
            st.session_state.setdefault("verify_base_field",
                                        st.session_state["verify_base_typed"] or "")
            st.text_input("Base URL (optional: another OpenAI-compatible endpoint for your key)",
                          key="verify_base_field", on_change=_take_base_url,
                          placeholder=access.base_url, max_chars=va.MAX_URL_LENGTH)
        if access.problem:
            st.error(f"Base URL: {inert.md(access.problem)}.")
        if access.unencrypted:  # nothing is sent until the visitor confirms
            st.warning(f"**{inert.md(access.host)}**: {inert.md(access.unencrypted)}.",
                       icon=":material/lock_open:")
            st.button(f"Send my key to {inert.md(access.host)} unencrypted", key="verify_http_ok",
                      on_click=_confirm_http, args=(access.base_url,),
                      icon=":material/lock_open:")
        elif access.owner == va.VISITOR and va.plain_http_warning(access.base_url):
            st.caption(f"🔓 You confirmed that your key goes to {inert.md(access.host)} "
                       "unencrypted (plain http).")


def _no_key_help(previews: dict[str, vv.CostPreview] | None, model: str) -> None:
    cost = ("Bring an image to see what a billed check of it would cost."
            if previews is None else
            f"For this image on {model}: **Count** is free; a **Run** costs "
            f"{_cost_words(previews['run'])}; **Chat Completions** "
            f"{_cost_words(previews['chat'])} (two calls).")
    st.info(_md(
        "**To measure, add an OpenAI API key** in one of three ways:\n\n"
        "1. Copy `.streamlit/secrets.toml.example` to `.streamlit/secrets.toml` and put your key "
        "in `OPENAI_API_KEY` (the file is git-ignored), then restart the app;\n"
        "2. or set the environment variable `OPENAI_API_KEY` before starting the app;\n"
        "3. or paste it in the field above: it stays in this browser session only.\n\n"
        f"What a check costs: {cost} Nothing is sent until you press a button."))


def _cost_words(p: vv.CostPreview) -> str:
    return "an unknown amount (no price in the catalogue)" if p.usd is None \
        else f"at most about {format_usd(p.usd)}"


# --- the image and the choice -----------------------------------------------------------------

def _shared() -> tuple[dict | None, dict]:
    shared, handed, _ = page_state.handed_over()
    # Duck-typed: a LoadedImage made before a module reload is another class, but still fine.
    picture = shared.get("image") if isinstance(shared, dict) else None
    if not all(hasattr(picture, a) for a in ("image", "info", "sha256")):
        shared = None
    choice = dict(DEFAULT_CHOICE)
    if isinstance(handed, dict):
        choice.update({k: v for k, v in handed.items() if k in DEFAULT_CHOICE})
    return shared, choice


def _uploaded() -> tuple[vv.LoadedImage | None, str]:
    upload = st.file_uploader("An image file (PNG, JPEG, WEBP or GIF)", type=UPLOAD_TYPES,
                              key="verify_upload")
    if upload is None:
        return None, ""
    try:
        loaded, animated = decode(upload.getvalue())
    except calc.ImageError as e:
        st.error(inert.md(f"{inert.short(upload.name)}: {e}"))
        return None, ""
    if animated is not None:
        st.warning(inert.md(f"{animated} The first frame is what is measured."))
        return loaded, f"{inert.short(upload.name)} (first frame)"
    return loaded, inert.short(upload.name)


def _image_section(shared: dict | None, choice: dict) -> tuple[vv.LoadedImage | None, str]:
    st.subheader("The image")
    if shared is not None:
        source = st.segmented_control("Image", SOURCES, key="verify_source", required=True,
                                      default=SOURCES[0], label_visibility="collapsed")
    else:
        source = SOURCES[1]
        if page_state.handed_over()[2]:
            st.caption("Explore has no picture to share (a typed size only, or nothing yet): "
                       "upload the image here.")
    if source == SOURCES[0]:
        loaded, label = shared["image"], shared["label"]
        st.caption(f"From Explore: **{inert.md(label)}** · {loaded.info.format} · "
                   f"{loaded.info.width}×{loaded.info.height} px · chosen there: "
                   f"{choice['model']}, detail {choice['detail']}, fidelity "
                   f"{choice['fidelity']}, {RULE_LABELS.get(choice['rules'], choice['rules'])} "
                   "rules")
        return loaded, label
    loaded, label = _uploaded()
    if loaded is not None:
        st.caption(f"**{inert.md(label)}** · {loaded.info.format} · {loaded.info.width}×"
                   f"{loaded.info.height} px (EXIF orientation applied)")
    return loaded, label


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
    detail_now = detail_for(m, s.get("verify_detail", choice["detail"]))[0]
    if s.get("verify_detail") != detail_now:  # first visit, or the new model lacks that level
        s["verify_detail"] = detail_now
    detail = c2.segmented_control("Detail", m.details, key="verify_detail", required=True)
    fidelity = "low"
    if m.family == "image":
        fidelity_now = fidelity_for(m, s.get("verify_fidelity", choice["fidelity"]))[0]
        if s.get("verify_fidelity") != fidelity_now:
            s["verify_fidelity"] = fidelity_now
        fidelity = c3.segmented_control("Input fidelity", m.fidelities, key="verify_fidelity",
                                        required=True)
        if fidelity == "high":
            c3.caption("The API calls here send no fidelity: expect the measurement to miss "
                       "the high-fidelity tokens.")
    else:
        c3.caption("Input fidelity applies to gpt-image models only.")
    return dict(model=model, detail=detail, fidelity=fidelity, rules=choice["rules"],
                tier=choice["tier"])


# --- measuring ---------------------------------------------------------------------------------

def _request(kind: str, key: tuple, force: bool = False) -> None:
    """on_click: note what was asked. The next run does it once and forgets the request."""
    st.session_state["verify_request"] = dict(kind=kind, key=key, force=force)


def _client(access: va.Access):
    return vv.make_client(access.key, access.base_url, timeout=TIMEOUT_S, policy=access.policy)


def _count_spending(access: va.Access, bound) -> None:
    """Before a billed call: its bound counts (a call that fails half-way may still be billed)."""
    s = st.session_state
    s["verify_spent_usd"] = va.spending(access, s["verify_spent_usd"]).counted(bound).spent


def _settle_spending(access: va.Access, bound, actual) -> None:
    """After it: the real cost, once known, in place of the bound."""
    s = st.session_state
    s["verify_spent_usd"] = va.spending(access, s["verify_spent_usd"]).settled(bound, actual).spent


def _log_row(row) -> str | None:
    """Append to the calibration log; the reason when it could not be written."""
    path = str(vv.default_path())
    try:
        _open_log(path).add(row, session=st.session_state["patchwork_session"])
    except calc.CalcError as exc:  # the measurement is still shown; only the log entry is missing
        LOG.warning("calibration log %s: %s", path, exc)
        return f"this measurement could not be written to the calibration log: {exc}"
    return None


def _measure(method: str, ckey: tuple, loaded: vv.LoadedImage, est: calc.Estimate,
             settings: dict, access: va.Access, preview: vv.CostPreview) -> bool:
    """Measure once; True when a result came back (a failure's message is kept by cache key)."""
    s = st.session_state
    s["verify_errors"].pop(ckey, None)
    bound = preview.usd if preview.billed else None
    _count_spending(access, bound)
    try:
        with st.spinner(f"{vv.METHOD_LABELS[method]}: asking {access.host} …"):
            url = _payload(loaded.sha256, loaded.image)
            result = vv.measure(_client(access), method, estimate=est, image_url=url,
                                detail=settings["detail"])
    except calc.CalcError as exc:  # MeasureError, PayloadTooLargeError: key-free, actionable
        s["verify_errors"][ckey] = inert.scrub(str(exc), access.key)
        return False
    _settle_spending(access, bound, result.measurement.cost_usd)
    vv.remember(s["verify_results"], ckey, result)
    w, h = loaded.info.size
    problem = _log_row(vv.row_from_measurement(result.measurement, width=w, height=h,
                                            estimate=est.tokens, fidelity=settings["fidelity"]))
    if problem:
        st.warning(inert.md(inert.scrub(problem, access.key)))
    return True


def _show_result(r: vv.VerifyResult, fresh: bool) -> None:
    level, text = vv.verdict_line(r.comparison)
    getattr(st, level)(_md(text))
    c = r.comparison
    m1, m2, m3 = st.columns(3)
    m1.metric("Estimate", f"{c.estimate:,}", border=True)
    m2.metric("Reported by the API", f"{c.reported:,}", border=True)
    pct = "" if c.percent is None else f" ({c.percent:+.1f} %)"
    m3.metric("Difference", f"{c.difference:+,}{pct}", border=True)
    rows = vv.result_rows(r)
    st.dataframe(pd.DataFrame(rows, columns=["what", "value"]), hide_index=True, width="stretch")
    if r.measurement.reply_text:  # scrubbed when received; shown as the characters sent
        st.caption(f"The model's reply: “{inert.md(inert.short(r.measurement.reply_text, 500))}”")
    if not fresh:
        st.caption(f"🗂️ **cached result**, measured {r.measured_at.replace('T', ' ')[:19]} UTC: "
                   "pressing the button again shows it without calling the API; "
                   "**Measure again** makes a new measurement.")


def _why_disabled(access: va.Access, preview: vv.CostPreview) -> str | None:
    """Why the measure button is disabled, in words (None when it is not)."""
    blocked = vv.access_block(access)
    if blocked:
        return blocked
    if preview.billed:
        return va.billed_block(access, preview.usd, st.session_state["verify_spent_usd"])
    return None


def _measure_section(loaded, est, settings, access: va.Access,
                     previews: dict[str, vv.CostPreview], request: dict | None) -> None:
    s = st.session_state
    st.subheader("Measure")
    method = st.segmented_control("Method", list(vv.METHOD_LABELS), key="verify_method",
                                  format_func=vv.METHOD_LABELS.get, required=True,
                                  default="count")
    preview = previews[method]
    st.caption(_md(("💳 Billed: " if preview.billed else "🆓 ") + preview.text))
    blocked = _why_disabled(access, preview)
    ready = blocked is None
    ckey = vv.cache_key(loaded.sha256, settings["model"], settings["detail"],
                        settings["fidelity"], method, access.host)
    st.button(preview.button, type="primary", disabled=not ready, key="verify_go",
              on_click=_request, args=("measure", ckey), help=blocked)
    if blocked and access.key is not None:
        st.caption(_md(f"🚫 Disabled: {blocked}."))

    asked = (request is not None and request["kind"] == "measure" and request["key"] == ckey
             and ready)
    fresh = False
    if asked and (request["force"] or ckey not in s["verify_results"]):
        fresh = _measure(method, ckey, loaded, est, settings, access, preview)

    if ckey in s["verify_errors"]:
        st.error(inert.md(s["verify_errors"][ckey]))
    result = s["verify_results"].get(ckey)
    if result is not None:
        _show_result(result, fresh)
        again_blocked = _why_disabled(access, preview)  # what was just spent counts
        st.button(vv.again_label(preview), key="verify_again", disabled=bool(again_blocked),
                  on_click=_request, args=("measure", ckey, True), help=again_blocked)
        if again_blocked and again_blocked != blocked:
            st.caption(_md(f"🚫 Disabled: {again_blocked}."))


# --- a pasted request --------------------------------------------------------------------------

def _request_plan(body: str, fetch: bool) -> vreq.RequestPlan:
    """Worked out once per body (a data URL's header is decoded, a remote image maybe fetched)."""
    key = (hashlib.sha256(body.encode("utf-8")).hexdigest(), fetch, today())
    return memo("verify_request_plan", key,
                lambda: vreq.plan_request(body, fetch_remote=fetch), max_entries=1)


def _send(plan: vreq.RequestPlan, rkey: tuple, access: va.Access) -> None:
    """Send once; the result or the failure's message is kept under the request's key."""
    s = st.session_state
    s["verify_request_errors"].pop(rkey, None)
    _count_spending(access, plan.usd)
    try:
        with st.spinner(f"Sending the request to {access.host} …"):
            result = vreq.send(_client(access), plan)
    except calc.CalcError as exc:  # MeasureError: key-free, actionable; the body stays
        s["verify_request_errors"][rkey] = inert.scrub(str(exc), access.key)
        return
    _settle_spending(access, plan.usd, result.usage.cost_usd)
    vv.remember(s["verify_request_results"], rkey, result)


def _request_section(access: va.Access, request: dict | None) -> None:
    """The request Paste a request handed over: its estimate, what is sent, and what came back."""
    handed = page_state.handed_request()
    if handed is None:
        return
    s = st.session_state
    st.subheader("The pasted request")
    try:
        plan = _request_plan(*handed)
    except calc.CalcError as exc:
        st.error(inert.md(f"The body on Paste a request is not a request that can be sent: {exc}"))
        return
    st.caption(inert.md(plan.summary))
    st.caption(inert.md(vreq.sent_note(plan)))
    if plan.unknown and not plan.refused:
        st.checkbox(f"Send it with the {plan.unknown} image(s) of unknown size (their tokens "
                    "are not in the estimate)", key="verify_send_unknown")
    st.caption(inert.md(f"💳 Billed: {plan.text}"))
    blocked = vv.access_block(access) or vreq.send_block(
        plan, access, s["verify_spent_usd"], bool(s.get("verify_send_unknown")))
    rkey = (hashlib.sha256(repr(sorted(plan.body.items())).encode()).hexdigest(), access.host)
    st.button(plan.button, type="primary", disabled=blocked is not None, key="verify_send",
              on_click=_request, args=("send", rkey, True), help=blocked)
    if blocked:
        st.caption(inert.md(f"🚫 Not sent: {blocked}."))
    elif request is not None and request["kind"] == "send" and request["key"] == rkey:
        _send(plan, rkey, access)
    if rkey in s["verify_request_errors"]:
        st.error(inert.md(s["verify_request_errors"][rkey]))
    result = s["verify_request_results"].get(rkey)
    if result is not None:
        level, text = vreq.verdict_line(result)
        getattr(st, level)(inert.md(text))
        m1, m2, m3 = st.columns(3)
        m1.metric("Estimate (image + text)", f"{result.estimate.input_tokens:,}", border=True)
        m2.metric("Reported input tokens", f"{result.usage.input_tokens:,}", border=True)
        m3.metric("Reported − estimate", f"{result.difference:+,}", border=True)
        st.dataframe(pd.DataFrame(vreq.result_rows(result), columns=["what", "value"]),
                     hide_index=True, width="stretch")


# --- calibration -------------------------------------------------------------------------------

def _start_calibration(model: str) -> None:
    """on_click: a new run, measured one size per rerun so it can be stopped."""
    st.session_state["verify_calib_job"] = CalibrationJob(model, calibration_sizes(model),
                                                          CALIBRATION_DETAIL)
    st.session_state.pop("verify_calib_error", None)


def _stop_calibration() -> None:
    job = st.session_state.get("verify_calib_job")
    if job is not None:
        job.stop()


def _calibration_section(settings: dict, access: va.Access) -> bool:
    """The calibration controls; True when a run is under way (the page then reruns)."""
    s = st.session_state
    st.subheader("Calibration run")
    st.caption("A handful of sizes chosen to isolate one model's rules, counted with the free "
               "endpoint; the measured constants are compared with the catalogue under both "
               "rule sets. Every point goes into the log below.")
    names = model_names()
    s.setdefault("verify_calib_model", settings["model"])
    if s["verify_calib_model"] not in names:
        names.append(s["verify_calib_model"])
    c1, c2 = st.columns([2, 3])
    model = c1.selectbox("Model to calibrate", names, key="verify_calib_model",
                         format_func=model_label)
    sizes = calibration_sizes(model)
    c2.caption(f"{len(sizes)} sizes at detail {CALIBRATION_DETAIL}: "
               + ", ".join(f"{w}×{h}" for w, h in sizes)
               + f" — {2 * len(sizes)} free count calls.")
    job = s["verify_calib_job"]
    running = job is not None and not job.finished
    b1, b2 = st.columns(2)
    b1.button(f"Run calibration on {model} (free)", key="verify_calib_go",
              disabled=not access.ready or running, on_click=_start_calibration, args=(model,),
              help=None if access.ready else "add an API key (and a usable endpoint) above")
    b2.button("Stop the run", key="verify_calib_stop", disabled=not running,
              on_click=_stop_calibration)
    if job is not None and not job.finished and access.ready:
        _calibration_step(job, settings, access)
    if job is not None and (job.finished or not access.ready):
        s["verify_calibration"] = job.result()
        s["verify_calib_job"] = None
        if s["verify_calibration"].error:  # an API error, or a stop
            s["verify_calib_error"] = inert.scrub(s["verify_calibration"].error, access.key)
        job = None
    result = s["verify_calibration"]
    if result is not None and job is None:
        _show_calibration(result)
    return job is not None and not job.finished


def _calibration_step(job: CalibrationJob, settings: dict, access: va.Access) -> None:
    """One size of the run: two free count calls, each bounded by the client's timeouts."""
    done, total = len(job.done), len(job.sizes)
    st.progress(done / total, text=f"Calibrating {job.model}: {done} of {total} sizes")

    def record(m, w, h) -> None:  # each point is logged as soon as it is measured
        est = calc.tokens(w, h, job.model, CALIBRATION_DETAIL, "low", settings["rules"])
        problem = _log_row(vv.row_from_measurement(m, width=w, height=h, estimate=est))
        if problem:
            st.session_state["verify_calib_log_problem"] = problem

    try:
        fn = vv.recording(measurer(_client(access), model=job.model, detail=CALIBRATION_DETAIL),
                          record)
    except calc.CalcError as exc:  # a client that cannot be built: the run ends here
        job.error = str(exc)
        return
    job.step(fn)


def _key_models_section(access: va.Access, request: dict | None) -> None:
    """GET /v1/models (free), held against the catalogue (spec §9): dated ids resolved, new ids
    listed, each shutdown_date beside the catalogue's and flagged where they differ."""
    st.subheader("Models your key can use")
    st.button("List them (free)", key="verify_list_models", icon=":material/list:",
              disabled=not access.ready, on_click=_request, args=("models", ("models",)),
              help=None if access.ready else "Needs an API key and a usable endpoint (see "
                                             "above).")
    if request is not None and request["kind"] == "models" and access.ready:
        try:
            with st.spinner("Asking the API which models this key can use …"):
                listed = vv.list_models(_client(access))
            st.session_state["verify_key_models"] = vv.key_models(listed)
            st.session_state.pop("verify_key_models_error", None)
        except calc.ApiError as exc:
            st.session_state["verify_key_models_error"] = inert.scrub(str(exc), access.key)
    error = st.session_state.get("verify_key_models_error")
    if error:
        st.error(inert.md(error))
    rows = st.session_state.get("verify_key_models")
    if not rows:
        return
    st.dataframe(pd.DataFrame(vv.key_model_records(rows)), hide_index=True, width="stretch")
    for note in vv.key_model_notes(rows):  # ids and dates come from the API: shown inert
        st.warning(inert.md(note), icon=":material/new_releases:")


def _show_calibration(result) -> None:
    error = st.session_state.get("verify_calib_error")
    if error:
        st.error(f"The run stopped: {inert.md(error)}")
    problem = st.session_state.pop("verify_calib_log_problem", None)
    if problem:
        st.warning(inert.md(problem))
    level = "success" if result.fits else "warning"
    getattr(st, level)(f"**{result.model}:** {inert.md(result.verdict)}")
    c1, c2, c3 = st.columns(3)
    c1.metric("Measured", vv.calibration_fit(result), border=True)
    c2.metric("Catalogue, billing rules", result.catalogue["billing"], border=True)
    c3.metric("Catalogue, documented rules", result.catalogue["documented"], border=True)
    if result.points:
        st.dataframe(pd.DataFrame(vv.calibration_records(result)), hide_index=True,
                     width="stretch")
    for note in result.notes:
        st.caption(f"ℹ️ {inert.md(note)}")


# --- the log -----------------------------------------------------------------------------------

def _log_session(config: dict) -> str | None:
    """Whose rows this session sees: its own, or everyone's when the operator shares the log."""
    return None if va.switch(va.SHARED_LOG, config, os.environ) \
        else st.session_state["patchwork_session"]


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


def _scatter(rows) -> go.Figure:
    lo, hi = vv.scatter_extent(rows)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="estimate = reported",
                             line=dict(color="#9aa5ad", dash="dash"), hoverinfo="skip"))
    for method, label in vv.METHOD_LABELS.items():
        picked = [r for r in rows if r.method == method]
        if picked:
            fig.add_trace(go.Scatter(
                x=[r.estimate for r in picked], y=[r.reported for r in picked], mode="markers",
                name=label, marker=dict(size=9, opacity=0.8),
                text=[vv.row_label(r) for r in picked],
                hovertemplate="%{text}<br>estimate %{x:,}<br>reported %{y:,}<extra></extra>"))
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10),
                      xaxis_title="estimated image tokens", yaxis_title="reported image tokens",
                      legend=dict(orientation="h", y=1.08), plot_bgcolor="#fbfaf7")
    return fig


def _log_section(config: dict) -> None:
    s = st.session_state
    st.subheader("Calibration log")
    path = str(vv.default_path())
    session = _log_session(config)
    try:
        log = _open_log(path)
        rows = log.rows(session)
    except calc.CalcError as exc:  # the path is for the operator's log, not the page
        LOG.warning("calibration log %s: %s", path, exc)
        st.error(f"The calibration log could not be opened ({inert.md(exc)}). Measuring still "
                 "works, but nothing is kept: the operator can set PATCHWORK_CALIBRATION_DB to "
                 "a writable file and restart.")
        return
    whose = ("every session's measurements (the operator shares this log)" if session is None
             else "the measurements made in this browser session")
    st.caption(f"Kept on the server (SQLite): {whose}. No key is ever stored: only the "
               "endpoint's host.")
    notice = s.get("verify_log_notice")
    if notice:
        getattr(st, notice[0])(inert.md(notice[1]))
        s["verify_log_notice"] = None
    if not rows:
        st.info("No measurements yet: count an image above or run a calibration.")
        return
    st.dataframe(pd.DataFrame(vv.log_records(rows)), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(rows), 420))
    chart, actions = st.columns([3, 2], gap="large")
    chart.plotly_chart(_scatter(rows), width="stretch", config={"displayModeBar": False},
                       key="verify_scatter")
    with actions:
        st.download_button("Download CSV", data=lambda: vv.log_csv(log, session),
                           on_click="ignore", file_name="patchwork-calibration.csv",
                           mime="text/csv", icon=":material/download:", key="verify_csv",
                           width="stretch")
        labels = {r.id: vv.row_label(r) for r in rows}
        picked = st.multiselect("Rows to delete", list(labels), key="verify_delete_ids",
                                format_func=labels.get, placeholder="Pick rows by id")
        st.button(f"Delete {len(picked)} row{'s' if len(picked) != 1 else ''}",
                  disabled=not picked, key="verify_delete", on_click=_delete_rows,
                  args=(path, session), icon=":material/delete:", width="stretch")


# --- the page ----------------------------------------------------------------------------------

_init_state()
# The click's request, taken at once: whatever happens below, no later rerun finds it again.
request_now = st.session_state.pop("verify_request", None)
st.title("Verify")
st.caption("The estimate next to what the API reports — with your own key. Counting is free; "
           "a billed check happens only when you press a button that shows its cost.")
config_now = operator_settings(warn=True)
access_now = _credentials(config_now)
_key_section(access_now)
shared_image, shared_choice = _shared()
loaded_image, _label = _image_section(shared_image, shared_choice)
settings_now = _settings(shared_choice)
estimate_now = None
if loaded_image is not None:
    w_now, h_now = loaded_image.info.size
    try:
        estimate_now = calc.estimate(w_now, h_now, settings_now["model"], settings_now["detail"],
                                     settings_now["fidelity"], settings_now["rules"])
    except calc.CalcError as e:
        st.error(inert.md(e))
if estimate_now is not None and not estimate_now.accepted:
    st.error(f"{estimate_now.reason}: the API would answer HTTP 400. Choose detail high or a "
             "smaller image (Explore shows the largest accepted size).")
    estimate_now = None
previews_now = None
if estimate_now is not None:
    previews_now = {m: vv.cost_preview(estimate_now.tokens, settings_now["model"], m)
                    for m in vv.METHOD_LABELS}
    st.metric(f"Estimate · {RULE_LABELS.get(settings_now['rules'])} rules",
              f"{estimate_now.tokens:,} image tokens")
if access_now.key is None:
    _no_key_help(previews_now, settings_now["model"])
if estimate_now is not None:
    _measure_section(loaded_image, estimate_now, settings_now, access_now, previews_now,
                     request_now)
elif loaded_image is None:
    st.info("Bring an image — on Explore, or upload it above — to compare its estimate with "
            "what the API reports.")
_request_section(access_now, request_now)
_key_models_section(access_now, request_now)
calibrating = _calibration_section(settings_now, access_now)
_log_section(config_now)
if calibrating:  # the next size in the next run: a Stop click gets in between
    st.rerun()
