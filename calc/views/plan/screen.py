"""Everything the Plan page's Workload view shows, worked out here and handed over as one typed
`PlanScreen` (as a web framework's view hands its template one context): the page renders it and
computes nothing.

The costly, volume-free part — pricing every distinct size on every model, and again for each
pre-resize the advisor tries — is the page's to cache: it passes them in as `price` and `fits`,
and they run only when there is something to cost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from calc.engine.errors import CalcError
from calc.engine.pricing import check_regional, priced_on, tier_label
from calc.views.plan import export
from calc.views.plan import figures as pf
from calc.views.plan import month as pm
from calc.views.plan import settings as ps
from calc.views.plan.table import Table
from calc.views.plan.totals import ModelTotals, PricedWorkload, per_image_table, per_size_table
from calc.views.plan.workload import Workload

MAX_TABLE_ROWS = 5_000  # rows sent to the browser; the CSV export has them all
Price = Callable[[tuple[str, ...]], tuple[PricedWorkload, list[ModelTotals]]]
Fits = Callable[[PricedWorkload], dict[str, list[ModelTotals]]]


@dataclass(frozen=True)
class Notice:
    """One line in place of the numbers: why there are none."""

    kind: str  # "info", "warning" or "error"
    text: str  # plain text (it may quote a file): the page shows it inert


@dataclass(frozen=True)
class Download:
    label: str
    file_name: str
    mime: str
    data: bytes | Callable[[], bytes]  # a callable is written only when asked for


@dataclass(frozen=True)
class Share:
    """The page's address: every setting of both views (and a mix's sizes)."""

    query: dict[str, str]
    note: str


@dataclass(frozen=True)
class Results:
    """What the workload costs, and everything that goes with it."""

    heading: str
    volume: str  # the one line that says how the file's counts are taken
    headline: pf.Cheapest | None  # the cheapest a month, with the caveats it rests on
    limits: tuple[str, ...]  # what the API would refuse in one request
    figures: Table
    figures_note: str
    month_bars: tuple[pf.MonthBar, ...]
    chart_title: str
    rates: Table
    rejected: Table
    advice_note: str
    advice: Table
    per_image_note: str
    per_image: Table
    downloads: tuple[Download, ...]


@dataclass(frozen=True)
class PlanScreen:
    notice: Notice | None
    results: Results | None
    share: Share


def share(workload: Workload | None, s: ps.Settings, g: ps.GenSettings) -> Share:
    """The link of both views; a mix's sizes go in it, a file does not."""
    mix = ()
    if s.source == "mix" and workload is not None:
        rows = workload.rows
        mix = tuple(zip(rows["width"].tolist(), rows["height"].tolist(), rows["count"].tolist(),
                        strict=True))
    note = ("This page's address holds every setting of both views"
            + ("" if s.source == "mix" else " — but not your file: whoever opens it uploads "
               "the file again") + ".")
    return Share(ps.to_query(s, g, mix), note)


def plan_screen(workload: Workload | None, s: ps.Settings, g: ps.GenSettings, price: Price,
                fits: Fits) -> PlanScreen:
    """The Workload view's numbers for these settings, or the one line that says why there
    are none. `price(models)` prices the workload (with the replacements of the models shut
    down by the month planned); `fits(priced)` tries each pre-resize."""
    link = share(workload, s, g)
    if workload is None:
        return PlanScreen(None, None, link)
    if workload.images <= 0:
        return PlanScreen(Notice("info", "No usable image sizes yet: nothing to cost."), None,
                          link)
    if not s.models:
        return PlanScreen(Notice("warning", "Choose at least one model to compare."), None,
                          link)
    try:
        check_regional(s.tier, s.regional)
        priced, totals = price(pm.with_replacements(s.models, s.month))
    except CalcError as error:
        return PlanScreen(Notice("error", f"This workload cannot be costed: {error}"), None,
                          link)
    return PlanScreen(None, results(workload, priced, totals, fits(priced), s, link), link)


def results(workload: Workload, priced: PricedWorkload, totals: list[ModelTotals],
            fits: dict[str, list[ModelTotals]], s: ps.Settings, link: Share) -> Results:
    day = pm.priced_day(s.month)
    images = Fraction(priced.images)
    volume = pf.volume(s, images)
    figs = pf.with_endings([pf.figures(t, s, volume, images, day) for t in totals],
                           pm.endings(s.models, s.month))
    figures = pf.figures_table(figs)
    rates = pf.rate_table([pf.rate(f, s) for f in figs], bool(volume.backlog_images))
    rejected = pf.rejected_table(totals)
    advice = pf.advice_table(fits, s, volume, images)
    rows = workload.rows
    if len(rows) <= MAX_TABLE_ROWS:
        per_image = per_image_table(rows, priced, s.tier)
        per_image_note = (f"Image tokens and $ for one image on each model "
                          f"({tier_label(s.tier)}).")
    else:
        per_image = per_size_table(priced, s.tier, limit=MAX_TABLE_ROWS)
        per_image_note = (f"{len(rows):,} rows: shown per distinct size, the {len(per_image):,} "
                          "most common first. The CSV export has every row.")
    headline = pf.cheapest(figs)
    limits = tuple(pf.request_flags(s, workload.bytes_per_image))

    def document() -> dict:  # written when the download is clicked, not on every rerun
        return {
            "settings": link.query, "priced_on": day.isoformat(), "tier": s.tier,
            "volume": volume.statement,
            "images_a_day": export.json_number(volume.daily_images),
            "backlog_images": export.json_number(volume.backlog_images),
            "cheapest": None if headline is None else {
                "model": headline.model,
                "usd_per_month": export.json_number(headline.usd_per_month),
                "caveats": list(headline.caveats)},
            "request_limits": list(limits), "figures": export.records(figures),
            "rate_limits": export.records(rates), "rejected": export.records(rejected),
            "resize_advisor": export.records(advice)}

    return Results(
        heading="What it costs" + (f" in {pm.month_label(s.month)}" if s.month else ""),
        volume=volume.statement, headline=headline, limits=limits, figures=figures,
        figures_note=(
            "Per request: image input + text input + output (reasoning billed as output), "
            f"at the {tier_label(s.tier)} tier" + (" with the regional uplift" if s.regional
                                                   else "")
            + (f", {priced_on(day)}" if priced_on(day) else "")
            + ". Rejected images are counted, never priced."),
        month_bars=pf.month_bars(figs), chart_title=f"$ a month by model ({tier_label(s.tier)})",
        rates=rates, rejected=rejected,
        advice_note=(
            "Each image fitted within the size before sending (long side, never enlarged, "
            "rounded as the API rounds), then costed again: the whole monthly bill, against "
            "sending as is. Fewer tokens, but the model also sees fewer pixels."),
        advice=advice, per_image_note=per_image_note, per_image=per_image,
        downloads=(
            Download("Per-image rows (CSV)", "patchwork-per-image.csv", export.CSV,
                     lambda: export.csv_bytes(per_image_table(rows, priced, s.tier))),
            Download("The figures above (CSV)", "patchwork-plan.csv", export.CSV,
                     lambda: export.csv_bytes(figures)),
            Download("Everything above (JSON)", "patchwork-plan.json", export.JSON,
                     lambda: export.json_bytes(document()))))
