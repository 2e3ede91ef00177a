"""Verify: the estimate next to what the API reports, and a calibration log.

Collects input, calls calc (views.verify, views.verify_request, views.calibration, views.access)
and renders. A call that costs money is made only in the run that follows a click on a button
labelled with its cost, never on a rerun. The API key is read, used to build a client and
dropped: it is never rendered, logged, stored in the calibration log or put in the URL.
Hosted for a team, calc.views.access decides whose key goes where and what may be billed.
The sections live in pages/helpers: verify_key (the key panel, the models a key can use),
verify_calls (a click's call, its spending and result), verify_calibration and verify_log.
"""

from __future__ import annotations

import os
import secrets
from decimal import Decimal

import streamlit as st

import calc
from calc.engine.compare import detail_for, fidelity_for
from calc.views import access as va
from calc.views import inert
from calc.views import verify as vv
from calc.views import verify_request as vreq
from calc.views.model_choice import model_label
from pages.helpers import page_state
from pages.helpers.image_cache import decode
from pages.helpers.operator_settings import operator_settings
from pages.helpers.router import ensure_router
from pages.helpers.session_cache import memo
from pages.helpers.verify_calibration import calibration_section
from pages.helpers.verify_calls import action, ask, call, show, spend
from pages.helpers.verify_key import key_models_section, key_section
from pages.helpers.verify_log import log_row, log_section

ensure_router(__file__)  # a link straight to /verify still runs app.py (page config, menu, sidebar)

UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "gif"]
SOURCES = ("From Explore", "Upload here")


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
    s.setdefault("verify_model", vv.first_model(choice["model"]))
    c1, c2, c3 = st.columns([4, 3, 2])
    model = c1.selectbox("Model", vv.model_options(s["verify_model"]), key="verify_model",
                         format_func=model_label)
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


def _measure_section(loaded, check: vv.ImageCheck, settings, access: va.Access,
                     request: dict | None) -> None:
    s = st.session_state
    st.subheader("Measure")
    method = st.segmented_control("Method", list(vv.METHOD_LABELS), key="verify_method",
                                  format_func=vv.METHOD_LABELS.get, required=True,
                                  default="count")
    preview = check.previews[method]
    st.caption(vv.dollars(preview.line))
    blocked = vv.measure_block(access, preview, s["verify_spent_usd"])
    ckey = vv.cache_key(loaded.sha256, settings["model"], settings["detail"],
                        settings["fidelity"], method, access.host)
    action(preview.button, "verify_go", blocked, ("measure", ckey), access)
    fresh = None
    if vv.asked(request, ckey, blocked=blocked, done=ckey in s["verify_results"]):
        url = memo("verify_payload", loaded.sha256, lambda: vv.image_payload(loaded.image),
                   max_entries=1)  # encoding a large photo takes seconds: once per image
        fresh = call("verify", ckey, access, preview.bound, lambda client: vv.measure(
            client, method, estimate=check.estimate, image_url=url, detail=settings["detail"]))
    if fresh is not None:
        spend(access, preview.bound, fresh.measurement.cost_usd, settle=True)
        problem = log_row(vv.row_from_measurement(
            fresh.measurement, width=loaded.info.width, height=loaded.info.height,
            estimate=check.estimate.tokens, fidelity=settings["fidelity"]))
        if problem:
            st.warning(inert.md(inert.scrub(problem, access.key)))
    result = s["verify_results"].get(ckey)
    show(result and vv.result_view(result), s["verify_errors"].get(ckey),
         cached=result is not None and fresh is None)
    if result is not None:
        again = vv.measure_block(access, preview, s["verify_spent_usd"])  # what was just spent
        st.button(vv.again_label(preview), key="verify_again", disabled=bool(again),
                  on_click=ask, args=("measure", ckey, True), help=again)
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
    action(plan.button, "verify_send", blocked, ("send", rkey, True), access)
    if vv.asked(request, rkey, blocked=blocked):
        sent = call("verify_request", rkey, access, plan.usd, lambda c: vreq.send(c, plan))
        if sent is not None:
            spend(access, plan.usd, sent.usage.cost_usd, settle=True)
    result = s["verify_request_results"].get(rkey)
    show(result and vreq.result_view(result), s["verify_request_errors"].get(rkey), False)


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
key_section(access_now)
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
key_models_section(access_now, request_now)
calibrating = calibration_section(settings_now, access_now)
log_section(config_now)
if calibrating:  # the next size in the next run: a Stop click gets in between
    st.rerun()
