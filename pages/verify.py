"""Verify: the estimate next to what the API reports, and a calibration log.

A thin page: it collects input, calls calc (views.verify, views.calibration) and renders. A call
that costs money is made only in the run that follows a click on a button labelled with its cost,
never on a rerun. The API key is read, used to build a client and dropped: it is never rendered,
logged, stored in the calibration log or put in the URL.
"""

from __future__ import annotations

import os

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import calc
from calc.engine.compare import detail_for, fidelity_for
from calc.engine.pricing import format_usd
from calc.views import verify as vv
from calc.views.calibration import calibration_sizes, measurer, run_calibration
from pages.helpers.image_cache import decode
from pages.helpers.router import ensure_router

ensure_router()  # a link straight to /verify still runs app.py (page config, menu, sidebar)

UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "gif"]
TIMEOUT_S = 60.0  # a large image can take a while to upload
RULE_LABELS = {"billing": "billing (measured)", "documented": "documented (guide)"}
DEFAULT_CHOICE = {"model": "gpt-4o", "detail": "auto", "fidelity": "low", "rules": "billing",
                  "tier": "standard"}
SOURCES = ("From Explore", "Upload here")
CALIBRATION_DETAIL = "high"  # the calibration sizes isolate the high-detail rules


def _md(text: str) -> str:
    """Markdown-safe: a pair of dollar signs would otherwise be typeset as maths."""
    return text.replace("$", "\\$")


# --- cached resources ---------------------------------------------------------------------

@st.cache_resource(max_entries=4, show_spinner=False)
def _open_log(path: str) -> vv.CalibrationLog:
    """One log object per file, shared by every session (it is thread-safe, WAL mode)."""
    return vv.CalibrationLog(path)


@st.cache_resource(max_entries=2, show_spinner=False)
def _payload(sha256: str, _image) -> str:
    """The data URL sent: encoding a large photo takes seconds, so once per image."""
    return vv.image_payload(_image)


# --- state ----------------------------------------------------------------------------------

def _init_state() -> None:
    s = st.session_state
    s.setdefault("verify_results", {})  # cache key → VerifyResult
    s.setdefault("verify_errors", {})  # cache key → the last failure's message
    s.setdefault("verify_key_typed", None)  # a key typed here: this session only
    s.setdefault("verify_base_typed", None)
    s.setdefault("verify_calibration", None)  # the last CalibrationResult
    s.setdefault("verify_log_notice", None)


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

def _read_secrets() -> dict:
    """OPENAI_API_KEY and OPENAI_BASE_URL from st.secrets, or {} when there is no secrets file."""
    try:
        return {k: st.secrets[k] for k in (vv.KEY_NAME, vv.BASE_URL_NAME) if k in st.secrets}
    except Exception as exc:  # no secrets.toml at all, or one that does not parse
        if getattr(exc, "error_id", None) != "no-secrets-found":
            # Not the exception's text: it could quote the file.
            st.warning("Streamlit secrets could not be read — check that .streamlit/secrets.toml "
                       "is valid TOML. Falling back to the environment.")
        return {}


def _credentials() -> tuple[vv.Setting, vv.Setting]:
    secrets = _read_secrets()
    s = st.session_state
    return (vv.resolve_key(secrets, os.environ, s["verify_key_typed"]),
            vv.resolve_base_url(secrets, os.environ, s["verify_base_typed"]))


def _key_section(key: vv.Setting, base: vv.Setting) -> None:
    endpoint = "(fix the base URL below)" if base.problem else vv.endpoint_label(base.value)
    with st.container(border=True):
        if key.value is None:
            st.markdown("**No API key yet.** Everything else on this page works without one; "
                        "measuring needs your own OpenAI key.")
        elif key.source == vv.FROM_FIELD:
            c1, c2 = st.columns([4, 1])
            c1.markdown(f"🔑 **API key:** {vv.where(key, vv.KEY_NAME)} · **endpoint:** "
                        f"{endpoint}")
            c2.button("Forget the key", on_click=_forget_typed_key, key="verify_forget")
        else:
            st.markdown(f"🔑 **API key:** from {vv.where(key, vv.KEY_NAME)} · **endpoint:** "
                        f"{endpoint}")
        if key.value is None:
            st.text_input("OpenAI API key", type="password", key="verify_key_field",
                          on_change=_take_typed_key, placeholder="sk-…",
                          help="Kept in this browser session only: never shown, logged or "
                               "stored.")
        if base.source in (vv.NOWHERE, vv.FROM_FIELD):
            st.session_state.setdefault("verify_base_field", base.value or "")
            st.text_input("Base URL (optional: another OpenAI-compatible endpoint)",
                          key="verify_base_field", on_change=_take_base_url,
                          placeholder="https://api.openai.com/v1")
        else:
            st.caption(f"Base URL: from {vv.where(base, vv.BASE_URL_NAME)}.")
        if base.problem:
            st.error(f"Base URL: {base.problem}.")


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
    s = st.session_state
    shared = s.get("shared_image")
    # Duck-typed: a LoadedImage made before a module reload is another class, but still fine.
    picture = shared.get("image") if isinstance(shared, dict) else None
    if not all(hasattr(picture, a) for a in ("image", "info", "sha256")):
        shared = None
    choice = dict(DEFAULT_CHOICE)
    if isinstance(s.get("shared_choice"), dict):
        choice.update({k: v for k, v in s["shared_choice"].items() if k in DEFAULT_CHOICE})
    return shared, choice


def _uploaded() -> tuple[vv.LoadedImage | None, str]:
    upload = st.file_uploader("An image file (PNG, JPEG, WEBP or GIF)", type=UPLOAD_TYPES,
                              key="verify_upload")
    if upload is None:
        return None, ""
    try:
        loaded, animated = decode(upload.getvalue())
    except calc.ImageError as e:
        st.error(f"{upload.name}: {e}")
        return None, ""
    if animated is not None:
        st.warning(f"{animated} The first frame is what is measured.")
        return loaded, f"{upload.name} (first frame)"
    return loaded, upload.name


def _image_section(shared: dict | None, choice: dict) -> tuple[vv.LoadedImage | None, str]:
    st.subheader("The image")
    if shared is not None:
        source = st.segmented_control("Image", SOURCES, key="verify_source", required=True,
                                      default=SOURCES[0], label_visibility="collapsed")
    else:
        source = SOURCES[1]
        if "shared_choice" in st.session_state:
            st.caption("Explore has no picture to share (a typed size only, or nothing yet): "
                       "upload the image here.")
    if source == SOURCES[0]:
        loaded, label = shared["image"], shared["label"]
        st.caption(f"From Explore: **{label}** · {loaded.info.format} · "
                   f"{loaded.info.width}×{loaded.info.height} px · chosen there: "
                   f"{choice['model']}, detail {choice['detail']}, fidelity "
                   f"{choice['fidelity']}, {RULE_LABELS.get(choice['rules'], choice['rules'])} "
                   "rules")
        return loaded, label
    loaded, label = _uploaded()
    if loaded is not None:
        st.caption(f"**{label}** · {loaded.info.format} · {loaded.info.width}×"
                   f"{loaded.info.height} px (EXIF orientation applied)")
    return loaded, label


def _settings(choice: dict) -> dict:
    """Model, detail and fidelity for this page, starting from Explore's choice."""
    s = st.session_state
    names = [m.name for m in calc.models()]
    s.setdefault("verify_model", choice["model"] if choice["model"] in names else names[0])
    c1, c2, c3 = st.columns([4, 3, 2])
    model = c1.selectbox("Model", names, key="verify_model")
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


def _client(key: vv.Setting, base: vv.Setting):
    return vv.make_client(key.value, base.value, timeout=TIMEOUT_S)


def _log_row(row) -> str | None:
    """Append to the calibration log; the reason when it could not be written."""
    try:
        _open_log(str(vv.default_path())).add(row)
    except Exception as exc:  # the measurement is still shown; only the log entry is missing
        return f"the calibration log could not be written ({type(exc).__name__}: {exc})"
    return None


def _measure(method: str, ckey: tuple, loaded: vv.LoadedImage, est: calc.Estimate,
             settings: dict, key: vv.Setting, base: vv.Setting) -> bool:
    """Measure once; True when a result came back (a failure's message is kept by cache key)."""
    s = st.session_state
    s["verify_errors"].pop(ckey, None)
    try:
        with st.spinner(f"{vv.METHOD_LABELS[method]}: asking {vv.endpoint_label(base.value)} …"):
            url = _payload(loaded.sha256, loaded.image)
            result = vv.measure(_client(key, base), method, estimate=est, image_url=url,
                                detail=settings["detail"])
    except calc.CalcError as exc:  # MeasureError, PayloadTooLargeError: key-free, actionable
        s["verify_errors"][ckey] = vv.scrub(str(exc), key.value)
        return False
    except Exception as exc:  # anything else: still a message, never a traceback
        s["verify_errors"][ckey] = vv.scrub(f"the check failed unexpectedly ({type(exc).__name__}: "
                                         f"{exc})", key.value)
        return False
    vv.remember(s["verify_results"], ckey, result)
    w, h = loaded.info.size
    problem = _log_row(vv.row_from_measurement(result.measurement, width=w, height=h,
                                            estimate=est.tokens, fidelity=settings["fidelity"]))
    if problem:
        st.warning(vv.scrub(problem, key.value))
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
    if r.measurement.reply_text:
        st.caption(f"The model's reply: “{r.measurement.reply_text}”")
    if not fresh:
        st.caption(f"🗂️ **cached result**, measured {r.measured_at.replace('T', ' ')[:19]} UTC: "
                   "pressing the button again shows it without calling the API; "
                   "**Measure again** makes a new measurement.")


def _measure_section(loaded, est, settings, key: vv.Setting, base: vv.Setting,
                     previews: dict[str, vv.CostPreview], request: dict | None) -> None:
    s = st.session_state
    st.subheader("Measure")
    ready = key.value is not None and base.problem is None
    method = st.segmented_control("Method", list(vv.METHOD_LABELS), key="verify_method",
                                  format_func=vv.METHOD_LABELS.get, required=True,
                                  default="count")
    preview = previews[method]
    st.caption(_md(("💳 Billed: " if preview.billed else "🆓 ") + preview.text))
    ckey = vv.cache_key(loaded.sha256, settings["model"], settings["detail"],
                        settings["fidelity"], method, vv.endpoint_label(base.value))
    st.button(preview.button, type="primary", disabled=not ready, key="verify_go",
              on_click=_request, args=("measure", ckey))

    asked = (request is not None and request["kind"] == "measure" and request["key"] == ckey
             and ready)
    fresh = False
    if asked and (request["force"] or ckey not in s["verify_results"]):
        fresh = _measure(method, ckey, loaded, est, settings, key, base)

    if ckey in s["verify_errors"]:
        st.error(s["verify_errors"][ckey])
    result = s["verify_results"].get(ckey)
    if result is not None:
        _show_result(result, fresh)
        st.button(vv.again_label(preview), key="verify_again", disabled=not ready,
                  on_click=_request, args=("measure", ckey, True))


# --- calibration -------------------------------------------------------------------------------

def _calibration_section(settings: dict, key: vv.Setting, base: vv.Setting,
                         request: dict | None) -> None:
    s = st.session_state
    st.subheader("Calibration run")
    st.caption("A handful of sizes chosen to isolate one model's rules, counted with the free "
               "endpoint; the measured constants are compared with the catalogue under both "
               "rule sets. Every point goes into the log below.")
    names = [m.name for m in calc.models()]
    s.setdefault("verify_calib_model", settings["model"])
    c1, c2 = st.columns([2, 3])
    model = c1.selectbox("Model to calibrate", names, key="verify_calib_model")
    sizes = calibration_sizes(model)
    c2.caption(f"{len(sizes)} sizes at detail {CALIBRATION_DETAIL}: "
               + ", ".join(f"{w}×{h}" for w, h in sizes)
               + f" — {2 * len(sizes)} free count calls.")
    ready = key.value is not None and base.problem is None
    st.button(f"Run calibration on {model} (free)", key="verify_calib_go", disabled=not ready,
              on_click=_request, args=("calibrate", (model,)))
    if request is not None and request["kind"] == "calibrate" and ready:
        done = _calibrate(request["key"][0], settings, key, base)
        if done is not None:  # a run that could not start keeps the last one on screen
            s["verify_calibration"] = done
    result = s["verify_calibration"]
    if result is not None:
        _show_calibration(result)


def _calibrate(model: str, settings: dict, key: vv.Setting, base: vv.Setting):
    sizes = calibration_sizes(model)
    bar = st.progress(0.0, text=f"Calibrating {model}: 0 of {len(sizes)} sizes")
    problems: list[str] = []

    def record(m, w, h) -> None:  # each point is logged as soon as it is measured
        est = calc.tokens(w, h, model, CALIBRATION_DETAIL, "low", settings["rules"])
        problem = _log_row(vv.row_from_measurement(m, width=w, height=h, estimate=est))
        if problem and not problems:
            problems.append(problem)

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Calibrating {model}: {done} of {total} sizes")

    try:
        fn = vv.recording(measurer(_client(key, base), model=model, detail=CALIBRATION_DETAIL),
                          record)
        result = run_calibration(fn, model, sizes, detail=CALIBRATION_DETAIL,
                                 on_progress=progress)
    except Exception as exc:  # run_calibration keeps API errors itself; this is anything else
        st.error(vv.scrub(f"the calibration run failed ({type(exc).__name__}: {exc})", key.value))
        return None
    finally:
        bar.empty()
    if result.error:
        st.session_state["verify_calib_error"] = vv.scrub(result.error, key.value)
    else:
        st.session_state.pop("verify_calib_error", None)
    for problem in problems:
        st.warning(vv.scrub(problem, key.value))
    return result


def _key_models_section(key: vv.Setting, base: vv.Setting, request: dict | None) -> None:
    """GET /v1/models (free), held against the catalogue: dated ids resolved, new ids listed."""
    st.subheader("Models your key can use")
    st.button("List them (free)", key="verify_list_models", icon=":material/list:",
              disabled=key.value is None, on_click=_request, args=("models", ("models",)),
              help=None if key.value else "Needs an API key (see above).")
    if request is not None and request["kind"] == "models":
        try:
            with st.spinner("Asking the API which models this key can use …"):
                ids = vv.list_model_ids(_client(key, base))
            st.session_state["verify_key_models"] = vv.key_models(ids)
            st.session_state.pop("verify_key_models_error", None)
        except calc.ApiError as exc:
            st.session_state["verify_key_models_error"] = vv.scrub(str(exc), key.value)
    error = st.session_state.get("verify_key_models_error")
    if error:
        st.error(error)
    rows = st.session_state.get("verify_key_models")
    if not rows:
        return
    known = [r for r in rows if r.catalogue_name]
    new = [r.id for r in rows if not r.catalogue_name]
    st.dataframe(pd.DataFrame({
        "id": [r.id for r in known], "catalogue model": [r.catalogue_name for r in known],
        "status": [r.status for r in known]}), hide_index=True, width="stretch")
    if new:
        st.warning(f"{len(new)} id(s) the catalogue does not know yet (not estimable until "
                   "added): " + ", ".join(new), icon=":material/new_releases:")


def _show_calibration(result) -> None:
    error = st.session_state.get("verify_calib_error")
    if error:
        st.error(f"The run stopped: {error}")
    level = "success" if result.fits else "warning"
    getattr(st, level)(f"**{result.model}:** {result.verdict}")
    c1, c2, c3 = st.columns(3)
    c1.metric("Measured", vv.calibration_fit(result), border=True)
    c2.metric("Catalogue, billing rules", result.catalogue["billing"], border=True)
    c3.metric("Catalogue, documented rules", result.catalogue["documented"], border=True)
    if result.points:
        st.dataframe(pd.DataFrame(vv.calibration_records(result)), hide_index=True,
                     width="stretch")
    for note in result.notes:
        st.caption(f"ℹ️ {note}")


# --- the log -----------------------------------------------------------------------------------

def _delete_rows(path: str) -> None:
    """on_click: delete the picked rows and clear the pick (its options are about to change)."""
    s = st.session_state
    ids = list(s.get("verify_delete_ids") or [])
    try:
        n = _open_log(path).delete(ids)
        s["verify_log_notice"] = ("success", f"Deleted {n} row{'s' if n != 1 else ''}.")
    except Exception as exc:
        s["verify_log_notice"] = ("error", f"Could not delete: {type(exc).__name__}: {exc}")
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


def _log_section() -> None:
    s = st.session_state
    st.subheader("Calibration log")
    path = str(vv.default_path())
    try:
        log = _open_log(path)
        rows = log.rows()
    except Exception as exc:
        st.error(f"The calibration log at {path} could not be opened ({type(exc).__name__}: "
                 f"{exc}). Measuring still works, but nothing is kept: set "
                 "PATCHWORK_CALIBRATION_DB to a writable file and restart.")
        return
    st.caption(f"Every measurement, kept in {path} (SQLite). No key is ever stored: only the "
               "endpoint's host.")
    notice = s.get("verify_log_notice")
    if notice:
        getattr(st, notice[0])(notice[1])
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
        st.download_button("Download CSV", data=log.to_csv, on_click="ignore",
                           file_name="patchwork-calibration.csv", mime="text/csv",
                           icon=":material/download:", key="verify_csv", width="stretch")
        labels = {r.id: vv.row_label(r) for r in rows}
        picked = st.multiselect("Rows to delete", list(labels), key="verify_delete_ids",
                                format_func=labels.get, placeholder="Pick rows by id")
        st.button(f"Delete {len(picked)} row{'s' if len(picked) != 1 else ''}",
                  disabled=not picked, key="verify_delete", on_click=_delete_rows, args=(path,),
                  icon=":material/delete:", width="stretch")


# --- the page ----------------------------------------------------------------------------------

_init_state()
# The click's request, taken at once: whatever happens below, no later rerun finds it again.
request_now = st.session_state.pop("verify_request", None)
st.title("Verify")
st.caption("The estimate next to what the API reports — with your own key. Counting is free; "
           "a billed check happens only when you press a button that shows its cost.")
key_setting, base_setting = _credentials()
_key_section(key_setting, base_setting)
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
        st.error(str(e))
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
if key_setting.value is None:
    _no_key_help(previews_now, settings_now["model"])
if estimate_now is not None:
    _measure_section(loaded_image, estimate_now, settings_now, key_setting, base_setting,
                     previews_now, request_now)
elif loaded_image is None:
    st.info("Bring an image — on Explore, or upload it above — to compare its estimate with "
            "what the API reports.")
_key_models_section(key_setting, base_setting, request_now)
_calibration_section(settings_now, key_setting, base_setting, request_now)
_log_section()
