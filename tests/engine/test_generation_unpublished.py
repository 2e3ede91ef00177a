"""gpt-image-2.5 / 2.6 generated images (metering.md §8.3): unpublished — no number from the §8.2
formula; the third-party measured points; the user's own tokens per image priced at the image
output rate ($30 / 1M, §8); 2.6's complexity, GIF and SVG; tiers per model and the day.

By hand: 1,353 × $30 / 1M = $0.04059; 664 × 30 / 1M = $0.01992; 3,337 × 30 / 1M = $0.10011.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import calc
from calc.engine.generation_measured import measured_point, measured_points

D = Decimal
UNPUBLISHED = ["gpt-image-2.5-flare", "gpt-image-2.5-sunburst", "gpt-image-2.6-flare",
               "gpt-image-2.6-sunburst"]
THIRD_PARTY = "third-party measurement, not OpenAI's"


# ---- no number for 2.5 / 2.6 ----------------------------------------------------------------

@pytest.mark.parametrize("model", UNPUBLISHED)
@pytest.mark.parametrize(("quality", "size", "formula_says"), [
    ("low", "1536x1024", "158"), ("high", "1536x1024", "5,488"),  # §8.3's table
    ("high", "3840x2160", "13,342"), ("medium", "1024x1024", "1,756"), ("auto", "1024x1536", ""),
])
def test_unpublished_models_give_no_number(model, quality, size, formula_says):
    cost = calc.generation_cost(model, quality, size)
    assert (cost.tokens_per_image, cost.output_tokens, cost.usd) == (None, None, None)
    assert cost.unpublished and not cost.typed
    assert any(n.kind == "unpublished" and "unpublished" in n.text for n in cost.notes)
    if formula_says:  # the §8.2 formula's number is nowhere
        assert all(formula_says not in n.text for n in cost.notes)


def test_gpt_image_2_still_follows_the_formula():
    cost = calc.generation_cost("gpt-image-2", "high", "1024x1024")  # §8.2's example
    assert (cost.tokens_per_image, cost.usd) == (7024, D("0.21072"))
    assert not cost.unpublished and cost.measured is None


# ---- the measured points ---------------------------------------------------------------------

def test_the_measured_points_are_the_spec_table_with_their_source():
    points = measured_points()
    assert [(p.family, p.size, p.quality, p.tokens, p.approximate) for p in points] == [
        ("gpt-image-2.6", "1536x1024", "low", 664, False),
        ("gpt-image-2.6", "1536x1024", "high", 1353, False),
        ("gpt-image-2.6", "3840x2160", "high", 3337, True),  # "about 3,337"
    ]
    for p in points:
        assert (p.as_of, p.confidence, p.third_party) == ("2026-11-05", "measured", True)
        assert "third-party" in p.source and "variant not stated" in p.source


MATCHES = [  # model or family, size, quality, tokens (None: no point matches)
    ("gpt-image-2.6-flare", "1536x1024", "low", 664),
    ("gpt-image-2.6-sunburst", "1536x1024", "low", 664),
    ("gpt-image-2.6-flare", "1536×1024", "low", 664),  # the × sign
    ("gpt-image-2.6-sunburst", "1536x1024", "high", 1353),
    ("gpt-image-2.6", "3840x2160", "high", 3337),
    # 2.6 uses the same tokens as 2.5 at high and above: a 2.6 high point stands for 2.5 high
    ("gpt-image-2.5-flare", "1536x1024", "high", 1353),
    ("gpt-image-2.5-sunburst", "3840x2160", "high", 3337),
    ("gpt-image-2.5", "1536x1024", "high", 1353),
    # …but 2.6 low and medium use 3–4× 2.5's: a 2.6 low point is not 2.5's
    ("gpt-image-2.5-flare", "1536x1024", "low", None),
    ("gpt-image-2.5-sunburst", "1536x1024", "low", None),
    ("gpt-image-2.6-flare", "1024x1536", "low", None),  # the other orientation was not measured
    ("gpt-image-2.6-flare", "1536x1024", "medium", None),
    ("gpt-image-2.6-flare", "1536x1024", "auto", None),
    ("gpt-image-2.6-flare", "3840x2160", "low", None),
    ("gpt-image-2.6-flare", "1024x1024", "high", None),
    ("gpt-image-2", "1536x1024", "high", None),  # the formula's model has no §8.3 point
    ("gpt-5.4", "1536x1024", "high", None),
    ("no-such-model", "1536x1024", "high", None),
]


@pytest.mark.parametrize(("model", "size", "quality", "tokens"), MATCHES)
def test_the_measured_point_that_matches_a_request(model, size, quality, tokens):
    point = measured_point(model, size, quality)
    assert (None if point is None else point.tokens) == tokens
    if point is not None:
        assert point.label.startswith(THIRD_PARTY) and point.family == "gpt-image-2.6"
        assert ("gpt-image-2.5" in point.label) == model.startswith("gpt-image-2.5")


def test_the_label_says_about_where_the_source_does():
    label = measured_point("gpt-image-2.6-flare", "3840x2160", "high").label
    assert label == (f"{THIRD_PARTY}: about 3,337 output tokens (gpt-image-2.6, 3840×2160 high, "
                     "measured 2026-11-05)")


def test_a_matching_point_is_shown_not_used_as_the_count():
    cost = calc.generation_cost("gpt-image-2.6-flare", "low", "1536x1024")
    assert cost.tokens_per_image is None and cost.measured.tokens == 664
    assert any(n.kind == "measured" and n.text.startswith(THIRD_PARTY) and "664" in n.text
               for n in cost.notes)
    assert calc.generation_cost("gpt-image-2.5-flare", "low", "1536x1024").measured is None


# ---- the user's own tokens per image ---------------------------------------------------------

TYPED = [  # model, quality, size, typed, n, partial, tier, usd
    ("gpt-image-2.6-flare", "high", "1536x1024", 1353, 1, 0, "standard", "0.04059"),
    ("gpt-image-2.6-sunburst", "low", "1536x1024", 664, 1, 0, "standard", "0.01992"),
    ("gpt-image-2.5-flare", "high", "3840x2160", 3337, 1, 0, "standard", "0.10011"),
    ("gpt-image-2.6-flare", "xhigh", "1024x1024", 1353, 1, 0, "standard", "0.04059"),
    # (1,353 + 100 per partial) × 2 images = 2,906 × 30 / 1M
    ("gpt-image-2.6-flare", "high", "1536x1024", 1353, 2, 1, "standard", "0.08718"),
    ("gpt-image-2.6-flare", "high", "1536x1024", 1353, 1, 0, "flex", "0.020295"),  # × 0.5
    ("gpt-image-2.6-flare", "high", "1536x1024", 1353, 1, 0, "fast", "0.08118"),  # × 2
    ("gpt-image-2.6-flare", "high", "1536x1024", 1353, 1, 0, "background-8h", "0.024354"),
    ("gpt-image-2.5-sunburst", "high", "1536x1024", 1353, 1, 0, "batch", "0.020295"),
    ("gpt-image-2", "high", "1024x1024", 1000, 1, 0, "standard", "0.03"),  # any model
    ("gpt-image-1", "high", "1024x1024", 1000, 1, 0, "standard", "0.04"),  # at $40 / 1M
]


@pytest.mark.today("2026-12-03")
@pytest.mark.parametrize(("model", "quality", "size", "typed", "n", "partial", "tier", "usd"),
                         TYPED)
def test_typed_tokens_are_priced_at_the_image_output_rate(model, quality, size, typed, n,
                                                          partial, tier, usd):
    cost = calc.generation_cost(model, quality, size, n, partial, tier=tier,
                                tokens_per_image=typed)
    assert cost.usd == D(usd) and cost.typed and cost.tier == tier
    assert cost.tokens_per_image == typed + 100 * partial
    assert any(n.kind == "typed" and f"{typed:,}" in n.text for n in cost.notes)


def test_typed_tokens_on_gpt_image_2_name_calcs_own_estimate():
    cost = calc.generation_cost("gpt-image-2", "high", "1024x1024", tokens_per_image=1000)
    assert any("calc's own estimate: 7,024" in n.text for n in cost.notes)


@pytest.mark.parametrize("typed", [0, -1, 1.5, True, "664", 1_000_001,
                                   pytest.param(10**5000, id="5001 digits")])
def test_typed_tokens_must_be_a_sensible_whole_number(typed):
    with pytest.raises(calc.CalcError, match="tokens per image"):
        calc.generation_cost("gpt-image-2.6-flare", "low", "1536x1024", tokens_per_image=typed)


@given(typed=st.integers(1, 1_000_000), n=st.integers(1, 10))
def test_typed_tokens_price_exactly(typed, n):
    cost = calc.generation_cost("gpt-image-2.6-sunburst", "medium", "1024x1024", n,
                                tokens_per_image=typed, on="2026-12-03")
    assert cost.output_tokens == typed * n
    assert cost.usd == D(typed * n) * D(30) / D(1_000_000)  # §8: $30 per 1M image output


# ---- tiers and the day -----------------------------------------------------------------------

@pytest.mark.parametrize("model", ["gpt-image-2.6-flare", "gpt-image-2.6-sunburst"])
def test_2_6_has_no_batch_tier_and_the_error_names_its_tiers(model):
    with pytest.raises(calc.CalcError) as info:
        calc.generation_cost(model, "high", "1536x1024", tier="batch", tokens_per_image=1353)
    text = str(info.value)
    assert f"{model} does not offer the Batch tier" in text
    offered = text.split("it offers ")[1]
    assert "Standard" in offered and "Flex" in offered and "Batch" not in offered
    with pytest.raises(calc.CalcError, match="does not offer the Batch"):  # even with no number
        calc.generation_cost(model, "low", "1536x1024", tier="batch")


def test_a_tier_not_confirmed_for_the_model_says_so():
    cost = calc.generation_cost("gpt-image-2", "high", "1024x1024", tier="flex")
    assert cost.usd == D("0.10536")  # 7,024 × 30 × 0.5 / 1M
    assert any(n.kind == "tier" and "not confirmed" in n.text for n in cost.notes)


@pytest.mark.parametrize("on", ["2026-13-01", "tomorrow", 20261203])
def test_a_day_that_is_not_a_day(on):
    with pytest.raises(calc.CalcError, match="the day must be YYYY-MM-DD"):
        calc.generation_cost("gpt-image-2", "high", "1024x1024", on=on)


def test_the_old_name_of_fast_is_fast():
    cost = calc.generation_cost("gpt-image-2.6-flare", "high", "1536x1024", tier="priority",
                                tokens_per_image=1353)
    assert (cost.tier, cost.usd) == ("fast", D("0.08118"))  # × 2


@pytest.mark.parametrize(("on", "shut"), [("2026-11-30", False), ("2026-12-01", True)])
def test_the_day_decides_the_lifecycle_and_is_recorded(on, shut):
    cost = calc.generation_cost("gpt-image-1.5", "high", "1024x1024", on=on)  # shut 2026-12-01
    assert cost.usd == D("0.13312")  # 4,160 × $32 / 1M
    assert str(cost.priced_on) == on
    assert any(n.kind == "lifecycle" for n in cost.notes) == shut


# ---- gpt-image-2.6's complexity, GIF and SVG -------------------------------------------------

def test_complexity_defaults_to_high_and_its_effect_is_unpublished():
    assert calc.generation_cost("gpt-image-2.6-flare", "low", "1024x1024").complexity == "high"
    for level in ("low", "medium", "high"):
        cost = calc.generation_cost("gpt-image-2.6-sunburst", "low", "1024x1024",
                                    complexity=level)
        assert cost.complexity == level
        said = any("complexity" in n.text and "unpublished" in n.text for n in cost.notes)
        assert said == (level != "high")


@pytest.mark.parametrize(("model", "complexity", "says"), [
    ("gpt-image-2.6-flare", "extreme", "use one of low, medium, high"),
    ("gpt-image-2.6-flare", "High", "use one of low, medium, high"),
    ("gpt-image-2.5-flare", "low", "has no complexity option"),
    ("gpt-image-2", "high", "has no complexity option"),
])
def test_a_complexity_that_does_not_exist(model, complexity, says):
    with pytest.raises(calc.UnknownGenerationOptionError, match=says):
        calc.generation_cost(model, "low", "1024x1024", complexity=complexity)


GIFS = [  # size, frames, accepted: 2–16 frames within 8,294,400 pixels (all frames together)
    ("1024x1024", 2, True), ("1024x1024", 7, True),  # 7 × 1,048,576 = 7,340,032
    ("1024x1024", 8, False),  # 8,388,608 > 8,294,400
    ("1024x640", 12, True),  # 12 × 655,360 = 7,864,320
    ("1024x640", 13, False),  # 8,519,680
    ("2880x1440", 2, True),  # 2 × 4,147,200 = 8,294,400 exactly
    ("3840x2160", 2, False),  # 16,588,800
]


@pytest.mark.parametrize(("size", "frames", "accepted"), GIFS)
def test_gif_frames_within_the_pixel_total(size, frames, accepted):
    if accepted:
        cost = calc.generation_cost("gpt-image-2.6-flare", "low", size, output_format="gif",
                                    frames=frames)
        assert (cost.output_format, cost.frames) == ("gif", frames)
        assert any(f"GIF output ({frames} frames)" in n.text and "unpublished" in n.text
                   for n in cost.notes)
    else:
        with pytest.raises(calc.InvalidSizeError, match="within 8,294,400 pixels"):
            calc.generation_cost("gpt-image-2.6-flare", "low", size, output_format="gif",
                                 frames=frames)


@pytest.mark.parametrize("frames", [None, 1, 17, 0, True, 2.5, "4",
                                    pytest.param(10**5000, id="5001 digits")])
def test_gif_frames_outside_2_to_16(frames):
    with pytest.raises(calc.UnknownGenerationOptionError, match="2–16 frames"):
        calc.generation_cost("gpt-image-2.6-sunburst", "low", "1024x1024", output_format="gif",
                             frames=frames)


def test_svg_output_is_2_6s_and_its_effect_unpublished():
    cost = calc.generation_cost("gpt-image-2.6-sunburst", "high", "1024x1024",
                                output_format="svg", tokens_per_image=1000)
    assert cost.usd == D("0.03") and cost.output_format == "svg"
    assert any(n.text == "SVG output: its effect on output tokens is unpublished"
               for n in cost.notes)


@pytest.mark.parametrize(("model", "fmt", "frames", "says"), [
    ("gpt-image-2.5-flare", "gif", 4, "cannot output 'gif'"),
    ("gpt-image-2", "svg", None, "cannot output 'svg'"),
    ("gpt-image-1", "gif", 4, "cannot output 'gif'"),
    ("gpt-image-2.6-flare", "bmp", None, "use one of png, jpeg, webp, gif, svg"),
    ("gpt-image-2.6-flare", "png", 4, "frames apply to GIF output only"),
])
def test_formats_a_model_does_not_have(model, fmt, frames, says):
    with pytest.raises(calc.UnknownGenerationOptionError, match=says):
        calc.generation_cost(model, "low", "1024x1024", output_format=fmt, frames=frames)


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_the_ordinary_formats_everywhere(fmt):
    for model in ("gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.6-flare"):
        assert calc.generation_cost(model, "low", "1024x1024", output_format=fmt).output_format \
            == fmt
