"""Plan for a month ahead: which day a month is priced on, and which models will have shut down.

The current month is priced today; a month ahead on its first day — the prices, tier factors
and running models that will hold then (docs/metering.md §9.1). A model that shuts down before
the month ends is flagged, with what the same workload costs on its replacement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from calc.engine.catalogue import resolve_model
from calc.engine.clock import today
from calc.engine.errors import CalcError

MONTHS_AHEAD = 12
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months(on: date | None = None) -> tuple[str, ...]:
    """'' (this month) and the next 12 as 'YYYY-MM'."""
    start = on or today()
    return ("",) + tuple(_add_months(start, n).strftime("%Y-%m")
                         for n in range(1, MONTHS_AHEAD + 1))


def month_label(month: str, on: date | None = None) -> str:
    """'This month (2026-12)' or 'January 2027'."""
    start = on or today()
    if month == "":
        return f"This month ({start:%Y-%m})"
    return first_day(month).strftime("%B %Y")


def first_day(month: str) -> date:
    """The first day of 'YYYY-MM'; CalcError where it is no month."""
    match = _MONTH.match(month or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise CalcError(f"{str(month)[:20]!r} is not a month: use YYYY-MM")
    return date(int(match[1]), int(match[2]), 1)


def check_month(month: str, on: date | None = None) -> str:
    """The month if it is this one ('') or one of the next 12; else a CalcError saying so."""
    allowed = months(on)
    if month in allowed:
        return month
    first_day(month)  # a malformed month says so first
    raise CalcError(f"month {month} is out of range: this month or one of the next "
                    f"{MONTHS_AHEAD} ({allowed[1]} to {allowed[-1]})")


def priced_day(month: str, on: date | None = None) -> date:
    """The day a plan for the month is priced on: today for this month, else the 1st."""
    return (on or today()) if month == "" else first_day(check_month(month, on))


def last_day(month: str, on: date | None = None) -> date:
    start = priced_day(month, on)
    return _add_months(start, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Ending:
    """A model in the plan with a shutdown date: deprecated, or shut down by the month's end."""

    model: str
    shutdown: str
    replacements: tuple[str, ...]  # named by the deprecations page; empty where it names none
    by_then: bool  # shut down on or before the last day of the month planned


def endings(models: tuple[str, ...], month: str, on: date | None = None) -> tuple[Ending, ...]:
    """Every model of the plan with a shutdown date, and whether it is shut down by the end of
    the month planned (already shut ones too): each is named with its replacement."""
    end = last_day(month, on)
    return tuple(Ending(m.name, m.shutdown, m.replacements,
                        date.fromisoformat(m.shutdown) <= end)
                 for m in map(resolve_model, models) if m.shutdown)


def with_replacements(models: tuple[str, ...], month: str, on: date | None = None
                      ) -> tuple[str, ...]:
    """The plan's models and, after them, the replacements of those shut down by the month
    (so the same workload is priced there too)."""
    extra = [r for e in endings(models, month, on) for r in e.replacements]
    return tuple(dict.fromkeys((*models, *extra)))
