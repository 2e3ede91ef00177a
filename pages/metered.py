"""How it's metered: the rules in plain words, checked live against the guide and the API.

Every number on this page comes from calc (calc.views.metered and the catalogue); this file only
arranges and formats them. The rules are written out in docs/metering.md, shown in the first tab.
"""

from __future__ import annotations

import streamlit as st

import calc
from calc.views import metered as explain
from calc.views.inert import md
from calc.views.markup import markdown_tables, table_html
from pages.helpers.router import ensure_router

ensure_router(__file__)

MATCH, MISMATCH = "✓", "✗"
INFERRED = "inferred"
SECTIONS = ("The rules", "Profiles", "Worked examples", "Measured evidence", "Generated images",
            "Prices", "Lifecycle", "Guide vs billing", "History")


def names(items) -> str:
    return ", ".join(f"`{n}`" for n in items)


def num(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def tick(ok: bool) -> str:
    return MATCH if ok else MISMATCH


def confidence(level: str) -> str:
    """A confidence as the page shows it: an inferred one stands out."""
    return f"{INFERRED} (no source states it)" if level == INFERRED else level


def table(rows: list[dict[str, str]]) -> None:
    """The page's own HTML table: every value in full, words wrapped, no number broken across
    lines; a table wider than the page scrolls in its own box."""
    st.html(table_html(list(rows[0]), [list(row.values()) for row in rows]))


def dollars(text: str) -> str:
    """Markdown reads `$…$` as maths: escape the dollar signs of prose."""
    return text.replace("$", r"\$")


# ---- the rules in plain words --------------------------------------------------------------

def rules_section() -> None:
    f = explain.family_facts()
    st.markdown(
        "An image sent to a vision model is billed as input tokens. How many depends on the "
        "model's **family**, the image's size *as the model receives it* (after EXIF rotation) "
        "and the **detail** asked for. Two rule sets: **billing** — what the API is measured to "
        "charge, the default — and **documented**, what OpenAI's current guide says. A patch "
        "image can also be **rejected** by the API: then it has no price at all."
    )
    st.subheader(f"Tile models: {f.tile_cell} px tiles")
    st.markdown(
        "`low` costs the model's **base** tokens, whatever the size. `high` and `auto`:\n"
        f"1. **Fit in {f.tile_fit:,}×{f.tile_fit:,}**: the short side scaled, rounded half up.\n"
        f"2. **Short side to {f.tile_short}**, never up: the long side rounded down.\n"
        f"3. **Tiles** of {f.tile_cell} px; tokens = base + per tile × tiles.\n\n"
        f"`original` is billed as `high` ({names(f.original_as_high)} accepts it, measured).")
    table([{"models": ", ".join(m), "base tokens": num(b), "tokens per tile": num(t)}
           for m, b, t in f.tile_groups])
    st.subheader(f"Patch models: {f.patch_cell} px patches, by profile")
    st.markdown(
        "Each model and detail level has a **profile**: a pixel limit (max side) and a patch "
        "budget, either of which may be *none* (tab **Profiles**).\n"
        "1. **Fit** the long side to the max side, as for tiles.\n"
        f"2. **Count** the {f.patch_cell} px patches that cover the image; past its edge a patch "
        "is black, and is paid for.\n"
        "3. **Over the budget?** Shrink, keeping the shape, to whole patches within it.\n"
        f"4. **Over {explain.catalogue_info().limits['patches_per_image']:,} patches?** The API "
        "rejects the image (HTTP 400).\n"
        "5. **Tokens = patches × the model's multiplier**, rounded up — in exact arithmetic.\n\n"
        f"`auto` means `original` on {names(f.auto_original)}; `high` elsewhere.")
    st.subheader("gpt-image models reading an image")
    st.markdown(
        f"{names(f.image_models)}: like a tile model with the short side brought to "
        f"**{f.image_short}** px, a base of **{f.image_base}** and **{f.image_tile}** per tile. "
        f"`detail` does not apply; input fidelity `high` adds **{f.fidelity_square:,}** for a "
        f"square image and **{f.fidelity_other:,}** otherwise. “Square” means w/h strictly "
        f"between 1/√{f.square_ratio_squared} and √{f.square_ratio_squared} — **{INFERRED}**. "
        f"{names(f.low_fidelity_only)} takes only `low` fidelity.\n\n"
        f"{names(f.image2_models)} read every input at high fidelity. **{INFERRED}, low "
        f"confidence** ({f.image2_source}): a long side under {f.image2_enlarge:,} is enlarged "
        f"(to at most twice), the short side counts as at least a third of the long "
        f"(aspect cap {f.image2_aspect_cap}), then {f.patch_cell} px patches within a "
        f"{f.image2_budget:,} budget, one token each.")
    st.subheader("Names")
    st.markdown(
        "A model is named by its catalogue name or alias, optionally followed by a snapshot date "
        "(`gpt-5.4-mini-2026-03-17`). Nothing else matches: `gpt-5-pro`, `gpt-5.4-pro` and "
        "`o3-pro` are unknown models, not gpt-5, gpt-5.4 or o3.")
    text = explain.doc_text()
    if text is not None:
        with st.expander(f"{explain.DOC} — the rules with their evidence, edition "
                         f"{explain.EDITION}", icon=":material/description:"):
            for part in markdown_tables(text):  # its tables as the page's own
                if isinstance(part, str):
                    st.markdown(dollars(part))
                else:
                    st.html(table_html(*part))


# ---- profiles and the rejection ------------------------------------------------------------

def profiles_section() -> None:
    st.markdown(
        "How each patch model sizes an image, per detail level, as **max side / patch budget** "
        "(*none*: no limit of that kind; *= high*: the level has no effect). Billing rules; "
        "where the guide says otherwise, the last columns say so.")
    table([{
        "profile": p.name, "models": ", ".join(p.models), "low": p.low, "high": p.high,
        "original": p.original, "auto =": p.auto, "multiplier": p.multiplier_text,
        "confidence": confidence(p.confidence), "source": p.source,
        "guide says": p.documented, "note": "; ".join(filter(None, (p.differs, p.note))),
    } for p in explain.profile_table()])
    rej = explain.rejection()
    e = rej.estimate
    lw, lh = e.largest_accepted
    st.subheader("The patch limit: rejected, not shrunk")
    st.markdown(
        f"The API takes at most **{rej.limit:,} patches per image**, after the profile's fit and "
        f"budget, at every detail level. An image that needs more is rejected with HTTP 400 — "
        f"no tokens, no price. Only levels without a budget reach it (profiles "
        f"{names(rej.reaches)}).\n\n"
        f"Measured: `{rej.model}` · {explain.size(*rej.size)} · `{rej.detail}` → "
        f"**{e.reason}**. The API says: “{rej.message}”\n\n"
        f"Two ways out:\n"
        f"- the same image at `high`: **{rej.at_high.tokens:,} tokens** "
        f"({rej.at_high.units:,} patches), {dollars(calc.format_usd(rej.at_high.usd))};\n"
        f"- the largest size of the same shape it accepts: **{lw}×{lh}**, "
        f"{rej.largest.units:,} patches → **{rej.largest.tokens:,} tokens**, "
        f"{dollars(calc.format_usd(rej.largest.usd))}.")


# ---- the guide's worked examples -----------------------------------------------------------

def worked_section() -> None:
    st.markdown(
        f"The guide's worked examples, recomputed by calc under the guide's own (documented) "
        f"rules. {MATCH} means calc gets the guide's number (and size, where it gives one).")
    worked = explain.worked_examples()
    table([{
        "example": w.example.label, "model": w.example.model,
        "size": explain.size(w.example.width, w.example.height), "detail": w.example.detail,
        "counts": w.example.quantity, "guide": num(w.example.expected), "calc": num(w.actual),
        "size after": explain.size(*w.final_size), "match": tick(w.matches),
        "tokens (billing)": num(w.billing_tokens),
    } for w in worked])
    for w in worked:
        ex = w.example
        with st.expander(f"{tick(w.matches)} {ex.label} — {ex.model} · "
                         f"{explain.size(ex.width, ex.height)} · {ex.detail}: guide "
                         f"{ex.expected:,} {ex.quantity}, calc {w.actual:,}"):
            table([{"step": s.name, "working": s.explanation, "size after": explain.size(*s.size)}
                   for s in w.estimate.steps])


# ---- measured evidence ---------------------------------------------------------------------

def evidence_section() -> None:
    st.markdown(
        f"What the API actually billed, and calc's answer for the same image under the billing "
        f"rules. {MATCH} means calc gets the measured number. “guide right” says whether the "
        f"current guide's text alone gets it too.")
    table([{
        "model": ", ".join(c.measurement.models),
        "size": explain.size(c.measurement.width, c.measurement.height),
        "detail / fidelity": _detail_label(c.measurement),
        "measured": (f"{c.measurement.measured:,}" if c.measurement.measured is not None
                     else f"rejected, {c.measurement.patches:,} patches"),
        "calc (billing)": explain.outcome_text(c.billing), "match": tick(c.matches),
        "guide's text": explain.outcome_text(c.documented), "guide right": tick(c.guide_agrees),
        "what it shows": c.measurement.shows, "when": c.measurement.when,
        "rests on": INFERRED if c.inferred else "",
    } for c in explain.evidence()])
    st.caption(f"How they were measured: {explain.EVIDENCE_SOURCE}.")


def _detail_label(m: explain.Measurement) -> str:
    if m.output:
        return f"output, quality {m.details[0]}"
    if m.models[0].startswith("gpt-image"):
        return f"fidelity {m.fidelity}"
    return " and ".join(m.details)


# ---- the rounding notes --------------------------------------------------------------------

def rounding_notes() -> None:
    st.subheader("One token, and knife edges")
    st.info(explain.ONE_TOKEN_CAVEAT, icon=":material/info:")
    st.markdown(
        "On a **knife-edge** size the budget shrink lands exactly on a whole number of patches "
        "across or down; floating point lands just below it and counts a whole row or column "
        "fewer. Nobody has measured which one billing does: Patchwork gives the exact figure "
        "and a note, and a Verify count settles it.")
    table([{
        "model": k.edge.model, "size": explain.size(k.edge.width, k.edge.height),
        "exact": f"{k.exact_patches:,} patches → {k.exact_tokens:,}",
        "floats": f"{k.float_patches:,} patches → {k.float_tokens:,}",
        "notes say": f"{k.edge.exact:,} / {k.edge.floats:,}", "match": tick(k.matches),
        "calc's note": k.note,
    } for k in explain.knife_edges()])


# ---- generated images ----------------------------------------------------------------------

def generation_section() -> None:
    g = explain.generation_table()
    st.subheader("Before gpt-image-2: a table")
    st.markdown(f"Output tokens per image for {names(g.models)} ({g.confidence}; all now shut "
                "down).")
    table([{"quality": q, **{s.replace("x", "×"): num(n)
                             for s, n in zip(g.sizes, row, strict=True)}} for q, row in g.rows])
    f = explain.formula()
    model, quality, size, expected = f.example
    st.subheader("gpt-image-2: a formula")
    st.markdown(
        f"{names(f.models)} only (not 2.5 or 2.6: below). "
        f"**{f.confidence.capitalize()}, not documented**: {f.source}. With "
        "q = " + ", ".join(f"{v} ({k})" for k, v in f.quality_factor.items())
        + " and short / long the sides of the requested size:")
    st.code(f.text, language=None)
    st.markdown(
        f"{tick(f.matches)} `{model}` · {size.replace('x', '×')} · `{quality}` → saf {f.saf} → "
        f"**{f.tokens:,} tokens** (the notes: {expected:,}) = {dollars(f.usd)} at "
        f"{dollars(f.price)} per 1M output tokens.\n\n"
        "Size rules (documented): " + "; ".join(f.rules) + ". A size outside them is an error "
        "that names the rule:")
    table([{"size": s.replace("x", "×"), "calc says": err} for s, err in f.errors])
    st.markdown(
        f"- quality `auto` is chosen by the model: estimated as `{f.auto}` — **{INFERRED}**.\n"
        f"- each streamed partial image adds {f.partial_image_tokens} output tokens (documented "
        f"for gpt-image-1; **{INFERRED}** after).")
    st.markdown("The guide's per-image prices, against the formula:")
    table([{"size": p.size.replace("x", "×"), "quality": p.quality, "tokens": num(p.tokens),
            "calc": calc.format_usd(p.usd), "guide": f"${p.guide}", "match": tick(p.matches)}
           for p in f.prices])
    unpublished_section()


def unpublished_section() -> None:
    u = explain.unpublished()
    st.subheader("gpt-image-2.5 and 2.6: unpublished")
    st.markdown(
        f"{names(u.models)}: OpenAI publishes no output-token count for the images they create, "
        "and measurements of real usage contradict the gpt-image-2 formula above — so "
        "Patchwork gives **no number** for them, only “unpublished”. The same size rules "
        f"hold. Where a measurement matches the request (family, size and quality), it is shown "
        f"as a *{u.third_party}*.")
    st.markdown("The measurements (a gateway's real usage; variant — flare or sunburst — not "
                "stated), against what the formula would say:")
    table([{"family": m.point.family, "size": m.point.size.replace("x", "×"),
            "quality": m.point.quality,
            "measured output tokens": ("about " if m.point.approximate else "")
            + f"{m.point.tokens:,}",
            "the formula would say": num(m.formula_tokens), "measured on": m.point.as_of,
            "source": m.point.source} for m in u.measured])
    also = " and ".join(f"`{q}`" for q in u.shared_qualities)
    st.markdown(
        f"- The same source: on {u.shared_family}, `low` and `medium` use 3–4× the tokens of "
        f"{u.shared_also}; {also} the same. So a {u.shared_family} point at {also} is shown "
        f"for {u.shared_also} too; a `low` or `medium` one is not.\n"
        f"- {' and '.join(f'`{q}`' for q in u.no_count)}: no published count and no "
        "measurement — no number.\n"
        f"- {u.options_family} adds `complexity` ({', '.join(u.options.complexities)}; default "
        f"`{u.options.complexity_default}`), GIF output ({u.options.gif_frames[0]}–"
        f"{u.options.gif_frames[1]} frames within {u.options.gif_max_pixels:,} pixels, all "
        "frames together) and SVG output: their effect on tokens is unpublished.\n"
        f"- {names(u.no_batch)} offer no Batch tier (third-party).")
    ex, typed = u.example, u.typed
    st.markdown(
        f"What calc answers for `{ex.model}` · {ex.size.replace('x', '×')} · `{ex.quality}`: "
        "no token count, no price — “" + "”; “".join(n.text for n in ex.notes) + "”.\n\n"
        f"Plan lets you type your own tokens per image for these models (prefilled from a "
        f"matching measurement) and prices them at the image-output rate: "
        f"{typed.tokens_per_image:,} tokens → {dollars(calc.format_usd(typed.usd))} per image.")


# ---- prices, tiers and modifiers -----------------------------------------------------------

def prices_section() -> None:
    st.markdown("USD per 1M tokens, standard tier. Image tokens are billed at the model's input "
                "rate (cached image tokens at the cached rate). A price holds over a period: "
                "every period is listed, past and scheduled, each with its own date, source and "
                "confidence; figures from a third party say so.")
    table([{
        "model": p.model, "status": p.status, "period": p.period or "always",
        "input": p.input, "cached input": p.cached_input,
        "cache write": p.cache_write, "output": p.output, "text input (gpt-image)": p.text_input,
        "long context": p.long_context, "tiers confirmed": p.tiers,
        "regional": "+" if p.regional else "", "as of": p.as_of, "source": p.source,
        "confidence": confidence(p.confidence),
        "third party": p.third_party or "—",
    } for p in explain.price_table()])
    mods = explain.modifiers()
    st.subheader("Tiers and modifiers")
    st.markdown(f"Each multiplies the image cost too. Example: {mods.example} = "
                f"{mods.example_tokens:,} tokens. A tier a model's page does not list is shown "
                "“not confirmed for this model”.")
    table([{"tier": t.label, "× standard": f"×{t.factor}", "example": t.example,
            "offered by": t.offered_by, "own factors": t.own or "—",
            "confirmed for": ", ".join(t.confirmed_for) if t.tier != "standard"
            else "every model"} for t in mods.tiers])
    st.markdown(
        f"- **Long context**: a request with more than {mods.long_context_above:,} input tokens "
        f"pays the raised rates for the whole request, on {names(mods.long_context_models)}. "
        "Many images in one request reach it.\n"
        f"- **Regional processing**: +{mods.regional_uplift * 100:.0f}% "
        f"({mods.regional_source}); the example: {dollars(mods.regional_example)}.\n"
        f"- **Cache writes** (explicit caching): a 30-minute write ×{mods.cache_write_factor} "
        f"input, a 12-hour write ×{mods.cache_write_12h_factor} that, where a row gives it.\n"
        "- **Fast** (the new name of Priority) and **Ultrafast** cannot be combined with "
        "regional processing.")
    info = explain.catalogue_info()
    st.subheader("Scheduled changes")
    st.markdown("What the catalogue knows about the next 90 days, applied on its date:")
    for day, text in info.scheduled or (("—", "nothing scheduled"),):
        st.markdown(f"- **{day}**: {md(text)}")


# ---- lifecycle -----------------------------------------------------------------------------

def lifecycle_section() -> None:
    rows = explain.lifecycle()
    shut = sum(r.status == "shut down" for r in rows)
    st.markdown(f"Every model's status today, by shutdown date: {shut} of {len(rows)} are shut "
                "down. A shut-down model stays estimable (for old bills), shown apart and never "
                "offered by default.")
    table([{"model": r.model, "family": r.family, "status": r.status,
            "shutdown": (r.shutdown or "none announced") + (f" ({INFERRED})" if r.inferred
                                                            else ""),
            "replacement": r.replacement or "—", "source": r.source or "—"} for r in rows])


# ---- where the guide and billing differ ----------------------------------------------------

def differences_section() -> None:
    st.markdown("Patchwork follows **billing** by default. Where that differs from the guide, "
                "or rests on less than a measurement:")
    for d in explain.differences():
        line = f"- **{d.subject}** ({confidence(d.evidence)}) — {d.text}."
        if d.example is not None:
            line += (f"  \n  *{d.example}:* billing **{d.billing:,}** tokens, the guide "
                     f"**{d.documented:,}**.")
        st.markdown(line)
    rounding_notes()


def history_section() -> None:
    st.markdown("What earlier guides said, and why older calculators disagree with this one.")
    table([{"guide": h.when, "said": h.said, "billing showed": h.billed, "now": h.now}
           for h in explain.HISTORY])


st.title("How it's metered")
info = explain.catalogue_info()
st.caption(
    f"The rules Patchwork implements, in plain words — written out with their evidence in "
    f"`{explain.DOC}` (edition {explain.EDITION}) — and every example and measurement "
    f"recomputed live. Catalogue {info.version}, checked {info.checked}, {info.models} models.")
for warning in (info.stale, info.fallback):
    if warning:
        st.warning(md(warning))
for tab, render in zip(
    st.tabs(SECTIONS, key="section", bind="query-params"),
    (rules_section, profiles_section, worked_section, evidence_section, generation_section,
     prices_section, lifecycle_section, differences_section, history_section),
    strict=True,
):
    with tab:
        render()
