"""Plan for a month ahead (docs/metering.md §8.1): the day a month is priced on, the months
offered, and the models that will have shut down by then — known answers from the spec's dates."""

from __future__ import annotations

from datetime import date

import pytest

import calc
from calc.views import plan_month as pm

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


@pytest.mark.parametrize(("month", "ending"), [
    ("", {"gpt-5-mini": ("2026-12-11", ("gpt-6.1-terra",)), "o3": ("2026-12-11", ())}),
    ("2027-01", {"gpt-5-mini": ("2026-12-11", ("gpt-6.1-terra",)), "o3": ("2026-12-11", ()),
                 "gpt-4o": ("2027-01-14", ("gpt-6-luna",))}),
    ("2027-03", {"gpt-5-mini": ("2026-12-11", ("gpt-6.1-terra",)), "o3": ("2026-12-11", ()),
                 "gpt-4o": ("2027-01-14", ("gpt-6-luna",))}),
    ("2027-04", {"gpt-5-mini": ("2026-12-11", ("gpt-6.1-terra",)), "o3": ("2026-12-11", ()),
                 "gpt-4o": ("2027-01-14", ("gpt-6-luna",)),
                 "gpt-5.4-nano": ("2027-04-01", ())}),
])
def test_models_shut_down_by_the_month(month, ending):
    plan = ("gpt-5-mini", "o3", "gpt-4o", "gpt-5.4-nano", "gpt-6-luna")
    got = {e.model: (e.shutdown, e.replacements) for e in pm.endings(plan, month, TODAY)}
    assert got == ending
