"""calc.engine.compare: every catalogue model for one image, cheapest first, with fallbacks said."""

from __future__ import annotations

import pytest

import calc
from calc.engine.compare import compare
from calc.engine.errors import CalcError, InvalidSizeError

CATALOGUE = [m.name for m in calc.models()]


def by_model(rows):
    return {r.model: r for r in rows}


def test_every_model_once_cheapest_first_unknown_price_last():
    rows = compare(1024, 1024, "high")
    assert sorted(r.model for r in rows) == sorted(CATALOGUE)
    priced = [r.usd for r in rows if r.usd is not None]
    assert priced == sorted(priced)
    known = [r.usd is not None for r in rows]
    assert known == sorted(known, reverse=True)  # every unknown price after every known one
    assert rows[-1].model == "gpt-5.4-nano" and rows[-1].usd is None  # spec §7: unknown
    assert rows[-1].tokens is not None  # its tokens are still shown


def test_known_answers_1024_square_high():
    rows = by_model(compare(1024, 1024, "high"))
    # gpt-4o: 1024² → 768² → 4 tiles → 85 + 4 × 170 = 765; × $2.50/1M
    assert rows["gpt-4o"].tokens == 765
    assert rows["gpt-4o"].usd == pytest.approx(765 * 2.50 / 1e6)
    assert rows["gpt-4o"].usd_per_1000 == pytest.approx(765 * 2.50 / 1e3)
    # gpt-5-mini: 32 × 32 = 1,024 patches × 1.2 = 1,228.8 → 1,229; × $0.25/1M
    assert rows["gpt-5-mini"].tokens == 1229
    assert rows["gpt-5-mini"].usd == pytest.approx(1229 * 0.25 / 1e6)
    # gpt-image-1 (fidelity low): short side 512 → 512² → 1 tile: 65 + 129 = 194
    assert rows["gpt-image-1"].tokens == 194
    assert rows["gpt-image-1"].detail == "fidelity low"
    # gpt-4o-mini: 2833 + 4 × 5667 = 25,501
    assert rows["gpt-4o-mini"].tokens == 25501


def test_measured_evidence_appears_in_the_table():
    rows = by_model(compare(2049, 513, "high"))
    assert rows["gpt-4.1"].tokens == 1445  # spec §9
    rows = by_model(compare(4000, 1474, "high"))
    assert rows["gpt-4.1-mini"].tokens == 2489  # spec §9


def test_batch_tier_is_half():
    standard, batch = by_model(compare(800, 600, "high")), by_model(compare(800, 600, "high",
                                                                             tier="batch"))
    for name, row in standard.items():
        if row.usd is None:
            assert batch[name].usd is None
        else:
            assert batch[name].usd == pytest.approx(row.usd / 2)
            assert batch[name].tokens == row.tokens


def test_original_detail_falls_back_to_high_and_says_so():
    rows = by_model(compare(4032, 3024, "original"))
    assert rows["gpt-5.4"].detail == "original" and rows["gpt-5.4"].note == ""
    # gpt-5.4 original: budget 10,000, max side 6,000: 126 × 95 = 11,970 patches > 10,000 →
    # shrink: isqrt(10000·4032//3024) = 115 across → 3680 → 3669×2752 (115 × 86 = 9,890)
    assert rows["gpt-5.4"].tokens == -(-9890 * 12 // 10)
    assert rows["gpt-4o"].detail == "high"
    assert "original" in rows["gpt-4o"].note and "high" in rows["gpt-4o"].note
    assert rows["gpt-4o"].tokens == calc.tokens(4032, 3024, "gpt-4o", "high")
    assert rows["gpt-4.1-mini"].detail == "high" and rows["gpt-4.1-mini"].note


def test_low_detail_on_image_models_reads_in_full():
    rows = by_model(compare(1024, 1024, "low"))
    assert rows["gpt-4o"].tokens == 85 and rows["gpt-4o"].note == ""
    assert rows["gpt-image-1"].tokens == 194
    assert "low" in rows["gpt-image-1"].note


def test_high_fidelity_only_where_it_exists():
    rows = by_model(compare(1024, 1024, "high", fidelity="high"))
    assert rows["gpt-image-1"].tokens == 194 + 4160  # square: + 4,160 (spec §3)
    assert rows["gpt-image-1"].detail == "fidelity high"
    assert rows["gpt-image-1-mini"].tokens == 194  # low only (spec §3)
    assert "fidelity" in rows["gpt-image-1-mini"].note
    assert rows["gpt-4o"].tokens == 765 and rows["gpt-4o"].note == ""  # not an image model
    rows = by_model(compare(1536, 1024, "high", fidelity="high"))
    assert rows["gpt-image-1"].tokens - calc.tokens(1536, 1024, "gpt-image-1") == 6240


def test_documented_rules():
    rows = by_model(compare(512, 512, "high", rules="documented"))
    assert rows["gpt-5-mini"].tokens == -(-256 * 162 // 100)  # ×1.62 in the guide: 415


def test_bad_arguments_are_refused():
    with pytest.raises(CalcError):
        compare(100, 100, tier="weekly")
    with pytest.raises(CalcError):
        compare(100, 100, rules="folklore")
    with pytest.raises(InvalidSizeError):
        compare(0, 100)
