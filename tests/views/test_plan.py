"""Plan's numbers, checked against independent sums of calc.estimate and the spec's prices
(metering.md §9).

Prices are typed here from the spec, never read from the catalogue the code uses.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import calc
from calc.engine.pricing import as_decimal
from calc.engine.request_cost import RequestShape, request_cost
from calc.views.plan import figures as pf
from calc.views.plan import settings as ps
from calc.views.plan import totals as pt
from calc.views.plan.export import csv_bytes
from calc.views.plan.table import Column, Table, shown

# The prices below are those of the catalogue's edition day (gpt-5.6-sol's from 2026-12-01).
pytestmark = pytest.mark.today("2026-12-03")

M = D(1_000_000)
# metering.md §9, standard tier, USD per 1M: input, cached input, output
PRICES = {"gpt-6-luna": ("0.10", "0.01", "0.50"), "gpt-5.6-luna": ("0.20", "0.02", "1.20"),
          "gpt-5.4-mini": ("0.75", "0.075", "4.50"), "gpt-6-sol": ("2.00", "0.20", "10.00"),
          "gpt-5.6-sol": ("5.00", "0.50", "30.00"), "gpt-6-astra": ("10.00", "1.00", "50.00"),
          "gpt-5.4": ("2.50", "0.25", "15.00"), "gpt-6.1-terra": ("1.00", "0.05", "5.00")}


def price(model: str, i: int) -> Fraction:
    return Fraction(D(PRICES[model][i]))


def rows(*entries) -> pd.DataFrame:
    return pd.DataFrame({"width": [e[0] for e in entries], "height": [e[1] for e in entries],
                         "count": [e[2] for e in entries], "detail": "", "model": ""})


# --- one request ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "input_", "output", "third_party"), [
    ("2026-11-30", 4, 20, False),  # the promotion's last day
    ("2026-12-01", 5, 30, True),  # the list price again, from third-party notices
])
def test_one_request_on_gpt_5_6_sol_known_answer(day, input_, output, third_party):
    """1024×1024 high on gpt-5.6-sol: 1024 patches × 1.2 → 1229 tokens (metering.md §4); 600
    prompt tokens and 300 + 100 reasoning output at the day's prices per 1M (§9)."""
    tokens = calc.tokens(1024, 1024, "gpt-5.6-sol", "high")
    assert tokens == 1229
    cost = request_cost("gpt-5.6-sol", tokens, RequestShape(1, 600, 300, 100), on=day)
    assert cost.image_input == Fraction(1229 * input_, 10**6)
    assert cost.text_input == Fraction(600 * input_, 10**6)
    assert cost.output == Fraction(400 * output, 10**6)
    assert not cost.long_context
    assert any("third party" in n for n in cost.notes) == third_party


@pytest.mark.parametrize("tier, factor", [("standard", 1), ("batch", Fraction(1, 2)),
                                          ("flex", Fraction(1, 2)), ("priority", 2)])
def test_tiers_multiply_every_part(tier, factor):
    base = request_cost("gpt-6.1-terra", 1000, RequestShape(1, 500, 200))
    cost = request_cost("gpt-6.1-terra", 1000, RequestShape(1, 500, 200), tier)
    assert cost.total == base.total * factor
    assert cost.notes == ()  # every tier is confirmed on gpt-6.1-terra's page


def test_a_tier_not_confirmed_says_so_and_regional_adds_ten_percent():
    cost = request_cost("gpt-6-luna", 1000, RequestShape(1, 0, 0), "flex", regional=True)
    assert cost.image_input == Fraction(1000) * price("gpt-6-luna", 0) / 10**6 / 2 * \
        Fraction(11, 10)
    assert any("Flex not confirmed for this model (gpt-6-luna)" in n for n in cost.notes)
    assert any("regional uplift not confirmed" in n for n in cost.notes)
    sol = request_cost("gpt-6-sol", 1000, RequestShape(1, 0, 0), regional=True)
    assert sol.notes == ()  # regional is documented on gpt-6-sol (metering.md §9.3)
    terra = request_cost("gpt-6.1-terra", 1000, RequestShape(1, 0, 0), regional=True)
    assert terra.notes == ()


def test_long_context_kicks_in_above_272k_input_tokens_for_the_whole_request():
    shape = RequestShape(100, 1000, 500)
    below = request_cost("gpt-5.4", 271_000, shape)  # 272,000 in all: not above
    above = request_cost("gpt-5.4", 271_001, shape)
    assert not below.long_context and above.long_context
    assert above.image_input == Fraction(271_001) * 2 * price("gpt-5.4", 0) / 10**6
    assert above.text_input == Fraction(1000) * 2 * price("gpt-5.4", 0) / 10**6
    assert above.output == Fraction(500) * Fraction(3, 2) * price("gpt-5.4", 2) / 10**6
    assert any("long context" in n for n in above.notes)
    # a model whose row gives no long-context rule keeps its price
    assert not request_cost("gpt-5.5", 400_000, shape).long_context


def test_cached_share_and_cache_writes():
    shape = RequestShape(1, 1000, 0, 0, Fraction(1, 4))
    cost = request_cost("gpt-6-sol", 3000, shape)
    rate = Fraction(3, 4) * price("gpt-6-sol", 0) + Fraction(1, 4) * price("gpt-6-sol", 1)
    assert cost.image_input == 3000 * rate / 10**6
    assert cost.text_input == 1000 * rate / 10**6
    written = request_cost("gpt-6-sol", 3000, shape, cache_write=True)
    write_rate = Fraction(3, 4) * price("gpt-6-sol", 0) + Fraction(1, 4) * Fraction(D("2.50"))
    assert written.image_input == 3000 * write_rate / 10**6
    unknown = request_cost("gpt-5.4-nano", 3000, shape)  # cached input not listed
    assert any("cached input price not listed" in n for n in unknown.notes)


# --- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount, text", [
    (D("13.125"), "$13.13"), (D("0.125"), "$0.1250"), (D("2.675"), "$2.68"),
    (D("1.005"), "$1.01"), (D("0.000125"), "$0.00013"), (Fraction(1, 8) + 13, "$13.13")])
def test_half_up_ties(amount, text):
    assert calc.format_usd(amount) == text  # a Fraction too: the one money formatter


def test_sums_of_many_small_amounts_are_exact():
    one = request_cost("gpt-6-luna", 1, RequestShape(1))  # $0.0000001 a request
    assert one.total == Fraction(1, 10**7)
    assert as_decimal(one.total * 10**6) == D("0.1")
    assert as_decimal(sum([one.total] * 1000)) == D("0.0001")
    assert sum([0.1] * 10) != 1.0 and as_decimal(sum([Fraction(1, 10)] * 10)) == 1


# --- volume as the user means it -----------------------------------------------------------------


@pytest.mark.parametrize("means, backlog, daily, statement", [
    ("backlog", 2_489_170, 40_000, "2,489,170 images from your CSV, once; then 40,000 a day."),
    ("day", 5_000, 2_489_170, "2,489,170 images a day from your CSV (one day of traffic); plus "
                              "5,000 images once."),
    ("month", 5_000, Fraction(2_489_170, 30), "2,489,170 images a month from your CSV"),
    ("sample", 5_000, 40_000, "The mix of your CSV, scaled to 40,000 images a day; plus 5,000"),
])
def test_a_files_counts_at_their_word_or_as_a_sample(means, backlog, daily, statement):
    s = ps.Settings(source="csv", file_means=means, backlog=5_000, rpd=20_000, ipr=2)
    v = pf.volume(s, 2_489_170)
    assert v.backlog_images == backlog and v.daily_images == daily
    assert v.statement.startswith(statement)


def test_a_mix_is_always_a_sample():
    v = pf.volume(ps.Settings(source="mix", file_means="backlog", rpd=300, ipr=2), 100)
    assert v.daily_images == 600 and v.backlog_images == 0


def test_receipts_figures_equal_independent_sums():
    """The issue's question: 2,489,170 receipts once, then 40,000 a day; one photo, 600 prompt
    tokens, 300 output tokens per request."""
    mix = [(3024, 4032, 2_000_000), (1200, 1600, 400_000), (850, 1100, 89_170)]
    priced = pt.price_workload(rows(*mix), list(PRICES)[:6])
    s = ps.Settings(source="csv", file_means="backlog", rpd=40_000, prompt=600, output=300)
    v = pf.volume(s, priced.images)
    for t in pt.model_totals(priced):
        f = pf.figures(t, s, v, Fraction(priced.images))
        tokens = sum(n * calc.estimate(w, h, t.model).tokens for w, h, n in mix)
        per_request = Fraction(tokens, 2_489_170)
        image = per_request * price(t.model, 0) / 10**6
        text = 600 * price(t.model, 0) / 10**6
        out = 300 * price(t.model, 2) / 10**6
        assert f.request == (image, text, out)
        assert f.day == 40_000 * (image + text + out)
        assert f.month == 30 * f.day
        assert f.backlog == 2_489_170 * (image + text + out)
        assert f.backlog == Fraction(tokens) * price(t.model, 0) / 10**6 + 2_489_170 * (text + out)


def test_rejected_images_are_counted_and_never_priced():
    priced = pt.price_workload(rows((7952, 5304, 10), (1024, 1024, 30)), ["gpt-5.6-sol"])
    (t,) = pt.model_totals(priced)
    assert t.images == 40 and t.accepted == 30 and t.rejected == ((7952, 5304, 10),)
    s = ps.Settings(source="csv", file_means="day", ipr=1)
    f = pf.figures(t, s, pf.volume(s, 40), Fraction(40))
    assert f.requests_per_day == 30 and f.rejected_per_day == 10
    assert f.day == 30 * Fraction(calc.tokens(1024, 1024, "gpt-5.6-sol")) * 5 / 10**6
    assert any("rejected" in n for n in f.notes)


# --- rate and request limits ---------------------------------------------------------------------


def test_rate_limits():
    priced = pt.price_workload(rows((1024, 1024, 1)), ["gpt-5.6-sol"])
    (t,) = pt.model_totals(priced)
    s = ps.Settings(source="csv", file_means="backlog", rpd=40_000, prompt=600, output=300,
                    tpm=90_000, rpm=1_000)
    f = pf.figures(t, s, pf.volume(s, 1), Fraction(1))
    r = pf.rate(f, s)
    assert r.requests_per_minute == 90_000 // (1229 + 600 + 300) == 42
    assert r.images_per_minute == 42 and r.fits is True  # 42 × 1440 = 60,480 ≥ 40,000
    s2 = ps.replace(s, rpm=20)
    r2 = pf.rate(pf.figures(t, s2, pf.volume(s2, 1), Fraction(1)), s2)
    assert r2.requests_per_minute == 20 and r2.fits is False  # 28,800 a day < 40,000
    assert r2.backlog_minutes == Fraction(1, 20)
    assert pf.duration(Fraction(2 * 1440 + 61)) == "2 d 1 h 1 min"
    assert pf.rate(f, ps.replace(s, tpm=0, rpm=0)).requests_per_minute is None


def test_rate_fits_exactly():
    priced = pt.price_workload(rows((1024, 1024, 1)), ["gpt-5.6-sol"])
    (t,) = pt.model_totals(priced)
    s = ps.Settings(source="csv", file_means="backlog", rpd=1440 * 30, rpm=30)
    assert pf.rate(pf.figures(t, s, pf.volume(s, 1), Fraction(1)), s).fits is True
    s = ps.replace(s, rpd=1440 * 30 + 1)
    assert pf.rate(pf.figures(t, s, pf.volume(s, 1), Fraction(1)), s).fits is False


def test_request_limit_flags():
    assert pf.request_flags(ps.Settings(ipr=1500), 2**18) == []  # 375 MB
    (flag,) = pf.request_flags(ps.Settings(ipr=1501), None)
    assert "1,501 images per request" in flag and "1,500" in flag
    (flag,) = pf.request_flags(ps.Settings(ipr=200), 3 * 2**20)  # 600 MB
    assert "512 MB" in flag


# --- the resize advisor --------------------------------------------------------------------------


@given(st.lists(st.tuples(st.integers(64, 9000), st.integers(64, 9000), st.integers(1, 50)),
                min_size=1, max_size=4))
def test_advisor_labels_and_never_recommends_a_dearer_fit(entries):
    models = ["gpt-4.1-mini", "gpt-5.4-mini", "gpt-4o"]
    priced = pt.price_workload(rows(*entries), models)
    s = ps.Settings(source="csv", file_means="day", prompt=100, output=50)
    images = Fraction(priced.images)
    table = shown(pf.advice_table(pt.resize_totals(priced), s, pf.volume(s, images), images))
    for model, group in table.groupby("model"):
        monthly = {}
        for fit, t in pt.resize_totals(priced).items():
            (m,) = [x for x in t if x.model == model]
            monthly[fit] = pf.figures(m, s, pf.volume(s, images), images).month
        best = group[group["best"] != ""]
        assert len(best) == 1
        assert monthly[best["pre-resize"].iloc[0]] == min(monthly.values())
        for _, row in group.iterrows():
            diff = monthly[row["pre-resize"]] - monthly[pt.AS_SENT]
            label = row["against as sent"]
            assert (label.startswith("cheaper") == (diff < 0)
                    and label.startswith("dearer") == (diff > 0))


def test_advisor_known_answer_on_gpt_4_1_mini():
    """4032×3024 on gpt-4.1-mini: fit 2048 → 2048×1536 → 64×48 = 3072 > 1536 → 1440×1080 →
    45 × 34 = 1530 patches → ⌈1530 × 1.62⌉ = 2479 tokens as sent (metering.md §4)."""
    priced = pt.price_workload(rows((4032, 3024, 1)), ["gpt-4.1-mini"])
    fits = pt.resize_totals(priced)
    assert fits[pt.AS_SENT][0].image_tokens == calc.tokens(4032, 3024, "gpt-4.1-mini")
    w, h = calc.engine.rules.fit_long(4032, 3024, 1024)
    assert fits["fit 1024 px"][0].image_tokens == calc.tokens(w, h, "gpt-4.1-mini")


# --- exports (the link: test_plan_link.py) -------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_export_neutralises_formula_cells(cell):
    table = Table.of_rows((Column.text("model", "model"), Column("n", "n")), [(cell, -1)])
    data = csv_bytes(table).decode()
    assert list(csv.reader(io.StringIO(data, newline=""))) == [["model", "n"], ["'" + cell, "-1"]]
    assert data.endswith(",-1\r\n")  # numbers stay numbers: unquoted, as a spreadsheet sums


def test_per_image_table_money_is_the_one_formatter():
    priced = pt.price_workload(rows((1024, 1024, 2), (7952, 5304, 1)), ["gpt-5.6-sol"])
    table = shown(pt.per_size_table(priced, "batch"))
    assert list(table["gpt-5.6-sol $"]) == [calc.format_usd(D(1229) * 5 / M / 2), "rejected"]
    assert table["gpt-5.6-sol tokens"].isna().tolist() == [False, True]
    assert np.array_equal(table["width"], [1024, 7952])
