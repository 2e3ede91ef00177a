"""What the catalogue knows about the future, and how old it is (docs/metering.md §9.1, §9.5):
the scheduled changes of the coming days, and a plain note when the prices have not been checked
for a while."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from calc.engine.catalogue import Catalogue, catalogue
from calc.engine.clock import day as _day

STALE_AFTER_DAYS = 30


def staleness_note(today: date | str | None = None, book: Catalogue | None = None) -> str:
    """'' within 30 days of the day the catalogue (the one in use, or `book`) was checked;
    after, a sentence that says so."""
    checked = date.fromisoformat((book or catalogue()).checked)
    age = (_day(today) - checked).days
    if age <= STALE_AFTER_DAYS:
        return ""
    return (f"prices checked {checked.isoformat()}, {age} days ago — check OpenAI's pricing "
            "page")


def scheduled_changes(start: date | str | None = None, days: int = 90,
                      book: Catalogue | None = None) -> tuple[tuple[date, str], ...]:
    """Every change the catalogue (the one in use, or `book`) schedules from `start` (today)
    through `days` days on, by day: shutdowns (with their replacements), price periods and tier
    factors that begin."""
    first = _day(start)
    last = first + timedelta(days=days)
    events: dict[date, list[str]] = defaultdict(list)
    book = book or catalogue()
    shutdowns: dict[tuple[date, tuple[str, ...]], list[str]] = defaultdict(list)
    for m in book.models.values():
        if m.shutdown and first <= date.fromisoformat(m.shutdown) <= last:
            shutdowns[(date.fromisoformat(m.shutdown), m.replacements)].append(m.name)
        for before, after in zip(m.prices, m.prices[1:], strict=False):
            if after.valid_from and first <= after.valid_from <= last:
                events[after.valid_from].append(
                    f"{m.name} input ${before.input} → ${after.input} per 1M "
                    f"(output ${before.output} → ${after.output})")
        _factor_events(events, m.name, m.tier_factors, book, first, last)
    for tier in book.tiers.values():
        _factor_events(events, "every model's", tier.factors, book, first, last)
    for (day, repl), names in shutdowns.items():
        events[day].append(f"{', '.join(names)} shut down"
                           + (f" → {' or '.join(repl)}" if repl else ""))
    return tuple((day, text) for day in sorted(events) for text in events[day])


def _factor_events(events, who: str, rows, book, first: date, last: date) -> None:
    """'gpt-6.2-sol Ultrafast 3× → 6×' on the day a tier factor changes."""
    for before, after in zip(rows, rows[1:], strict=False):
        if after.valid_from and first <= after.valid_from <= last:
            label = book.tiers[after.tier].label
            events[after.valid_from].append(f"{who} {label} {before.factor}× → {after.factor}×")
