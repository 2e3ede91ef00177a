"""calc.views.explore: what Explore shows — the caption, the headline's caveats, a rejection's
ways out, both rule sets, and the whole screen for a view — with known answers."""

from __future__ import annotations

import math

import pytest

import calc
from calc.engine.pricing import format_usd
from calc.views.explore import caption

# --- caption ----------------------------------------------------------------------------

def test_caption_spec_example():
    est = calc.estimate(2048, 4096, "gpt-4o", "high")
    # 1,105 tokens × $2.50 / 1M = $0.0027625
    assert caption(est) == ("gpt-4o · high · 2048×4096 → 768×1536 · 2×3 tiles · 1,105 tokens · "
                            "$0.0028")


def test_caption_batch_tier_halves_the_price():
    est = calc.estimate(2048, 4096, "gpt-4o", "high", tier="batch")
    assert caption(est).endswith("1,105 tokens · $0.0014 batch")  # $0.00138125


@pytest.mark.today("2026-12-03")
def test_caption_says_the_day_when_it_is_not_today():
    # gpt-5.6-sol 1024×1024 high: 1,229 tokens; on 2026-11-30 at $4 / 1M = $0.004916
    est = calc.estimate(1024, 1024, "gpt-5.6-sol", "high", on="2026-11-30")
    assert caption(est).endswith("1,229 tokens · $0.0049 · prices of 2026-11-30")
    assert caption(calc.estimate(1024, 1024, "gpt-5.6-sol", "high")).endswith(
        "1,229 tokens · $0.0061")  # today: $5 / 1M = $0.006145, no day said


@pytest.mark.today("2026-12-03")
def test_headline_caveats_and_replacement():
    from calc.views.explore import headline

    # Fast is not on gpt-5.4's page: the caveat stands beside the numbers
    h = headline(calc.estimate(1024, 1024, "gpt-5.4", "high", tier="fast"))
    assert h.caveats == ("Fast (priority) not confirmed for this model (gpt-5.4)",)
    assert h.replacement == ""
    # gpt-4o shuts down 2027-01-14 → gpt-6-luna: 1024×1024 at auto (= high) is 765 tokens ×
    # $2.50 / 1M = $0.0019125; on gpt-6-luna auto = original: 32 × 32 = 1,024 patches × 1.2 =
    # 1,229 tokens × $0.10 / 1M = $0.0001229
    h = headline(calc.estimate(1024, 1024, "gpt-4o"))
    assert h.replacement == ("shuts down 2027-01-14 → gpt-6-luna: $0.00012 instead of $0.0019 "
                             "for this image")
    # the promotion's third-party end date is said beside gpt-5.6-sol's price
    h = headline(calc.estimate(1024, 1024, "gpt-5.6-sol"))
    assert len(h.caveats) == 1 and "third party" in h.caveats[0]


def test_caption_patch_model():
    # gpt-5-mini 2048×768: 64×24 = 1,536 patches × 1.2 = 1,843.2 → 1,844; × $0.25/1M = $0.000461
    est = calc.estimate(2048, 768, "gpt-5-mini", "high")
    assert caption(est) == ("gpt-5-mini · high · 2048×768 → 2048×768 · 64×24 patches · "
                            "1,844 tokens · $0.00046")


def test_caption_auto_low_unknown_price_and_fidelity():
    assert caption(calc.estimate(1, 1, "gpt-4o", "auto")) == (
        "gpt-4o · auto → high · 1×1 → 1×1 · 1×1 tiles · 255 tokens · $0.00064")
    assert caption(calc.estimate(4096, 8192, "gpt-4o", "low")) == (
        "gpt-4o · low · 4096×8192 → 256×512 · low detail: base tokens only · 85 tokens · $0.00021")
    # metering.md §4, §9: gpt-5.4-nano ×1.2 → ⌈256 × 1.2⌉ = 308 tokens × $0.20/1M = $0.0000616
    assert caption(calc.estimate(512, 512, "gpt-5.4-nano", "high")).endswith(
        "16×16 patches · 308 tokens · $0.000062")
    # a rejection has no price: gpt-6-sol auto = original, 249 × 166 = 41,334 patches (§5)
    assert caption(calc.estimate(7952, 5304, "gpt-6-sol")).endswith(
        "249×166 patches · rejected by the API: 41,334 patches > 30,000")
    # gpt-image-1 1024×1024, fidelity high: 512×512, 1 tile: 65 + 129 = 194, + 4,160 (square)
    assert caption(calc.estimate(1024, 1024, "gpt-image-1", "auto", "high")) == (
        "gpt-image-1 · fidelity high · 1024×1024 → 512×512 · 1×1 tiles · 4,354 tokens · $0.0435")


@pytest.mark.parametrize(("usd", "text"), [
    (None, "price unknown"), (0.0, "$0.0000"), (0.0027625, "$0.0028"), (0.000461, "$0.00046"),
    (0.0000028, "$0.0000028"), (0.5, "$0.5000"), (1.0, "$1.00"), (2.765, "$2.77"),
    (1234.5, "$1,234.50"),
])
def test_format_usd(usd, text):
    assert format_usd(usd) == text


def test_format_usd_keeps_two_significant_digits():
    for usd in (1e-7, 3.3e-6, 4.4e-5, 5.5e-4, 6.6e-3, 0.077):
        digits = format_usd(usd)[1:].lstrip("0.")
        assert len(digits) >= 2, format_usd(usd)
        assert float(format_usd(usd)[1:]) == pytest.approx(usd, rel=0.1)
    assert not math.isnan(float(format_usd(0.999)[1:]))


def test_caption_says_when_the_count_is_capped():
    # The budget cap (metering.md §4 step 3: min(cells, budget)) shown when it bites; built by hand
    # because no real size has been found where it does.
    import dataclasses

    est = calc.estimate(2048, 768, "gpt-5-mini", "high")  # 64×24 = 1,536 patches
    capped = dataclasses.replace(est, units=1500)
    assert "64×24 patches (counted 1,500)" in caption(capped)


def test_both_rule_sets_count_the_same_image_under_each():
    from decimal import Decimal

    from calc.views.explore import both_rule_sets

    # gpt-4.1-mini high, 3024×4032: billing 1,452 patches × 1.62 → 2,353; the guide's 6,144
    # budget keeps 3,072 patches × 1.62 → 4,977 (metering.md §14); × $0.40/1M at standard
    est = calc.estimate(3024, 4032, "gpt-4.1-mini", "high")
    billing, documented = both_rule_sets(est)
    assert (billing.rules, billing.tokens, documented.rules, documented.tokens) == (
        "billing", 2353, "documented", 4977)
    assert billing.usd == Decimal("0.0009412") and documented.usd == Decimal("0.0019908")


# --- the screen: everything the results show, for one view ----------------------------------

def metric_rows(screen) -> list[tuple[str, str, str]]:
    return [(m.label, m.value, m.help) for m in screen.metrics]


@pytest.mark.today("2026-12-03")
def test_screen_of_the_guides_tile_example_on_batch():
    from calc.views.explore import explore_screen

    # gpt-4o 2048×4096 high → 768×1536, 2×3 tiles, 1,105 tokens; Batch halves $2.50 / 1M:
    # 1,105 × $1.25 / 1M = $0.00138125 a picture, $1.38125 a thousand
    s = explore_screen((2048, 4096), "gpt-4o", "high", "low", "billing", "batch")
    assert metric_rows(s) == [("Tokens", "1,105", ""), ("$ per image", "$0.0014", "Batch tier"),
                              ("$ per 1,000 images", "$1.38", "Batch tier"),
                              ("Tiles", "2×3", "6 counted")]
    assert s.ways_out is None and s.rule_sets == ()
    assert s.alt == caption(s.estimate)
    assert s.stem == "patchwork-gpt-4o-768x1536"
    assert s.drawn == ("gpt-4o", "high", "low", "billing", False)
    assert s.heading == ('<p style="margin:0"><b>2×3 tiles</b>, as the model sees it '
                         '(768×1536 px; black: padding)</p>')
    # gpt-4o shuts down 2027-01-14 (its replacement's price beside the numbers) and its page
    # does not confirm Batch (a caveat beside them, and a plain note under the controls)
    assert "⏳ gpt-4o shuts down 2027-01-14 → gpt-6-luna" in s.beside
    assert "⚠️ Batch not confirmed for this model (gpt-4o)" in s.beside
    assert [(n.kind, n.badge, n.colour) for n in s.notes] == [
        ("lifecycle", "deprecated", "orange"), ("price", "", "")]
    assert s.notes[1].text == "ℹ️ Batch not confirmed for this model (gpt-4o)"
    assert "768×1536" in s.steps
    assert "gpt-6-luna" in s.models and "Bars: $ per 1,000 images, log scale." in s.models


@pytest.mark.today("2026-12-03")
def test_screen_of_a_rejection_and_its_ways_out():
    from calc.views.explore import explore_screen

    # docs/metering.md §5: 7952×5304 on gpt-6-sol at auto → 249 × 166 = 41,334 patches > 30,000.
    # Detail high: the 2,500 budget keeps 60 × 40 = 2,400 patches × 1.2 = 2,880 tokens ×
    # $2.00 / 1M = $0.00576. The largest accepted size: 6764×4512, 212 × 141 = 29,892 patches ×
    # 1.2 = 35,870.4 → 35,871 tokens × $2.00 / 1M = $0.071742.
    s = explore_screen((7952, 5304), "gpt-6-sol", "auto", "low", "billing", "standard",
                       image_format="JPEG")
    assert metric_rows(s) == [
        ("Tokens", "rejected", "rejected by the API: 41,334 patches > 30,000"),
        ("Patches needed", "41,334", "after the profile's fit"), ("Limit per image", "30,000", ""),
        ("Patches", "249×166", "41,334 counted")]
    out = s.ways_out
    assert out.message.startswith("**Rejected by the API** (HTTP 400): this image needs 41,334 "
                                  "patches at detail auto on gpt-6-sol; the limit is 30,000")
    assert (out.high, out.high_possible) == ("Detail high: 2,880 tokens, $0.0058", True)
    assert (out.resize, out.largest) == ("Resize to 6764×4512: 35,871 tokens, $0.0717",
                                         (6764, 4512))
    assert (out.fitted, out.fitted_label, out.fitted_name, out.fitted_mime) == (
        (6764, 4512), "Download it at 6764×4512", "patchwork-fit-6764x4512.jpg", "image/jpeg")
    # a typed size has no pixels to resize: no download
    typed = explore_screen((7952, 5304), "gpt-6-sol", "auto", "low", "billing", "standard")
    assert typed.ways_out.fitted is None and typed.ways_out.fitted_label == ""


@pytest.mark.today("2026-12-03")
def test_screen_shows_both_rule_sets_after_the_guide_differs_note():
    from calc.views.explore import explore_screen

    # gpt-4.1-mini high, 3024×4032: billing 2,353 tokens, the guide's text 4,977 (§14);
    # × $0.40 / 1M = $0.0009412 and $0.0019908
    s = explore_screen((3024, 4032), "gpt-4.1-mini", "high", "low", "billing", "standard")
    assert "differs" in [n.kind for n in s.notes]
    assert [(m.label, m.value, m.delta) for m in s.rule_sets] == [
        ("Billing rules", "2,353", "$0.00094"), ("Documented rules", "4,977", "$0.0020")]


def test_screen_prices_every_model_through_the_comparison_it_is_given():
    from datetime import date

    from calc.engine.compare import compare
    from calc.views.explore import explore_screen

    calls = []

    def recorded(*args):
        calls.append(args)
        return compare(*args)

    s = explore_screen((1024, 1024), "gpt-4o", "high", "low", "documented", "flex",
                       include_shut_down=True, on=date(2026, 12, 3), compare_rows=recorded)
    assert calls == [(1024, 1024, "high", "low", "documented", "flex", True, "2026-12-03")]
    assert s.estimate.priced_on == "2026-12-03"  # the day every price is of


@pytest.mark.today("2026-12-03")
def test_the_controls_facts():
    from calc.views.explore import fidelity_note, tier_fallback

    assert fidelity_note("gpt-image-1") == ""
    assert fidelity_note("gpt-image-2") == "Input fidelity is fixed (high) on gpt-image-2 models."
    assert fidelity_note("gpt-4o") == "Input fidelity applies to gpt-image-1 models only."
    assert tier_fallback("gpt-4o", "batch") == ""
    # gpt-image-2.6-flare offers no Batch tier (docs/metering.md §8.3, third-party)
    assert tier_fallback("gpt-image-2.6-flare", "batch") == (
        "gpt-image-2.6-flare does not offer the Batch tier: Standard is shown.")


def test_image_facts():
    from calc.adapters.images import ImageInfo
    from calc.views.explore import image_facts

    assert image_facts("800×600 (size only)", (800, 600), None) == (
        "800×600 px, size only (no picture)")
    info = ImageInfo(width=3024, height=4032, stored_size=(4032, 3024), format="JPEG",
                     orientation=6, frames=1, animated=False, mode="RGB")
    assert image_facts("Phone photo", (3024, 4032), info) == (
        "Phone photo · JPEG · 3024×4032 px · stored 4032×3024, EXIF orientation 6 applied")


class _Loaded:
    def __init__(self, size):
        self.info = type("Info", (), {"size": size})()


def test_bringing_a_file():
    from calc.engine.errors import ImageError
    from calc.views.explore import bring
    from calc.views.image_input import AnimatedImageError, RefusedFormatError

    def raising(error):
        def decode():
            raise error
        return decode

    still = bring("photo.png", lambda: (_Loaded((640, 480)), None))
    assert (still.size, still.label, still.messages) == ((640, 480), "photo.png", ())
    broken = bring("broken.png", raising(ImageError("not an image")))
    assert (broken.size, broken.messages) == (None, (("error", "broken.png: not an image"),))
    heic = RefusedFormatError("HEIC", size=(4032, 3024))
    refused = bring("IMG_1.heic", raising(heic))
    assert refused.size == (4032, 3024) and refused.loaded is None
    assert refused.messages == (("error", f"IMG_1.heic: {heic}. The estimate below is for the "
                                          "same size once converted."),)
    animated = AnimatedImageError("An animated GIF: the API reads its first frame only.")
    first = bring("wave.gif", lambda: (_Loaded((64, 64)), animated))
    assert (first.size, first.label) == ((64, 64), "wave.gif (first frame)")
    assert first.messages == (("warning", f"{animated} The estimate below is for the first "
                                          "frame."),)
