"""Plan: what a whole workload costs on each model, what resizing would save, and what generated
images cost. Collects input, calls calc.views.plan and .plan_inputs, renders them."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import plotly.express as px
import streamlit as st

import calc
from calc.views import plan as cp
from calc.views import plan_inputs as wl
from calc.views.inert import md, short
from calc.views.labels import format_usd, tier_label
from pages.helpers.router import ensure_router

ensure_router()  # a shared /plan link still runs app.py (page config, menu, sidebar)

SOURCES = ("Many images", "A CSV", "A size mix")
MAX_TABLE_ROWS = 5_000  # rows sent to the browser; the CSV export has them all
BRAND = "#3b6e8f"


# --- state ---------------------------------------------------------------------------------------


def seed_state() -> dict:
    """Once per session: the starting values of Plan's widgets (Explore's choices where they
    apply, then a shared link). Widgets take them as their defaults; their keys are never
    pre-set, so an interrupted first run cannot leave a widget at its bare default."""
    ss = st.session_state
    ss["plan_link_notices"] = ()
    if "plan_defaults" in ss:
        return ss["plan_defaults"]
    choice = ss.get("shared_choice") or {}
    defaults = {
        "source": "A size mix", "models": list(cp.DEFAULT_MODELS), "ipr": 1, "rpd": 1_000,
        "days": 30,
        "tier": choice.get("tier") if choice.get("tier") in calc.TIERS else "standard",
        "detail": choice.get("detail") if choice.get("detail") in calc.DETAILS else "auto",
        "rules": choice.get("rules") if choice.get("rules") in calc.RULE_SETS else "billing",
    }
    ss["plan_mix_base"], ss["plan_mix_version"] = wl.preset_mix(), 0
    params = st.query_params.to_dict()
    if any(key in params for key in cp.QUERY_KEYS):
        shared, notices = cp.plan_from_query(params)
        volume = shared.volume
        defaults.update(models=list(shared.models), ipr=volume.images_per_request,
                        rpd=volume.requests_per_day, days=volume.days_per_month,
                        tier=volume.tier, detail=shared.detail)
        ss["plan_mix_base"] = wl.mix_table(shared.mix)
        ss["plan_link_notices"] = notices
    ss["plan_defaults"] = defaults
    return defaults


def reset_mix() -> None:
    st.session_state["plan_mix_base"] = wl.preset_mix()
    st.session_state["plan_mix_version"] += 1


def keep_table(name: str) -> None:
    """An editor that leaves the page loses its edits: make them its new starting table."""
    ss = st.session_state
    if ss.get(f"{name}_current") is not None:
        ss[f"{name}_base"] = ss[f"{name}_current"]
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


@st.cache_resource(max_entries=6, show_spinner="Reading the image headers…")
def read_images(key: tuple, _files: list) -> wl.Workload:
    return wl.read_images(_files)


@st.cache_resource(max_entries=6, show_spinner="Reading the CSV…")
def read_csv(key: tuple, _data: bytes) -> tuple[wl.Workload | None, str | None]:
    try:
        return wl.read_csv(_data), None
    except calc.CalcError as error:
        return None, str(error)


@st.cache_resource(max_entries=8, show_spinner="Costing every size on every model…")
def price(key: object, _rows: pd.DataFrame, models: tuple, detail: str, rules: str):
    priced = cp.price_workload(_rows, models, detail, rules)
    return priced, cp.model_totals(priced)


@st.cache_resource(max_entries=8, show_spinner="Trying each pre-resize on every model…")
def resize_totals(key: object, _priced: cp.PricedWorkload, models: tuple, detail: str,
                  rules: str) -> pd.DataFrame:
    return cp.resize_totals(_priced)


# --- formatting ----------------------------------------------------------------------------------


def money(usd: float | None) -> str:
    """The app's one money format (calc's format_usd); a missing value reads as unknown."""
    return format_usd(None if usd is None or pd.isna(usd) else usd)


MONEY = st.column_config.NumberColumn
SUMMARY_CONFIG = {
    "model": st.column_config.TextColumn("Model"),
    "share_of_images": st.column_config.NumberColumn("Share of images", format="percent"),
    "avg_image_tokens": st.column_config.NumberColumn("Avg image tokens", format="%.1f"),
    "usd_per_1000_images": MONEY("$ per 1,000 images", format="$%.4f"),
    "usd_per_day": MONEY("$ per day", format="dollar"),
    "usd_per_month": MONEY("$ per month", format="dollar"),
    "tokens_per_month": st.column_config.NumberColumn("Tokens per month", format="compact"),
}
ADVICE_CONFIG = {
    "model": st.column_config.TextColumn("Model"),
    "fit": st.column_config.TextColumn("Pre-resize"),
    "fit_px": None,
    "avg_image_tokens": st.column_config.NumberColumn("Avg image tokens", format="%.1f"),
    "tokens_per_month": st.column_config.NumberColumn("Tokens / month", format="compact"),
    "tokens_saved_per_month": st.column_config.NumberColumn("Tokens saved / month",
                                                            format="compact"),
    "usd_per_month": MONEY("$ / month", format="dollar"),
    "usd_saved_per_month": MONEY("$ saved / month", format="dollar"),
    "megapixels_seen": st.column_config.NumberColumn("Megapixels the model sees",
                                                     format="%.3f"),
    "pixels_kept": st.column_config.ProgressColumn("Pixels kept", format="percent",
                                                   min_value=0.0, max_value=1.0),
}


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
    workload = read_images(key, [(f.name, f.getvalue()) for f in files])
    for refused in workload.refused:
        st.error(f"**{md(short(refused.name))}** refused: {md(refused.reason)}")
    if workload.skipped:
        with st.expander(f"⚠️ {len(workload.skipped):,} files left out", expanded=True):
            st.dataframe(pd.DataFrame([(s.name, s.reason) for s in workload.skipped],
                                      columns=["file", "why"]), hide_index=True)
    if len(workload.rows):
        st.caption(f"{len(workload.rows):,} images read (header read only: sizes come from each "
                   "file's header, so a file with damaged pixels is still counted — Explore "
                   "decodes it fully).")
    return key, workload


def csv_input() -> tuple[object, wl.Workload | None]:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        upload = st.file_uploader("A CSV of image sizes", type=["csv", "txt"], key="plan_csv",
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
    workload, error = read_csv(key, upload.getvalue())
    if error:
        st.error(f"This CSV cannot be used: {md(error)}")
        good = st.session_state.get("plan_csv_good")
        if good is None:
            return None, None
        st.caption(f"Still planning with the last good CSV, {md(short(good[0][1]))}.")
        key, workload = good  # a bad new file does not throw away the plan on screen
    else:
        st.session_state["plan_csv_good"] = (key, workload)
    show_bad_rows(workload, "line")
    for notice in workload.notices:
        st.caption(notice)
    return key, workload


def mix_input() -> tuple[object, wl.Workload | None]:
    ss = st.session_state
    st.caption("Typical sizes and the share of your images each one is. Edit, add or delete rows.")
    edited = st.data_editor(
        ss["plan_mix_base"], key=f"plan_mix_editor_{ss['plan_mix_version']}", num_rows="dynamic",
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
    show_bad_rows(workload, "row")
    for notice in workload.notices:
        st.caption(notice)
    key = ("mix", tuple(map(tuple, workload.rows[["width", "height", "count"]].to_numpy()
                            .tolist())))
    return key, workload


def show_bad_rows(workload: wl.Workload, label: str) -> None:
    bad = workload.bad_rows
    if not len(bad):
        return
    noun = label if len(bad) == 1 else f"{label}s"
    st.warning(f"{len(bad):,} {noun} left out of the totals: the table says why.")
    st.dataframe(bad.head(MAX_TABLE_ROWS), hide_index=True, key=f"plan_bad_{label}",
                 column_config={c: st.column_config.Column(c.capitalize()) for c in bad.columns})
    if len(bad) > MAX_TABLE_ROWS:
        st.caption(f"The first {MAX_TABLE_ROWS:,} of {len(bad):,} are shown.")


# --- volume, models and results ------------------------------------------------------------------


def volume_controls(defaults: dict) -> tuple[cp.Volume, tuple[str, ...], str, str]:
    st.markdown("#### Volume and models")
    a, b, c, d = st.columns(4)
    ipr = a.number_input("Images per request", min_value=1,
                         max_value=cp.MAX_IMAGES_PER_REQUEST, value=defaults["ipr"], step=1,
                         key="plan_ipr")
    rpd = b.number_input("Requests per day", min_value=0, max_value=cp.MAX_REQUESTS_PER_DAY,
                         value=defaults["rpd"], step=100, key="plan_rpd")
    days = c.number_input("Days per month", min_value=1, max_value=31, value=defaults["days"],
                          step=1, key="plan_days")
    with d:
        tier = st.segmented_control("Price tier", calc.TIERS, default=defaults["tier"],
                                    key="plan_tier", required=True, format_func=tier_label)
    models = st.multiselect("Models to compare", cp.plannable_models(),
                            default=defaults["models"], key="plan_models")
    with st.expander("Detail and rules"):
        left, right = st.columns(2)
        detail = left.selectbox("Detail for rows that do not say", calc.DETAILS,
                                index=calc.DETAILS.index(defaults["detail"]), key="plan_detail")
        rules = right.segmented_control(
            "Rules", calc.RULE_SETS, default=defaults["rules"], key="plan_rules", required=True,
            help="billing: what the API is measured to bill (use this to plan). documented: "
                 "what OpenAI's guide says.")
    volume = cp.Volume(int(ipr), int(rpd), int(days), tier)
    return volume, tuple(models), detail, rules


def results(key: object, workload: wl.Workload, volume: cp.Volume, models: tuple[str, ...],
            detail: str, rules: str) -> None:
    try:
        priced, totals = price(key, workload.rows, models, detail, rules)
    except calc.CalcError as error:
        st.error(f"This workload cannot be costed: {md(error)}")
        return
    table = cp.summary(totals, priced.images, volume)
    pinned = (priced.sizes["model"] != "").any()
    st.markdown("#### What it costs")
    best = table.iloc[0]
    m1, m2, m3 = st.columns(3)
    m1.metric(f"Cheapest: {best['model']}", f"{money(best['usd_per_month'])} / month",
              help="At your volume and price tier, for image input tokens only.")
    m2.metric("Images per day", f"{volume.images_per_day:,}")
    m3.metric("Images per month", f"{volume.images_per_day * volume.days_per_month:,}")
    if pinned:
        st.caption("Some rows name their model: they are costed on that model only, so that "
                   "model gets only their share of the daily images.")
    st.dataframe(table, hide_index=True, column_config=SUMMARY_CONFIG, key="plan_summary")
    charts(totals, priced.images, volume, table)
    advisor(key, priced, volume, models, detail, rules)
    per_image(workload, priced, volume, table)


def charts(totals: pd.DataFrame, images: float, volume: cp.Volume, table: pd.DataFrame) -> None:
    left, right = st.columns(2)
    priced = table.dropna(subset=["usd_per_month"])
    bar = px.bar(priced, x="model", y="usd_per_month", text_auto="$,.2f",
                 labels={"model": "", "usd_per_month": "$ per month"},
                 title="Monthly cost, cheapest first", color_discrete_sequence=[BRAND])
    bar.update_traces(textposition="outside", textangle=0, cliponaxis=False)
    bar.update_xaxes(categoryorder="array", categoryarray=list(priced["model"]))
    left.plotly_chart(bar, key="plan_bar")
    curve = cp.cost_by_volume(totals, images, volume)
    line = px.line(curve, x="images_per_day", y="usd_per_month", color="model",
                   labels={"images_per_day": "Images per day", "usd_per_month": "$ per month",
                           "model": "Model"},
                   title="Monthly cost against daily volume")
    line.add_vline(x=volume.images_per_day, line_dash="dot", line_color="#888",
                   annotation_text="your volume")
    right.plotly_chart(line, key="plan_line")


def advisor(key: object, priced: cp.PricedWorkload, volume: cp.Volume, models: tuple[str, ...],
            detail: str, rules: str) -> None:
    st.markdown("#### Resize advisor")
    st.caption("What shrinking your images before sending them would do: each image is fitted "
               "within the size (long side, never enlarged, rounded as the API rounds), then "
               "costed again. Fewer tokens, but the model also sees fewer pixels.")
    totals = resize_totals(key, priced, models, detail, rules)
    advice = cp.resize_advice(totals, priced.images, volume)
    fig = px.line(advice, x="fit", y="usd_per_month", color="model", markers=True,
                  labels={"fit": "", "usd_per_month": "$ per month", "model": "Model"},
                  title="Monthly cost after pre-resizing")
    st.plotly_chart(fig, key="plan_advice_chart")
    options = list(dict.fromkeys(advice["model"]))
    choice = st.pills("Model", options, default=options[0])
    shown = advice if choice is None else advice[advice["model"] == choice]
    config = ADVICE_CONFIG if choice is None else {**ADVICE_CONFIG, "model": None}
    st.dataframe(shown, hide_index=True, column_config=config, key="plan_advice")


def per_image(workload: wl.Workload, priced: cp.PricedWorkload, volume: cp.Volume,
              table: pd.DataFrame) -> None:
    st.markdown("#### Per image")
    rows = workload.rows
    if len(rows) <= MAX_TABLE_ROWS:
        shown = cp.per_image_table(rows, priced, volume.tier)
        st.caption("Tokens and $ for one image on each model (at your price tier).")
    else:
        shown = cp.per_size_table(priced, volume.tier, limit=MAX_TABLE_ROWS)
        st.caption(f"{len(rows):,} rows: shown per distinct size, the {len(shown):,} most common "
                   "first. The CSV export has every row.")
    config = {c: MONEY(c.replace(" usd", " $"), format="$%.6f") for c in shown.columns
              if c.endswith(" usd")}
    config.update({c: st.column_config.Column(c.capitalize()) for c in
                   ("name", "line", "row", "width", "height", "count", "detail", "model")
                   if c in shown.columns})
    st.dataframe(shown, hide_index=True, column_config=config, key="plan_per_image")
    a, b = st.columns(2)
    a.download_button("Per-image rows (CSV)",
                      lambda: cp.to_csv_bytes(cp.per_image_table(rows, priced, volume.tier)),
                      "patchwork-per-image.csv", "text/csv", icon=":material/download:",
                      on_click="ignore")
    b.download_button("Per-model summary (CSV)", cp.to_csv_bytes(table),
                      "patchwork-summary.csv", "text/csv", icon=":material/download:",
                      on_click="ignore")


def share_link(workload: wl.Workload, volume: cp.Volume, models: tuple[str, ...],
               detail: str) -> None:
    """Keep the address bar equal to this mix plan, so the page's address is the link."""
    mix = tuple(zip(workload.rows["width"].tolist(), workload.rows["height"].tolist(),
                    workload.rows["count"].tolist(), strict=True))
    query = cp.plan_to_query(cp.SharedPlan(mix, models or cp.DEFAULT_MODELS, volume, detail))
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    address = st.context.url or ""
    link = f"{address}?{urlencode(query, safe=',:')}"
    st.markdown("#### Share this plan")
    st.caption("This page's address now holds the plan: copy it from the address bar, or here.")
    st.code(link, language=None, wrap_lines=True)


def clear_link() -> None:
    if any(key in st.query_params for key in cp.QUERY_KEYS):
        for key in cp.QUERY_KEYS:
            st.query_params.pop(key, None)


def workload_tab(defaults: dict) -> None:
    for notice in st.session_state["plan_link_notices"]:
        st.warning(md(f"From the link: {notice}"))
    source = st.segmented_control("Describe the workload", SOURCES, default=defaults["source"],
                                  key="plan_source", required=True, on_change=keep_table,
                                  args=("plan_mix",))
    if source == "Many images":
        key, workload = images_input()
    elif source == "A CSV":
        key, workload = csv_input()
    else:
        key, workload = mix_input()
    volume, models, detail, rules = volume_controls(defaults)
    if workload is not None and workload.images <= 0:
        st.info("No usable image sizes yet: nothing to cost.")
    elif workload is not None and not models:
        st.warning("Choose at least one model to compare.")
    elif workload is not None:
        results(key, workload, volume, models, detail, rules)
    if source == "A size mix" and workload is not None:
        share_link(workload, volume, models, detail)
    else:
        clear_link()


# --- Generate ------------------------------------------------------------------------------------


def edit_inputs() -> tuple[str, list[tuple[int, int]]]:
    fidelity = st.segmented_control(
        "Input fidelity", calc.FIDELITIES, default="low", key="gen_fidelity", required=True,
        help="high keeps faces and logos closer to the input; it adds a fixed 4,160 (square) "
             "or 6,240 tokens per input image.")
    files = st.file_uploader("Input images", accept_multiple_files=True, key="gen_files",
                             on_change=keep_upload, args=("gen_files",),
                             help="Only the headers are read, for the sizes.")
    files = uploaded(files, "gen_files")
    sizes: list[tuple[int, int]] = []
    if files:
        key = tuple((f.file_id, f.name, f.size) for f in files)
        read = read_images(key, [(f.name, f.getvalue()) for f in files])
        for skipped in (*read.skipped, *read.refused):
            st.warning(f"**{md(short(skipped.name))}** left out: {md(skipped.reason)}")
        sizes += list(zip(read.rows["width"].tolist(), read.rows["height"].tolist(),
                          strict=True))
    ss = st.session_state
    ss.setdefault("gen_sizes_base",
                  pd.DataFrame({"width": [1024], "height": [1024], "count": [1]}))
    typed = st.data_editor(
        ss["gen_sizes_base"], key=f"gen_sizes_{ss.get('gen_sizes_version', 0)}",
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
    show_bad_rows(table, "row")
    for w, h, n in table.rows[["width", "height", "count"]].itertuples(index=False):
        sizes += [(int(w), int(h))] * int(n)
    return fidelity, sizes


def generate_tab() -> None:
    qualities, sizes = calc.generation_options()
    gen_models = tuple(calc.catalogue().generation["models"])
    st.caption("The cost of images the models create: output tokens by quality and size, plus "
               "the input images of an edit. Text prompt tokens are not included.")
    a, b, c = st.columns(3)
    model = a.selectbox("Model", gen_models, key="gen_model")
    quality = b.segmented_control("Quality", qualities, required=True, key="gen_quality",
                                  default="medium" if "medium" in qualities else qualities[0])
    size = c.segmented_control("Size", sizes, default=sizes[0], key="gen_size", required=True,
                               format_func=lambda s: s.replace("x", "×"))
    d, e, f, g = st.columns(4)
    n = d.number_input("Images per request", min_value=1, max_value=10, value=1, key="gen_n")
    partial = e.number_input("Partial images (streamed)", min_value=0, max_value=3, value=0,
                             key="gen_partial", help="Each streamed partial adds 100 tokens.")
    rpd = f.number_input("Requests per day", min_value=0, max_value=cp.MAX_REQUESTS_PER_DAY,
                         value=100, step=10, key="gen_rpd")
    days = g.number_input("Days per month", min_value=1, max_value=31, value=30, key="gen_days")
    tier = st.segmented_control("Price tier", calc.TIERS, default="standard", key="gen_tier",
                                required=True, format_func=tier_label)
    fidelity, inputs = "low", []
    if st.toggle("Edit: send input images", key="gen_edit", on_change=keep_table,
                 args=("gen_sizes",)):
        fidelity, inputs = edit_inputs()
    try:
        plan = cp.generation_plan(model, quality, size, int(n), int(partial), inputs, fidelity,
                                  tier, int(rpd), int(days))
    except calc.CalcError as error:
        st.error(f"This request would be refused: {md(error)}")
        return
    show_generation(plan)


def show_generation(plan: cp.GenerationPlan) -> None:
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Per image", money(plan.image_usd))
    m2.metric("Per request", money(plan.request_usd),
              help=f"{plan.output.n} image(s) of {plan.output.size.replace('x', '×')}")
    m3.metric("Per day", money(plan.day_usd), help=f"{plan.images_per_day:,} images a day")
    m4.metric("Per month", money(plan.month_usd))
    parts = pd.DataFrame([
        ("Output images", plan.output.output_tokens, plan.output_usd),
        ("Input images", plan.input_tokens, plan.input_usd if plan.inputs else 0.0),
    ], columns=["part", "tokens per request", "usd per request"])
    st.dataframe(parts, hide_index=True, key="gen_parts", column_config={
        "part": st.column_config.TextColumn("Part"),
        "tokens per request": st.column_config.NumberColumn("Tokens per request"),
        "usd per request": MONEY("$ per request", format="$%.6f")})
    st.caption(f"Output: {plan.output.tokens_per_image:,} tokens per image "
               f"({plan.output.quality}, {plan.output.size.replace('x', '×')}"
               + (f", {plan.output.partial_images} partial image(s)"
                  if plan.output.partial_images else "") + ").")
    if plan.inputs:
        st.dataframe(pd.DataFrame([
            (f"{e.original_size[0]}×{e.original_size[1]}", e.tokens - e.fidelity_tokens,
             e.fidelity_tokens, e.tokens) for e in plan.inputs],
            columns=["input image", "tile tokens", "fidelity tokens", "tokens"]),
            hide_index=True, key="gen_inputs", column_config={
                "input image": st.column_config.TextColumn("Input image"),
                "tile tokens": st.column_config.NumberColumn("Tile tokens"),
                "fidelity tokens": st.column_config.NumberColumn("Fidelity tokens"),
                "tokens": st.column_config.NumberColumn("Tokens")})


# --- page ----------------------------------------------------------------------------------------

defaults = seed_state()
st.title("Plan")
st.caption("What a whole workload costs on each model — per image, per day, per month — and how "
           "much resizing would save. Every number comes from the same rules as Explore.")
workload_tab_, generate_tab_ = st.tabs(["Workload", "Generate"])
with workload_tab_:
    workload_tab(defaults)
with generate_tab_:
    generate_tab()
