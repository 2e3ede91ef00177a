"""How it's metered: the spec's rules in plain words, checked live against the guide and the API.

Every number on this page comes from calc (calc.views.metered and the catalogue); this file only
arranges and formats them.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

import calc
from calc.views import metered as explain
from pages.helpers.router import ensure_router

ensure_router()

MATCH, MISMATCH = "✓", "✗"
SECTIONS = ("The rules", "Worked examples", "Measured evidence", "Model catalogue",
            "Guide vs billing")


def names(items) -> str:
    return ", ".join(f"`{n}`" for n in items)


def num(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def usd(price: Decimal | None) -> str:
    return "—" if price is None else f"${price}"


def times(m: Decimal | None) -> str:
    return "—" if m is None else f"×{m}"


def size(w: int, h: int) -> str:
    return f"{w}×{h}"


def tick(ok: bool) -> str:
    return MATCH if ok else MISMATCH


# ---- the rules in plain words --------------------------------------------------------------

def rules_section() -> None:
    book = calc.catalogue()
    tile, patch, image = (book.families[f] for f in ("tile", "patch", "image"))
    tile_models = [n for g in explain.tile_groups() for n in g.names]
    patch_models = [n for g in explain.patch_groups() for n in g.names]
    image_models = [n for g in explain.image_groups() for n in g.names]

    st.markdown(
        "An image sent to a vision model is billed as input tokens. How many depends on the "
        "model's **family**, the image's size *as the model receives it* (after EXIF rotation), "
        "and the **detail** you ask for. Two rule sets exist: **billing** — what the API is "
        "measured to charge, the default and the one to plan with — and **documented**, what "
        "OpenAI's guide says. Where they part ways, this page and the Explore page show both."
    )

    st.subheader(f"Tile models: {tile.cell} px tiles")
    st.markdown(
        f"{names(tile_models)}.\n\n"
        f"At `low` detail an image costs the model's **base** tokens, whatever its size.  \n"
        f"At `high` detail the image is resized in two steps, then cut into tiles:\n"
        f"1. **Fit in {tile.fit_side:,}×{tile.fit_side:,}.** A long side over "
        f"{tile.fit_side:,} px becomes {tile.fit_side:,}; the short side is scaled with it and "
        f"rounded half up.\n"
        f"2. **Short side to {tile.short_side:,}.** A short side over {tile.short_side:,} px "
        f"becomes {tile.short_side:,}; the long side is scaled and rounded down. A smaller image "
        f"keeps its size: images are never scaled up.\n"
        f"3. **Count the tiles** of {tile.cell} px that cover it. "
        f"Tokens = base + tile tokens × tiles."
    )
    st.dataframe(pd.DataFrame(
        [{"models": ", ".join(g.names), "base tokens": g.values[0], "tokens per tile": g.values[1]}
         for g in explain.tile_groups()]), hide_index=True)

    st.subheader(f"Patch models: {patch.cell} px patches")
    st.markdown(
        f"{names(patch_models)}.\n\n"
        f"At `high` detail:\n"
        f"1. **Fit the max side** (billing rules only — the guide's text has no such step): a long "
        f"side over the model's max side is brought down to it, as for tile models.\n"
        f"2. **Count the patches** of {patch.cell} px that cover the image. The part of a patch "
        f"past the image's edge is black, and is paid for.\n"
        f"3. **Over the budget?** Then the image is shrunk, keeping its shape, until it fits in "
        f"whole patches within the model's patch budget.\n"
        f"4. **Tokens = patches × the model's multiplier**, rounded up — computed exactly, never "
        f"in floating point."
    )
    st.dataframe(pd.DataFrame(
        [{"models": ", ".join(g.names), "patch budget": num(g.values[0]),
          "max side (px)": num(g.values[1]), "original: budget": num(g.values[2]),
          "original: max side (px)": num(g.values[3])}
         for g in explain.patch_groups()]), hide_index=True)
    st.dataframe(pd.DataFrame(
        [{"models": ", ".join(g.names), "multiplier, billing": times(g.values[0]),
          "multiplier, documented": times(g.values[1]),
          "differs": "⚠ yes" if g.values[0] != g.values[1] else ""}
         for g in explain.multiplier_groups()]), hide_index=True)

    st.subheader("gpt-image models reading an image")
    groups = explain.image_groups()
    base, per_tile = groups[0].values
    low_only = [m.name for m in calc.models() if m.family == "image" and m.fidelities == ("low",)]
    ratio = image.square_ratio_squared
    st.markdown(
        f"{names(image_models)} read an input image like a tile model, with the short side "
        f"brought to **{image.short_side:,}** px instead of {tile.short_side:,}, a base of "
        f"**{base}** tokens and **{per_tile}** per {image.cell} px tile. `detail` does not apply "
        f"to them; **input fidelity** does: `high` adds a fixed "
        f"**{image.fidelity_high_square:,}** tokens for a square image and "
        f"**{image.fidelity_high_other:,}** for any other shape. An image counts as square when "
        f"its width ÷ height lies strictly between 1/√{ratio} and √{ratio} *(inferred)*. "
        + (f"{names(low_only)} accepts only `low` fidelity." if low_only else "")
    )

    st.subheader("Images they generate")
    qualities_sizes = calc.generation_options()[1]
    st.markdown(
        f"A generated image costs output tokens by quality and size, the same table for "
        f"{names(explain.generation_models())}, priced at the model's output rate. Each streamed "
        f"partial image adds {explain.partial_image_tokens():,} output tokens."
    )
    st.dataframe(pd.DataFrame(
        [{"quality": q, **{s.replace("x", "×"): t for s, t in zip(qualities_sizes, row,
                                                                    strict=True)}}
         for q, row in explain.generation_table()]), hide_index=True)

    st.subheader("Detail levels")
    original = explain.models_with_detail("original")
    auto = "; ".join(f"on `{m}` it means `{d}`" for m, d in explain.auto_exceptions())
    orig_model = calc.resolve_model(original[0]) if original else None
    st.markdown(
        "- `high` — the full rules above.\n"
        f"- `low` — tile models: the base tokens only. Patch models: the image is first fitted "
        f"in {patch.low_fit_side}×{patch.low_fit_side}, then counted as `high` *(inferred)*. "
        f"gpt-image models have no `low`.\n"
        f"- `auto`, or no detail at all — billed as `high` (measured)"
        + (f", except {auto}" if auto else "") + ".\n"
        + (f"- `original` — only on {names(original)}: the same steps with a budget of "
           f"{orig_model.original_budget:,} patches and a max side of "
           f"{orig_model.original_max_side:,} px, applied under both rule sets. Elsewhere it is "
           f"billed as `high`, and the app says so." if orig_model else "")
    )

    st.subheader("What “inferred” means")
    st.markdown(
        "No source states these rules outright; they are Patchwork's best reading of the "
        "evidence, kept as data so they are easy to change. Wherever one of them decides a "
        "number, the app marks that number *inferred*."
    )
    st.markdown("\n".join(f"- {rule.text} — {names(rule.models)}"
                          for rule in explain.inferred_rules()))

    st.subheader("Prices")
    table = explain.catalogue_table()
    st.markdown(
        f"Image tokens are billed at the model's input rate (USD per 1M tokens, standard tier). "
        f"The batch tier pays {table.batch_discount * 100:.0f}% of that. Prices change: these are "
        f"as of **{table.as_of}** ({table.source})."
    )


# ---- the guide's worked examples -----------------------------------------------------------

def worked_section() -> None:
    st.markdown(
        f"The examples of {explain.GUIDE}, recomputed by calc under the guide's own (documented) "
        f"rules. {MATCH} means calc gets the guide's number."
    )
    worked = explain.worked_examples()
    st.dataframe(pd.DataFrame([{
        "example": w.example.label, "model": w.example.model,
        "size": size(w.example.width, w.example.height), "detail": w.example.detail,
        "counts": w.example.quantity, "guide": num(w.example.expected), "calc": num(w.actual),
        "match": tick(w.matches), "tokens (billing)": num(w.billing_tokens),
    } for w in worked]), hide_index=True)
    for w in worked:
        ex, est = w.example, w.estimate
        title = (f"{tick(w.matches)} {ex.label} — {ex.model} · {size(ex.width, ex.height)} · "
                 f"{ex.detail}: guide {ex.expected:,} {ex.quantity}, calc {w.actual:,}")
        with st.expander(title):
            st.dataframe(pd.DataFrame([
                {"step": s.name, "working": s.explanation, "size after": size(*s.size)}
                for s in est.steps]), hide_index=True)
            st.caption(f"{est.tokens:,} tokens under the {est.rules} rules; "
                       f"{w.billing_tokens:,} under billing.")


# ---- measured evidence ---------------------------------------------------------------------

def evidence_section() -> None:
    st.markdown(
        f"What the API actually billed, and what calc says for the same image under the billing "
        f"rules. {MATCH} means calc gets the measured number. The last columns show where the "
        f"guide's text alone would have been wrong."
    )
    st.dataframe(pd.DataFrame([{
        "model": c.measurement.model, "size": size(c.measurement.width, c.measurement.height),
        "detail / fidelity": _detail_label(c.measurement), "measured": num(c.measurement.measured),
        "calc (billing)": " / ".join(f"{t:,}" for t in sorted(set(c.billing))),
        "match": tick(c.matches),
        "guide's text": " / ".join(f"{t:,}" for t in sorted(set(c.documented))),
        "guide right": tick(c.guide_agrees), "what it shows": c.measurement.shows,
    } for c in explain.evidence()]), hide_index=True, height="content")
    st.caption(f"Source: {explain.EVIDENCE_SOURCE}.")


def _detail_label(m: explain.Measurement) -> str:
    if calc.resolve_model(m.model).family == "image":
        return f"fidelity {m.fidelity}"
    return " and ".join(m.details)


# ---- the catalogue -------------------------------------------------------------------------

def catalogue_section() -> None:
    table = explain.catalogue_table()
    st.dataframe(pd.DataFrame([{
        "model": r.name, "family": r.family, "high detail": r.constants,
        "original detail": r.original or "—",
        "× billing": times(r.multiplier_billing), "× documented": times(r.multiplier_documented),
        "details": ", ".join(r.details), "fidelity": ", ".join(r.fidelities) or "—",
        "input $/1M": usd(r.price_input), "cached $/1M": usd(r.price_cached_input),
        "output $/1M": usd(r.price_output), "text input $/1M": usd(r.price_text_input),
        "inferred": "⚠ " + "; ".join(r.inferred) if r.is_inferred else "",
        "notes": "; ".join(r.notes + r.differs),
    } for r in table.rows]), hide_index=True, height="content",
        column_config={"model": st.column_config.TextColumn(pinned=True),
                       "high detail": st.column_config.TextColumn(width="large")})
    st.caption(
        f"{len(table.rows)} models · prices as of **{table.as_of}** · source: {table.source} · "
        f"batch tier: {table.batch_discount * 100:.0f}% of standard. Image inputs are billed at "
        f"the input rate; “text input” is the gpt-image models' separate rate for text."
    )


# ---- where the guide and billing differ ----------------------------------------------------

def differences_section() -> None:
    st.markdown(
        "Patchwork follows **billing** by default. These are the places where that gives a "
        "different number from the guide's text:"
    )
    for d in explain.differences():
        line = f"- **{d.subject}** — {d.text}."
        if d.example is not None:
            line += (f"  \n  *{d.example}:* billing **{d.billing:,}** tokens, the guide "
                     f"**{d.documented:,}**.")
        st.markdown(line)


st.title("How it's metered")
st.caption(
    f"The rules Patchwork implements ({explain.SPEC}), in plain words — and every example and "
    f"measurement recomputed live, so you can check them. Catalogue as of "
    f"{explain.catalogue_table().as_of}."
)
for tab, render in zip(
    st.tabs(SECTIONS, key="section", bind="query-params"),
    (rules_section, worked_section, evidence_section, catalogue_section, differences_section),
    strict=True,
):
    with tab:
        render()
