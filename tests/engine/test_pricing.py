"""Money (metering.md §9): exact Decimal from price to total, tiers as factors, half up once."""

from __future__ import annotations

from decimal import Decimal

import pytest

import calc
from calc.engine import pricing

GENERAL_FACTORS = [  # §9.2: what a tier pays per standard dollar, on a model with no own factor
    ("standard", "1"), ("batch", "0.5"), ("flex", "0.5"), ("fast", "2"), ("priority", "2"),
    ("background-2h", "0.7"), ("background-8h", "0.6"),
]


def test_the_tiers():
    assert pricing.TIERS == ("standard", "batch", "flex", "fast", "ultrafast", "background-2h",
                             "background-8h")
    assert calc.TIERS == pricing.TIERS


@pytest.mark.parametrize(("tier", "factor"), GENERAL_FACTORS)
def test_tier_factors_are_exact(tier, factor):
    for model in (None, "gpt-4o"):
        f = pricing.tier_factor(tier, model)
        assert f == Decimal(factor) and isinstance(f, Decimal)


def test_priority_is_the_old_name_of_fast():
    assert pricing.canonical_tier("priority") == "fast"
    assert pricing.tier_label("priority") == pricing.tier_label("fast") == "Fast (priority)"


@pytest.mark.parametrize("tier", ["weekly", "", None, "Batch x", "ultra fast"])
def test_an_unknown_tier_is_an_error(tier):
    with pytest.raises(calc.CalcError, match="standard, batch, flex, fast, ultrafast"):
        pricing.tier_factor(tier)


USD = [  # tokens, price per 1M, factor, exact dollars
    (1_000_000, "2.50", "1", "2.50"),
    (765, "2.50", "1", "0.0019125"),  # gpt-4o 1024² high (§3)
    (765, "2.50", "0.5", "0.00095625"),  # batch
    (765, "2.50", "2", "0.003825"),  # priority
    (7024, "30.00", "1", "0.21072"),  # gpt-image-2 1024² high output (§8.2)
    (3000, "0.20", "1", "0.0006"),  # gpt-5.4-nano 1600² high (§16)
    (36000, "2.00", "1", "0.072"),  # gpt-6-sol at exactly 30,000 patches
    (1, "0.05", "1", "0.00000005"),
]


@pytest.mark.parametrize(("tokens", "price", "factor", "expected"), USD)
def test_usd_is_exact(tokens, price, factor, expected):
    got = pricing.usd(tokens, Decimal(price), Decimal(factor))
    assert got == Decimal(expected) and isinstance(got, Decimal)


def test_usd_of_an_unknown_price_is_none():
    assert pricing.usd(100, None) is None


COST = [  # model, tokens, tier, exact dollars (§9 input prices × tier)
    ("gpt-4o", 765, "standard", "0.0019125"),
    ("gpt-4o", 765, "batch", "0.00095625"),
    ("gpt-4o", 765, "flex", "0.00095625"),
    ("gpt-4o", 765, "priority", "0.003825"),
    ("gpt-4o", 765, "fast", "0.003825"),
    ("gpt-6-astra", 3000, "batch", "0.015"),  # §9.4: batch 5.00 → 3000 × 5 / 1M
    ("gpt-5.6", 1000, "standard", "0.005"),  # alias of gpt-5.6-sol at $5.00 (from 2026-12-01)
    ("gpt-6-luna", 308, "standard", "0.0000308"),
    ("gpt-5.5", 1000, "fast", "0.0125"),  # §9.2: gpt-5.5 Fast 2.5× = $12.50 / 1M
    ("gpt-6.2-sol", 1000, "ultrafast", "0.006"),  # 3× $2.00 through 2027-02-28
    ("gpt-6-astra", 1000, "ultrafast", "0.06"),  # 6× $10.00
    ("gpt-6.1-sol", 1000, "ultrafast", "0.012"),  # 6× $2.00
    ("gpt-6.1-terra", 1000, "background-2h", "0.0007"),  # 0.7× $1.00
    ("gpt-6.1-terra", 1000, "background-8h", "0.0006"),  # 0.6× $1.00
]


@pytest.mark.today("2026-12-03")
@pytest.mark.parametrize(("model", "tokens", "tier", "expected"), COST)
def test_cost_usd(model, tokens, tier, expected):
    assert calc.cost_usd(tokens, model, tier) == Decimal(expected)
    assert calc.cost_usd(tokens, model, tier, on="2026-12-03") == Decimal(expected)


FORMAT = [  # rounded half up, once, at display
    (Decimal("13.125"), "$13.13"),  # a tie rounds up (banker's rounding would give 13.12)
    (13.125, "$13.13"),  # a float too: 13.125 is exact in binary, and still rounds up
    (Decimal("2.675"), "$2.68"),
    (Decimal("2.665"), "$2.67"),
    (Decimal("3.825"), "$3.83"),
    (Decimal("1.9125"), "$1.91"),
    (Decimal("1234.565"), "$1,234.57"),
    (Decimal("1"), "$1.00"),
    (Decimal("0.21072"), "$0.2107"),  # §8.2's "$0.2107"
    (Decimal("0.00125"), "$0.0013"),  # below $1: two significant digits, half up
    (Decimal("0.000218"), "$0.00022"),
    (None, "price unknown"),
]


@pytest.mark.parametrize(("amount", "expected"), FORMAT)
def test_format_usd(amount, expected):
    assert calc.format_usd(amount) == expected


def test_many_small_amounts_sum_exactly_and_round_once():
    one = calc.estimate(1024, 1024, "gpt-4o", "high").usd  # 765 × $2.50 / 1M
    assert one == Decimal("0.0019125")
    total = sum([one] * 2000, Decimal(0))
    assert total == Decimal("3.825")  # exact: no drift over 2,000 additions
    assert calc.format_usd(total) == "$3.83"  # rounded once, half up
    # rounding each image to the cent first would say $0.00 per image and $0.00 in all
    assert sum([Decimal("0.00")] * 2000) == 0
    thousands = sum([calc.estimate(1024, 1024, "gpt-5.4-nano", "high").usd] * 100_000,
                    Decimal(0))
    assert thousands == Decimal("24.58")  # 1229 tokens × $0.20 / 1M = 0.0002458 each


@pytest.mark.today("2026-12-03")
def test_estimate_usd_is_decimal_at_the_input_rate():
    # gpt-5.6-sol 1024² high: 1024 patches → 1229 tokens × $5.00 / 1M (from 2026-12-01)
    e = calc.estimate(1024, 1024, "gpt-5.6-sol", "high")
    assert e.usd == Decimal("0.006145")
    # a rejected image has no price
    assert calc.estimate(7952, 5304, "gpt-5.6-sol").usd is None


TIER_CONFIRMED = [  # §9.2: where a model's page does not list a tier, "not confirmed"
    ("gpt-6.1-terra", "batch", True), ("gpt-6.1-terra", "flex", True),
    ("gpt-6.1-terra", "priority", True), ("gpt-6.1-terra", "fast", True),
    ("gpt-6.1-terra", "background-2h", True), ("gpt-6.2-sol", "background-8h", True),
    ("gpt-6.2-sol", "batch", True), ("gpt-6.2-sol", "fast", True),
    ("gpt-6.2-sol", "flex", False),  # its page lists Batch and Fast, not Flex
    ("gpt-5.5", "fast", True), ("gpt-6-astra", "batch", True),
    ("gpt-6-astra", "priority", False), ("gpt-5.4", "batch", False),
    ("gpt-4o", "flex", False), ("gpt-5.4", "standard", True),
    ("gpt-5.4", "background-2h", False),
]


@pytest.mark.parametrize(("model", "tier", "confirmed"), TIER_CONFIRMED)
def test_tiers_not_confirmed_for_a_model_say_so(model, tier, confirmed):
    note = pricing.tier_note(model, tier)
    if confirmed:
        assert note == ""
    else:
        assert "not confirmed" in note and calc.resolve_model(model).name in note


def test_regional_uplift_is_data():
    c = calc.catalogue()
    assert c.regional_uplift == Decimal("0.10")  # §9.3: +10 %
    # documented on gpt-6.1-terra, gpt-6-sol and gpt-5.4; elsewhere "not confirmed"
    assert [m.name for m in calc.models() if m.regional] == ["gpt-6-sol", "gpt-6.1-terra",
                                                             "gpt-5.4"]
    assert c.cache_write_factor == Decimal("1.25")
    assert c.cache_write_12h_factor == Decimal("2")
