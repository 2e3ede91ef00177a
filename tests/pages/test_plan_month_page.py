"""Plan for a month ahead, on the page: that month's prices and tiers, the models shut down by
then flagged with their replacement's cost for the same workload, and the month in the link."""

from __future__ import annotations

import pytest

from tests.fakes.apptest import page, run, shown
from tests.pages.test_plan_page import figures, open_page

pytestmark = pytest.mark.today("2026-12-03")
PAGE = page("plan.py")


def test_january_flags_gpt_4o_with_gpt_6_luna_for_the_same_workload():
    # the default mix, 1,000 requests a day of one image, 30 days, on gpt-4o and gpt-5.6-sol
    at = open_page(models="gpt-4o,gpt-5.6-sol", month="2027-01", rpd="1000", days="30")
    assert at.selectbox(key="plan_month").value == "2027-01"
    rows = figures(at)
    assert "gpt-6-luna" in rows  # the replacement, priced for the same workload
    note = rows["gpt-4o"]["notes"]
    assert note.startswith(f"shut down by then (2027-01-14) → gpt-6-luna: "
                           f"{rows['gpt-6-luna']['$ / month']} / month instead of "
                           f"{rows['gpt-4o']['$ / month']}")
    assert at.query_params["month"] == "2027-01"
    assert any("in January 2027" in m.value for m in at.markdown)


def test_the_months_prices_apply_ultrafast_on_gpt_6_2_sol():
    feb = figures(open_page(models="gpt-6.2-sol", tier="ultrafast", month="2027-02"))
    mar = figures(open_page(models="gpt-6.2-sol", tier="ultrafast", month="2027-03"))
    # 3× through 2027-02-28, 6× from 2027-03-01: the same workload costs twice as much
    feb_usd = float(feb["gpt-6.2-sol"]["$ / month"].strip("$").replace(",", ""))
    mar_usd = float(mar["gpt-6.2-sol"]["$ / month"].strip("$").replace(",", ""))
    assert mar_usd == pytest.approx(2 * feb_usd, rel=1e-3)
    assert "inferred" in mar["gpt-6.2-sol"]["notes"]  # the day of the change is inferred


def test_a_model_that_does_not_offer_the_tier_is_unpriced_with_the_reason():
    rows = figures(open_page(models="gpt-6.2-sol,gpt-5.4", tier="ultrafast"))
    assert rows["gpt-5.4"]["$ / month"] == "price unknown"
    assert "gpt-5.4 does not offer the Ultrafast tier" in rows["gpt-5.4"]["notes"]


def test_fast_with_regional_processing_says_why():
    at = open_page(models="gpt-6-sol", tier="fast", regional="1")
    assert any("cannot be combined with regional processing" in e.value for e in at.error)


def test_a_month_out_of_range_in_a_link_falls_back_with_the_range():
    at = open_page(month="2030-01")
    assert at.selectbox(key="plan_month").value == ""
    assert [shown(w.value) for w in at.warning] == [
        "From the link: month '2030-01' cannot be used: month must be empty (this month) or a "
        "month from 2027-01 to 2027-12; the default () instead"]
    run(at)

