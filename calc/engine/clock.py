"""The one clock: which day "today" is, for every `on=None` in calc.

Prices, tiers and lifecycles take effect on dates (docs/metering.md §9.1), so every default day
reads `today()` here and nothing else in calc reads the wall clock. Tests pin it (one fixture);
an operator may pin it with `PATCHWORK_TODAY=YYYY-MM-DD` (a rehearsal of a future day); a server
child process started by a test inherits that variable.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import date, datetime

ENV = "PATCHWORK_TODAY"
_pinned: date | None = None


def today() -> date:
    """The pinned day if one is set, else the environment's, else the wall clock's."""
    if _pinned is not None:
        return _pinned
    text = os.environ.get(ENV, "").strip()
    if text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass  # a malformed pin is no pin: the wall clock is never wrong by a typo
    return date.today()


def day(on: date | str | None) -> date:
    """`on` as a date: None is today, a string is ISO (YYYY-MM-DD), a datetime its date."""
    if on is None:
        return today()
    if isinstance(on, datetime):  # a datetime is a date too, but not comparable with one
        return on.date()
    return date.fromisoformat(on) if isinstance(on, str) else on


def pin(on: date | str | None) -> None:
    """Set (or with None, clear) the pinned day for this process."""
    global _pinned
    _pinned = None if on is None else day(on)


@contextlib.contextmanager
def pinned(on: date | str) -> Iterator[date]:
    """Within the block, today is `on`."""
    before = _pinned
    pin(on)
    try:
        yield _pinned
    finally:
        pin(before)
