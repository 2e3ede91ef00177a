"""Plan's numbers: the workload's volume as the user means it, the whole request's cost per
model (per request, day, month and backlog; image input, text input, output), rate limits,
request limits and the resize advisor. Exact (Fractions) to the end: the tables hold the exact
values (calc.views.plan.table), and `format_usd` rounds once, where a reader sees them.

A volume stated per month becomes a day's by the plan's days per month (3,000 requests a month
over 30 days: 100 a day), so the month's bill is exactly that many requests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

from calc.engine.catalogue import catalogue, resolve_model
from calc.engine.errors import CalcError
from calc.engine.pricing import format_usd
from calc.engine.request_cost import RequestShape, request_cost
from calc.views.plan.settings import Settings
from calc.views.plan.table import Column, Table, count_text
from calc.views.plan.totals import AS_SENT, ModelTotals

SOURCE_NAMES = {"mix": "your size mix", "images": "your uploaded images", "csv": "your CSV"}
MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class Volume:
    """Images once (the backlog) and images a day, as the settings and the file say."""

    backlog_images: Fraction
    daily_images: Fraction
    days: int
    statement: str  # the one line above the numbers


def volume(s: Settings, file_images: Fraction | int) -> Volume:
    """A file's counts taken at their word (backlog / one day / one month) or as a sample; the
    ongoing volume stated per day or per month (a month: the plan's days per month)."""
    n = Fraction(file_images)
    where = SOURCE_NAMES[s.source]
    means = "sample" if s.source == "mix" else s.file_means
    stated = Fraction(s.rpd * s.ipr)
    ongoing = stated / s.days if s.per == "month" else stated
    backlog = Fraction(s.backlog)
    if means == "backlog":
        backlog = n
        text = f"{count_text(n)} images from {where}, once; then " + (
            _rate(stated, ongoing, s) if ongoing else "nothing ongoing")
    else:
        if means == "day":
            ongoing = n
            text = f"{count_text(n)} images a day from {where} (one day of traffic)"
        elif means == "month":
            ongoing = n / s.days
            text = (f"{count_text(n)} images a month from {where} (one month of traffic, "
                    f"{s.days} days)")
        else:
            text = f"the mix of {where}, scaled to {_rate(stated, ongoing, s, 'images ')}"
        if backlog:
            text += f"; plus {count_text(backlog)} images once"
    return Volume(backlog, ongoing, s.days, text[0].upper() + text[1:] + ".")


def _rate(stated: Fraction, daily: Fraction, s: Settings, noun: str = "") -> str:
    """'40,000 a day', or '3,000 a month (100 a day over a 30-day month)'."""
    if s.per == "day":
        return f"{count_text(daily)} {noun}a day"
    return (f"{count_text(stated)} {noun}a month ({count_text(daily)} a day over a "
            f"{s.days}-day month)")


def shape(s: Settings) -> RequestShape:
    return RequestShape(s.ipr, s.prompt, s.output, s.reasoning, Fraction(s.cached, 100))


@dataclass(frozen=True)
class Figures:
    """One model: the request, the day, the month and the backlog, exact."""

    model: str
    image_tokens_per_request: Fraction
    input_tokens_per_request: Fraction
    request: tuple[Fraction, Fraction, Fraction] | None  # image input, text input, output
    day: Fraction | None
    month: Fraction | None
    backlog: Fraction | None
    requests_per_day: Fraction
    backlog_requests: Fraction
    rejected_per_day: Fraction
    rejected_backlog: Fraction
    notes: tuple[str, ...]


def figures(t: ModelTotals, s: Settings, v: Volume, images: Fraction,
            on: date | str | None = None) -> Figures:
    """`images`: the workload's images (Σ count); the model gets its share of the volume.
    Priced on the day `on` (today); a tier the model does not offer leaves it unpriced."""
    share = t.images / images if images else Fraction(0)
    ok = t.accepted / t.images if t.images else Fraction(0)  # rejected images are not priced
    per_request = t.tokens_per_image * s.ipr
    sh = shape(s)
    try:
        normal = request_cost(t.model, per_request, sh, s.tier, s.regional, on=on)
        unpriced = "no price in the catalogue: not priced"
    except CalcError as error:  # not offered on this tier, or Fast with regional processing
        normal, unpriced = None, f"{error}: not priced"
    rpd = v.daily_images * share * ok / s.ipr
    backlog_requests = v.backlog_images * share * ok / s.ipr
    notes = list(normal.notes) if normal else [unpriced]
    day = month = backlog = split = None
    if normal is not None:
        split = (normal.image_input, normal.text_input, normal.output)
        writes = min(Fraction(s.writes), rpd)
        day = (rpd - writes) * normal.total
        if writes and sh.cached_share:
            written = request_cost(t.model, per_request, sh, s.tier, s.regional,
                                   cache_write=True, on=on)
            day += writes * written.total
            notes.extend(n for n in written.notes if n not in notes)
        month = day * v.days
        backlog = backlog_requests * normal.total
    if t.rejected_images:
        notes.append(f"{count_text(t.rejected_images)} of the workload's images are rejected "
                     "by the API on this model (over 30,000 patches): counted, not priced")
    return Figures(t.model, per_request, per_request + s.prompt, split, day, month, backlog,
                   rpd, backlog_requests, v.daily_images * share * (1 - ok),
                   v.backlog_images * share * (1 - ok), tuple(notes))


@dataclass(frozen=True)
class Cheapest:
    """Plan's headline: the cheapest model a month, and what that number rests on."""

    model: str
    usd_per_month: Fraction
    caveats: tuple[str, ...]  # an unconfirmed tier, an inferred sizing rule, a third party

    @property
    def label(self) -> str:
        return f"Cheapest: {self.model}"

    @property
    def value(self) -> str:
        return f"{format_usd(self.usd_per_month)} / month"


CAVEAT_WORDS = ("not confirmed", "inferred", "third party", "shuts down", "shut down")


def cheapest(rows: list[Figures]) -> Cheapest | None:
    """The cheapest priced model a month (as the table sorts) and its caveats; None if none
    is priced."""
    priced = [f for f in rows if f.month is not None]
    if not priced:
        return None
    best = min(priced, key=lambda f: (f.month, f.backlog or 0))
    caveats = [n for n in best.notes if any(w in n for w in CAVEAT_WORDS)]
    caveats += [f"inferred: {fact}" for fact in resolve_model(best.model).inferred]
    return Cheapest(best.model, best.month, tuple(dict.fromkeys(caveats)))


def with_endings(rows: list[Figures], endings) -> list[Figures]:
    """Each model that will have shut down by the month planned says so in its notes, with
    its replacement's cost for the same workload: 'shuts down 2027-01-14 → gpt-6-luna:
    $12.13 / month instead of $45.00'. `endings`: calc.views.plan.month.Ending rows."""
    by_name = {f.model: f for f in rows}
    out = []
    for f in rows:
        end = next((e for e in endings if e.model == f.model), None)
        if end is None:
            out.append(f)
            continue
        options = []
        for name in end.replacements:
            alt = by_name.get(name)
            options.append(name if alt is None or alt.month is None
                           else f"{name}: {format_usd(alt.month)} / month")
        when = (f"shut down by then ({end.shutdown})" if end.by_then
                else f"shuts down {end.shutdown}")
        line = when + (f" → {' or '.join(options)}" if options else " (no replacement named)")
        if f.month is not None and any(":" in o for o in options):
            line += f" instead of {format_usd(f.month)}"
        out.append(replace(f, notes=(line, *f.notes)))
    return out


# The answers first ($ a day, a month, the backlog): on screen on a narrow page, before the
# request's parts and the notes.
FIGURE_COLUMNS = (
    Column.text("model", "model"),
    Column.usd("$ / day", "usd_per_day"),
    Column.usd("$ / month", "usd_per_month"),
    Column.usd("$ backlog", "usd_backlog"),
    Column.usd("$ / request", "usd_per_request"),
    Column.usd("image input", "usd_image_input_per_request"),
    Column.usd("text input", "usd_text_input_per_request"),
    Column.usd("output", "usd_output_per_request"),
    Column.count("image tokens / request", "image_tokens_per_request"),
    Column.share("image share", "image_share_of_request"),
    Column.text("notes", "notes"))


def figures_table(rows: list[Figures]) -> Table:
    """Per model, cheapest a month first: what the page shows and the exports hold. The
    backlog is "—" for a model with no backlog; a model without a price has none."""
    def key(f: Figures):
        return (f.month is None, f.month or 0, f.backlog or 0)

    out = []
    for f in sorted(rows, key=key):
        parts = f.request or (None, None, None)
        request = sum(f.request) if f.request else None
        out.append((f.model, f.day, f.month, f.backlog if f.backlog_requests else "—",
                    request, *parts, f.image_tokens_per_request,
                    parts[0] / request if request else None, "; ".join(f.notes)))
    return Table.of_rows(FIGURE_COLUMNS, out)


@dataclass(frozen=True)
class MonthBar:
    """One model's bar in "cost per month by model": its length (float, for drawing only) and
    its label (the exact amount, rounded once by format_usd — the same text as the table)."""

    model: str
    usd: float
    label: str


def month_bars(rows: list[Figures]) -> tuple[MonthBar, ...]:
    """$ a month per model, cheapest first; models without a price are left out (the table
    says why). Empty when nothing is ongoing (no month to draw)."""
    priced = sorted((f for f in rows if f.month is not None), key=lambda f: f.month)
    if not any(f.month for f in priced):
        return ()
    return tuple(MonthBar(f.model, float(f.month), format_usd(f.month)) for f in priced)


# --- rate limits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    model: str
    requests_per_minute: Fraction | None  # None: no limit given
    images_per_minute: Fraction | None
    fits: bool | None  # the daily volume within what the limits allow in a day
    backlog_minutes: Fraction | None


def rate(f: Figures, s: Settings) -> Rate:
    """Images count toward TPM (input and output tokens of each request); RPM caps requests."""
    tokens = f.input_tokens_per_request + s.output + s.reasoning
    limits = []
    if s.tpm:
        limits.append(Fraction(s.tpm) / tokens if tokens else None)
    if s.rpm:
        limits.append(Fraction(s.rpm))
    limits = [x for x in limits if x is not None]
    if not limits:
        return Rate(f.model, None, None, None, None)
    per_minute = min(limits)
    per_minute = Fraction(math.floor(per_minute))  # whole requests in a minute
    fits = f.requests_per_day <= per_minute * MINUTES_PER_DAY
    backlog = f.backlog_requests / per_minute if per_minute else None
    return Rate(f.model, per_minute, per_minute * s.ipr, fits, backlog)


def duration(minutes: Fraction | None) -> str:
    """Minutes as days, hours and minutes, rounded up to the minute."""
    if minutes is None:
        return "never (the limits allow no request)"
    total = math.ceil(minutes)
    days, rest = divmod(total, MINUTES_PER_DAY)
    hours, mins = divmod(rest, 60)
    parts = [f"{days:,} d" if days else "", f"{hours} h" if hours else "",
             f"{mins} min" if mins or not (days or hours) else ""]
    return " ".join(p for p in parts if p)


RATE_COLUMNS = (
    Column.text("model", "model"),
    Column.count("requests / min", "requests_per_minute"),
    Column.count("images / min", "images_per_minute"),
    Column.flag("daily volume", "daily_volume_fits", "fits", "does not fit"))
BACKLOG_TAKES = Column("backlog takes", "backlog_minutes", show=duration)


def rate_table(rates: list[Rate], with_backlog: bool) -> Table:
    """The models a limit applies to (none given: no rows), and how long the backlog takes."""
    rows = [(r.model, r.requests_per_minute, r.images_per_minute, r.fits)
            + ((r.backlog_minutes,) if with_backlog else ())
            for r in rates if r.requests_per_minute is not None]
    return Table.of_rows(RATE_COLUMNS + ((BACKLOG_TAKES,) if with_backlog else ()), rows)


REJECTED_COLUMNS = (Column.text("model", "model"), Column.text("size", "size_px"),
                    Column.count("images", "images"))


def rejected_table(totals: list[ModelTotals]) -> Table:
    """The sizes each model's API would reject (over 30,000 patches), and how many images."""
    return Table.of_rows(REJECTED_COLUMNS, [(t.model, f"{w}×{h}", n) for t in totals
                                            for w, h, n in t.rejected])


# --- request limits ------------------------------------------------------------------------------


def request_flags(s: Settings, bytes_per_image: float | None) -> list[str]:
    """What the API would refuse in one request of this shape (metering.md §17)."""
    limits = catalogue().limits
    flags = []
    if s.ipr > limits["images_per_request"]:
        flags.append(f"{s.ipr:,} images per request: the API takes at most "
                     f"{limits['images_per_request']:,} — split the requests")
    if bytes_per_image:
        payload = bytes_per_image * s.ipr / 2**20
        if payload > limits["request_payload_mb"]:
            flags.append(f"about {payload:,.0f} MB per request (your files average "
                         f"{bytes_per_image / 2**20:,.1f} MB): over the API's "
                         f"{limits['request_payload_mb']} MB payload limit")
    return flags


# --- the resize advisor --------------------------------------------------------------------------


def against_text(saved: Fraction) -> str:
    """A fit's monthly bill against sending as is."""
    if saved > 0:
        return f"cheaper by {format_usd(saved)}"
    return f"dearer by {format_usd(-saved)}" if saved < 0 else "the same"


ADVICE_COLUMNS = (
    Column.text("model", "model"),
    Column.text("pre-resize", "pre_resize"),
    Column.count("image tokens / image", "image_tokens_per_image"),
    Column.usd("$ / month", "usd_per_month"),
    Column("against as sent", "usd_saved_per_month", show=against_text),
    Column.share("pixels kept", "pixels_kept_share"),
    Column.flag("best", "cheapest", "✓ cheapest", ""))


def advice_table(fits: dict[str, list[ModelTotals]], s: Settings, v: Volume,
                 images: Fraction) -> Table:
    """Per model and fit: $ a month (the whole bill), against sending as is (what a month
    saves: negative where it costs more); the cheapest per model marked ("as sent" when no fit
    is cheaper)."""
    base = {t.model: t for t in fits[AS_SENT]}
    rows = []
    for model, t0 in base.items():
        f0 = figures(t0, s, v, images)
        options = []
        for fit, totals in fits.items():
            t = next(x for x in totals if x.model == model)
            f = f0 if fit == AS_SENT else figures(t, s, v, images)
            options.append((fit, t, f))
        cheapest = min(options, key=lambda o: (o[2].month is None, o[2].month or 0,
                                               o[0] != AS_SENT))[0]
        for fit, t, f in options:
            if fit == AS_SENT:
                against = "—"
            elif f.month is None or f0.month is None:
                against = ""
            else:
                against = f0.month - f.month
            kept = t.seen_pixels / t0.seen_pixels if t0.seen_pixels else None
            rows.append((model, fit, t.tokens_per_image, f.month, against, kept,
                         fit == cheapest))
    return Table.of_rows(ADVICE_COLUMNS, rows)
