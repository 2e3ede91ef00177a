"""Plan's Generate view (calc.views.plan.generate): output and edit-input costs per request,
day and month, and for gpt-image-2.5 / 2.6 (metering.md §8.3) the typed tokens per image, prefilled
from a matching third-party measurement. Prices: metering.md §9 ($30 per 1M image output on the
gpt-image-2 family; gpt-image-1 $40 out / $10 in)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

import calc
from calc.views.plan import generate as pg
from calc.views.plan import settings as ps

pytestmark = pytest.mark.today("2026-12-03")
M = D(1_000_000)


def test_generation_known_answers():
    """metering.md §8.1: high 1024×1024 = 4160 tokens, + 100 per partial; §9: gpt-image-1 $40
    per 1M out."""
    plan = pg.generation_plan("gpt-image-1", "high", "1024x1024", n=2, partial_images=1,
                              requests_per_day=50, days_per_month=20)
    assert plan.output.output_tokens == (4160 + 100) * 2
    assert plan.output_usd == D(8520) * 40 / M
    assert plan.input_tokens == 0 and plan.input_usd == 0
    assert plan.image_usd == D(4260) * 40 / M
    assert plan.images_per_day == 100
    assert plan.day_usd == D(8520) * 40 / M * 50
    assert plan.month_usd == D(8520) * 40 / M * 50 * 20


def test_edit_inputs_are_costed_with_calc_estimate_and_fidelity():
    """metering.md §7, §16: 1024×1025 at low fidelity = 194 tokens; high adds 4160 if square."""
    low = pg.generation_plan("gpt-image-1", "low", "1024x1536", input_sizes=[(1024, 1025)])
    assert low.input_tokens == 194
    assert low.input_usd == D(194) * 10 / M
    assert low.request_usd == D(408) * 40 / M + D(194) * 10 / M
    high = pg.generation_plan("gpt-image-1.5", "medium", "1536x1024",
                              input_sizes=[(1024, 1024), (512, 513)], fidelity="high",
                              tier="batch")
    expected = sum(calc.estimate(w, h, "gpt-image-1.5", fidelity="high").tokens
                   for w, h in [(1024, 1024), (512, 513)])
    assert high.input_tokens == expected == (194 + 4160) + (323 + 4160)
    assert high.input_usd == D(expected) * 8 / M / 2
    assert high.output_usd == D(1568) * 32 / M / 2


def test_high_fidelity_on_gpt_image_1_mini_is_refused_with_the_reason():
    with pytest.raises(calc.UnsupportedFidelityError, match="gpt-image-1-mini supports only low"):
        pg.generation_plan("gpt-image-1-mini", "low", "1024x1024", input_sizes=[(512, 512)],
                           fidelity="high")
    ok = pg.generation_plan("gpt-image-1-mini", "low", "1024x1024", input_sizes=[(512, 512)])
    assert ok.input_tokens == 65 + 129  # 512×512: one tile
    assert ok.output_usd == D(272) * 8 / M


def test_generation_limits_and_bad_options():
    with pytest.raises(calc.CalcError, match="at most 16"):
        pg.generation_plan("gpt-image-1", "low", "1024x1024", input_sizes=[(10, 10)] * 17)
    with pytest.raises(calc.CalcError):
        pg.generation_plan("gpt-4o", "low", "1024x1024")
    with pytest.raises(calc.CalcError):
        pg.generation_plan("gpt-image-1", "ultra", "1024x1024")
    with pytest.raises(calc.CalcError):
        pg.generation_plan("gpt-image-1", "low", "1024x1024", days_per_month=0)


# --- gpt-image-2.5 / 2.6: unpublished (§8.3) ---------------------------------------------------


def test_unpublished_has_no_total_until_tokens_are_typed():
    plan = pg.generation_plan("gpt-image-2.6-flare", "high", "1536x1024", requests_per_day=100)
    assert plan.output.unpublished
    assert (plan.output_usd, plan.request_usd, plan.image_usd, plan.day_usd, plan.month_usd) \
        == (None,) * 5
    typed = pg.generation_plan("gpt-image-2.6-flare", "high", "1536x1024", n=2,
                               requests_per_day=100, days_per_month=30, tokens_per_image=1353)
    assert typed.image_usd == D("0.04059")  # 1,353 × $30 / 1M
    assert typed.request_usd == D("0.08118")
    assert typed.month_usd == D("0.08118") * 100 * 30


def test_edit_inputs_on_2_6_at_flex_use_its_tier_factor():
    # input 1024×1024 on the gpt-image-2 family: 32×32 = 1,024 patches = 1,024 tokens (§7)
    plan = pg.generation_plan("gpt-image-2.6-sunburst", "low", "1536x1024",
                              input_sizes=[(1024, 1024)], tier="flex", tokens_per_image=664)
    assert plan.input_tokens == 1024
    assert plan.input_usd == D(1024) * 8 / M / 2  # $8 per 1M image input, Flex × 0.5
    assert plan.output_usd == D(664) * 30 / M / 2


def test_2_6_refuses_batch_naming_its_tiers():
    with pytest.raises(calc.CalcError, match="does not offer the Batch tier: it offers Standard"):
        pg.generation_plan("gpt-image-2.6-flare", "low", "1536x1024", tier="batch",
                           tokens_per_image=664)


PREFILLS = [  # model, quality, size, prefilled tokens (None: empty, with a message)
    ("gpt-image-2.6-flare", "low", "1536x1024", 664),
    ("gpt-image-2.6-sunburst", "high", "1536x1024", 1353),
    ("gpt-image-2.6-flare", "high", "3840x2160", 3337),
    ("gpt-image-2.5-flare", "high", "1536x1024", 1353),  # 2.5 = 2.6 at high
    ("gpt-image-2.5-flare", "low", "1536x1024", None),  # 2.6 low is 3–4× 2.5's
    ("gpt-image-2.6-flare", "medium", "1024x1024", None),
    ("gpt-image-2.6-flare", "xhigh", "1536x1024", None),
]


@pytest.mark.parametrize(("model", "quality", "size", "tokens"), PREFILLS)
def test_the_typed_field_is_prefilled_from_a_matching_measurement(model, quality, size, tokens):
    prefill = pg.tokens_prefill(model, quality, size)
    assert prefill.tokens == tokens
    assert f"OpenAI publishes no output-token count for {model}" in prefill.message
    if tokens is None:
        assert prefill.point is None and "type your own tokens per image" in prefill.message
    else:
        assert "third-party measurement, not OpenAI's" in prefill.message
        assert f"{tokens:,} output tokens" in prefill.message


@pytest.mark.parametrize("model", ["gpt-image-2", "gpt-image-1"])
def test_no_typed_field_where_the_count_is_published(model):
    assert pg.tokens_prefill(model, "high", "1024x1024") is None


def test_the_generate_settings_travel_in_a_link():
    g = ps.GenSettings("gpt-image-2.6-flare", "low", "1536x1024", tier="flex", tokens=900,
                       complexity="medium", format="gif", frames=5)
    query = ps.to_query(ps.Settings(), g)
    assert (query["gtokens"], query["gcomplexity"], query["gformat"], query["gframes"]) == (
        "900", "medium", "gif", "5")
    _, back, _, notices = ps.from_query(query)
    assert back == g and not notices
    _, bad, _, notices = ps.from_query({"gtokens": "-5", "gframes": "40"})
    assert (bad.tokens, bad.frames) == (0, 2) and len(notices) == 2
