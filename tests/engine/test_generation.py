"""Generated images (metering.md §8): the gpt-image-2 formula, its size rules, and the older table.

§8.2 by hand, with q = 16 / 48 / 96 for low / medium / high:
    saf = (2·q·short + long) // (2·long);  tokens = (q·saf·(2,000,000 + w·h) + 3,999,999) // 4e6
1024×1024 (w·h + 2e6 = 3,048,576): saf = ⌊q + ½⌋ = q → low 16·16·3,048,576 / 4e6 = 195.1 → 196;
  medium 48·48 → 1755.98 → 1756; high 96·96 → 7023.92 → 7024.
1024×1536 (w·h + 2e6 = 3,572,864): saf = ⌊q·2/3 + ½⌋ → 11 / 32 / 64;
  low 16·11·3,572,864 / 4e6 = 157.2 → 158; medium 48·32 → 1371.98 → 1372; high 96·64 → 5487.92
  → 5488. 1536×1024 is the same (short, long and w·h do not change).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

import calc

NEWER = ["gpt-image-2.5-flare", "gpt-image-2.5-sunburst", "gpt-image-2.6-flare",
         "gpt-image-2.6-sunburst"]  # §8.3: unpublished (test_generation_unpublished.py)

FORMULA = [  # quality, size, tokens, exact usd at $30/1M, the guide's per-image price (§8.2)
    ("low", "1024x1024", 196, "0.00588", "0.006"),
    ("medium", "1024x1024", 1756, "0.05268", "0.053"),
    ("high", "1024x1024", 7024, "0.21072", "0.211"),  # §8.2's example: $0.2107
    ("low", "1024x1536", 158, "0.00474", "0.005"),
    ("medium", "1024x1536", 1372, "0.04116", "0.041"),
    ("high", "1024x1536", 5488, "0.16464", "0.165"),
    ("low", "1536x1024", 158, "0.00474", "0.005"),
    ("medium", "1536x1024", 1372, "0.04116", "0.041"),
    ("high", "1536x1024", 5488, "0.16464", "0.165"),
    # 2048×2048 high: saf 96; 96·96·6,194,304 / 4e6 = 14271.68 → 14272
    ("high", "2048x2048", 14272, "0.42816", None),
    # 3840×2160 high: saf = ⌊96·2160/3840 + ½⌋ = ⌊54.5⌋ = 54; 96·54·10,294,400 / 4e6 =
    # 13341.54 → 13342
    ("high", "3840x2160", 13342, "0.40026", None),
    # 1024×640 (the least pixels) medium: saf = ⌊30 + ½⌋ = 30; 48·30·2,655,360 / 4e6 =
    # 955.93 → 956
    ("medium", "1024x640", 956, "0.02868", None),
    # 3072×1024 (ratio exactly 3) high: saf = ⌊32.5⌋ = 32; 96·32·5,145,728 / 4e6 = 3951.92
    ("high", "3072x1024", 3952, "0.11856", None),
]


@pytest.mark.parametrize(("quality", "size", "tokens", "usd", "guide"), FORMULA)
def test_gpt_image_2_formula(quality, size, tokens, usd, guide):
    cost = calc.generation_cost("gpt-image-2", quality, size)
    assert (cost.tokens_per_image, cost.output_tokens) == (tokens, tokens)
    assert cost.usd == Decimal(usd) and isinstance(cost.usd, Decimal)
    if guide is not None:
        assert cost.usd.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) == Decimal(guide)
    assert any("derived" in n.text for n in cost.notes)


def test_the_formula_example_in_words():
    cost = calc.generation_cost("gpt-image-2", "high", "1024×1024")  # the × sign is fine too
    assert cost.tokens_per_image == 7024
    assert calc.format_usd(cost.usd) == "$0.2107"  # §8.2: "= $0.2107 at $30/1M"


def test_auto_quality_is_estimated_as_medium_and_says_so():
    cost = calc.generation_cost("gpt-image-2", "auto", "1024x1024")
    assert cost.tokens_per_image == 1756  # medium
    assert cost.quality == "auto"
    assert any(n.kind == "inferred" and "medium" in n.text for n in cost.notes)


@pytest.mark.parametrize("model", NEWER)
@pytest.mark.parametrize("quality", ["xhigh", "max"])
def test_unpublished_qualities_say_so_and_give_no_number(model, quality):
    cost = calc.generation_cost(model, quality, "1024x1024")
    assert (cost.tokens_per_image, cost.output_tokens, cost.usd) == (None, None, None)
    assert any(n.kind == "unpublished" and "no published token count" in n.text
               for n in cost.notes)


@pytest.mark.parametrize("quality", ["xhigh", "max", "ultra", ""])
def test_gpt_image_2_has_no_such_quality(quality):
    with pytest.raises(calc.UnknownGenerationOptionError):
        calc.generation_cost("gpt-image-2", quality, "1024x1024")


SIZE_ERRORS = [  # each breaks exactly one §8.2 rule
    ("1000x1000", "multiples of 16"),  # 1000 = 16 × 62.5
    ("1024x1030", "multiples of 16"),
    ("3856x1296", "at most 3,840"),  # 3856 = 16 × 241; ratio 2.98; 4,997,376 px
    ("1296x3856", "at most 3,840"),
    ("3072x1008", "3× the short side"),  # 1008 = 16 × 63; ratio 3.05; 3,096,576 px
    ("3840x1264", "3× the short side"),  # 1264 = 16 × 79; ratio 3.04; 4,853,760 px
    ("800x800", "between 655,360 and 8,294,400"),  # 640,000 px
    ("1008x640", "between 655,360 and 8,294,400"),  # 645,120 px
    ("3840x2176", "between 655,360 and 8,294,400"),  # 8,355,840 px
    ("2896x2880", "between 655,360 and 8,294,400"),  # 8,340,480 px
]


@pytest.mark.parametrize("model", ["gpt-image-2", "gpt-image-2.6-flare"])
@pytest.mark.parametrize(("size", "rule"), SIZE_ERRORS)
def test_size_rule_errors_say_which_rule(model, size, rule):
    with pytest.raises(calc.InvalidSizeError, match=rule) as info:
        calc.generation_cost(model, "medium", size)
    assert isinstance(info.value, calc.CalcError)


@pytest.mark.parametrize("size", ["1024x640", "640x1024", "3840x2160", "2880x2880", "3072x1024",
                                  "3840x1280", "1024x3072"])
def test_sizes_on_the_edges_are_allowed(size):
    assert calc.generation_cost("gpt-image-2", "low", size).tokens_per_image > 0


@pytest.mark.parametrize("size", ["big", "1024", "1024x", "x1024", "-1024x1024", None])
def test_a_size_that_is_not_a_size(size):
    with pytest.raises(calc.CalcError):
        calc.generation_cost("gpt-image-2", "low", size)


def test_partial_images_and_n():
    # §8.2: each streamed partial image adds 100 output tokens (inferred after gpt-image-1)
    cost = calc.generation_cost("gpt-image-2", "high", "1024x1024", n=3, partial_images=2)
    assert cost.tokens_per_image == 7024 + 200
    assert cost.output_tokens == 3 * 7224
    assert cost.usd == Decimal(3 * 7224) * Decimal(30) / 1_000_000
    assert any(n.kind == "inferred" and "partial" in n.text for n in cost.notes)


TABLE = [  # §8.1, documented: quality, size, tokens
    ("low", "1024x1024", 272), ("low", "1024x1536", 408), ("low", "1536x1024", 400),
    ("medium", "1024x1024", 1056), ("medium", "1024x1536", 1584), ("medium", "1536x1024", 1568),
    ("high", "1024x1024", 4160), ("high", "1024x1536", 6240), ("high", "1536x1024", 6208),
]
TABLE_OUTPUT_PRICE = {"gpt-image-1": "40.00", "gpt-image-1.5": "32.00",
                      "gpt-image-1-mini": "8.00"}  # §9


@pytest.mark.parametrize("model", sorted(TABLE_OUTPUT_PRICE))
@pytest.mark.parametrize(("quality", "size", "tokens"), TABLE)
def test_gpt_image_1_family_table(model, quality, size, tokens):
    cost = calc.generation_cost(model, quality, size)
    assert cost.tokens_per_image == tokens
    assert cost.usd == Decimal(tokens) * Decimal(TABLE_OUTPUT_PRICE[model]) / 1_000_000
    more = calc.generation_cost(model, quality, size, n=3, partial_images=2)
    assert more.output_tokens == 3 * (tokens + 200)
    assert any(n.kind == "lifecycle" for n in cost.notes)  # all shut down by 2026-12-01


def test_gpt_image_1_table_prices_by_hand():
    # 4160 tokens × $40 / 1M = $0.1664; × $32 = $0.13312; × $8 = $0.03328
    assert calc.generation_cost("gpt-image-1", "high", "1024x1024").usd == Decimal("0.1664")
    assert calc.generation_cost("gpt-image-1.5", "high", "1024x1024").usd == Decimal("0.13312")
    assert calc.generation_cost("gpt-image-1-mini", "high", "1024x1024").usd == \
        Decimal("0.03328")


def test_the_old_table_refuses_sizes_and_qualities_it_does_not_list():
    with pytest.raises(calc.UnknownGenerationOptionError, match="1024x1024"):
        calc.generation_cost("gpt-image-1", "high", "512x512")
    with pytest.raises(calc.UnknownGenerationOptionError, match="medium"):
        calc.generation_cost("gpt-image-1", "ultra", "1024x1024")


@pytest.mark.parametrize("model", ["gpt-4o", "gpt-5.4", "gpt-6-astra"])
def test_models_that_do_not_generate_images(model):
    with pytest.raises(calc.UnknownGenerationOptionError, match="does not generate"):
        calc.generation_cost(model, "low", "1024x1024")


@pytest.mark.parametrize(("n", "partial"), [(0, 0), (-1, 0), (1, -1), (True, 0), (1.5, 0)])
def test_bad_counts(n, partial):
    with pytest.raises(calc.CalcError):
        calc.generation_cost("gpt-image-2", "low", "1024x1024", n=n, partial_images=partial)
