"""Plan: what a product really pays on each model — the workload (images, a CSV or Parquet, a
size mix), the volume as the user means it, the whole request, tiers, rate and request limits,
a resize advisor — and what generated images cost. Collects input, calls calc.views, renders.

Only one view runs at a time (no work for the hidden one); the numbers live in a fragment, so a
volume or request-shape change reruns only them, on totals cached per workload.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from fractions import Fraction

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import calc
from calc.views import manifest as mf
from calc.views import plan as cp
from calc.views import plan_figures as pf
from calc.views import plan_generate as pg
from calc.views import plan_inputs as wl
from calc.views import plan_month as pm
from calc.views import plan_prompt as pp
from calc.views import plan_settings as ps
from calc.views.inert import md, short
from calc.views.model_choice import model_label, model_names
from calc.views.plan_export import to_csv_bytes
from pages.helpers import address, page_state
from pages.helpers.router import ensure_router
from pages.helpers.session_cache import memo

ensure_router(__file__)  # a shared /plan link still runs app.py (page config, menu, sidebar)

SOURCES = {"mix": "A size mix", "images": "Many images", "csv": "A CSV or Parquet"}
MEANS = {"backlog": "the backlog (once)", "day": "one day of traffic",
         "month": "one month of traffic", "sample": "a sample of the mix"}
MAX_TABLE_ROWS = 5_000  # rows sent to the browser; the CSV export has them all
VIEWS = ("Workload", "Generate")
S_KEYS = {f.name: f"plan_{f.name}" for f in fields(ps.Settings)}
G_KEYS = {f.name: f"gen_{f.name}" for f in fields(ps.GenSettings)}


# --- state ---------------------------------------------------------------------------------------

# Widgets that come back as they were with the settings, though a link does not carry them.
PAGE_WIDGETS = {"plan_view": VIEWS[0], "plan_prompt_text": "", "gen_show_shut_down": False}
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


def editor_key(name: str) -> str:
    return f"{name}_editor_{st.session_state.get(f'{name}_version', 0)}"


def settings_now() -> ps.Settings:
    ss = st.session_state
    values = {name: ss[key] for name, key in S_KEYS.items()}
    values["models"] = tuple(values["models"])
    return ps.Settings(**{k: (int(v) if isinstance(v, float) else v) for k, v in values.items()})


def gen_now() -> ps.GenSettings:
    ss = st.session_state
    return ps.GenSettings(**{name: (int(ss[key]) if isinstance(ss[key], float) else ss[key])
                             for name, key in G_KEYS.items()})


def reset_mix() -> None:
    st.session_state["plan_mix_base"] = wl.preset_mix()
    st.session_state["plan_mix_version"] += 1
    st.session_state.pop("plan_mix_current", None)  # the edits go, not back into the table


def keep_table(name: str) -> None:
    """An editor that was not drawn has lost its edits: make them its new starting table."""
    ss = st.session_state
    ss[f"{name}_base"] = ss.pop(f"{name}_current")
    ss[f"{name}_version"] = ss.get(f"{name}_version", 0) + 1


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


# --- cached calc calls (underscored arguments are not hashed: the key stands for them) -----------


# An upload's parsed result is this visitor's: kept in their session (session_cache), a few at
# a time — a 1,000,000-row CSV's workload is ~100 MB — never in a cache shared by every session.
MAX_READ = 3


def read_images(key: tuple, files: list) -> wl.Workload:
    def read() -> wl.Workload:
        with st.spinner("Reading the image headers…"):
            return wl.read_images([(f.name, f.getvalue()) for f in files])

    return memo("plan_images", key, read, MAX_READ)


def read_csv(key: tuple, upload) -> tuple[wl.Workload | None, str | None]:
    def read() -> tuple[wl.Workload | None, str | None]:
        bar = st.progress(0.0, text="Reading the file…")  # any size: one path, batch by batch
        try:
            return mf.read_manifest(upload, upload.name,
                                    lambda share, text: bar.progress(share, text=text)), None
        except calc.CalcError as error:
            return None, str(error)
        finally:
            bar.empty()

    return memo("plan_csv", key, read, MAX_READ)


@st.cache_resource(max_entries=8, show_spinner="Costing every size on every model…")
def price(key: object, _rows: pd.DataFrame, models: tuple, detail: str, rules: str):
    priced = cp.price_workload(_rows, models, detail, rules)
    return priced, cp.model_totals(priced)


@st.cache_resource(max_entries=8, show_spinner="Trying each pre-resize on every model…")
def resize_totals(key: object, _priced: cp.PricedWorkload, models: tuple, detail: str,
                  rules: str) -> dict:
    return cp.resize_totals(_priced)


@st.cache_data(max_entries=64, show_spinner=False)
def plan_tables(key: object, _totals: list, settings: dict, images: float,
                bytes_per_image: float | None, day: str):
    """Every figure for these inputs (`key` stands for the workload and its pricing; `day` the
    day the month planned is priced on): recomputed only when one of them changes."""
    settings = ps.Settings(**settings)
    volume = pf.volume(settings, Fraction(images))
    figs = pf.with_endings([pf.figures(t, settings, volume, Fraction(images), day)
                            for t in _totals], pm.endings(settings.models, settings.month))
    rates = [pf.rate(f, settings) for f in figs]
    rejected = [(t.model, f"{w}×{h}", f"{float(n):,.10g}")
                for t in _totals for w, h, n in t.rejected]
    return (volume.statement, pf.figures_table(figs),
            pf.rate_table(rates, bool(volume.backlog_images)),
            pd.DataFrame(rejected, columns=["model", "size", "images"]),
            pf.request_flags(settings, bytes_per_image), pf.month_bars(figs),
            pf.cheapest(figs))


@st.cache_resource(max_entries=32, show_spinner=False)
def month_figure(bars: tuple[pf.MonthBar, ...], tier: str) -> go.Figure:
    """Cost per month by model, one horizontal bar each, cheapest on top; cached on its
    inputs (the bars and the tier), so an unchanged chart is not rebuilt."""
    models = [b.model for b in bars]
    fig = go.Figure(go.Bar(
        x=[b.usd for b in bars], y=models, orientation="h", text=[b.label for b in bars],
        textposition="auto", marker_color="#4c78a8", cliponaxis=False))
    fig.update_layout(
        height=60 + 34 * len(bars), margin={"l": 0, "r": 10, "t": 30, "b": 0},
        title={"text": f"$ a month by model ({calc.tier_label(tier)})", "font": {"size": 14}},
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"title": None, "tickprefix": "$", "rangemode": "tozero"}, showlegend=False)
    return fig


# --- the three ways in ---------------------------------------------------------------------------


def images_input() -> tuple[object, wl.Workload | None]:
    files = st.file_uploader(
        "Images, or a .zip of them", accept_multiple_files=True, key="plan_images",
        on_change=keep_upload, args=("plan_images",),
        help="Only each file's header is read (EXIF orientation applied): thousands are quick. "
             "Files that are not images, and animated ones, are listed and left out.")
    files = uploaded(files, "plan_images")
    if not files:
        st.info("Drop in a batch of your real images (or one .zip) to plan with their sizes.")
        return None, None
    key = tuple((f.file_id, f.name, f.size) for f in files)
    workload = read_images(key, files)
    for refused in workload.refused:
        st.error(f"**{md(short(refused.name))}** refused: {md(refused.reason)}")
    empty = wl.nothing_to_plan(workload)
    if empty:
        st.warning(md(empty))
    if workload.skipped:
        with st.expander(f"⚠️ {len(workload.skipped):,} files left out", expanded=not empty):
            st.dataframe(pd.DataFrame([(s.name, s.reason) for s in workload.skipped],
                                      columns=["file", "why"]), hide_index=True)
    show_bad_rows(workload)
    if len(workload.rows):
        st.caption(f"{len(workload.rows):,} images read (header read only: sizes come from each "
                   "file's header, so a file with damaged pixels is still counted — Explore "
                   "decodes it fully).")
    return key, workload


def csv_input() -> tuple[object, wl.Workload | None]:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        upload = st.file_uploader("A CSV (or Parquet) of image sizes",
                                  type=["csv", "txt", "parquet"], key="plan_csv",
                                  on_change=keep_upload, args=("plan_csv",),
                                  help="Columns: width, height, and optionally count (images "
                                       "of that size), detail and model (a row with a model is "
                                       "costed on that model only).")
        upload = uploaded(upload, "plan_csv")
    with right:
        st.download_button("Template CSV", wl.TEMPLATE_CSV, "patchwork-workload.csv", "text/csv",
                           icon=":material/download:", on_click="ignore")
    if upload is None:
        st.info("Upload a CSV with a `width,height` header and one line per image size; "
                "`count`, `detail` and `model` columns are optional.")
        return None, None
    key = (upload.file_id, upload.name, upload.size)
    workload, error = read_csv(key, upload)
    if error:
        st.error(f"This CSV cannot be used: {md(error)}")
        good = st.session_state.get("plan_csv_good")
        if good is None:
            return None, None
        st.caption(f"Still planning with the last good CSV, {md(short(good[0][1]))}.")
        key, workload = good  # a bad new file does not throw away the plan on screen
    else:
        st.session_state["plan_csv_good"] = (key, workload)
    show_bad_rows(workload)
    for notice in workload.notices:
        st.caption(md(notice))
    return key, workload


def mix_input() -> tuple[object, wl.Workload | None]:
    ss = st.session_state
    st.caption("Typical sizes and the share of your images each one is. Edit, add or delete rows.")
    edited = st.data_editor(
        ss["plan_mix_base"], key=editor_key("plan_mix"), num_rows="dynamic",
        hide_index=True, column_config={
            "name": st.column_config.TextColumn("Kind of image"),
            "width": st.column_config.NumberColumn("Width (px)", min_value=1, step=1,
                                                   format="%d"),
            "height": st.column_config.NumberColumn("Height (px)", min_value=1, step=1,
                                                    format="%d"),
            "share": st.column_config.NumberColumn("Share (%)", min_value=0.0, format="%g"),
        })
    ss["plan_mix_current"] = edited
    st.button("Reset to the presets", on_click=reset_mix, icon=":material/restart_alt:",
              type="tertiary")
    workload = wl.mix_workload(edited)
    show_bad_rows(workload)
    for notice in workload.notices:
        st.caption(md(notice))
    key = ("mix", tuple(map(tuple, workload.rows[["width", "height", "count"]].to_numpy()
                            .tolist())))
    return key, workload


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


# --- the Workload view ---------------------------------------------------------------------------


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


def controls(source: str) -> None:
    """The volume, the request, the tier and the limits (all in the fragment)."""
    file_based = source != "mix"
    st.markdown("#### Volume")
    if file_based:
        st.radio("Your file's counts are", list(MEANS), key="plan_file_means",
                 format_func=MEANS.get, horizontal=True)
    means = st.session_state["plan_file_means"] if file_based else "sample"
    a, b, c = st.columns(3)
    a.number_input("One-off backlog (images)", **ps.bounds("backlog"), step=1000,
                   key="plan_backlog", disabled=means == "backlog",
                   help="Images processed once; with “the backlog” the file gives it.")
    b.number_input("Requests per day (ongoing)", **ps.bounds("rpd"), step=100,
                   key="plan_rpd", disabled=means in ("day", "month"),
                   help="With “one day / one month” the file gives the daily volume.")
    c.number_input("Days per month", **ps.bounds("days"), step=1, key="plan_days")
    st.markdown("#### One request")
    a, b, c, d, e = st.columns(5)
    a.number_input("Images per request", **ps.bounds("ipr"), step=1, key="plan_ipr")
    b.number_input("Prompt tokens", **ps.bounds("prompt"), step=100, key="plan_prompt",
                   help="Instructions and text in each request.")
    c.number_input("Output tokens", **ps.bounds("output"), step=100, key="plan_output")
    d.number_input("Reasoning tokens", **ps.bounds("reasoning"), step=100,
                   key="plan_reasoning", help="Billed as output, for models that reason.")
    e.number_input("Cached share of input (%)", **ps.bounds("cached"), step=5,
                   key="plan_cached")
    prompt_counter()
    a, b, c, d = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    with a:
        st.segmented_control("Price tier", calc.TIERS, key="plan_tier", required=True,
                             format_func=calc.tier_label,
                             help="A model that does not offer the tier is listed unpriced.")
    d.selectbox("Plan for", pm.months(), key="plan_month", format_func=pm.month_label,
                help="A month ahead is priced with what will hold then: its prices, tiers and "
                     "the models still running (a model shut down by then names its "
                     "replacement).")
    b.toggle("Regional processing", key="plan_regional",
             help="Data residency: +10 % (confirmed on the gpt-6.1-terra page).")
    c.number_input("Cache writes per day", **ps.bounds("writes"), key="plan_writes",
                   help="Explicit caching: requests that write their cached part, at the "
                        "cache-write rate where the catalogue gives one.")
    with st.expander("Rate limits (your tier's TPM and RPM; 0 = none)"):
        a, b = st.columns(2)
        a.number_input("Tokens per minute (TPM)", **ps.bounds("tpm"), step=10_000,
                       key="plan_tpm")
        b.number_input("Requests per minute (RPM)", **ps.bounds("rpm"), step=100,
                       key="plan_rpm")


def count_prompt() -> None:
    """on_click: count the pasted prompt (offline, exact) and put the count into Prompt tokens."""
    ss = st.session_state
    try:
        n = pp.count_prompt(ss.get("plan_prompt_text") or "", tuple(ss.get("plan_models") or ()))
    except calc.CalcError as error:
        ss["plan_prompt_counted"] = ("error", str(error))
        return
    ss["plan_prompt"] = n
    ss["plan_prompt_counted"] = ("ok", n)


def prompt_counter() -> None:
    """Paste the prompt and count it exactly, here: no key, nothing sent."""
    ss = st.session_state
    a, b = st.columns([4, 1], vertical_alignment="bottom")
    a.text_area("Paste the prompt (optional)", key="plan_prompt_text", height=68,
                max_chars=pp.MAX_PROMPT_CHARS,
                help="Counted here with o200k_base, the encoding of every current model; never "
                     "stored or put in the link (only the count is).")
    b.button("Count it", key="plan_count_prompt", on_click=count_prompt,
             icon=":material/calculate:", help="Exact and offline: no key, nothing is sent.")
    done = ss.get("plan_prompt_counted")
    if done and done[0] == "error":
        st.error(f"The prompt could not be counted: {md(done[1])}")
    elif done:
        st.caption(f"Counted: {done[1]:,} prompt tokens (o200k_base, offline) — now in Prompt "
                   f"tokens. {md(pp.FRAMING)}")


def results(key: object, workload: wl.Workload, s: ps.Settings) -> None:
    models = pm.with_replacements(s.models, s.month)  # a shut-down model's replacement too
    try:
        calc.check_regional(s.tier, s.regional)
        priced, totals = price(key, workload.rows, models, s.detail, s.rules)
    except calc.CalcError as error:
        st.error(f"This workload cannot be costed: {md(error)}")
        return
    day = pm.priced_day(s.month)
    statement, table, rates, rejected, flags, bars, best = plan_tables(
        (key, models, s.detail, s.rules), totals, asdict(s), priced.images,
        workload.bytes_per_image, day.isoformat())
    st.markdown("#### What it costs" + (f" in {pm.month_label(s.month)}" if s.month else ""))
    st.info(statement)
    if best is not None:
        st.metric(f"Cheapest: {best.model}", f"{best.month} / month",
                  help="The whole request (images, text, output) at your volume and tier.")
        for caveat in best.caveats:  # beside the number it qualifies
            st.caption(f"⚠️ {md(caveat)}")
    for flag in flags:
        st.error(f"Request limit: {flag}")
    st.dataframe(table, hide_index=True, key="plan_figures")
    st.caption("Per request: image input + text input + output (reasoning billed as output), "
               f"at the {calc.tier_label(s.tier)} tier"
               + (" with the regional uplift" if s.regional else "")
               + (f", {calc.priced_on(day)}" if calc.priced_on(day) else "")
               + ". Rejected images are counted, never priced.")
    if bars:
        st.plotly_chart(month_figure(bars, s.tier), width="stretch", key="plan_month_chart",
                        config={"displayModeBar": False, "staticPlot": True})
    if len(rates):
        st.markdown("#### Rate limits")
        st.dataframe(rates, hide_index=True, key="plan_rates")
    if len(rejected):
        st.markdown("#### Images the API would reject")
        st.dataframe(rejected, hide_index=True, key="plan_rejected")
    advisor(key, priced, totals, s)
    per_image(workload, priced, s, table)


def advisor(key: object, priced: cp.PricedWorkload, totals: list, s: ps.Settings) -> None:
    st.markdown("#### Resize advisor")
    st.caption("Each image fitted within the size before sending (long side, never enlarged, "
               "rounded as the API rounds), then costed again: the whole monthly bill, against "
               "sending as is. Fewer tokens, but the model also sees fewer pixels.")
    fits = resize_totals(key, priced, s.models, s.detail, s.rules)
    volume = pf.volume(s, Fraction(priced.images))
    advice = pf.advice_table(fits, s, volume, Fraction(priced.images))
    st.dataframe(advice, hide_index=True, key="plan_advice")


def per_image(workload: wl.Workload, priced: cp.PricedWorkload, s: ps.Settings,
              table: pd.DataFrame) -> None:
    st.markdown("#### Per image")
    rows = workload.rows
    if len(rows) <= MAX_TABLE_ROWS:
        shown = cp.per_image_table(rows, priced, s.tier)
        st.caption(f"Image tokens and $ for one image on each model ({calc.tier_label(s.tier)}).")
    else:
        shown = cp.per_size_table(priced, s.tier, limit=MAX_TABLE_ROWS)
        st.caption(f"{len(rows):,} rows: shown per distinct size, the {len(shown):,} most common "
                   "first. The CSV export has every row.")
    st.dataframe(shown, hide_index=True, key="plan_per_image")
    a, b = st.columns(2)
    a.download_button("Per-image rows (CSV)",
                      lambda: to_csv_bytes(cp.per_image_table(rows, priced, s.tier)),
                      "patchwork-per-image.csv", "text/csv", icon=":material/download:",
                      on_click="ignore")
    b.download_button("The figures above (CSV)", to_csv_bytes(table), "patchwork-plan.csv",
                      "text/csv", icon=":material/download:", on_click="ignore")


def share_link(workload: wl.Workload | None, s: ps.Settings) -> None:
    """Keep the address bar equal to every setting of both views (and a mix's sizes)."""
    mix = ()
    if s.source == "mix" and workload is not None:
        mix = tuple(zip(workload.rows["width"].tolist(), workload.rows["height"].tolist(),
                        workload.rows["count"].tolist(), strict=True))
    query = ps.to_query(s, gen_now(), mix)
    address.show(query)
    link = f"{st.context.url or ''}{address.search(query)}"
    st.markdown("#### Share this plan")
    st.caption("This page's address holds every setting of both views"
               + ("" if s.source == "mix" else " — but not your file: whoever opens it uploads "
                  "the file again") + ".")
    st.code(link, language=None, wrap_lines=True)


@st.fragment
def numbers(key: object, workload: wl.Workload | None) -> None:
    """Volume, request, tier and limits, and everything they change: reruns on its own."""
    page_state.remember("plan")  # a fragment's own run starts here, not at the top
    controls(st.session_state["plan_source"])
    s = settings_now()
    if workload is not None and workload.images <= 0:
        st.info("No usable image sizes yet: nothing to cost.")
    elif workload is not None and not s.models:
        st.warning("Choose at least one model to compare.")
    elif workload is not None:
        results(key, workload, s)
    share_link(workload, s)


def workload_view() -> None:
    for notice in st.session_state.get("plan_link_notices", ()):
        st.warning(md(f"From the link: {notice}"))
    source = st.segmented_control("Describe the workload", list(SOURCES), key="plan_source",
                                  required=True, format_func=SOURCES.get)
    if source == "images":
        key, workload = images_input()
    elif source == "csv":
        key, workload = csv_input()
    else:
        key, workload = mix_input()
    model_picker("plan_models", "Models to compare", ("tile", "patch"), True, "plan_shut_down")
    with st.expander("Detail and rules"):
        left, right = st.columns(2)
        left.selectbox("Detail for rows that do not say", calc.DETAILS, key="plan_detail")
        right.segmented_control(
            "Rules", calc.RULE_SETS, key="plan_rules", required=True,
            help="billing: what the API is measured to bill (use this to plan). documented: "
                 "what OpenAI's guide says.")
    numbers(key, workload)


# --- the Generate view ---------------------------------------------------------------------------


def edit_inputs() -> tuple[str, list[tuple[int, int]]]:
    ss = st.session_state
    model = calc.resolve_model(ss["gen_model"])
    if len(model.fidelities) > 1:
        st.segmented_control(
            "Input fidelity", model.fidelities, key="gen_fidelity", required=True,
            help="high keeps faces and logos closer to the input; it adds a fixed 4,160 "
                 "(square) or 6,240 tokens per input image.")
    fidelity = ss["gen_fidelity"] if ss["gen_fidelity"] in model.fidelities else "low"
    files = st.file_uploader("Input images", accept_multiple_files=True, key="gen_files",
                             on_change=keep_upload, args=("gen_files",),
                             help="Only the headers are read, for the sizes.")
    files = uploaded(files, "gen_files")
    sizes: list[tuple[int, int]] = []
    if files:
        key = tuple((f.file_id, f.name, f.size) for f in files)
        read = read_images(key, files)
        for skipped in (*read.skipped, *read.refused):
            st.warning(f"**{md(short(skipped.name))}** left out: {md(skipped.reason)}")
        show_bad_rows(read)
        sizes += list(zip(read.rows["width"].tolist(), read.rows["height"].tolist(),
                          strict=True))
    ss.setdefault("gen_sizes_base",
                  pd.DataFrame({"width": [1024], "height": [1024], "count": [1]}))
    typed = st.data_editor(
        ss["gen_sizes_base"], key=editor_key("gen_sizes"),
        num_rows="dynamic", hide_index=True,
        column_config={
            "width": st.column_config.NumberColumn("Width (px)", min_value=1, step=1,
                                                   format="%d"),
            "height": st.column_config.NumberColumn("Height (px)", min_value=1, step=1,
                                                    format="%d"),
            "count": st.column_config.NumberColumn("Count", min_value=1, step=1, format="%d"),
        })
    ss["gen_sizes_current"] = typed
    table = wl.table_workload(typed)
    show_bad_rows(table)
    for w, h, n in table.rows[["width", "height", "count"]].itertuples(index=False):
        sizes += [(int(w), int(h))] * int(n)
    return fidelity, sizes


def output_options(model: str) -> tuple[str | None, str, int | None]:
    """gpt-image-2.6's complexity, the output format and a GIF's frames (the token effect of
    all three is unpublished: calc says so in the notes)."""
    ss = st.session_state
    o = calc.output_options(model)
    for key, options, default in (("gen_complexity", o.complexities, o.complexity_default),
                                  ("gen_format", o.formats, o.formats[0])):
        if options and ss.get(key) not in options:
            ss[key] = default
    a, b, c = st.columns(3)
    if o.complexities:
        a.segmented_control("Complexity", o.complexities, key="gen_complexity", required=True,
                            help="gpt-image-2.6 only; its effect on tokens is unpublished.")
    b.selectbox("Output format", o.formats, key="gen_format",
                help="GIF and SVG are gpt-image-2.6's; their effect on tokens is unpublished.")
    frames = None
    if ss["gen_format"] == "gif":
        least, most = o.gif_frames
        frames = c.number_input("GIF frames", min_value=least, max_value=most, key="gen_frames",
                                help=f"{least}–{most} frames within {o.gif_max_pixels:,} "
                                     "pixels, all frames together.")
    return (ss["gen_complexity"] if o.complexities else None), ss["gen_format"], frames


def keep_typed_tokens() -> None:
    """on_change: the typed field's value is the setting (empty: none typed)."""
    ss = st.session_state
    ss["gen_tokens"] = int(ss["gen_tokens_field"] or 0)


def typed_tokens(model: str, quality: str, size: str) -> int | None:
    """For a model with no published count (§4.3): the user's tokens per image, prefilled from
    a matching third-party measurement when the request changes and nothing of theirs is in it."""
    ss = st.session_state
    prefill = pg.tokens_prefill(model, quality, size)
    request = (model, quality, size)
    if prefill is None:
        ss["gen_tokens"], ss["gen_tokens_for"] = 0, None  # a published count: nothing typed
        return None
    if ss.get("gen_tokens_for") != request:
        if ss["gen_tokens"] in (0, ss.get("gen_tokens_prefilled")):
            ss["gen_tokens"] = prefill.tokens or 0
        ss["gen_tokens_for"], ss["gen_tokens_prefilled"] = request, prefill.tokens
    ss["gen_tokens_field"] = ss["gen_tokens"] or None
    st.number_input("Output tokens per image (yours)", min_value=1,
                    max_value=pg.MAX_TYPED_TOKENS, step=100, key="gen_tokens_field",
                    on_change=keep_typed_tokens,
                    help="OpenAI publishes no count for this model: the tokens you type are "
                         "priced at its image-output rate.")
    (st.info if prefill.point else st.warning)(prefill.message)
    return ss["gen_tokens"] or None


def generate_view() -> None:
    ss = st.session_state
    st.caption("The cost of images the models create: output tokens by quality and size, plus "
               "the input images of an edit. Text prompt tokens are not included.")
    a, b, c = st.columns(3)
    with a:
        model_picker("gen_model", "Model", ps.GEN_FAMILIES, False, "gen_show_shut_down")
    qualities, sizes = calc.generation_options(ss["gen_model"])
    for key, options in (("gen_quality", qualities), ("gen_size", sizes)):
        if ss.get(key) not in options:
            ss[key] = options[0] if key == "gen_size" or "medium" not in options else "medium"
    b.segmented_control("Quality", qualities, required=True, key="gen_quality")
    c.selectbox("Size", sizes, key="gen_size", format_func=lambda s: s.replace("x", "×"))
    complexity, output_format, frames = output_options(ss["gen_model"])
    typed = typed_tokens(ss["gen_model"], ss["gen_quality"], ss["gen_size"])
    d, e, f, g = st.columns(4)
    d.number_input("Images per request", **ps.bounds("n", ps.GEN_RULES), key="gen_n")
    e.number_input("Partial images (streamed)", **ps.bounds("partial", ps.GEN_RULES),
                   key="gen_partial",
                   help="Each streamed partial adds 100 tokens.")
    f.number_input("Requests per day", **ps.bounds("rpd", ps.GEN_RULES), step=10, key="gen_rpd")
    g.number_input("Days per month", **ps.bounds("days", ps.GEN_RULES), key="gen_days")
    st.segmented_control("Price tier", calc.TIERS, key="gen_tier", required=True,
                         format_func=calc.tier_label)
    fidelity, inputs = "low", []
    if st.toggle("Edit: send input images", key="gen_edit"):
        fidelity, inputs = edit_inputs()
    g_ = gen_now()
    try:
        plan = pg.generation_plan(g_.model, g_.quality, g_.size, g_.n, g_.partial, inputs,
                                  fidelity, g_.tier, g_.rpd, g_.days, tokens_per_image=typed,
                                  complexity=complexity, output_format=output_format,
                                  frames=frames)
    except calc.CalcError as error:
        st.error(f"This request would be refused: {md(error)}")
        return
    show_generation(plan)
    share_link(None if ss["plan_source"] != "mix" else wl.mix_workload(ss["plan_mix_base"]),
               settings_now())


def show_generation(plan: pg.GenerationPlan) -> None:
    out = plan.output

    def money(amount) -> str:
        return "unpublished" if out.unpublished else calc.format_usd(amount)

    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Per image", money(plan.image_usd))
    m2.metric("Per request", money(plan.request_usd),
              help=f"{out.n} image(s) of {out.size.replace('x', '×')}")
    m3.metric("Per day", money(plan.day_usd), help=f"{plan.images_per_day:,} images a day")
    m4.metric("Per month", money(plan.month_usd))
    parts = pd.DataFrame([
        ("Output images", out.output_tokens, money(plan.output_usd)),
        ("Input images", plan.input_tokens, calc.format_usd(plan.input_usd if plan.inputs else 0)),
    ], columns=["part", "tokens per request", "$ per request"])
    st.dataframe(parts, hide_index=True, key="gen_parts")
    counted = ("unpublished" if out.unpublished else
               f"{out.tokens_per_image:,} tokens per image" + (" (yours)" if out.typed else ""))
    st.caption(f"Output: {counted} ({out.quality}, {out.size.replace('x', '×')}"
               + (f", {out.partial_images} partial image(s)" if out.partial_images else "")
               + ").")
    for note in out.notes:
        st.caption(note.text)
    if plan.inputs:
        st.dataframe(pd.DataFrame([
            (f"{e.original_size[0]}×{e.original_size[1]}", e.tokens - e.fidelity_tokens,
             e.fidelity_tokens, e.tokens) for e in plan.inputs],
            columns=["input image", "tile tokens", "fidelity tokens", "tokens"]),
            hide_index=True, key="gen_inputs")


# --- page ----------------------------------------------------------------------------------------

keep_state()
st.title("Plan")
st.caption("What a product really pays on each model — per request, per day, per month and for "
           "a backlog — how fast your rate limits let it go, and what resizing would save. "
           "Every number comes from the same rules as Explore.")
view = st.segmented_control("View", VIEWS, key="plan_view", required=True,
                            label_visibility="collapsed")
if view == "Generate":
    generate_view()
else:
    workload_view()
