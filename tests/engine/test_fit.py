"""calc.fit: the largest size of an image's shape the API accepts, within a token budget.

Known answers: the notes' way out of the measured rejection (7952×5304 at auto on gpt-6-sol and
gpt-5.6-sol → 6764×4512, 29,892 patches); the rest worked by hand below, from metering.md
§2–§4 and the shapes the API's shrink makes (one side a whole number of 32 px patches, the other
in proportion, rounded down).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import calc
from calc.engine.fit import shape_sizes

KNOWN = [
    # width, height, model, detail, max_tokens, fitted
    (7952, 5304, "gpt-6-sol", "auto", None, (6764, 4512)),  # metering.md §5
    (7952, 5304, "gpt-5.6-sol", "auto", None, (6764, 4512)),  # metering.md §5
    # 6764×4512 = 212×141 = 29,892 patches → ⌈35,870.4⌉ tokens: a budget of that is met
    (7952, 5304, "gpt-6-sol", "auto", 35_871, (6764, 4512)),
    # 10,000 tokens = at most 8,333 patches: 3552×2369 is 111×75 = 8,325 → 9,990 tokens; the
    # next larger, 3584×2390, is 112×75 = 8,400 → 10,080
    (7952, 5304, "gpt-6-sol", "auto", 10_000, (3552, 2369)),
    # the 2026-09 phone photo (31,570 patches): shrink(6560×4928, 30000) by hand — kw =
    # isqrt(⌊30000·6560/4928⌋ = 39,935) = 199, kh = isqrt(22,536) = 150, r' = min(6368/6560,
    # 4800/4928) = 6368/6560 → 6368×⌊4928·6368/6560 = 4783.8⌋ = 6368×4783, 199×150 = 29,850 patches.
    # Not 6389×4800 (200×150 = 30,000: larger, but on the limit's knife edge, metering.md §13).
    (6560, 4928, "gpt-6-sol", "auto", None, (6368, 4783)),
    # accepted as it is: itself
    (1600, 1600, "gpt-5.4", "high", None, (1600, 1600)),
    (7952, 5304, "gpt-6-sol", "high", None, (7952, 5304)),  # a budget applies: never rejected
    # gpt-4o high, 500 tokens: 2 tiles at most (85 + 2 × 170 = 425); 512 px high → 682×512
    (4000, 3000, "gpt-4o", "high", 500, (682, 512)),
    # gpt-4o low: 85 whatever the size
    (4000, 3000, "gpt-4o", "low", 85, (4000, 3000)),
]


@pytest.mark.parametrize("w, h, model, detail, max_tokens, fitted", KNOWN)
def test_known_fits(w, h, model, detail, max_tokens, fitted):
    assert calc.fit(w, h, model, detail, max_tokens) == fitted


def test_the_fit_of_the_spec_rejection_is_its_largest_accepted():
    rejected = calc.estimate(7952, 5304, "gpt-6-sol")
    assert calc.fit(7952, 5304, "gpt-6-sol", "auto") == rejected.largest_accepted


def test_a_budget_below_every_size_says_the_least_there_is():
    with pytest.raises(calc.CalcError, match="no size of this shape costs at most 84 tokens on "
                                             "gpt-4o at detail low: the least is 85 tokens"):
        calc.fit(4000, 3000, "gpt-4o", "low", 84)


@pytest.mark.parametrize("bad", [0, -5, 1.5, True, "100"])
def test_max_tokens_is_a_whole_positive_number(bad):
    with pytest.raises(calc.CalcError, match="max_tokens must be a whole number"):
        calc.fit(100, 100, "gpt-5.4", "high", bad)


def test_bad_sizes_and_models_are_the_usual_errors():
    with pytest.raises(calc.InvalidSizeError):
        calc.fit(0, 100, "gpt-5.4")
    with pytest.raises(calc.UnknownModelError):
        calc.fit(100, 100, "gpt-5-pro")


def test_shape_sizes_keep_one_side_on_a_patch_and_never_grow():
    sizes = list(shape_sizes(100, 70))
    assert sizes == [(100, 70), (32, 22), (64, 44), (96, 67), (45, 32), (91, 64)]


SIDES = st.integers(1, 12_000)
MODELS = st.sampled_from(["gpt-6-sol", "gpt-5.6-sol", "gpt-5.4", "gpt-4.1-mini", "gpt-4o"])


@given(SIDES, SIDES, MODELS, st.sampled_from(["auto", "high", "low"]),
       st.one_of(st.none(), st.integers(100, 40_000)))
def test_the_fit_is_accepted_within_budget_and_no_larger(w, h, model, detail, max_tokens):
    try:
        fw, fh = calc.fit(w, h, model, detail, max_tokens)
    except calc.CalcError as error:
        assert "the least is" in str(error)
        return
    e = calc.estimate(fw, fh, model, detail)
    assert e.accepted
    assert max_tokens is None or e.tokens <= max_tokens
    assert fw <= w and fh <= h
    assert (fw, fh) == (w, h) or fw % 32 == 0 or fh % 32 == 0


@given(SIDES, SIDES, MODELS, st.integers(100, 20_000), st.integers(1, 20_000))
def test_a_bigger_budget_never_fits_smaller(w, h, model, budget, more):
    try:
        small = calc.fit(w, h, model, "auto", budget)
    except calc.CalcError:
        return
    big = calc.fit(w, h, model, "auto", budget + more)
    assert big[0] * big[1] >= small[0] * small[1]


@given(st.integers(1_000, 20_000), st.integers(1_000, 20_000))
def test_a_rejected_image_fits_to_exactly_its_largest_accepted(w, h):
    e = calc.estimate(w, h, "gpt-6-sol")
    fitted = calc.fit(w, h, "gpt-6-sol")
    assert fitted == ((w, h) if e.accepted else e.largest_accepted)
