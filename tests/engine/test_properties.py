"""Properties of the rules that hold for every size (Hypothesis)."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import calc
from calc.engine import rules as r

sides = st.integers(min_value=1, max_value=20_000)
PATCH = [m.name for m in calc.models() if m.family == "patch"]
TILE = [m.name for m in calc.models() if m.family == "tile"]
ALL = [m.name for m in calc.models()]
rule_sets = st.sampled_from(calc.RULE_SETS)


def _detail_for(model: str, detail: str) -> str:
    return "auto" if detail not in calc.resolve_model(model).details else detail


@given(sides, sides, st.sampled_from(PATCH), st.sampled_from(["high", "auto", "low", "original"]),
       rule_sets)
def test_patches_never_exceed_the_budget(w, h, model, detail, rules):
    m = calc.resolve_model(model)
    e = calc.estimate(w, h, model, detail, rules=rules)
    budget = m.original_budget if e.effective_detail == "original" else m.patch_budget
    assert 1 <= e.units <= budget
    assert e.tokens == math.ceil(e.units * e.multiplier)


@given(sides, sides, st.sampled_from(ALL), rule_sets)
def test_resized_sides_never_grow_and_respect_limits(w, h, model, rules):
    e = calc.estimate(w, h, model, _detail_for(model, "high"), rules=rules)
    prev = (w, h)
    for step in e.steps:
        assert step.size[0] <= prev[0] and step.size[1] <= prev[1]
        prev = step.size
    final = e.grid.image
    m = calc.resolve_model(model)
    if m.family in ("tile", "image"):
        assert max(final) <= 2048
        assert min(final) <= (768 if m.family == "tile" else 512)
    elif rules == "billing":
        assert max(final) <= m.max_side


@given(sides, sides, st.sampled_from(ALL), rule_sets)
def test_each_step_keeps_the_aspect_ratio_within_one_pixel(w, h, model, rules):
    e = calc.estimate(w, h, model, _detail_for(model, "high"), rules=rules)
    for before, after in zip(e.steps, e.steps[1:], strict=False):
        (w0, h0), (w1, h1) = before.size, after.size
        if (w0, h0) == (w1, h1):
            continue
        # Whichever side was set, the other is the ideal value ±1 pixel (or clamped to 1).
        assert abs(w1 * h0 - h1 * w0) <= max(w0, h0) or min(w1, h1) == 1


@given(sides, sides, st.sampled_from(TILE), rule_sets)
def test_low_detail_on_a_tile_model_is_always_the_base(w, h, model, rules):
    assert calc.tokens(w, h, model, "low", rules=rules) == calc.resolve_model(model).base_tokens


@given(sides, sides, st.sampled_from(ALL), st.sampled_from(["high", "low", "auto"]), rule_sets)
def test_the_grid_covers_the_resized_image(w, h, model, detail, rules):
    g = calc.estimate(w, h, model, _detail_for(model, detail), rules=rules).grid
    iw, ih = g.image
    assert g.covered == (g.cols * g.cell, g.rows * g.cell)
    assert g.cols * g.cell >= iw > (g.cols - 1) * g.cell
    assert g.rows * g.cell >= ih > (g.rows - 1) * g.cell


@given(sides, sides, st.sampled_from(ALL), st.sampled_from(calc.DETAILS), rule_sets)
def test_tokens_equals_estimate(w, h, model, detail, rules):
    detail = _detail_for(model, detail) if detail != "original" else detail
    assert calc.tokens(w, h, model, detail, rules=rules) == \
        calc.estimate(w, h, model, detail, rules=rules).tokens


@given(st.integers(1, 200_000), st.integers(1, 200_000), st.integers(1, 10_000))
def test_exact_shrink_matches_the_spec_formula_in_exact_rationals(w, h, budget):
    # The spec's r·min(…) with √ written out: floor(w·r/32) = ⌊√(B·w/h)⌋ checked by squares.
    a, b = math.isqrt(budget * w // h), math.isqrt(budget * h // w)
    assert a * a * h <= budget * w < (a + 1) * (a + 1) * h
    assert b * b * w <= budget * h < (b + 1) * (b + 1) * w
    nw, nh = r.shrink_to_budget(w, h, budget)
    assert nw >= 1 and nh >= 1


rows = st.lists(
    st.tuples(sides, sides, st.sampled_from(ALL), st.sampled_from(["auto", "high", "low"]),
              st.sampled_from(["low", "high"]), rule_sets),
    min_size=1, max_size=40,
)


@given(rows)
def test_estimate_frame_equals_estimate_row_for_row(data):
    cleaned = []
    for w, h, model, detail, fidelity, rules in data:
        m = calc.resolve_model(model)
        cleaned.append((w, h, model, _detail_for(model, detail),
                        fidelity if fidelity in m.fidelities else "low", rules))
    df = pd.DataFrame(cleaned, columns=["width", "height", "model", "detail", "fidelity", "rules"])
    out = calc.estimate_frame(df)
    for (w, h, model, detail, fidelity, rules), (_, row) in zip(cleaned, out.iterrows(),
                                                                 strict=True):
        e = calc.estimate(w, h, model, detail, fidelity, rules)
        assert row["tokens"] == e.tokens
        assert row["units"] == e.units
        assert (row["cell"], row["cols"], row["rows"]) == (e.grid.cell, e.grid.cols, e.grid.rows)
        assert (row["resized_width"], row["resized_height"]) == e.grid.image
        assert row["resolved_model"] == e.model
        if e.usd is None:
            assert pd.isna(row["usd"])
        else:
            assert row["usd"] == e.usd
