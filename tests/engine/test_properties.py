"""Properties of the rules that hold for every size (Hypothesis), and none that do not.

Example counts are kept modest so the engine tests run in seconds.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import calc
from calc.engine import rules as r

LIMIT = 30_000  # §5
MODELS = calc.models()
PATCH = [m.name for m in MODELS if m.family == "patch"]
TILE = [m.name for m in MODELS if m.family == "tile"]
NO_ENLARGE = [m.name for m in MODELS if m.family != "image2"]
UNBUDGETED_ORIGINAL = [m.name for m in MODELS if m.family == "patch" and "original" in m.details
                       and m.level("billing", "original").budget is None]
ALL = [m.name for m in MODELS]

sides = st.integers(min_value=1, max_value=20_000)
big_sides = st.integers(min_value=1, max_value=100_000)
within_65535 = st.integers(min_value=1, max_value=65_535)  # no fit at "original"
rule_sets = st.sampled_from(calc.RULE_SETS)

few = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
some = settings(max_examples=150, deadline=None)


def valid(model: str) -> st.SearchStrategy[tuple[str, str]]:
    """A (detail, fidelity) the model accepts."""
    m = calc.resolve_model(model)
    details = ("high", "auto") if m.family in ("image", "image2") else calc.DETAILS
    fidelities = m.fidelities if m.family == "image" else calc.FIDELITIES
    return st.tuples(st.sampled_from(details), st.sampled_from(fidelities))


@st.composite
def choices(draw, names=ALL, w=big_sides, h=big_sides):
    model = draw(st.sampled_from(names))
    detail, fidelity = draw(valid(model))
    return draw(w), draw(h), model, detail, fidelity, draw(rule_sets)


# ---- §2: the arithmetic, against the notes' formulas written in exact fractions ------------------


@some
@given(st.integers(1, 200_000), st.integers(1, 200_000), st.integers(1, 40_000))
def test_shrink_is_the_spec_formula_in_fractions(w, h, budget):
    kw, kh = math.isqrt(budget * w // h), math.isqrt(budget * h // w)
    factor = min(Fraction(32 * kw, w), Fraction(32 * kh, h))
    expected = (max(1, math.floor(w * factor)), max(1, math.floor(h * factor)))
    assert r.shrink_to_budget(w, h, budget) == expected


@some
@given(st.integers(1, 1_000_000), st.integers(1, 1_000_000),
       st.sampled_from([512, 768, 2048, 6000, 65535]))
def test_fit_is_the_spec_formula_in_fractions(w, h, side):
    long, short = max(w, h), min(w, h)
    if long <= side:
        expected = (w, h)
    else:
        new_short = max(1, math.floor(Fraction(short * side, long) + Fraction(1, 2)))
        expected = (side, new_short) if w >= h else (new_short, side)
    assert r.fit_long(w, h, side) == expected


# ---- §5: accepted ⇔ patches ≤ 30,000 -------------------------------------------------------------


@some
@given(choices())
def test_accepted_iff_at_most_30000_patches(choice):
    w, h, model, detail, fidelity, rules = choice
    e = calc.estimate(w, h, model, detail, fidelity, rules)
    if e.family == "patch":
        assert e.accepted == (e.units <= LIMIT)
    else:
        assert e.accepted  # tile and gpt-image models reach no patch limit
    if e.accepted:
        assert e.tokens is not None and e.reason is None and e.largest_accepted is None
        if e.family == "patch":
            assert e.tokens == math.ceil(e.units * e.multiplier)
    else:
        assert e.tokens is None and e.usd is None
        assert e.reason == f"rejected by the API: {e.units:,} patches > {LIMIT:,}"


@some
@given(choices(PATCH))
def test_patches_never_exceed_the_budget_and_sides_the_limit(choice):
    w, h, model, detail, fidelity, rules = choice
    e = calc.estimate(w, h, model, detail, fidelity, rules)
    level = calc.resolve_model(model).level(rules, e.effective_detail)
    assert e.units >= 1
    if level.budget is not None:
        assert e.units <= level.budget
        assert e.accepted  # every budget is under the limit
    if level.max_side is not None:
        assert max(e.grid.image) <= level.max_side


@some
@given(big_sides, big_sides, st.sampled_from([m.name for m in MODELS
                                                if m.family == "image2"]))
def test_gpt_image_2_never_counts_more_than_1536(w, h, model):
    e = calc.estimate(w, h, model)
    assert 1 <= e.units <= 1536 and e.tokens == e.units  # §7: budget 1536, × 1


@st.composite
def rejected_sizes(draw):
    """w×h ≤ 65,535 px a side with ⌈w/32⌉·⌈h/32⌉ > 30,000: cols·rows > 30,000, then pixels."""
    cols = draw(st.integers(15, 2048))  # 2048 rows × 15 columns is the first count past 30,000
    rows = draw(st.integers(LIMIT // cols + 1, 2048))
    w = min(65_535, 32 * cols - draw(st.integers(0, 31)))  # still ⌈w/32⌉ = cols
    h = min(65_535, 32 * rows - draw(st.integers(0, 31)))
    return (w, h) if draw(st.booleans()) else (h, w)


@some
@given(rejected_sizes(), st.sampled_from(UNBUDGETED_ORIGINAL),
       st.sampled_from(["original", "auto"]), rule_sets)
def test_largest_accepted_is_accepted_and_keeps_the_shape(size, model, detail, rules):
    w, h = size
    e = calc.estimate(w, h, model, detail, rules=rules)
    assert not e.accepted and e.units > LIMIT
    lw, lh = e.largest_accepted
    assert 1 <= lw <= w and 1 <= lh <= h
    # one side is set, the other is the exact value rounded down: within a pixel
    assert (0 <= lw * h - lh * w < w) or (0 <= lh * w - lw * h < h)
    best = calc.estimate(lw, lh, model, detail, rules=rules)
    assert best.accepted and best.units <= LIMIT
    assert calc.tokens(lw, lh, model, detail, rules=rules) == best.tokens
    with pytest.raises(calc.ImageRejectedError) as info:
        calc.tokens(w, h, model, detail, rules=rules)
    assert (info.value.patches, info.value.largest_accepted) == (e.units, (lw, lh))


# ---- monotonicity: only where the spec implies it ------------------------------------------------


@some
@given(within_65535, within_65535, within_65535, within_65535,
       st.sampled_from(UNBUDGETED_ORIGINAL), st.sampled_from(["original", "auto"]))
def test_without_fit_or_budget_a_smaller_image_never_costs_more(w1, h1, w2, h2, model, detail):
    # gpt-6-* and gpt-5.6-* at original: no fit below 65,535 px, no budget: ⌈w/32⌉·⌈h/32⌉
    (sw, bw), (sh, bh) = sorted((w1, w2)), sorted((h1, h2))
    small, big = calc.estimate(sw, sh, model, detail), calc.estimate(bw, bh, model, detail)
    assert small.units <= big.units
    if not small.accepted:
        assert not big.accepted  # a rejected image stays rejected as it grows
    if big.accepted:
        assert small.accepted and small.tokens <= big.tokens


@some
@given(choices(NO_ENLARGE, st.integers(1, 2500), st.integers(1, 2500)), st.integers(0, 2500),
       st.integers(0, 2500))
def test_an_image_not_resized_has_no_smaller_image_costing_more(choice, dw, dh):
    # If the model counts an image as given (no fit, no short-side step, no shrink), every
    # smaller image is also counted as given, and ⌈w/c⌉·⌈h/c⌉ only falls. (Not for gpt-image-2,
    # which enlarges small images.)
    w, h, model, detail, fidelity, rules = choice
    e = calc.estimate(w, h, model, detail, fidelity, rules)
    assume(e.grid.image == (w, h) and e.accepted)
    sw, sh = max(1, w - dw), max(1, h - dh)
    small = calc.estimate(sw, sh, model, detail, fidelity, rules)
    extra = small.fidelity_tokens - e.fidelity_tokens  # by aspect, not size (§7)
    assert small.tokens - extra <= e.tokens


def test_elsewhere_a_smaller_image_can_cost_more():
    # The spec implies no monotonicity through fit or shrink; these known answers say why.
    # §16: gpt-4.1 2049×513 → 1445 but 2050×513 → 765 (the fit rounds the short side).
    assert calc.tokens(2049, 513, "gpt-4.1", "high") > calc.tokens(2050, 513, "gpt-4.1", "high")
    # gpt-5.4 1600×1600 → 2500 patches → 3000; 1601×1600 → 1568² = 2401 → 2882 (shrink)
    assert (calc.tokens(1600, 1600, "gpt-5.4", "high"),
            calc.tokens(1601, 1600, "gpt-5.4", "high")) == (3000, 2882)


@some
@given(sides, sides, st.sampled_from(TILE), rule_sets)
def test_low_detail_on_a_tile_model_is_always_the_base(w, h, model, rules):
    assert calc.tokens(w, h, model, "low", rules=rules) == calc.resolve_model(model).base_tokens


# ---- the steps and the grid ----------------------------------------------------------------------


@some
@given(choices(NO_ENLARGE, sides, sides))
def test_resized_sides_never_grow_and_each_step_keeps_the_shape(choice):
    w, h, model, detail, fidelity, rules = choice
    e = calc.estimate(w, h, model, detail, fidelity, rules)
    for before, after in zip(e.steps, e.steps[1:], strict=False):
        (w0, h0), (w1, h1) = before.size, after.size
        assert w1 <= w0 and h1 <= h0
        # whichever side was set, the other is the ideal value ±1 pixel (or clamped to 1)
        assert abs(w1 * h0 - h1 * w0) <= max(w0, h0) or min(w1, h1) == 1


@some
@given(choices(ALL, sides, sides))
def test_the_grid_covers_the_counted_image(choice):
    w, h, model, detail, fidelity, rules = choice
    g = calc.estimate(w, h, model, detail, fidelity, rules).grid
    iw, ih = g.image
    assert g.covered == (g.cols * g.cell, g.rows * g.cell)
    assert g.cols * g.cell >= iw > (g.cols - 1) * g.cell
    assert g.rows * g.cell >= ih > (g.rows - 1) * g.cell


# ---- the three implementations agree -------------------------------------------------------------


def _outcome(fn, *args):
    try:
        return fn(*args)
    except calc.ImageRejectedError as error:
        return ("rejected", error.patches)
    except calc.CalcError as error:
        return type(error)


@some
@given(big_sides, big_sides, st.sampled_from(ALL), st.sampled_from(calc.DETAILS),
       st.sampled_from(calc.FIDELITIES), rule_sets)
def test_tokens_equals_estimate_or_both_refuse(w, h, model, detail, fidelity, rules):
    fast = _outcome(calc.tokens, w, h, model, detail, fidelity, rules)
    e = _outcome(calc.estimate, w, h, model, detail, fidelity, rules)
    if isinstance(e, calc.Estimate):
        assert fast == (e.tokens if e.accepted else ("rejected", e.units))
    else:
        assert fast == e  # the same error class from both


@some
@given(choices([m for m in ALL if m != "gpt-4.1-mini"]))
def test_documented_equals_billing_except_on_gpt_4_1_mini(choice):
    # §1 / §14: where the guide has no row, or agrees, documented = billing; §14 lists only
    # gpt-4.1-mini (6,144 documented, 1,536 billed) as differing now.
    w, h, model, detail, fidelity, _ = choice
    b = calc.estimate(w, h, model, detail, fidelity, "billing")
    d = calc.estimate(w, h, model, detail, fidelity, "documented")
    assert (b.tokens, b.units, b.accepted) == (d.tokens, d.units, d.accepted)


rows = st.lists(choices(), min_size=1, max_size=30)


@few
@given(rows)
def test_estimate_frame_equals_estimate_row_for_row(data):
    df = pd.DataFrame(data, columns=["width", "height", "model", "detail", "fidelity", "rules"])
    out = calc.estimate_frame(df)
    for (w, h, model, detail, fidelity, rules), (_, row) in zip(data, out.iterrows(),
                                                                 strict=True):
        e = calc.estimate(w, h, model, detail, fidelity, rules)
        assert bool(row["accepted"]) == e.accepted
        assert row["units"] == e.units
        assert (row["cell"], row["cols"], row["rows"]) == (e.grid.cell, e.grid.cols, e.grid.rows)
        assert (row["resized_width"], row["resized_height"]) == e.grid.image
        assert row["resolved_model"] == e.model
        if e.accepted:
            assert row["tokens"] == e.tokens
        else:
            assert pd.isna(row["tokens"])
        if e.usd is None:
            assert pd.isna(row["usd"])
        else:
            assert row["usd"] == pytest.approx(float(e.usd), rel=1e-12)


@few
@given(st.lists(st.tuples(within_65535, within_65535), min_size=1, max_size=30),
       st.sampled_from(UNBUDGETED_ORIGINAL))
def test_estimate_frame_on_mostly_rejected_images(sizes, model):
    # the same check where most rows are rejected (gpt-6 / gpt-5.6 at auto = original)
    df = pd.DataFrame([(w, h, model) for w, h in sizes], columns=["width", "height", "model"])
    out = calc.estimate_frame(df)
    for (w, h), (_, row) in zip(sizes, out.iterrows(), strict=True):
        e = calc.estimate(w, h, model)
        assert (bool(row["accepted"]), row["units"]) == (e.accepted, e.units)
        assert (pd.isna(row["tokens"]) and pd.isna(row["usd"])) != e.accepted
