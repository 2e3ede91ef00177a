"""Plan's exports: the tables on screen as CSV, every cell safe to open in a spreadsheet.

Formula cells (= + - @ tab CR at the start) are neutralised by issue 9's calc.views.inert.
"""

from __future__ import annotations

import csv

import pandas as pd

from calc.views import inert

neutralise_cell = inert.cell  # OWASP's rule for CSV injection: a leading apostrophe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV: text cells (and column names) neutralised, numbers as they are."""
    safe = inert.csv_frame(frame)
    # Every text cell quoted: pandas would leave a carriage return bare, splitting the row.
    return safe.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode()
