"""calc.engine.compare: one image on every model, cheapest first, the applied detail shown."""

from __future__ import annotations

from decimal import Decimal

import pytest

import calc
from calc.engine import clock
from calc.engine.compare import compare
from calc.engine.errors import CalcError, InvalidSizeError
from tests.known_days import CURRENT_ON

REJECTING = ["gpt-6-astra", "gpt-6-sol", "gpt-6-luna", "gpt-6.1-sol", "gpt-6.1-terra",
             "gpt-6.2-astra", "gpt-6.2-sol", "gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna"]


def by_model(rows):
    return {r.model: r for r in rows}


@pytest.mark.parametrize("day", sorted(CURRENT_ON))
def test_current_models_by_default_all_on_request(day):
    with clock.pinned(day):
        rows = compare(1024, 1024, "high")
        every = compare(1024, 1024, "high", include_shut_down=True)
    assert {r.model for r in rows} == CURRENT_ON[day]
    assert "o1" not in by_model(rows) and "gpt-image-1" not in by_model(rows)  # shut down
    assert sorted(r.model for r in every) == sorted(m.name for m in calc.models())
    assert by_model(every)["o1"].status == "shut down"
    assert by_model(every)["o1"].shutdown == "2026-10-23"
    assert by_model(every)["o1"].tokens == 675  # 75 + 4 × 150: still estimable


def test_the_measured_rejection_in_the_table():
    rows = compare(7952, 5304)  # detail omitted = auto
    table = by_model(rows)
    for name in REJECTING:
        row = table[name]
        assert (row.accepted, row.patches, row.tokens, row.usd) == (False, 41334, None, None)
        assert row.detail == "auto → original"
        assert "41,334" in row.note
    # gpt-5.5: auto → original with a budget: 9882 patches → 11859 (see test_known_answers)
    assert (table["gpt-5.5"].detail, table["gpt-5.5"].tokens) == ("auto → original", 11859)
    # gpt-5.4: auto → high: 2400 patches → 2880; × $2.50 / 1M = $0.0072
    assert (table["gpt-5.4"].detail, table["gpt-5.4"].tokens) == ("auto → high", 2880)
    assert table["gpt-5.4"].usd == Decimal("0.0072")
    assert table["gpt-5.4"].accepted
    # rejected rows come last; the priced ones cheapest first
    accepted = [r.accepted for r in rows]
    assert accepted == sorted(accepted, reverse=True)
    priced = [r.usd for r in rows if r.usd is not None]
    assert priced == sorted(priced)


def test_known_answers_1024_square_high():
    rows = by_model(compare(1024, 1024, "high", include_shut_down=True))
    # gpt-4o: 1024² → 768² → 4 tiles → 765; × $2.50 / 1M
    assert (rows["gpt-4o"].tokens, rows["gpt-4o"].usd) == (765, Decimal("0.0019125"))
    assert rows["gpt-4o"].usd_per_1000 == Decimal("1.9125")
    # gpt-5-mini: 32 × 32 = 1024 patches → ⌈1228.8⌉ = 1229; × $0.25 / 1M
    assert (rows["gpt-5-mini"].tokens, rows["gpt-5-mini"].usd) == (1229, Decimal("0.00030725"))
    # gpt-image-1 (fidelity low): short side 512 → 1 tile: 65 + 129 = 194
    assert rows["gpt-image-1"].tokens == 194
    assert rows["gpt-image-1"].detail == "fidelity low"
    # gpt-image-2: 1024² → 1024 patches, × 1 (inferred)
    assert rows["gpt-image-2"].tokens == 1024
    assert rows["gpt-4o-mini"].tokens == 25501  # 2833 + 4 × 5667
    assert rows["gpt-6-astra"].tokens == 1229


def test_the_applied_detail_is_shown():
    rows = by_model(compare(4032, 3024, "original", include_shut_down=True))
    assert rows["gpt-5.4"].detail == "original" and rows["gpt-5.4"].note == ""
    assert rows["gpt-5.4"].tokens == 11868  # 9890 patches (test_known_answers)
    assert rows["gpt-5.1"].detail == "original → high"  # accepts it, bills it as high
    assert rows["gpt-4o"].detail == "high"
    assert "original" in rows["gpt-4o"].note and "high" in rows["gpt-4o"].note
    assert rows["gpt-4o"].tokens == calc.tokens(4032, 3024, "gpt-4o", "high")
    assert rows["gpt-4.1-mini"].detail == "high" and rows["gpt-4.1-mini"].note
    auto = by_model(compare(100, 100, include_shut_down=True))
    assert auto["gpt-6-sol"].detail == "auto → original"
    assert auto["gpt-5.4-mini"].detail == "auto → high"
    assert auto["gpt-4o"].detail == "auto → high"


def test_low_detail_on_image_models_reads_in_full():
    rows = by_model(compare(1024, 1024, "low", include_shut_down=True))
    assert rows["gpt-4o"].tokens == 85 and rows["gpt-4o"].note == ""
    assert rows["gpt-5.4"].tokens == 1229  # low is 2048 / 6144: 1024 patches
    assert rows["gpt-6-sol"].tokens == 308  # low fits 512: 256 patches
    assert rows["gpt-image-1"].tokens == 194 and "low" in rows["gpt-image-1"].note
    assert rows["gpt-image-2"].tokens == 1024 and "low" in rows["gpt-image-2"].note


def test_high_fidelity_only_where_it_exists():
    rows = by_model(compare(1024, 1024, "high", fidelity="high", include_shut_down=True))
    assert rows["gpt-image-1"].tokens == 194 + 4160  # square: + 4,160 (§7)
    assert rows["gpt-image-1"].detail == "fidelity high"
    assert rows["gpt-image-1-mini"].tokens == 194  # low only (§7)
    assert "fidelity" in rows["gpt-image-1-mini"].note
    assert rows["gpt-image-2"].tokens == 1024  # fidelity fixed: no extra
    assert rows["gpt-4o"].tokens == 765 and rows["gpt-4o"].note == ""


NOT_OFFERED = {"batch": {"gpt-image-2.6-flare", "gpt-image-2.6-sunburst"}}  # §9.2
OWN_FACTOR = {("priority", "gpt-5.5"): "2.5"}  # §9.2: gpt-5.5 Fast is 2.5×


@pytest.mark.parametrize(("tier", "factor"), [("batch", "0.5"), ("flex", "0.5"),
                                              ("priority", "2")])
def test_tiers_multiply_exactly(tier, factor):
    standard = by_model(compare(800, 600, "high"))
    other = by_model(compare(800, 600, "high", tier=tier))
    for name, row in standard.items():
        assert other[name].tokens == row.tokens
        if name in NOT_OFFERED.get(tier, ()):
            assert other[name].usd is None and "does not offer" in other[name].note
            continue
        f = Decimal(OWN_FACTOR.get((tier, name), factor))
        assert other[name].usd == (None if row.usd is None else row.usd * f)
    assert "not confirmed" in other["gpt-5.4"].note
    assert "not confirmed" not in other["gpt-6.1-terra"].note  # its page confirms all three


def test_documented_rules():
    # gpt-5-mini is shown among the models it compares only while it runs: shown apart after
    billing = by_model(compare(1600, 1600, "high", include_shut_down=True))
    documented = by_model(compare(1600, 1600, "high", rules="documented",
                                  include_shut_down=True))
    assert (billing["gpt-4.1-mini"].tokens, documented["gpt-4.1-mini"].tokens) == (2465, 4050)
    assert billing["gpt-5-mini"].tokens == documented["gpt-5-mini"].tokens == 1826


def test_bad_arguments_are_refused():
    with pytest.raises(CalcError):
        compare(100, 100, tier="weekly")
    with pytest.raises(CalcError):
        compare(100, 100, rules="folklore")
    with pytest.raises(InvalidSizeError):
        compare(0, 100)
