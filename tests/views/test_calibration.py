"""calc.views.calibration: size choice, fitting, and full runs against FakeOpenAI."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import calc
from calc.adapters.openai_usage import Measurement, RateLimitedError, make_client
from calc.views.calibration import (
    CalibrationPoint,
    calibration_sizes,
    measurer,
    run_calibration,
)
from tests.fakes.fake_openai import FakeOpenAI, PatchRule, TileRule, patch_tokens

KEY = "sk-calib-0123456789abcdef"


def _client(fake: FakeOpenAI):
    return make_client(KEY, fake.base_url, timeout=5)


# --- sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [m.name for m in calc.models()])
def test_every_model_gets_at_most_eight_valid_sizes(model):
    sizes = calibration_sizes(model)
    assert 2 <= len(sizes) <= 8
    assert len(set(sizes)) == len(sizes)
    for w, h in sizes:
        calc.estimate(w, h, model, detail="high")  # every size is one calc accepts


@pytest.mark.parametrize("model", ["gpt-5-mini", "gpt-4.1-mini", "gpt-5.4", "gpt-5.5"])
def test_patch_sizes_straddle_the_budget(model):
    budget = calc.resolve_model(model).patch_budget
    units = [calc.estimate(w, h, model, detail="high").units for w, h in calibration_sizes(model)]
    raw = [math.ceil(w / 32) * math.ceil(h / 32) for w, h in calibration_sizes(model)]
    assert any(u == r <= budget and r > budget - 100 for u, r in zip(units, raw, strict=True))
    assert any(r > budget for r in raw)  # at least one size the budget has to shrink
    assert min(units) <= 4  # a small count where ceil() makes the rounding visible


def test_tile_sizes_cover_tile_counts_and_the_768_edge():
    sizes = calibration_sizes("gpt-4o")
    tiles = {calc.estimate(w, h, "gpt-4o", detail="high").units for w, h in sizes}
    assert {1, 2, 4, 6, 8} <= tiles
    # Both sides of the short-side-768 rule, same long side, different tile counts.
    assert (768, 1025) in sizes and (769, 1025) in sizes
    assert calc.estimate(768, 1025, "gpt-4o", detail="high").units == 6
    assert calc.estimate(769, 1025, "gpt-4o", detail="high").units == 4


def test_image_model_sizes_straddle_the_512_edge():
    sizes = calibration_sizes("gpt-image-1")
    assert (512, 512) in sizes and (512, 513) in sizes
    units = {s: calc.estimate(*s, "gpt-image-1").units for s in sizes}
    assert units[(512, 512)] == 1 and units[(512, 513)] == 2


# --- full runs on the fake ----------------------------------------------------------------


def _calibrate(fake: FakeOpenAI, model: str, **kw):
    fn = measurer(_client(fake), model=model, detail="high")
    return run_calibration(fn, model, calibration_sizes(model), detail="high", **kw)


def test_gpt5_mini_at_1_2_matches_the_billing_rules():
    progress = []
    with FakeOpenAI(keys=(KEY,), multiplier=1.2) as fake:
        result = _calibrate(fake, "gpt-5-mini", on_progress=lambda i, n: progress.append((i, n)))
        # Every size went through the API twice: with the image, then without.
        n = len(result.points)
        assert len(fake.requests) == 2 * n
    assert result.multiplier == Decimal("1.20")
    # The current guide agrees with billing on gpt-5-mini (metering.md §15: ×1.62 until 2026)
    assert result.fits == ("billing", "documented")
    assert result.verdict == "measured ×1.20 — matches both rule sets (×1.2, budget 1,536)"
    # the knife-edge size (1560×1040, docs/metering.md §13) is settled apart, not fitted: this
    # fake shrinks in floats, so it bills 47 × 31 = 1,457 patches → 1,749 tokens where exact
    # gives 1,844
    assert result.exact["billing"] == n - 1 and result.exact["documented"] == n - 1
    edge = next(p for p in result.points if (p.width, p.height) == (1560, 1040))
    assert (edge.image_tokens, edge.billing, edge.float_tokens) == (1749, 1844, 1749)
    assert any(note.startswith("knife edge 1560×1040") and "floating point" in note
               for note in result.notes)
    assert progress == [(i, n) for i in range(1, n + 1)]
    assert result.error is None
    assert result.points[0].model_returned == "gpt-5-mini"


def test_gpt41_mini_with_the_guides_budget_matches_the_documented_rules():
    # docs/metering.md §14: the current guide gives gpt-4.1-mini a 6,144-patch budget; billing
    # keeps 1,536.
    with FakeOpenAI(keys=(KEY,)) as fake:
        fake.set_model("gpt-4.1-mini", PatchRule(1.62, "gpt-4.1-mini-2025-04-14", budget=6144))
        result = _calibrate(fake, "gpt-4.1-mini")
    assert result.multiplier == Decimal("1.62")
    assert result.fits == ("documented",)
    assert result.verdict == ("measured ×1.62 — matches the documented rules (×1.62, budget "
                              "6,144); the billing rules say ×1.62, budget 1,536")


def test_a_multiplier_neither_rule_set_has():
    with FakeOpenAI(keys=(KEY,), multiplier=1.37) as fake:
        result = _calibrate(fake, "gpt-5-mini")
    assert result.multiplier == Decimal("1.37")
    assert result.fits == ()
    assert "matches neither" in result.verdict


def test_gpt41_mini_as_measured_matches_the_billing_rules_only():
    with FakeOpenAI(keys=(KEY,)) as fake:  # the fake bills gpt-4.1-mini ×1.62 at 1,536
        result = _calibrate(fake, "gpt-4.1-mini")
    assert result.fits == ("billing",)
    assert result.verdict == ("measured ×1.62 — matches the billing rules (×1.62, budget "
                              "1,536); the documented rules say ×1.62, budget 6,144")


def test_every_patch_model_is_calibrated_on_a_knife_edge_size():
    # docs/metering.md §13: 1560×1040 at a 1,536 budget (1536·1560/1040 = 2304 = 48²) and
    # 1659×1659 at 2,500 (2500 = 50²): exact 48×32 and 50×50 patches, floats one row and
    # column fewer.
    assert (1560, 1040) in calibration_sizes("gpt-5-mini")
    assert (1659, 1659) in calibration_sizes("gpt-5.4")
    assert (1659, 1659) in calibration_sizes("gpt-6-sol")


def test_tile_model_fits_base_and_tile():
    with FakeOpenAI(keys=(KEY,)) as fake:
        result = _calibrate(fake, "gpt-4o")
    assert (result.base, result.tile, result.multiplier) == (85, 170, None)
    assert result.fits == ("billing", "documented")
    assert "measured 85 + 170 × tiles" in result.verdict


def test_tile_model_with_other_constants_fits_neither():
    with FakeOpenAI(keys=(KEY,)) as fake:
        fake.set_model("gpt-4o", TileRule(70, 140, "gpt-4o-2024-08-06"))
        result = _calibrate(fake, "gpt-4o")
    assert (result.base, result.tile) == (70, 140)
    assert result.fits == ()
    assert "matches neither rule set: billing says 85 + 170 × tiles" in result.verdict


def test_image_model_fits_65_and_129():
    with FakeOpenAI(keys=(KEY,)) as fake:
        result = _calibrate(fake, "gpt-image-1")
    assert (result.base, result.tile) == (65, 129)
    assert result.fits == ("billing", "documented")


def test_baseline_is_subtracted_explicitly():
    with FakeOpenAI(keys=(KEY,), multiplier=1.2, framing=11) as fake:
        result = _calibrate(fake, "gpt-5-mini")
    for p in result.points:
        assert p.baseline == 11 + 5  # framing + "What is in this image?"
        expected = p.billing if p.float_tokens is None else p.float_tokens  # the fake's floats
        assert p.image_tokens == p.with_image - p.baseline == expected
    assert "baseline 16 tokens" in result.notes[0]


def test_an_api_failure_mid_run_keeps_the_points_measured():
    with FakeOpenAI(keys=(KEY,), multiplier=1.2) as fake:
        inner = measurer(_client(fake), model="gpt-5-mini")
        calls = []

        def measure(w, h):
            calls.append((w, h))
            if len(calls) == 4:
                fake.fail_next("rate_limit")
            return inner(w, h)

        result = run_calibration(measure, "gpt-5-mini", calibration_sizes("gpt-5-mini"))
    assert len(result.points) == 3
    assert result.error is not None and "rate limited" in result.error
    assert result.multiplier == Decimal("1.20")  # fitted on what was measured
    assert any("stopped after 3 of 8" in n for n in result.notes)  # 8 sizes, the knife edge last


def test_non_api_errors_are_not_swallowed():
    def broken(w, h):
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        run_calibration(broken, "gpt-5-mini", ((64, 64),))


def test_bad_model_fails_before_any_call():
    def never(w, h):
        raise AssertionError("measure_fn must not be called")

    with pytest.raises(calc.UnknownModelError):
        run_calibration(never, "not-a-model", ((64, 64),))


def test_rate_limit_error_type_reaches_the_caller_via_measurer():
    with FakeOpenAI(keys=(KEY,)) as fake:
        fake.fail_next("rate_limit")
        with pytest.raises(RateLimitedError):
            measurer(_client(fake), model="gpt-5-mini")(64, 64)


# --- the fit itself, without HTTP ----------------------------------------------------------


def _synthetic(multiplier: Fraction, offset: int = 0):
    """A measure_fn billing ceil(patches × multiplier) (+ offset) with a 14-token baseline."""

    def measure(w, h):
        patches = calc.estimate(w, h, "gpt-5-mini", detail="high").units
        tokens = math.ceil(patches * multiplier) + offset
        return Measurement("count", "gpt-5-mini", "gpt-5-mini", "high",
                           with_image=14 + tokens, baseline=14)

    return measure


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=100, max_value=300))
def test_any_two_decimal_multiplier_is_recovered(hundredths):
    m = Fraction(hundredths, 100)
    result = run_calibration(_synthetic(m), "gpt-5-mini", calibration_sizes("gpt-5-mini"))
    assert result.multiplier == Decimal(hundredths) / 100


def test_leftover_framing_falls_back_to_least_squares():
    result = run_calibration(_synthetic(Fraction(6, 5), offset=3), "gpt-5-mini",
                             calibration_sizes("gpt-5-mini"))
    assert result.multiplier == Decimal("1.20")
    assert any("no single multiplier" in n for n in result.notes)
    # Not exact under either rule set, but the constants say ×1.2 (both rule sets,
    # docs/metering.md §15).
    assert result.fits == ("billing", "documented")


def test_points_are_frozen_records():
    p = CalibrationPoint(64, 64, 4, 19, 14, 5, 5, 7, "gpt-5-mini")
    with pytest.raises(AttributeError):
        p.width = 1  # type: ignore[misc]


def test_fake_patch_rule_is_independent_of_calc():
    # The fake's own arithmetic agrees with the spec's measured evidence.
    assert patch_tokens(512, 512, PatchRule(1.2, "x"), "high") == 308
    assert patch_tokens(2048, 768, PatchRule(1.2, "x"), "high") == 1844
    assert patch_tokens(4000, 1474, PatchRule(1.62, "x"), "high") == 2489
    assert patch_tokens(1800, 2400, PatchRule(1.0, "x"), "high") == 1452
