"""Plan for a month ahead (docs/metering.md §9.1): the day a month is priced on, the months
offered, and the models that will have shut down by then — known answers from the spec's dates."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

import calc
from calc.views.plan import month as pm

TODAY = date(2026, 12, 3)


def test_this_month_and_the_next_twelve():
    assert pm.months(TODAY) == ("", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05",
                                "2027-06", "2027-07", "2027-08", "2027-09", "2027-10",
                                "2027-11", "2027-12")
    assert pm.month_label("", TODAY) == "This month (2026-12)"
    assert pm.month_label("2027-03", TODAY) == "March 2027"


@pytest.mark.parametrize(("month", "day"), [("", TODAY), ("2027-01", date(2027, 1, 1)),
                                            ("2027-12", date(2027, 12, 1))])
def test_the_day_a_month_is_priced_on(month, day):
    assert pm.priced_day(month, TODAY) == day


@pytest.mark.parametrize("month", ["2026-12", "2026-11", "2028-01", "2027-13", "27-01", "x"])
def test_a_month_out_of_range_says_what_is_allowed(month):
    with pytest.raises(calc.CalcError, match=r"(this month or one of the next 12 \(2027-01 to "
                                             r"2027-12\))|(is not a month: use YYYY-MM)"):
        pm.check_month(month, TODAY)


@pytest.mark.parametrize(("month", "by_then"), [
    ("", {"gpt-5-mini", "o3"}),  # 2026-12-11 falls in this month
    ("2027-01", {"gpt-5-mini", "o3", "gpt-4o"}),  # 2027-01-14
    ("2027-03", {"gpt-5-mini", "o3", "gpt-4o"}),
    ("2027-04", {"gpt-5-mini", "o3", "gpt-4o", "gpt-5.4-nano"}),  # 2027-04-01
])
def test_models_shut_down_by_the_month(month, by_then):
    plan = ("gpt-5-mini", "o3", "gpt-4o", "gpt-5.4-nano", "gpt-6-luna")
    got = {e.model: (e.shutdown, e.replacements) for e in pm.endings(plan, month, TODAY)}
    # every model with a shutdown date is named with its replacement (none where none is named)
    assert got == {"gpt-5-mini": ("2026-12-11", ("gpt-6.1-terra",)), "o3": ("2026-12-11", ()),
                   "gpt-4o": ("2027-01-14", ("gpt-6-luna",)),
                   "gpt-5.4-nano": ("2027-04-01", ())}
    assert {e.model for e in pm.endings(plan, month, TODAY) if e.by_then} == by_then


# --- the figures of a month ahead ------------------------------------------------------------

def _figures(models, tier="standard", on=None, month=""):
    import pandas as pd

    from calc.views.plan import figures as pf
    from calc.views.plan import settings as ps
    from calc.views.plan import totals as pt

    rows = pd.DataFrame({"width": [1024], "height": [1024], "count": [1], "detail": "",
                         "model": ""})
    priced = pt.price_workload(rows, models, "high", "billing")
    s = ps.Settings(source="mix", models=models, detail="high", rpd=1000, days=30, tier=tier)
    v = pf.volume(s, 1)
    figs = [pf.figures(t, s, v, 1, on=on) for t in pt.model_totals(priced)]
    return {f.model: f for f in pf.with_endings(figs, pm.endings(models, month, TODAY))}


def test_a_month_ahead_uses_that_months_prices_and_flags_the_shut_down_models():
    # 1024×1024 high: gpt-4o 765 tokens × $2.50 / 1M × 1,000 a day × 30 days = $57.375;
    # gpt-6-luna 1,229 tokens × $0.10 / 1M × 30,000 = $3.687
    figs = _figures(("gpt-4o", "gpt-6-luna"), on=pm.priced_day("2027-01", TODAY),
                    month="2027-01")
    assert figs["gpt-4o"].month == Fraction(57375, 1000)
    assert figs["gpt-6-luna"].month == Fraction(3687, 1000)
    assert figs["gpt-4o"].notes[0] == ("shut down by then (2027-01-14) → gpt-6-luna: $3.69 / "
                                       "month instead of $57.38")
    dec = _figures(("gpt-4o", "gpt-6-luna"), on=TODAY)  # this month: still running, named
    assert dec["gpt-4o"].notes[0] == ("shuts down 2027-01-14 → gpt-6-luna: $3.69 / month "
                                      "instead of $57.38")
    # gpt-5.6-sol in November (the promotion) and in January: $4 then $5 per 1M
    nov = _figures(("gpt-5.6-sol",), on="2026-11-01")["gpt-5.6-sol"]
    jan = _figures(("gpt-5.6-sol",), on="2027-01-01")["gpt-5.6-sol"]
    assert (nov.month, jan.month) == (Fraction(1229 * 4 * 30_000, 10**6),
                                      Fraction(1229 * 5 * 30_000, 10**6))


def test_a_tier_a_model_does_not_offer_leaves_it_unpriced_with_the_reason():
    figs = _figures(("gpt-6.2-sol", "gpt-5.4"), tier="ultrafast", on=TODAY)
    # gpt-6.2-sol Ultrafast 3× until 2027-02-28: 1,229 × $2 × 3 / 1M × 30,000 = $221.22
    assert figs["gpt-6.2-sol"].month == Fraction(1229 * 2 * 3 * 30_000, 10**6)
    assert figs["gpt-5.4"].month is None
    assert "gpt-5.4 does not offer the Ultrafast tier" in figs["gpt-5.4"].notes[0]
    march = _figures(("gpt-6.2-sol",), tier="ultrafast", on="2027-03-01")["gpt-6.2-sol"]
    assert march.month == Fraction(1229 * 2 * 6 * 30_000, 10**6)  # 6× from 2027-03-01
