"""Plan's exports (calc.views.plan.export, .screen): numbers as numbers — exact, in plain decimal
notation, no "$" or thousands separators, units in the header — and a volume stated per month.

Known answers, by hand: 1024×1024 on gpt-6-luna is 1,229 tokens (32 × 32 patches × 1.2,
metering.md §4) at $0.10 per 1M input tokens (§9): $0.0001229 a request.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from calc.views.plan import export
from calc.views.plan import figures as pf
from calc.views.plan import screen as pv
from calc.views.plan import settings as ps
from calc.views.plan import totals as pt
from calc.views.plan.table import shown
from calc.views.plan.workload import Workload

pytestmark = pytest.mark.today("2026-12-03")  # the catalogue's edition day's prices


@pytest.mark.parametrize("value, text", [
    (1229, "1229"), (np.int64(5), "5"), (-3, "-3"), (Fraction(5), "5"),
    (Fraction(1, 8), "0.125"), (Fraction(-1, 8), "-0.125"),
    (Fraction(1229, 10**7), "0.0001229"),  # a decimal that ends: every digit, however many
    (Fraction(1, 2 * 10**13), "0.00000000000005"),
    (Fraction(1, 3), "0.333333333333"), (Fraction(2, 3), "0.666666666667"),  # 12 places, half up
    (Fraction(-2, 3), "-0.666666666667"), (Fraction(1, 3 * 10**12), "0"),
    (Fraction(3687, 310_000), "0.011893548387"),
    (D("1.229E-7"), "0.0000001229"), (D("1E+2"), "100"), (D("12.130"), "12.13"),
    (D("0.00"), "0"), (33.333333333333336, "33.333333333333336"), (1e-07, "0.0000001"),
    (40.0, "40"), (12345678901234567890, "12345678901234567890"),
])
def test_a_number_is_written_exactly_in_plain_decimal_notation(value, text):
    assert export.exact_text(value) == text


@pytest.mark.parametrize("value", [None, "rejected", "—", "", float("nan"), D("NaN"), pd.NA,
                                   True])
def test_what_is_no_number_has_no_digits(value):
    assert export.exact_text(value) is None


def one_size(count: int = 3, model: str = "gpt-6-luna") -> pd.DataFrame:
    return pd.DataFrame({"width": [1024], "height": [1024], "count": [count], "detail": "",
                         "model": ""})


def results(rows: pd.DataFrame, s: ps.Settings) -> pv.Results:
    def price(models):
        priced = pt.price_workload(rows, models, s.detail, s.rules)
        return priced, pt.model_totals(priced)

    return pv.plan_screen(Workload(rows), s, ps.GenSettings(), price, pt.resize_totals).results


LUNA = ps.Settings(source="csv", file_means="backlog", rpd=1000, days=30, models=("gpt-6-luna",))


def test_the_figures_csv_is_a_spreadsheet_of_numbers_with_units_in_the_header():
    data = next(d.data for d in results(one_size(), LUNA).downloads
                if d.file_name == "patchwork-plan.csv")()
    header, row = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert header == ["model", "usd_per_day", "usd_per_month", "usd_backlog", "usd_per_request",
                      "usd_image_input_per_request", "usd_text_input_per_request",
                      "usd_output_per_request", "image_tokens_per_request",
                      "image_share_of_request", "notes"]
    # 1,000 requests a day of $0.0001229, 30 days; the 3 images of the file once.
    assert row == ["gpt-6-luna", "0.1229", "3.687", "0.0003687", "0.0001229", "0.0001229",
                        "0", "0", "1229", "1", ""]  # no notes: nothing unconfirmed


def test_a_column_a_spreadsheet_sums_adds_up_exactly():
    s = ps.replace(LUNA, models=("gpt-6-luna", "gpt-5.6-sol"))
    data = results(one_size(), s).downloads[1].data()
    frame = pd.read_csv(io.BytesIO(data), dtype={"usd_per_day": str})
    assert sorted(frame["usd_per_day"]) == ["0.1229", "6.145"]  # 1,229 × $5 / 1M × 1,000
    assert sum(map(D, frame["usd_per_day"])) == D("6.2679")
    assert pd.read_csv(io.BytesIO(data))["usd_per_month"].dtype == np.float64  # numbers


def test_the_json_holds_the_same_figures_as_exact_strings_and_whole_numbers():
    r = results(one_size(), LUNA)
    document = json.loads(next(d.data for d in r.downloads
                               if d.file_name == "patchwork-plan.json")())
    (figures,) = document["figures"]
    assert figures["usd_per_month"] == "3.687" and figures["usd_backlog"] == "0.0003687"
    assert figures["image_tokens_per_request"] == 1229  # whole: a JSON number
    assert figures["usd_text_input_per_request"] == 0
    assert document["cheapest"]["model"] == "gpt-6-luna"
    assert document["cheapest"]["usd_per_month"] == "3.687"
    assert any("inferred" in c for c in document["cheapest"]["caveats"])
    assert document["images_a_day"] == 1000 and document["backlog_images"] == 3
    assert document["settings"] == ps.to_query(LUNA, ps.GenSettings())
    assert document["priced_on"] == "2026-12-03" and document["tier"] == "standard"
    # Fitted within 512 px: 16 × 16 patches × 1.2 = 307.2 → 308 tokens, 921 fewer on each of
    # 30,000 requests a month at $0.10 per 1M: $2.763 saved.
    advice = {a["pre_resize"]: a for a in document["resize_advisor"]}
    assert advice["fit 512 px"]["image_tokens_per_image"] == 308
    assert advice["fit 512 px"]["usd_saved_per_month"] == "2.763"
    assert advice["as sent"]["usd_saved_per_month"] is None  # "—" on screen
    assert advice["fit 512 px"]["cheapest"] is True and advice["as sent"]["cheapest"] is False


def test_the_per_image_csv_leaves_a_rejected_image_empty():
    rows = pd.DataFrame({"width": [1024, 7952], "height": [1024, 5304], "count": [2, 1],
                         "detail": "", "model": ""})
    s = ps.replace(LUNA, models=("gpt-5.6-sol",))
    data = results(rows, s).downloads[0].data()
    assert list(csv.reader(io.StringIO(data.decode(), newline=""))) == [
        ["width_px", "height_px", "images", "detail", "gpt-5.6-sol_image_tokens_per_image",
         "gpt-5.6-sol_usd_per_image"],
        ["1024", "1024", "2", "auto", "1229", "0.006145"],  # 1,229 × $5 / 1M
        ["7952", "5304", "1", "auto", "", ""]]  # 41,334 patches: rejected (metering.md §5)


def test_per_image_rows_of_the_same_size_each_get_its_cost():
    rows = pd.DataFrame({"name": ["a.png", "b.png", "c.png"], "width": [1024, 7952, 1024],
                         "height": [1024, 5304, 1024], "count": [1, 1, 1], "detail": "",
                         "model": ""})
    priced = pt.price_workload(rows, ["gpt-5.6-sol"])
    table = shown(pt.per_image_table(rows, priced, "batch"))  # half of $5 per 1M
    assert table["name"].tolist() == ["a.png", "b.png", "c.png"]
    assert table["gpt-5.6-sol tokens"].tolist() == [1229, pd.NA, 1229]
    assert table["gpt-5.6-sol $"].tolist() == ["$0.0031", "rejected", "$0.0031"]


# --- a volume stated per month -------------------------------------------------------------------


@pytest.mark.parametrize("rpd, ipr, days, daily", [
    (3000, 1, 30, 100), (3000, 2, 30, 200), (3000, 1, 31, Fraction(3000, 31)), (31, 1, 31, 1),
    (0, 1, 30, 0), (1, 1, 30, Fraction(1, 30))])
def test_a_month_is_the_plans_days_per_month(rpd, ipr, days, daily):
    s = ps.Settings(source="mix", rpd=rpd, ipr=ipr, per="month", days=days)
    assert pf.volume(s, 100).daily_images == daily


@pytest.mark.parametrize("s, statement", [
    (ps.Settings(source="mix", rpd=3000, per="month"),
     "The mix of your size mix, scaled to 3,000 images a month (100 a day over a 30-day "
     "month)."),
    (ps.Settings(source="csv", file_means="backlog", rpd=3000, per="month", days=31),
     "7 images from your CSV, once; then 3,000 a month (96.8 a day over a 31-day month)."),
    (ps.Settings(source="csv", file_means="day", rpd=3000, per="month", backlog=5),
     "7 images a day from your CSV (one day of traffic); plus 5 images once."),  # the file's
])
def test_the_volume_line_says_how_a_month_is_counted(s, statement):
    assert pf.volume(s, 7).statement == statement


@pytest.mark.parametrize("days", [28, 30, 31])
def test_a_months_volume_is_billed_as_exactly_that_many_requests(days):
    s = ps.replace(LUNA, source="mix", rpd=3000, per="month", days=days)
    (t,) = pt.model_totals(pt.price_workload(one_size(1), s.models))
    f = pf.figures(t, s, pf.volume(s, 1), Fraction(1))
    assert f.month == 3000 * Fraction(1229, 10**7) == Fraction(3687, 10**4)
    assert f.day == Fraction(3687, 10**4) / days
