"""Plan's Generate view: the request's choices (model, quality, size, options, an edit's input
images, typed tokens where OpenAI publishes none) and the GenerateScreen calc.views works out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import calc
from calc.views.inert import md, short
from calc.views.plan import generate as pg
from calc.views.plan import settings as ps
from calc.views.plan import workload as wl
from pages.helpers.plan_widgets import (
    keep_upload,
    model_picker,
    pixels,
    read_images,
    show_bad_rows,
    show_table,
    sizes_editor,
    uploaded,
)


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
    typed = sizes_editor("gen_sizes", {
        "width": pixels("Width (px)"), "height": pixels("Height (px)"),
        "count": st.column_config.NumberColumn("Count", min_value=1, step=1, format="%d")})
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
    """For a model with no published count (metering.md §8.3): the user's tokens per image,
    prefilled from a matching third-party measurement when the request changes and nothing of
    theirs is in it."""
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


def request_inputs() -> pg.GenerationPlan | None:
    """The request's choices; its plan, or None where the API would refuse it (said so)."""
    ss = st.session_state
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
                   key="gen_partial", help="Each streamed partial adds 100 tokens.")
    f.number_input("Requests per day", **ps.bounds("rpd", ps.GEN_RULES), step=10, key="gen_rpd")
    g.number_input("Days per month", **ps.bounds("days", ps.GEN_RULES), key="gen_days")
    st.segmented_control("Price tier", calc.TIERS, key="gen_tier", required=True, wrap=True,
                         format_func=calc.tier_label)
    fidelity, inputs = "low", []
    if st.toggle("Edit: send input images", key="gen_edit"):
        fidelity, inputs = edit_inputs()
    try:
        return pg.generation_plan(
            ss["gen_model"], ss["gen_quality"], ss["gen_size"], int(ss["gen_n"]),
            int(ss["gen_partial"]), inputs, fidelity, ss["gen_tier"], int(ss["gen_rpd"]),
            int(ss["gen_days"]), tokens_per_image=typed, complexity=complexity,
            output_format=output_format, frames=frames)
    except calc.CalcError as error:
        st.error(f"This request would be refused: {md(error)}")
        return None


def show(screen: pg.GenerateScreen) -> None:
    with st.container(horizontal=True):  # side by side while they fit, wrapped when not
        for m in screen.metrics:
            st.metric(m.label, m.value, help=m.help or None, width="content")
    show_table(screen.parts, "gen_parts")
    st.caption(screen.output_note)
    for note in screen.notes:
        st.caption(note)
    if len(screen.inputs):
        show_table(screen.inputs, "gen_inputs")


def generate_view() -> bool:
    """The Generate view; False where the request would be refused (nothing to show)."""
    st.caption("The cost of images the models create: output tokens by quality and size, plus "
               "the input images of an edit. Text prompt tokens are not included.")
    plan = request_inputs()
    if plan is not None:
        show(pg.generate_screen(plan))
    return plan is not None
