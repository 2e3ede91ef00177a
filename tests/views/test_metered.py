"""calc.views.metered: the guide's examples, measured evidence, catalogue, differences.

Every expected number is written here from the spec (shared/spec/metering.md) or the guide, or
computed independently with exact fractions; none is read back from calc.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from math import ceil

import calc
from calc.views import metered as explain


def ceil_times(patches: int, multiplier: str) -> int:
    return ceil(patches * Fraction(multiplier))


# ---- the guide's worked examples ----------------------------------------------------------

# (width, height, model, detail) → (the guide's number, what it counts)
GUIDE = {
    (1024, 1024, "gpt-4o", "high"): (765, "tokens"),  # 170 × 4 + 85
    (2048, 4096, "gpt-4o", "high"): (1105, "tokens"),  # 170 × 6 + 85
    (4096, 8192, "gpt-4o", "low"): (85, "tokens"),
    (1024, 1024, "gpt-4.1-mini", "high"): (1024, "patches"),  # 32 × 32, under the cap
    (1800, 2400, "gpt-4.1-mini", "high"): (1452, "patches"),  # 33 × 44 after the shrink
}


def test_the_worked_examples_are_the_guides():
    got = {(e.width, e.height, e.model, e.detail): (e.expected, e.quantity)
           for e in explain.GUIDE_EXAMPLES}
    assert got == GUIDE
    assert all(e.rules == "documented" for e in explain.GUIDE_EXAMPLES)


def test_calc_reproduces_every_worked_example():
    worked = explain.worked_examples()
    assert len(worked) == len(GUIDE)
    for w in worked:
        ex = w.example
        expected, _ = GUIDE[(ex.width, ex.height, ex.model, ex.detail)]
        assert w.actual == expected, ex.label
        assert w.matches, ex.label


def test_worked_examples_carry_the_guides_intermediate_sizes():
    by_size = {(w.example.width, w.example.height, w.example.model): w
               for w in explain.worked_examples()}
    tall = by_size[(2048, 4096, "gpt-4o")].estimate
    assert (1024, 2048) in [s.size for s in tall.steps]  # 2048×4096 → 1024×2048 → 768×1536
    assert tall.grid.image == (768, 1536)
    assert (tall.grid.cols, tall.grid.rows) == (2, 3)
    shrunk = by_size[(1800, 2400, "gpt-4.1-mini")].estimate
    assert shrunk.grid.image == (1056, 1408)
    assert (shrunk.grid.cols, shrunk.grid.rows) == (33, 44)
    assert any("0.603" in s.explanation for s in shrunk.steps)  # the guide's shrink factor


def test_worked_examples_also_give_the_billing_tokens():
    by_size = {(w.example.width, w.example.height, w.example.model): w
               for w in explain.worked_examples()}
    assert by_size[(1024, 1024, "gpt-4.1-mini")].billing_tokens == ceil_times(1024, "1.62")
    assert by_size[(1800, 2400, "gpt-4.1-mini")].billing_tokens == ceil_times(1452, "1.62")
    assert by_size[(2048, 4096, "gpt-4o")].billing_tokens == 85 + 170 * 6


def test_a_wrong_guide_number_is_reported_as_a_mismatch():
    w = explain.worked_examples()[0]
    wrong = replace(w, example=replace(w.example, expected=w.example.expected + 1))
    assert not wrong.matches


# ---- measured evidence ---------------------------------------------------------------------

# spec §9: (model, width, height, details measured alike) → image tokens billed
SPEC_EVIDENCE = {
    ("gpt-4o", 1, 1, ("high", "auto")): 255,
    ("gpt-4o", 1, 1, ("low",)): 85,
    ("gpt-4.1", 2049, 513, ("high",)): 1445,
    ("gpt-4.1", 2050, 513, ("high",)): 765,
    ("gpt-4.1-mini", 4000, 1474, ("high",)): 2489,
    ("gpt-4.1-mini", 128, 64, ("low", "high")): 13,
    ("gpt-5-mini", 512, 512, ("high",)): 308,
    ("gpt-5-mini", 2048, 768, ("high",)): 1844,
    ("gpt-image-1", 1024, 1025, ("auto",)): 194,
    ("gpt-image-1", 1023, 1024, ("auto",)): 194,
    ("gpt-image-1", 512, 513, ("auto",)): 323,
}


def test_the_evidence_table_is_the_specs():
    got = {(m.model, m.width, m.height, m.details): m.measured for m in explain.EVIDENCE}
    assert got == SPEC_EVIDENCE
    assert all(m.fidelity == "low" and m.shows for m in explain.EVIDENCE)
    assert "§9" in explain.EVIDENCE_SOURCE


def test_calc_matches_every_measurement_under_billing():
    checks = explain.evidence()
    assert len(checks) == len(SPEC_EVIDENCE)
    for c in checks:
        m = c.measurement
        assert c.billing == (SPEC_EVIDENCE[(m.model, m.width, m.height, m.details)],) * len(
            m.details), m
        assert c.matches, m


def test_evidence_shows_where_the_guides_text_would_be_wrong():
    wrong = {(c.measurement.model, c.measurement.width, c.measurement.height): c.documented
             for c in explain.evidence() if not c.guide_agrees}
    assert wrong == {
        ("gpt-4.1-mini", 4000, 1474): (2348,),  # spec §2: "not the 2348 the older text gives"
        ("gpt-5-mini", 512, 512): (ceil_times(256, "1.62"),),
        ("gpt-5-mini", 2048, 768): (ceil_times(1536, "1.62"),),
    }


def test_a_wrong_measurement_is_reported_as_a_mismatch():
    c = explain.evidence()[0]
    wrong = replace(c, measurement=replace(c.measurement, measured=c.measurement.measured + 1))
    assert not wrong.matches and not wrong.guide_agrees


# ---- the catalogue as a table --------------------------------------------------------------

def test_the_catalogue_table_lists_every_model_once_in_order():
    table = explain.catalogue_table()
    assert [r.name for r in table.rows] == [m.name for m in calc.models()]
    assert table.as_of == "2026-02-07"  # spec §7
    assert "openai.com/api/pricing" in table.source
    assert table.batch_discount == Decimal("0.5")  # batch = 50 % of standard


def test_catalogue_rows_carry_the_specs_constants_and_prices():
    rows = {r.name: r for r in explain.catalogue_table().rows}
    gpt4o = rows["gpt-4o"]
    assert (gpt4o.family, gpt4o.base_tokens, gpt4o.tile_tokens) == ("tile", 85, 170)
    assert gpt4o.constants == "85 + 170 per 512 px tile"
    assert gpt4o.multiplier_billing is None and gpt4o.original is None
    assert gpt4o.price_input == Decimal("2.50") and gpt4o.price_cached_input == Decimal("1.25")
    assert rows["gpt-4o-mini"].constants == "2,833 + 5,667 per 512 px tile"

    mini = rows["gpt-5-mini"]
    assert (mini.multiplier_billing, mini.multiplier_documented) == (Decimal("1.2"),
                                                                     Decimal("1.62"))
    assert mini.constants == "1,536 patches of 32 px, long side ≤ 2,048 px"
    assert mini.differs and not mini.is_inferred
    assert mini.price_cached_input == Decimal("0.025")  # 10 % of 0.25

    big = rows["gpt-5.4"]
    assert big.original == "10,000 patches, long side ≤ 6,000 px"
    assert "original" in big.details and big.is_inferred
    assert big.patch_budget == 2500

    image = rows["gpt-image-1"]
    assert (image.base_tokens, image.tile_tokens, image.fidelities) == (65, 129, ("low", "high"))
    assert (image.price_input, image.price_output) == (Decimal("10.00"), Decimal("40.00"))
    assert rows["gpt-image-1-mini"].fidelities == ("low",)
    assert rows["gpt-4.1"].fidelities == ()  # fidelity is not a choice on a vision model
    assert rows["gpt-5.1"].is_inferred and not rows["gpt-5"].is_inferred
    assert rows["gpt-5.4-nano"].price_input is None  # spec §7: unknown


# ---- where the guide and billing differ ----------------------------------------------------

def test_differences_cover_spec_section_5():
    diffs = {d.subject: d for d in explain.differences()}
    assert {"gpt-5-mini", "gpt-5-nano", "gpt-5.2", "patch models", "every request"} <= set(diffs)
    # On 1024×1024 (1,024 patches, no fitting) only the multiplier differs.
    assert (diffs["gpt-5-mini"].billing, diffs["gpt-5-mini"].documented) == (
        ceil_times(1024, "1.2"), ceil_times(1024, "1.62"))
    assert (diffs["gpt-5-nano"].billing, diffs["gpt-5-nano"].documented) == (
        ceil_times(1024, "1.5"), ceil_times(1024, "2.46"))
    assert (diffs["gpt-5.2"].billing, diffs["gpt-5.2"].documented) == (ceil_times(1024, "1.2"),
                                                                       1024)
    fit = diffs["patch models"]
    assert "2,048" in fit.text and "4000×1474" in fit.example
    assert (fit.billing, fit.documented) == (2489, 2348)
    framing = diffs["every request"]
    assert "8–13" in framing.text and framing.example is None


def test_differences_are_built_from_the_catalogue():
    diffs = explain.differences()
    differing = [m for m in calc.models() if m.differs]
    assert [d.subject for d in diffs[:len(differing)]] == [m.name for m in differing]
    for d, m in zip(diffs, differing, strict=False):
        assert all(text in d.text for text in m.differs)
    subjects = {d.subject for d in diffs}
    assert "gpt-4.1-mini" not in subjects and "gpt-4o" not in subjects  # the two rule sets agree


# ---- facts the plain-words rules quote -----------------------------------------------------

def test_tile_groups_are_the_specs_table():
    groups = {g.values: set(g.names) for g in explain.tile_groups()}
    assert groups[(70, 140)] >= {"gpt-5", "gpt-5-chat-latest"}
    assert groups[(85, 170)] == {"gpt-4o", "gpt-4.1", "gpt-4.5-preview"}
    assert groups[(2833, 5667)] == {"gpt-4o-mini"}
    assert groups[(75, 150)] == {"o1", "o1-pro", "o3"}
    assert groups[(65, 129)] == {"computer-use-preview"}
    assert [g.values for g in explain.image_groups()] == [(65, 129)]


def test_patch_and_multiplier_groups_are_the_specs_table():
    budgets = {g.values: set(g.names) for g in explain.patch_groups()}
    assert budgets[(2500, 2048, 10000, 6000)] == {"gpt-5.4", "gpt-5.5"}
    assert "gpt-4.1-mini" in budgets[(1536, 2048, None, None)]
    mults = {g.values: set(g.names) for g in explain.multiplier_groups()}
    assert mults[(Decimal("1.2"), Decimal("1.62"))] == {"gpt-5-mini"}
    assert mults[(Decimal("1.5"), Decimal("2.46"))] == {"gpt-5-nano"}
    assert mults[(Decimal("1.72"), Decimal("1.72"))] == {"o4-mini"}


def test_detail_facts():
    assert set(explain.models_with_detail("original")) == {"gpt-5.4", "gpt-5.5"}
    assert explain.auto_exceptions() == (("gpt-5.5", "original"),)


def test_generation_table_is_the_specs():
    assert explain.generation_table() == (
        ("low", (272, 408, 400)),
        ("medium", (1056, 1584, 1568)),
        ("high", (4160, 6240, 6208)),
    )
    assert calc.generation_options()[1] == ("1024x1024", "1024x1536", "1536x1024")
    assert explain.partial_image_tokens() == 100
    assert set(explain.generation_models()) == {"gpt-image-1", "gpt-image-1.5",
                                                "gpt-image-1-mini"}


def test_inferred_rules_are_collected_from_calcs_notes():
    rules = {r.text: set(r.models) for r in explain.inferred_rules()}
    patch_models = {m.name for m in calc.models() if m.family == "patch"}
    low = [models for text, models in rules.items() if "'low'" in text]
    assert low == [patch_models]  # spec §2: low on patch models is inferred
    square = [models for text, models in rules.items() if "square" in text]
    assert square == [{"gpt-image-1", "gpt-image-1.5"}]  # the mini has no high fidelity
    assert any(models == {"gpt-5.1"} for models in rules.values())
    assert any(models == {"gpt-5.4"} for models in rules.values())
    assert not any("gpt-4o" in models for models in rules.values())
