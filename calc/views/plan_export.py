"""Plan's exports: the tables on screen as CSV, every cell safe to open in a spreadsheet.

`neutralise_cell` is a minimal stand-in for issue 9's calc.views.inert.cell (OWASP's rule for
CSV injection); when that lands, this should call it instead.
"""

from __future__ import annotations

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV, text cells (and column names) neutralised; numbers as they are."""
    safe = frame.copy()
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    for name in safe.columns:
        if safe[name].dtype == object or pd.api.types.is_string_dtype(safe[name].dtype):
            safe[name] = safe[name].map(neutralise_cell)
    return safe.to_csv(index=False).encode()
