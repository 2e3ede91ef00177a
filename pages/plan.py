"""Plan: what a product really pays on each model — the workload (images, a CSV or Parquet, a
size mix), the volume as the user means it, the whole request, tiers, rate and request limits,
a resize advisor — and what generated images cost. Collects input, renders what calc.views.plan
works out (a PlanScreen, a GenerateScreen).

Only one view runs at a time (no work for the hidden one); the numbers live in a fragment, so a
volume or request-shape change reruns only them, on totals cached per workload.
"""

from __future__ import annotations

from dataclasses import fields

import pandas as pd
import streamlit as st

import calc
from calc.views.inert import md
from calc.views.plan import screen as pv
from calc.views.plan import settings as ps
from calc.views.plan import totals as pt
from calc.views.plan import workload as wl
from calc.views.plan.chart import month_chart_html
from pages.helpers import address, page_state
from pages.helpers.plan_controls import controls
from pages.helpers.plan_generate import generate_view
from pages.helpers.plan_inputs import WAYS_IN
from pages.helpers.plan_widgets import editor_key, keep_table, model_picker, show_table
from pages.helpers.router import ensure_router

ensure_router(__file__)  # a shared /plan link still runs app.py (page config, menu, sidebar)

SOURCES = {"mix": "A size mix", "images": "Many images", "csv": "A CSV or Parquet"}
VIEWS = {"workload": "Workload", "generate": "Generate"}
S_KEYS = {f.name: f"plan_{f.name}" for f in fields(ps.Settings)}
G_KEYS = {f.name: f"gen_{f.name}" for f in fields(ps.GenSettings)}


# --- state ---------------------------------------------------------------------------------------

# Widgets that come back as they were with the settings, though a link does not carry them.
PAGE_WIDGETS = {"plan_prompt_text": "", "gen_show_shut_down": False}
TABLES = ("plan_mix", "gen_sizes")  # the data editors: "<name>_base", "_version", "_current"


def first_visit() -> dict[str, object]:
    """The widgets' first values: every setting from a shared link, else the defaults."""
    ss = st.session_state
    settings, gen, mix, notices = ps.Settings(), ps.GenSettings(), (), []
    params = st.query_params.to_dict()
    if page_state.landed_here() and any(k in params for k in ps.link_keys()):
        settings, gen, mix, notices = ps.from_query(params)
    if any(calc.resolve_model(m).status() == "shut down" for m in settings.models):
        settings = ps.replace(settings, shut_down=True)  # so the picker offers the link's model
    ss["plan_link_notices"] = notices
    ss["plan_mix_base"] = wl.mix_table(mix) if mix else wl.preset_mix()
    ss["plan_mix_version"] = 0
    values = {key: getattr(settings, name) for name, key in S_KEYS.items()}
    values["plan_models"] = list(settings.models)
    values.update({key: getattr(gen, name) for name, key in G_KEYS.items()})
    return {**values, **PAGE_WIDGETS}


def keep_state() -> None:
    """Top of every run: the widgets Streamlit dropped while the page was away, or a view
    hidden, come back as the visitor left them; so do the editors' edits."""
    page_state.keep("plan", first_visit)
    ss = st.session_state
    for name in TABLES:
        if ss.get(f"{name}_current") is not None and editor_key(name) not in ss:
            keep_table(name)


def whole(value: object) -> object:
    return int(value) if isinstance(value, float) else value  # a number input's 3.0 is 3


def settings_now() -> ps.Settings:
    ss = st.session_state
    values = {name: whole(ss[key]) for name, key in S_KEYS.items()}
    return ps.Settings(**values | {"models": tuple(values["models"])})


def gen_now() -> ps.GenSettings:
    return ps.GenSettings(**{name: whole(st.session_state[key]) for name, key in G_KEYS.items()})


# --- cached calc calls (underscored arguments are not hashed: the key stands for them) -----------


@st.cache_resource(max_entries=8, show_spinner="Costing every size on every model…")
def price(key: object, _rows: pd.DataFrame, models: tuple, detail: str, rules: str):
    priced = pt.price_workload(_rows, models, detail, rules)
    return priced, pt.model_totals(priced)


@st.cache_resource(max_entries=8, show_spinner="Trying each pre-resize on every model…")
def resize_totals(key: object, _priced: pt.PricedWorkload, models: tuple, detail: str,
                  rules: str) -> dict:
    return pt.resize_totals(_priced)


# --- rendering -----------------------------------------------------------------------------------


def show_results(r: pv.Results) -> None:
    st.markdown(f"#### {r.heading}")
    st.info(r.volume)
    if r.headline is not None:
        st.metric(r.headline.label, r.headline.value,
                  help="The whole request (images, text, output) at your volume and tier.")
        for caveat in r.headline.caveats:  # beside the number it qualifies
            st.caption(f"⚠️ {md(caveat)}")
    for flag in r.limits:
        st.error(f"Request limit: {flag}")
    show_table(r.figures, "plan_figures", pin="model")  # the answers first: $ a day, a month
    st.caption(r.figures_note)
    if r.month_bars:
        st.html(month_chart_html(r.month_bars, r.chart_title))
    if len(r.rates):
        st.markdown("#### Rate limits")
        show_table(r.rates, "plan_rates", pin="model")
    if len(r.rejected):
        st.markdown("#### Images the API would reject")
        show_table(r.rejected, "plan_rejected")
    st.markdown("#### Resize advisor")
    st.caption(r.advice_note)
    show_table(r.advice, "plan_advice", pin="model")
    st.markdown("#### Per image")
    st.caption(r.per_image_note)
    show_table(r.per_image, "plan_per_image")
    with st.container(horizontal=True):
        for d in r.downloads:
            st.download_button(d.label, d.data, d.file_name, d.mime, on_click="ignore",
                               icon=":material/download:")


def show_share(share: pv.Share) -> None:
    """Keep the address bar equal to every setting of both views (and a mix's sizes)."""
    address.show(share.query)
    st.markdown("#### Share this plan")
    st.caption(share.note)
    st.code(f"{st.context.url or ''}{address.search(share.query)}", language=None,
            wrap_lines=True)


@st.fragment
def numbers(key: object, workload: wl.Workload | None) -> None:
    """Volume, request, tier and limits, and everything they change: reruns on its own."""
    page_state.remember("plan")  # a fragment's own run starts here, not at the top
    controls(st.session_state["plan_source"])
    s = settings_now()
    screen = pv.plan_screen(
        workload, s, gen_now(),
        price=lambda models: price(key, workload.rows, models, s.detail, s.rules),
        fits=lambda priced: resize_totals(key, priced, priced.models, s.detail, s.rules))
    if screen.notice is not None:
        getattr(st, screen.notice.kind)(md(screen.notice.text))
    if screen.results is not None:
        show_results(screen.results)
    show_share(screen.share)


def workload_view() -> None:
    for notice in st.session_state.pop("plan_link_notices", ()):  # once: the run the link opened
        st.warning(md(f"From the link: {notice}"))
    source = st.segmented_control("Describe the workload", list(SOURCES), key="plan_source",
                                  required=True, format_func=SOURCES.get)
    key, workload = WAYS_IN[source]()
    model_picker("plan_models", "Models to compare", ("tile", "patch"), True, "plan_shut_down")
    with st.expander("Detail and rules"):
        left, right = st.columns(2)
        left.selectbox("Detail for rows that do not say", calc.DETAILS, key="plan_detail")
        right.segmented_control(
            "Rules", calc.RULE_SETS, key="plan_rules", required=True,
            help="billing: what the API is measured to bill (use this to plan). documented: "
                 "what OpenAI's guide says.")
    numbers(key, workload)


# --- page ----------------------------------------------------------------------------------------

keep_state()
st.title("Plan")
st.caption("What a product really pays on each model — per request, per day, per month and for "
           "a backlog — how fast your rate limits let it go, and what resizing would save. "
           "Every number comes from the same rules as Explore.")
view = st.segmented_control("View", list(VIEWS), key="plan_view", required=True,
                            format_func=VIEWS.get, label_visibility="collapsed")
if view == "generate":
    if generate_view():
        source = st.session_state["plan_source"]
        mix = wl.mix_workload(st.session_state["plan_mix_base"]) if source == "mix" else None
        show_share(pv.share(mix, settings_now(), gen_now()))
else:
    workload_view()
