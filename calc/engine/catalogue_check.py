"""Is a catalogue whole? The maintainer's check (`python -m calc catalogue check`) and the gate
an operator's catalogue file (PATCHWORK_CATALOGUE) must pass before the app uses it.

A catalogue is whole when every model can be sized (a profile, or tile tokens), has a price for
every day from its release until its shutdown in periods that neither overlap nor leave a gap,
names only replacements and tiers that exist, and every fact carries a source, a date and a
confidence, with factors in range.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from calc.engine.catalogue import (
    CATALOGUE_PATH,
    CONFIDENCES,
    Catalogue,
    Model,
    TierFactor,
    load,
)

ENV = "PATCHWORK_CATALOGUE"
MAX_FACTOR = Decimal(10)  # no tier or long-context factor is anywhere near this
ONE_DAY = timedelta(days=1)


def problems(book: Catalogue) -> list[str]:
    """Every way the catalogue is not whole, one line each; [] when it is."""
    out: list[str] = []
    if not _is_iso(book.checked):
        out.append(f"checked {book.checked!r} is not a YYYY-MM-DD date")
    for name, tier in book.tiers.items():
        out += _factor_problems(f"tier {name}", tier.factors)
        for model in tier.offered_by or ():
            if model not in book.models:
                out.append(f"tier {name}: offered_by names {model!r}, not in the catalogue")
    for m in book.models.values():
        out += _model_problems(m, book)
    return out


def _model_problems(m: Model, book: Catalogue) -> list[str]:
    out = []
    where = f"model {m.name}"
    if m.family not in book.families:
        out.append(f"{where}: unknown family {m.family!r}")
    elif m.family in ("patch",) and m.profile is None:
        out.append(f"{where}: a patch model needs a sizing profile")
    elif m.family in ("tile", "image") and (m.base_tokens is None or m.tile_tokens is None):
        out.append(f"{where}: a tile model needs base_tokens and tile_tokens")
    if m.profile is not None and m.profile.confidence not in CONFIDENCES:
        out.append(f"{where}: profile confidence {m.profile.confidence!r}")
    for field in ("shutdown", "released"):
        value = getattr(m, field)
        if value is not None and not _is_iso(value):
            out.append(f"{where}: {field} {value!r} is not a YYYY-MM-DD date")
    for r in m.replacements:
        if r not in book.models:
            out.append(f"{where}: replacement {r!r} is not in the catalogue")
    for t in (*m.tiers, *m.not_offered):
        if t not in book.tiers:
            out.append(f"{where}: unknown tier {t!r}")
    for f in m.tier_factors:
        if f.tier not in book.tiers:
            out.append(f"{where}: a factor for unknown tier {f.tier!r}")
    for tier in {f.tier for f in m.tier_factors}:
        out += _factor_problems(f"{where}, tier {tier}",
                                tuple(f for f in m.tier_factors if f.tier == tier))
    out += _price_problems(m)
    return out


def _price_problems(m: Model) -> list[str]:
    where = f"model {m.name}"
    if not m.prices:
        return [f"{where}: no price"]
    out = []
    for p in m.prices:
        tag = f"{where}, price {p.period or 'row'}"
        if not p.source.strip():
            out.append(f"{tag}: no source")
        if p.confidence not in CONFIDENCES:
            out.append(f"{tag}: confidence {p.confidence!r} is not one of {CONFIDENCES}")
        if not _is_iso(p.as_of):
            out.append(f"{tag}: as_of {p.as_of!r} is not a YYYY-MM-DD date")
        for f in p.third_party:
            if getattr(p, f, None) is None:
                out.append(f"{tag}: third_party names {f!r}, which the row does not give")
        for f in ("input", "cached_input", "cache_write", "cache_write_12h", "output",
                  "text_input", "text_cached_input"):
            value = getattr(p, f)
            if value is not None and value < 0:
                out.append(f"{tag}: {f} is negative")
        lc = p.long_context
        if lc is not None and not (1 <= lc.input_factor <= MAX_FACTOR
                                   and 1 <= lc.output_factor <= MAX_FACTOR):
            out.append(f"{tag}: long-context factors out of range (1 to {MAX_FACTOR})")
    out += _period_problems(where, [(p.valid_from, p.valid_until) for p in m.prices])
    first, last = m.prices[0], m.prices[-1]
    if first.valid_from is not None and (m.released is None or
                                         first.valid_from > date.fromisoformat(m.released)):
        out.append(f"{where}: no price before {first.valid_from} (from its release on)")
    if last.valid_until is not None:
        end = date.fromisoformat(m.shutdown) - ONE_DAY if m.shutdown else None
        if end is None or last.valid_until < end:
            out.append(f"{where}: no price after {last.valid_until}"
                       + (f" (it runs until {end})" if end else " (it has no shutdown date)"))
    return out


def _factor_problems(where: str, rows: tuple[TierFactor, ...]) -> list[str]:
    out = []
    for f in rows:
        if not 0 < f.factor <= MAX_FACTOR:
            out.append(f"{where}: factor {f.factor} out of range (0 to {MAX_FACTOR})")
        if not f.source.strip():
            out.append(f"{where}: a factor without a source")
        if f.confidence not in CONFIDENCES:
            out.append(f"{where}: confidence {f.confidence!r} is not one of {CONFIDENCES}")
    out += _period_problems(where, [(f.valid_from, f.valid_until) for f in rows])
    if rows and rows[0].valid_from is not None:
        out.append(f"{where}: no factor before {rows[0].valid_from}")
    if rows and rows[-1].valid_until is not None:
        out.append(f"{where}: no factor after {rows[-1].valid_until}")
    return out


def _period_problems(where: str, periods: list[tuple[date | None, date | None]]) -> list[str]:
    """Consecutive periods must meet: each ends the day before the next begins."""
    out = []
    for (start, end), (nxt, _) in zip(periods, periods[1:], strict=False):
        if end is None or nxt is None:
            out.append(f"{where}: periods overlap (one has no end before the next begins)")
        elif nxt <= end:
            out.append(f"{where}: periods overlap ({nxt} begins before {end} ends)")
        elif nxt - end > ONE_DAY:
            out.append(f"{where}: no price or factor from {end + ONE_DAY} to {nxt - ONE_DAY}")
        if start is not None and end is not None and end < start:
            out.append(f"{where}: a period ends ({end}) before it begins ({start})")
    return out


def _is_iso(text: object) -> bool:
    try:
        date.fromisoformat(str(text))
    except ValueError:
        return False
    return True


def check_file(path: Path | str) -> tuple[Catalogue | None, list[str]]:
    """A catalogue file and its problems; (None, [why]) when it cannot even be read."""
    try:
        book = load(path)
    except (OSError, ValueError, KeyError, TypeError, ArithmeticError) as e:
        return None, [f"cannot read {Path(path).name}: {type(e).__name__}: {str(e)[:200]}"]
    return book, problems(book)


def operator_catalogue() -> Catalogue | None:
    """The operator's catalogue file when PATCHWORK_CATALOGUE names one: used if it passes the
    check; else the bundled catalogue, whose `fallback` says why (and the log says it too)."""
    path = os.environ.get(ENV, "").strip()
    if not path:
        return None
    import logging  # only here: `import calc` stays fast without an operator's file

    log = logging.getLogger("patchwork")
    book, found = check_file(path)
    if book is not None and not found:
        log.info("Patchwork catalogue: %s (edition %s)", path, book.version)
        return book
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    why = (f"the catalogue file named by {ENV} fails the check: {found[0]}{more}; "
           "running on the bundled catalogue")
    log.warning("Patchwork: %s", why)
    return replace(load(CATALOGUE_PATH), fallback=why)
