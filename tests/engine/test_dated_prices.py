"""Prices and tier factors that take effect on dates (docs/metering.md §9.1, §9.2): known
answers from the spec on both sides of every date, tiers per model, and the day a price is for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import calc
from calc.engine import clock, pricing

D = Decimal

GPT_5_6_SOL = [  # day, input, cached, cache write, output (§9.1: its three periods)
    ("2026-07-09", "5.00", "0.50", "6.25", "30.00"),  # GA: the list price (inferred)
    ("2026-08-20", "5.00", "0.50", "6.25", "30.00"),
    ("2026-08-21", "4.00", "0.40", "5.00", "20.00"),  # the promotion
    ("2026-11-30", "4.00", "0.40", "5.00", "20.00"),
    ("2026-12-01", "5.00", "0.50", "6.25", "30.00"),  # the promotion ended on 2026-11-30
    ("2026-12-03", "5.00", "0.50", "6.25", "30.00"),
    ("2027-06-01", "5.00", "0.50", "6.25", "30.00"),
]


@pytest.mark.parametrize(("day", "input_", "cached", "write", "output"), GPT_5_6_SOL)
def test_gpt_5_6_sol_on_each_side_of_its_dates(day, input_, cached, write, output):
    p = calc.resolve_model("gpt-5.6-sol").price_on(day)
    assert (p.input, p.cached_input, p.cache_write, p.output) == (D(input_), D(cached), D(write),
                                                                  D(output))
    with clock.pinned(day):  # on=None is the clock's day
        assert calc.resolve_model("gpt-5.6").price.input == D(input_)


def test_the_inferred_and_third_party_facts_say_so():
    m = calc.resolve_model("gpt-5.6-sol")
    assert m.price_on("2026-08-01").confidence == "inferred"
    assert m.price_on("2026-09-01").confidence == "documented"
    assert "inferred" in pricing.price_notes(m, "2026-08-01")[0]
    assert "third party" in " ".join(pricing.price_notes(m, "2026-12-03"))
    assert pricing.price_notes(m, "2026-09-01") == ()
    astra = pricing.price_notes("gpt-6.2-astra", "2026-12-03")
    assert astra and "cached input" in astra[0] and "third party" in astra[0]


@pytest.mark.parametrize(("day", "dollars"), [
    ("2026-11-30", "0.057456"),  # 14,364 tokens × $4 / 1M: the promotion's last day
    ("2026-12-01", "0.07182"),  # 14,364 × $5 / 1M: Explore's sample photo costs $0.0718 now
])
def test_the_sample_photo_on_the_default_model(day, dollars):
    # 3024×4032 at auto (= original) on gpt-5.6-sol: 95 × 126 = 11,970 patches × 1.2 = 14,364
    e = calc.estimate(3024, 4032, "gpt-5.6-sol", on=day)
    assert (e.tokens, e.usd) == (14364, D(dollars))
    assert calc.cost_usd(14364, "gpt-5.6-sol", on=date.fromisoformat(day)) == D(dollars)
    assert calc.format_usd(e.usd) == {"0.057456": "$0.0575", "0.07182": "$0.0718"}[dollars]


ULTRAFAST_6_2_SOL = [("2026-12-03", "3"), ("2027-02-28", "3"), ("2027-03-01", "6"),
                     ("2027-09-01", "6")]


@pytest.mark.parametrize(("day", "factor"), ULTRAFAST_6_2_SOL)
def test_gpt_6_2_sol_ultrafast_goes_from_3x_to_6x_on_2027_03_01(day, factor):
    assert pricing.tier_factor("ultrafast", "gpt-6.2-sol", day) == D(factor)
    assert calc.cost_usd(1_000_000, "gpt-6.2-sol", "ultrafast", on=day) == D(factor) * 2
    note = pricing.tier_note("gpt-6.2-sol", "ultrafast", day)
    assert ("inferred" in note) == (factor == "6")  # "starting Mar…": the day is inferred


@pytest.mark.parametrize(("model", "factor"), [("gpt-5.5", "2.5"), ("gpt-5.4", "2"),
                                               ("gpt-6.2-sol", "2"), ("gpt-4o", "2")])
def test_fast_is_2x_except_on_gpt_5_5(model, factor):
    assert pricing.tier_factor("fast", model) == D(factor)
    assert pricing.tier_factor("priority", model) == D(factor)


NO_ULTRAFAST = ["gpt-5.4", "gpt-6-sol", "gpt-6-luna", "gpt-6.1-terra", "gpt-6.2-astra",
                "gpt-5.6-sol", "gpt-5.5", "gpt-4o", "gpt-image-2"]


@pytest.mark.parametrize("model", NO_ULTRAFAST)
def test_ultrafast_anywhere_else_is_an_error_naming_the_tiers_it_has(model):
    with pytest.raises(calc.CalcError, match=r"does not offer the Ultrafast tier: it offers "
                                             r"Standard, Batch"):
        calc.cost_usd(1000, model, "ultrafast")
    assert "ultrafast" not in pricing.tiers_for(model)


@pytest.mark.parametrize("model", ["gpt-6-astra", "gpt-6.1-sol", "gpt-6.2-sol"])
def test_ultrafast_is_offered_on_three_models(model):
    assert "ultrafast" in pricing.tiers_for(model)


@pytest.mark.parametrize("model", ["gpt-image-2.6-flare", "gpt-image-2.6-sunburst"])
def test_gpt_image_2_6_has_no_batch(model):
    assert pricing.tiers_for(model) == ("standard", "flex", "fast", "background-2h",
                                        "background-8h")
    with pytest.raises(calc.CalcError, match="does not offer the Batch tier"):
        pricing.tier_factor("batch", model)


@pytest.mark.parametrize("tier", ["fast", "priority", "ultrafast"])
def test_fast_with_regional_processing_is_an_error_that_says_why(tier):
    with pytest.raises(calc.CalcError, match="cannot be combined with regional processing"):
        pricing.check_regional(tier, True)
    pricing.check_regional(tier, False)


@pytest.mark.parametrize("tier", ["standard", "batch", "flex", "background-2h"])
def test_other_tiers_combine_with_regional_processing(tier):
    pricing.check_regional(tier, True)


def test_the_day_a_price_is_for():
    with clock.pinned("2026-12-03"):
        assert pricing.priced_on(None) == ""
        assert pricing.priced_on("2026-12-03") == ""
        assert pricing.priced_on("2027-03-01") == "prices of 2027-03-01"
