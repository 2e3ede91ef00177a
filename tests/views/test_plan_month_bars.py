"""calc.views.plan.figures.month_bars: Plan's "$ a month by model" chart data."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pandas as pd

import calc
from calc.views.plan import figures as pf
from calc.views.plan import settings as ps
from calc.views.plan import totals as pt
from calc.views.plan.chart import month_chart_html
from calc.views.plan.table import shown

ROWS = pd.DataFrame({"width": [4032, 1024], "height": [3024, 1024], "count": [3, 1]})


def figs(settings: ps.Settings) -> list[pf.Figures]:
    totals = pt.model_totals(pt.price_workload(ROWS, settings.models))
    v = pf.volume(settings, Fraction(4))
    return [pf.figures(t, settings, v, Fraction(4)) for t in totals]


def test_bars_are_the_months_cheapest_first_labelled_as_the_table():
    s = ps.Settings(models=("gpt-5.6-sol", "gpt-6-luna", "gpt-5.4-mini"), rpd=1000, prompt=600,
                    output=300)
    rows = figs(s)
    bars = pf.month_bars(rows)
    table = shown(pf.figures_table(rows))
    assert [b.model for b in bars] == table["model"].tolist()
    assert [b.label for b in bars] == table["$ / month"].tolist()
    assert [b.usd for b in bars] == sorted(b.usd for b in bars)
    # Independently: gpt-6-luna's month is 30 days × 1,000 requests of its image, prompt and
    # output tokens at the catalogue's $0.10 / $0.50 per million.
    tokens = Fraction(3 * calc.estimate(4032, 3024, "gpt-6-luna").tokens
                      + calc.estimate(1024, 1024, "gpt-6-luna").tokens, 4)
    month = 30 * 1000 * ((tokens + 600) * Fraction(Decimal("0.10")) + 300 * Fraction(
        Decimal("0.50"))) / 10**6
    luna = next(b for b in bars if b.model == "gpt-6-luna")
    assert luna.usd == float(month)


def test_no_bars_when_nothing_is_ongoing():
    s = ps.Settings(source="csv", file_means="backlog", rpd=0, models=("gpt-6-luna",))
    assert pf.month_bars(figs(s)) == ()


def test_the_chart_draws_each_bar_as_its_share_of_the_dearest_in_the_order_given():
    bars = (pf.MonthBar("gpt-6-luna", 1.0, "$1.00"), pf.MonthBar("gpt-6-sol", 4.0, "$4.00"),
            pf.MonthBar("<b>x</b>", 0.0, "$0.00"))
    html = month_chart_html(bars, "$ a month by model (Batch)")
    assert re.findall(r'pw-model">([^<]*)<', html) == ["gpt-6-luna", "gpt-6-sol",
                                                         "&lt;b&gt;x&lt;/b&gt;"]
    # 80% of the track is the dearest; a zero is still a sliver (0.5%)
    assert re.findall(r"width:([\d.]+)%", html) == ["20.00", "80.00", "0.50"]
    assert re.findall(r'pw-amount">([^<]*)<', html) == ["$1.00", "$4.00", "$0.00"]
    assert "<h5>$ a month by model (Batch)</h5>" in html


def test_no_bars_draw_nothing():
    assert month_chart_html((), "title") == ""
