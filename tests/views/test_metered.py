"""What the "How it's metered" page shows: every known answer written here from the metering notes
(docs/metering.md, edition 2026-12-03), never from calc's own output."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

import calc
from calc.views import metered as explain

# Prices, tiers and statuses of the catalogue's edition day.
pytestmark = pytest.mark.today("2026-12-03")

# (model, size, detail) → (number, what it counts, size the steps end on): §3 and §4 of the notes
GUIDE = {
    ("gpt-4o", 1024, 1024, "high"): (765, "tokens", (768, 768)),
    ("gpt-4o", 2048, 4096, "high"): (1105, "tokens", (768, 1536)),
    ("gpt-4o", 4096, 8192, "low"): (85, "tokens", None),
    ("gpt-5.4", 1024, 1024, "high"): (1229, "tokens", None),
    ("gpt-5.4", 2048, 2048, "high"): (3000, "tokens", (1600, 1600)),
    ("gpt-6-astra", 2048, 2048, "high"): (3000, "tokens", (1600, 1600)),
    ("gpt-5-mini", 1800, 2400, "high"): (1452, "patches", (1056, 1408)),
}

# §16: (models, size, details) → billed tokens, or ("rejected", patches)
MEASURED = {
    (("gpt-4o",), 1, 1, ("high", "auto")): 255,
    (("gpt-4o",), 1, 1, ("low",)): 85,
    (("gpt-4.1",), 2049, 513, ("high",)): 1445,
    (("gpt-4.1",), 2050, 513, ("high",)): 765,
    (("gpt-4.1-mini",), 4000, 1474, ("high",)): 2489,
    (("gpt-4.1-mini",), 2400, 1800, ("high",)): 2353,
    (("gpt-4.1-mini",), 128, 64, ("low", "high")): 13,
    (("gpt-5-mini",), 512, 512, ("high",)): 308,
    (("gpt-5-mini",), 2048, 768, ("high",)): 1844,
    (("gpt-5-mini",), 1600, 1600, ("high",)): 1826,
    (("gpt-5-nano",), 1600, 1600, ("high",)): 2282,
    (("gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano"), 1600, 1600, ("high",)): 3000,
    (("gpt-5.6-sol", "gpt-6-sol"), 7952, 5304, ("auto",)): ("rejected", 41334),
    (("gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna", "gpt-6-astra", "gpt-6-sol", "gpt-6-luna",
      "gpt-6.1-sol", "gpt-6.1-terra", "gpt-6.2-astra", "gpt-6.2-sol"), 6560, 4928, ("auto",)):
        ("rejected", 31570),  # 205 × 154 patches, a phone photo (2026-09)
    (("gpt-image-1",), 1024, 1025, ("auto",)): 194,
    (("gpt-image-1",), 1023, 1024, ("auto",)): 194,
    (("gpt-image-1",), 512, 513, ("auto",)): 323,
    (("gpt-image-2",), 1024, 1024, ("high",)): 7024,  # output tokens, quality high
}


# ---- worked examples -------------------------------------------------------------------------

def test_the_worked_examples_are_the_notes():
    got = {(w.model, w.width, w.height, w.detail): (w.expected, w.quantity, w.expected_size)
           for w in explain.GUIDE_EXAMPLES}
    assert got == GUIDE


@pytest.mark.parametrize("worked", explain.worked_examples(), ids=lambda w: w.example.label)
def test_calc_reproduces_every_worked_example(worked):
    ex = worked.example
    number, quantity, final = GUIDE[ex.model, ex.width, ex.height, ex.detail]
    assert worked.actual == number
    if final:
        assert worked.final_size == final
    assert worked.matches


def test_a_wrong_example_is_reported_as_a_mismatch():
    w = explain.worked_examples()[0]
    assert not replace(w, example=replace(w.example, expected=w.example.expected + 1)).matches
    assert not replace(w, example=replace(w.example, expected_size=(1, 1))).matches


# ---- measured evidence -----------------------------------------------------------------------

def test_the_evidence_table_is_the_notes():
    got = {(m.models, m.width, m.height, m.details):
           m.measured if m.measured is not None else ("rejected", m.patches)
           for m in explain.EVIDENCE}
    assert got == MEASURED
    assert all(m.shows for m in explain.EVIDENCE)
    assert [m.models for m in explain.EVIDENCE if m.output] == [("gpt-image-2",)]


@pytest.mark.parametrize("check", explain.evidence(),
                         ids=lambda c: f"{c.measurement.models[0]}-{c.measurement.width}x"
                                       f"{c.measurement.height}")
def test_calc_matches_every_measurement_under_billing(check):
    m = check.measurement
    want = MEASURED[m.models, m.width, m.height, m.details]
    assert len(check.billing) == len(m.models) * len(m.details)
    for o in check.billing:
        if isinstance(want, tuple):
            assert (o.accepted, o.tokens, o.units) == (False, None, want[1])
        else:
            assert (o.accepted, o.tokens) == (True, want)
    assert check.matches


def test_the_rejection_rests_on_gpt_6_sols_inferred_profile():
    rejected = next(c for c in explain.evidence() if c.measurement.measured is None)
    assert rejected.inferred  # gpt-6-sol has no row in the guide
    assert explain.outcome_text(rejected.billing) == "rejected, 41,334 patches"
    assert not next(c for c in explain.evidence() if c.measurement.models == ("gpt-4o",)).inferred


def test_the_guide_alone_is_wrong_only_on_gpt_4_1_minis_budget():
    wrong = [(c.measurement.models, c.measurement.width, c.measurement.height,
              explain.outcome_text(c.documented)) for c in explain.evidence()
             if not c.guide_agrees]
    assert wrong == [(("gpt-4.1-mini",), 2400, 1800, "4,977")]  # §14: 6,144 gives 4977


def test_a_wrong_measurement_is_reported_as_a_mismatch():
    c = explain.evidence()[0]
    assert not replace(c, measurement=replace(c.measurement, measured=256)).matches


# ---- profiles --------------------------------------------------------------------------------

def test_one_profile_row_per_catalogue_profile():
    rows = explain.profile_table()
    assert [r.name for r in rows] == list(calc.catalogue().profiles)
    used = [m for r in rows for m in r.models]
    patch = [m.name for m in calc.models() if m.family == "patch"]
    assert sorted(used) == sorted(patch) and len(used) == len(set(used))


PROFILES = {  # §4: models → (low, high, original, auto, multiplier, confidence)
    ("gpt-6-astra",): ("512 / none", "none / 2,500", "65535 / none", "original", "×1.2",
                       "documented"),
    ("gpt-6-sol", "gpt-6-luna", "gpt-6.1-sol", "gpt-6.1-terra", "gpt-6.2-astra", "gpt-6.2-sol"):
        ("512 / none", "none / 2,500", "65535 / none", "original", "×1.2", "inferred"),
    ("gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna"):
        ("512 / none", "2048 / 2,500", "65535 / none", "original", "×1.2", "documented"),
    ("gpt-5.5",): ("512 / none", "2048 / 2,500", "6000 / 10,000", "original", "×1.2",
                   "documented"),
    ("gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano"):
        ("2048 / 6,144", "2048 / 2,500", "6000 / 10,000", "high", "×1.2", "documented"),
    ("gpt-5.2",): ("2048 / 6,144", "2048 / 6,144", "— (billed as high)", "high", "×1.2",
                   "documented"),
    ("gpt-4.1-mini",): ("= high", "2048 / 1,536", "— (billed as high)", "high", "×1.62",
                        "measured"),
}


def test_profile_rows_are_the_notes_table():
    rows = {r.models: r for r in explain.profile_table()}
    for key, want in PROFILES.items():
        r = rows[key]
        assert (r.low, r.high, r.original, r.auto, r.multiplier_text, r.confidence) == want, key
    old = next(r for r in rows.values() if "gpt-5-mini" in r.models)
    assert (old.low, old.high) == ("= high", "2048 / 1,536")
    assert dict(old.multipliers) == {"gpt-5-mini": Decimal("1.2"), "gpt-5-nano": Decimal("1.5"),
                                     "gpt-4.1-nano": Decimal("2.46"), "o4-mini": Decimal("1.72")}
    assert "gpt-5-nano ×1.5" in old.multiplier_text
    mini = rows[("gpt-4.1-mini",)]
    assert mini.documented == "low 2048 / 6,144; high 2048 / 6,144" and "6,144" in mini.differs
    assert rows[("gpt-6-astra",)].documented == ""
    assert rows[("gpt-6-sol", "gpt-6-luna", "gpt-6.1-sol", "gpt-6.1-terra", "gpt-6.2-astra",
                 "gpt-6.2-sol")].inferred


def test_level_text():
    assert explain.level_text(None) == "— (billed as high)"
    assert explain.level_text(calc.catalogue().profiles["gpt-6"].level("billing", "high")) == \
        "none / 2,500"


# ---- rejection -------------------------------------------------------------------------------

def test_the_rejection_rule_and_its_ways_out():
    rej = explain.rejection()
    assert rej.limit == 30000  # §5
    assert (rej.model, rej.size, rej.detail) == ("gpt-5.6-sol", (7952, 5304), "auto")
    assert not rej.estimate.accepted and rej.estimate.units == 41334
    assert rej.estimate.reason == "rejected by the API: 41,334 patches > 30,000"
    assert rej.message == ("The image you provided requires 41334 patches after processing, "
                           "exceeding the limit of 30000.")
    assert rej.estimate.largest_accepted == (6764, 4512)  # §5, measured accepted
    assert rej.largest.accepted and rej.largest.units == 29892
    assert rej.largest.tokens == -(-29892 * 12 // 10)  # ⌈29,892 × 1.2⌉
    assert rej.at_high.accepted and rej.at_high.units <= 2500
    # only levels without a budget reach it (§5): gpt-5.6-* and gpt-6-* and gpt-5.5's low
    assert set(rej.reaches) == {"gpt-6", "gpt-6-like", "gpt-5.6", "gpt-5.5"}


# ---- knife edges -----------------------------------------------------------------------------

def test_knife_edges_are_the_notes_and_computed_live():
    got = {(k.edge.model, k.edge.width, k.edge.height): k for k in explain.knife_edges()}
    astra = got["gpt-5.4", 1659, 1659]
    assert (astra.exact_patches, astra.exact_tokens) == (2500, 3000)  # 50 × 50
    assert (astra.float_patches, astra.float_tokens) == (49 * 49, 2882)
    mini = got["gpt-4.1-mini", 1560, 1040]
    assert (mini.exact_patches, mini.exact_tokens, mini.float_tokens) == (48 * 32, 2489, 2361)
    assert all(k.matches and k.note.startswith("on a patch boundary") for k in got.values())
    assert "by one token" in explain.ONE_TOKEN_CAVEAT


# ---- differences and history -----------------------------------------------------------------

def test_differences_come_from_the_catalogue_and_the_notes():
    diffs = {d.subject: d for d in explain.differences()}
    mini = diffs["gpt-4.1-mini"]
    assert (mini.billing, mini.documented) == (2353, 4977)  # §14
    assert "2400×1800" in mini.example and mini.evidence == "measured"
    chat = diffs["Chat Completions vs Responses"]
    assert "3,000" in chat.text and "190" in chat.text
    framing = diffs["every request"].text
    assert "about 7 on Responses" in framing and "about 8 on Chat Completions" in framing
    assert diffs["gpt-5.2"].text == "gpt-5.2's sizing is documented, not measured"
    assert any(d.evidence == "inferred" and "gpt-6-sol" in d.subject for d in diffs.values())
    assert "gpt-5.1" in diffs["detail 'original' where a model has none"].text


def test_history_has_the_four_changes_with_their_dates():
    text = " ".join(f"{h.when} {h.said} {h.billed} {h.now}" for h in explain.HISTORY)
    for fact in ("×1.62", "×2.46", "July 2026", "2348", "2489", "85 tokens", "early 2026",
                 "2026-03", "6,144"):
        assert fact in text, fact
    assert all(h.when and h.said and h.billed and h.now for h in explain.HISTORY)


# ---- lifecycle -------------------------------------------------------------------------------

SHUTDOWNS = {  # §10 of the notes
    "computer-use-preview": "2026-07-23", "gpt-5-chat-latest": "2026-07-23", "o1": "2026-10-23",
    "o1-pro": "2026-10-23", "o4-mini": "2026-10-23", "gpt-4.1-nano": "2026-10-23",
    "gpt-image-1": "2026-10-23", "gpt-image-1.5": "2026-12-01", "gpt-image-1-mini": "2026-12-01",
    "gpt-5": "2026-12-11", "gpt-5-mini": "2026-12-11", "gpt-5-nano": "2026-12-11",
    "o3": "2026-12-11", "gpt-4o": "2027-01-14", "gpt-4o-mini": "2027-01-14",
    "gpt-4.1": "2027-01-14", "gpt-4.1-mini": "2027-01-14", "gpt-5.1": "2027-04-01",
    "gpt-5.4-nano": "2027-04-01",  # edition 2026-12-03 (third-party calendar)
}
REPLACEMENTS = {  # §10: named by the deprecations page; none where it names none
    "gpt-5": "gpt-6.1-sol", "gpt-5-mini": "gpt-6.1-terra", "gpt-4o": "gpt-6-luna",
    "gpt-4o-mini": "gpt-6-luna", "gpt-4.1": "gpt-6-luna", "gpt-4.1-mini": "gpt-6-luna",
    "gpt-image-1.5": "gpt-image-2.6-sunburst or gpt-image-2.6-flare",
    "gpt-image-1-mini": "gpt-image-2.6-sunburst or gpt-image-2.6-flare",
}


def test_lifecycle_lists_every_model_by_shutdown_date():
    rows = explain.lifecycle("2026-12-01")
    assert sorted(r.model for r in rows) == sorted(m.name for m in calc.models())
    dated = [r for r in rows if r.shutdown]
    assert [r.shutdown for r in dated] == sorted(r.shutdown for r in dated)
    assert rows.index(dated[-1]) == len(dated) - 1  # the undated (active) ones come last
    assert {r.model: r.shutdown for r in dated if r.model != "gpt-4.5-preview"} == SHUTDOWNS
    assert next(r for r in rows if r.model == "gpt-4.5-preview").inferred  # "shut down (2025)"
    assert {r.model: r.replacement for r in rows if r.replacement} == REPLACEMENTS
    assert "third-party" in next(r for r in rows if r.model == "gpt-5.4-nano").source


@pytest.mark.parametrize("on, model, status", [
    ("2026-12-01", "gpt-image-1.5", "shut down"),  # on its date
    ("2026-11-30", "gpt-image-1.5", "deprecated"),
    ("2026-12-01", "gpt-5", "deprecated"),
    ("2026-12-11", "gpt-5", "shut down"),
    ("2026-12-01", "gpt-6-astra", "active"),
])
def test_lifecycle_status_on_a_day(on, model, status):
    assert next(r for r in explain.lifecycle(on) if r.model == model).status == status


# ---- generated images ------------------------------------------------------------------------

def test_the_older_generation_table_is_the_notes():
    g = explain.generation_table()
    assert g.sizes == ("1024x1024", "1024x1536", "1536x1024")
    assert g.rows == (("low", (272, 408, 400)), ("medium", (1056, 1584, 1568)),
                      ("high", (4160, 6240, 6208)))
    assert set(g.models) == {"gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini"}


def test_the_formula_its_example_and_the_size_rules():
    f = explain.formula()
    assert f.quality_factor == {"low": 16, "medium": 48, "high": 96}
    assert (f.saf, f.tokens, f.usd, f.price) == (96, 7024, "$0.2107", "$30.00")  # §8.2
    assert f.confidence == "derived" and f.matches
    errors = dict(f.errors)
    assert "multiples of 16" in errors["1000x1000"]
    assert "3,840" in errors["4096x1024"]
    assert "3×" in errors["3200x1024"]
    assert "655,360" in errors["512x512"] and "8,294,400" in errors["3840x2176"]
    assert f.auto == "medium" and f.models == ("gpt-image-2",)  # §8.2: the formula's only model
    assert f.partial_image_tokens == 100


def test_the_guides_per_image_prices_come_out_of_the_formula():
    prices = {(p.size, p.quality): p for p in explain.formula().prices}
    assert prices["1024x1024", "high"].guide == Decimal("0.211")
    assert prices["1536x1024", "medium"].guide == Decimal("0.041")
    assert len(prices) == 9 and all(p.matches for p in prices.values())


@pytest.mark.today("2026-12-03")
def test_unpublished_2_5_and_2_6_with_the_measured_points():
    u = explain.unpublished()
    assert set(u.models) == {"gpt-image-2.5-flare", "gpt-image-2.5-sunburst",
                             "gpt-image-2.6-flare", "gpt-image-2.6-sunburst"}
    # §8.3's table: size, quality, measured, what the §8.2 formula would say
    assert [(m.point.size, m.point.quality, m.point.tokens, m.point.approximate,
             m.formula_tokens) for m in u.measured] == [
        ("1536x1024", "low", 664, False, 158), ("1536x1024", "high", 1353, False, 5488),
        ("3840x2160", "high", 3337, True, 13342)]
    assert all(m.point.third_party and m.point.as_of == "2026-11-05" for m in u.measured)
    assert u.third_party == "third-party measurement, not OpenAI's"
    assert (u.shared_family, u.shared_also, u.shared_qualities) == (
        "gpt-image-2.6", "gpt-image-2.5", ("high", "xhigh", "max"))
    assert u.no_count == ("xhigh", "max")
    assert u.options.complexities == ("low", "medium", "high")
    assert u.options.complexity_default == "high" and u.options.gif_frames == (2, 16)
    assert u.options.gif_max_pixels == 8_294_400 and "svg" in u.options.formats
    assert set(u.no_batch) == {"gpt-image-2.6-flare", "gpt-image-2.6-sunburst"}
    assert u.example.tokens_per_image is None and u.example.measured.tokens == 1353
    assert (u.typed.tokens_per_image, u.typed.usd) == (1353, Decimal("0.04059"))


# ---- prices and modifiers --------------------------------------------------------------------

def test_price_rows_carry_their_date_source_and_confidence():
    every = explain.price_table()
    rows = {r.model: r for r in every if not r.period or r.period.startswith("from")}
    assert set(rows) == {m.name for m in calc.models()}
    astra = rows["gpt-6-astra"]
    assert (astra.input, astra.cached_input, astra.cache_write, astra.output) == (
        "$10.00", "$1.00", "$12.50", "$50.00")  # §9.4
    assert astra.as_of == "2026-12-03" and astra.source and astra.confidence == "documented"
    assert rows["gpt-6.2-sol"].cache_write == "$2.50 (12 h $5.00)"
    assert rows["gpt-6.2-astra"].third_party == "cached input"
    assert rows["gpt-5.4-nano"].cached_input == "unknown"
    assert rows["gpt-5.4"].long_context == "> 272,000 input tokens: ×2 input, ×1.5 output"
    terra = rows["gpt-6.1-terra"]
    assert terra.tiers == ("Batch, Flex, Fast (priority), Background (2 h), Background (8 h)")
    assert terra.regional
    # gpt-5.6-sol's three periods (§9.1), oldest first
    sol = [(r.period, r.input, r.output, r.confidence) for r in every if r.model == "gpt-5.6-sol"]
    assert sol == [("until 2026-08-20", "$5.00", "$30.00", "inferred"),
                   ("2026-08-21 to 2026-11-30", "$4.00", "$20.00", "documented"),
                   ("from 2026-12-01", "$5.00", "$30.00", "documented")]
    assert rows["gpt-image-2"].text_input == "$5.00 (cached $1.25)"
    assert rows["gpt-image-2"].output == "$30.00"


def test_tiers_and_modifiers():
    mods = explain.modifiers()
    factors = {t.tier: t.factor for t in mods.tiers}
    assert factors == {"standard": 1, "batch": Decimal("0.5"), "flex": Decimal("0.5"),
                       "fast": 2, "ultrafast": 6, "background-2h": Decimal("0.7"),
                       "background-8h": Decimal("0.6")}  # §9.2
    tiers = {t.tier: t for t in mods.tiers}
    assert "gpt-6.1-terra" in tiers["fast"].confirmed_for
    assert "gpt-5.4" not in tiers["fast"].confirmed_for  # not confirmed for it
    assert tiers["ultrafast"].offered_by == "gpt-6-astra, gpt-6.1-sol, gpt-6.2-sol"
    assert tiers["ultrafast"].example == "not offered"  # gpt-6.1-terra has no Ultrafast
    assert tiers["fast"].own == "gpt-5.5 2.5×"
    assert tiers["ultrafast"].own == ("gpt-6.1-sol 6× (measured); gpt-6.2-sol 3× until "
                                      "2027-02-28, 6× from 2027-03-01 (inferred)")
    # gpt-6.1-terra 1024×1024 high: ⌈1024 × 1.2⌉ = 1229 tokens at $1.00/1M
    assert mods.example_tokens == 1229
    assert tiers["standard"].example == calc.format_usd(Decimal("0.001229"))
    assert tiers["fast"].example == calc.format_usd(Decimal("0.002458"))
    assert tiers["background-8h"].example == calc.format_usd(Decimal("0.0007374"))
    assert mods.regional_uplift == Decimal("0.10")
    assert mods.regional_models == ("gpt-6-sol", "gpt-6.1-terra", "gpt-5.4")
    assert mods.cache_write_factor == Decimal("1.25") and mods.long_context_above == 272000
    assert mods.cache_write_12h_factor == 2
    assert set(mods.long_context_models) == {"gpt-5.4", "gpt-6.1-sol", "gpt-6.1-terra",
                                             "gpt-6.2-sol", "gpt-5.6-sol"}


# ---- facts and the doc -----------------------------------------------------------------------

def test_family_facts_are_the_notes():
    f = explain.family_facts()
    assert (f.tile_fit, f.tile_short, f.tile_cell, f.patch_cell) == (2048, 768, 512, 32)
    groups = {b: set(n) for n, b, _ in f.tile_groups}
    assert groups[2833] == {"gpt-4o-mini"} and groups[65] == {"computer-use-preview"}
    assert (f.image_short, f.image_base, f.image_tile) == (512, 65, 129)
    assert (f.fidelity_square, f.fidelity_other) == (4160, 6240)
    assert f.low_fidelity_only == ("gpt-image-1-mini",)
    assert (f.image2_enlarge, f.image2_aspect_cap, f.image2_budget) == (1024, 3, 1536)
    assert "gpt-5.5" in f.auto_original and "gpt-5.4" not in f.auto_original
    assert f.original_as_high == ("gpt-5.1",)


def test_the_doc_is_the_repositorys_own():
    assert explain.DOC == "docs/metering.md" and explain.EDITION == "2026-12-03"
    text = explain.doc_text()
    assert text is not None and "edition 2026-12-03" in text.splitlines()[0]
    assert "What changed in the edition of 2026-12-03" in text
    for heading in ("Tile models", "profiles", "30,000-patch rejection", "Detail levels",
                    "gpt-image models reading an image", "Generated images", "Prices and "
                    "modifiers", "Lifecycle", "Names", "Reading usage back", "Knife edges",
                    "guide and billing differ", "History"):
        assert heading in text, heading
    for mark in ("documented", "measured", "inferred", "derived"):
        assert f"*{mark}*" in text or f"**{mark}**" in text, mark
    assert "shared/" not in text
    assert "shared/" not in explain.__doc__ + explain.EVIDENCE_SOURCE
