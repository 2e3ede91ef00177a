"""Every worked example and measured number of shared/spec/metering.md, with its known answer.

The expected values are copied from the spec's text, never produced by calc.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import calc

BOTH = ("billing", "documented")

# spec §9: measured image tokens (what the billing rules are built on)
MEASURED = [
    ("gpt-4o", 1, 1, "high", "low", 255),
    ("gpt-4o", 1, 1, "auto", "low", 255),
    ("gpt-4o", 1, 1, "low", "low", 85),
    ("gpt-4.1", 2049, 513, "high", "low", 1445),
    ("gpt-4.1", 2050, 513, "high", "low", 765),
    ("gpt-4.1-mini", 4000, 1474, "high", "low", 2489),
    ("gpt-4.1-mini", 128, 64, "low", "low", 13),
    ("gpt-4.1-mini", 128, 64, "high", "low", 13),
    ("gpt-5-mini", 512, 512, "high", "low", 308),
    ("gpt-5-mini", 2048, 768, "high", "low", 1844),
    ("gpt-image-1", 1024, 1025, "auto", "low", 194),
    ("gpt-image-1", 1023, 1024, "auto", "low", 194),
    ("gpt-image-1", 512, 513, "auto", "low", 323),
]


@pytest.mark.parametrize(("model", "w", "h", "detail", "fidelity", "expected"), MEASURED)
def test_measured_billing(model, w, h, detail, fidelity, expected):
    assert calc.tokens(w, h, model, detail, fidelity) == expected
    assert calc.estimate(w, h, model, detail, fidelity).tokens == expected


# The guide's worked examples (spec §1 and §2), the same under both rule sets.
WORKED = [
    ("gpt-4o", 1024, 1024, "high", 765, (768, 768), 4),
    ("gpt-4o", 2048, 4096, "high", 1105, (768, 1536), 6),
    ("gpt-4o", 4096, 8192, "low", 85, None, 0),
    ("gpt-4.1-mini", 1024, 1024, "high", 1659, (1024, 1024), 1024),  # ⌈1024 × 1.62⌉
    ("gpt-4.1-mini", 1800, 2400, "high", 2353, (1056, 1408), 1452),  # ⌈1452 × 1.62⌉
    ("gpt-4.1-mini", 480, 320, "high", 243, (480, 320), 150),  # the float trap: 150 × 1.62
]


@pytest.mark.parametrize("rules", BOTH)
@pytest.mark.parametrize(("model", "w", "h", "detail", "expected", "seen", "units"), WORKED)
def test_worked_examples(model, w, h, detail, expected, seen, units, rules):
    e = calc.estimate(w, h, model, detail, rules=rules)
    assert e.tokens == expected
    assert e.units == units
    if seen is not None:
        assert e.grid.image == seen


def test_guide_example_2048x4096_steps_in_words():
    e = calc.estimate(2048, 4096, "gpt-4o", "high")
    assert [s.size for s in e.steps] == [(2048, 4096), (1024, 2048), (768, 1536), (768, 1536),
                                         (768, 1536)]
    assert "2 × 3 = 6 tiles" in e.steps[3].explanation
    assert "85 + 170 × 6 = 1,105" in e.steps[4].explanation


def test_guide_example_1800x2400_shrink_factors_in_words():
    e = calc.estimate(1800, 2400, "gpt-4.1-mini", "high", rules="documented")
    shrink = next(s for s in e.steps if s.name == "shrink to budget")
    assert "0.603" in shrink.explanation  # r before the patch-fit factor, as in the guide
    assert "33/33.94" in shrink.explanation
    assert shrink.size == (1056, 1408)
    assert e.steps[-2].explanation.endswith("33 × 44 = 1,452")


def test_exact_arithmetic_trap_floats_would_get_wrong():
    # 150 × 1.62 is 243.00000000000003 in floats; its ceiling would be 244.
    assert 150 * 1.62 > 243
    assert calc.tokens(480, 320, "gpt-4.1-mini", "high") == 243


# Where the guide and billing differ (spec §5): known answers under each rule set.
DIFFER = [
    # gpt-5-mini: billing ×1.2, documented ×1.62 — 512×512 is 256 patches
    ("gpt-5-mini", 512, 512, "high", 308, 415),  # ⌈307.2⌉, ⌈414.72⌉
    ("gpt-5-nano", 512, 512, "high", 384, 630),  # ⌈256 × 1.5⌉, ⌈256 × 2.46⌉ = ⌈629.76⌉
    ("gpt-5.2", 512, 512, "high", 308, 256),  # ×1.2 measured; no documented multiplier → ×1
    # patch models fit to 2048 first under billing: 4000×1474 → 2048×755 → budget 1536
    ("gpt-4.1-mini", 4000, 1474, "high", 2489, 2348),
]


@pytest.mark.parametrize(("model", "w", "h", "detail", "billing", "documented"), DIFFER)
def test_rule_sets_differ(model, w, h, detail, billing, documented):
    assert calc.tokens(w, h, model, detail, rules="billing") == billing
    assert calc.tokens(w, h, model, detail, rules="documented") == documented
    notes = calc.estimate(w, h, model, detail).notes
    assert any(n.kind == "differs" and f"{documented:,}" in n.text for n in notes)


TILE_CONSTANTS = [
    ("gpt-5", 70, 140), ("gpt-5-chat-latest", 70, 140), ("gpt-4o", 85, 170),
    ("gpt-4.1", 85, 170), ("gpt-4.5-preview", 85, 170), ("gpt-4o-mini", 2833, 5667),
    ("o1", 75, 150), ("o1-pro", 75, 150), ("o3", 75, 150), ("computer-use-preview", 65, 129),
    ("gpt-5.1", 70, 140),
]


@pytest.mark.parametrize(("model", "base", "tile"), TILE_CONSTANTS)
@pytest.mark.parametrize("rules", BOTH)
def test_tile_table(model, base, tile, rules):
    assert calc.tokens(4096, 8192, model, "low", rules=rules) == base
    assert calc.tokens(1, 1, model, "high", rules=rules) == base + tile  # never upscaled
    assert calc.tokens(1024, 1024, model, "high", rules=rules) == base + 4 * tile
    assert calc.tokens(2048, 4096, model, "auto", rules=rules) == base + 6 * tile


PATCH_TABLE = [  # model, budget, billing multiplier, documented multiplier
    ("gpt-4.1-mini", 1536, "1.62", "1.62"), ("gpt-4.1-nano", 1536, "2.46", "2.46"),
    ("o4-mini", 1536, "1.72", "1.72"), ("gpt-5-mini", 1536, "1.2", "1.62"),
    ("gpt-5-nano", 1536, "1.5", "2.46"), ("gpt-5.2", 1536, "1.2", "1"),
    ("gpt-5.4-mini", 1536, "1.62", "1.62"), ("gpt-5.4-nano", 1536, "2.46", "2.46"),
    ("gpt-5.4", 2500, "1.2", "1"), ("gpt-5.5", 2500, "1.2", "1"),
]


@pytest.mark.parametrize(("model", "budget", "billing", "documented"), PATCH_TABLE)
def test_patch_table(model, budget, billing, documented):
    detail = "high"  # gpt-5.5's auto means original
    for rules, mult in (("billing", billing), ("documented", documented)):
        e = calc.estimate(320, 320, model, detail, rules=rules)  # 10 × 10 = 100 patches
        assert e.units == 100
        assert e.multiplier == Decimal(mult)
        assert e.tokens == -(-100 * Decimal(mult) // 1)
        # 2048×2048 is 64 × 64 = 4096 patches, over budget. By hand from spec §2 step 3:
        # budget 1536: r = 0.612, w·r/32 = 39.19 → 39 → 1248×1248 = 39 × 39 = 1521 patches;
        # budget 2500: w·r/32 = 50 exactly → 1600×1600 = 50 × 50 = 2500 patches.
        big = calc.estimate(2048, 2048, model, detail, rules=rules)
        assert big.units == {1536: 1521, 2500: 2500}[budget]
        assert big.grid.image == {1536: (1248, 1248), 2500: (1600, 1600)}[budget]


def test_patch_original_detail_gpt_5_4():
    # original: budget 10000, max side 6000, fitted under both rule sets.
    for rules, mult in (("billing", Decimal("1.2")), ("documented", Decimal(1))):
        e = calc.estimate(3200, 3200, "gpt-5.4", "original", rules=rules)  # 100×100 patches
        assert e.units == 10000
        assert e.tokens == int(10000 * mult)
        fitted = calc.estimate(12000, 3000, "gpt-5.4", "original", rules=rules)
        assert fitted.steps[1].size == (6000, 1500)


def test_gpt_5_5_auto_means_original_and_gpt_5_4_auto_means_high():
    assert calc.estimate(100, 100, "gpt-5.5", "auto").effective_detail == "original"
    assert calc.estimate(100, 100, "gpt-5.4", "auto").effective_detail == "high"
    # 3200×3200 is 10,000 patches: gpt-5.5 auto keeps them all, gpt-5.4 auto shrinks to 2500.
    assert calc.estimate(3200, 3200, "gpt-5.5", "auto").units == 10000
    assert calc.estimate(3200, 3200, "gpt-5.4", "auto").units == 2500


def test_original_elsewhere_is_high_and_says_so():
    e = calc.estimate(1024, 1024, "gpt-4o", "original")
    assert e.tokens == 765
    assert any("original" in n.text for n in e.notes)
    assert calc.tokens(1024, 1024, "gpt-4.1-mini", "original") == 1659


def test_patch_low_detail_is_inferred_fit_512():
    e = calc.estimate(4096, 2048, "gpt-4.1-mini", "low")
    assert e.grid.image == (512, 256)  # 16 × 8 = 128 patches → ⌈128 × 1.62⌉ = 208
    assert e.tokens == 208
    assert any(n.kind == "inferred" for n in e.notes)


def test_gpt_image_fidelity_high_adds_by_aspect():
    # 1024×1024 → 512×512: 65 + 129 = 194, + 4160 square
    assert calc.tokens(1024, 1024, "gpt-image-1", fidelity="high") == 194 + 4160
    # 1024×1536 (2:3) is not square: + 6240. Short side 1024 → 512, long 768: 2 tiles.
    assert calc.tokens(1024, 1536, "gpt-image-1", fidelity="high") == 65 + 2 * 129 + 6240
    # The square band (inferred): 11:10 is square, 4:3 is nearer 3:2 than 1:1 → not square.
    assert calc.estimate(1100, 1000, "gpt-image-1.5", fidelity="high").fidelity_tokens == 4160
    assert calc.estimate(1224, 1000, "gpt-image-1.5", fidelity="high").fidelity_tokens == 4160
    assert calc.estimate(1225, 1000, "gpt-image-1.5", fidelity="high").fidelity_tokens == 6240
    assert calc.estimate(1000, 1225, "gpt-image-1.5", fidelity="high").fidelity_tokens == 6240


GENERATION = [  # spec §4
    ("low", "1024x1024", 272), ("low", "1024x1536", 408), ("low", "1536x1024", 400),
    ("medium", "1024x1024", 1056), ("medium", "1024x1536", 1584), ("medium", "1536x1024", 1568),
    ("high", "1024x1024", 4160), ("high", "1024x1536", 6240), ("high", "1536x1024", 6208),
]


@pytest.mark.parametrize("model", ["gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini"])
@pytest.mark.parametrize(("quality", "size", "tokens"), GENERATION)
def test_generation_table(model, quality, size, tokens):
    cost = calc.generation_cost(model, quality, size)
    assert cost.output_tokens == tokens
    assert calc.generation_cost(model, quality, size, n=3, partial_images=2).output_tokens == \
        3 * (tokens + 200)


@pytest.mark.parametrize(("model", "price"), [("gpt-image-1", 40), ("gpt-image-1.5", 32),
                                              ("gpt-image-1-mini", 8)])
def test_generation_price(model, price):
    assert calc.generation_cost(model, "high", "1024x1024").usd == pytest.approx(
        4160 * price / 1e6)


PRICES = [  # spec §7, USD per 1M input tokens
    ("gpt-5.2", "1.75"), ("gpt-5", "1.25"), ("gpt-5.1", "1.25"), ("gpt-5-chat-latest", "1.25"),
    ("gpt-5-mini", "0.25"), ("gpt-5-nano", "0.05"), ("gpt-4.1", "2.00"), ("gpt-4.1-mini", "0.40"),
    ("gpt-4.1-nano", "0.10"), ("gpt-4o", "2.50"), ("gpt-4o-mini", "0.15"), ("o1", "15.00"),
    ("o1-pro", "150.00"), ("o3", "2.00"), ("o4-mini", "1.10"), ("computer-use-preview", "3.00"),
    ("gpt-4.5-preview", "75.00"), ("gpt-image-1", "10.00"), ("gpt-image-1.5", "8.00"),
    ("gpt-image-1-mini", "2.50"), ("gpt-5.4", "2.50"), ("gpt-5.4-mini", "0.75"),
    ("gpt-5.5", "5.00"),
]


@pytest.mark.parametrize(("model", "price"), PRICES)
def test_prices(model, price):
    assert calc.resolve_model(model).price_input == Decimal(price)
    e = calc.estimate(1024, 1024, model)
    assert e.usd == pytest.approx(e.tokens * float(price) / 1e6)
    assert calc.cost_usd(e.tokens, model, "batch") == pytest.approx(e.usd / 2)


def test_unknown_price_is_none():
    assert calc.estimate(100, 100, "gpt-5.4-nano").usd is None


def test_gpt_4o_1024_costs_guide_price():
    # 765 tokens at $2.50 / 1M
    assert calc.estimate(1024, 1024, "gpt-4o").usd == pytest.approx(0.0019125)


CACHED = [  # spec §7: gpt-5 family 10 % of input, gpt-4.1 family 25 %, gpt-4o 50 %
    ("gpt-5", "0.125"), ("gpt-5-mini", "0.025"), ("gpt-5-nano", "0.005"), ("gpt-5.2", "0.175"),
    ("gpt-5.4", "0.25"), ("gpt-5.5", "0.50"), ("gpt-4.1", "0.50"), ("gpt-4.1-mini", "0.10"),
    ("gpt-4.1-nano", "0.025"), ("gpt-4o", "1.25"),
]


@pytest.mark.parametrize(("model", "cached"), CACHED)
def test_cached_input_prices(model, cached):
    assert calc.resolve_model(model).price_cached_input == Decimal(cached)


def test_batch_tier_is_half_of_standard():
    assert calc.tier_factor("batch") == 0.5 and calc.tier_factor("standard") == 1.0
    with pytest.raises(calc.CalcError, match="standard"):
        calc.tier_factor("priority")
