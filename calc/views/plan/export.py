"""Plan's exports: a CSV a spreadsheet can sum, and JSON of what the page shows.

Numbers are numbers: no "$", no thousands separators, the unit in the column's name
(`usd_per_month`, `image_tokens_per_request`, `image_share_of_request` from 0 to 1). Every value
is written exactly in plain decimal notation (never a float's rounding, never an exponent); a
ratio with no end — 3,000 requests over a 31-day month — is rounded half up at 12 decimal
places, a millionth of a micro-dollar. A number column's cell with no number (a word on screen:
"rejected", "—", "price unknown") is empty in the CSV and null in the JSON; yes-or-no columns
are `true` / `false`.

In the JSON every number that is not whole is a string of those exact digits (as `python -m calc
plan --json` writes dollars) and whole numbers are JSON numbers: a JSON reader parses numbers
into floats, which would round the money. Text cells of the CSV (and every heading) are
neutralised against formula injection (calc.views.inert.cell).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction
from numbers import Integral, Real

import numpy as np

from calc.views import inert
from calc.views.plan.table import Table

PLACES = 12  # decimal places of a ratio with no end: far below any cent
CSV = "text/csv"
JSON = "application/json"


def exact_text(value: object) -> str | None:
    """A number in plain decimal notation, exactly (a ratio with no end: to PLACES, half up);
    None for anything that is no number (a word, a missing value, NaN)."""
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        return None
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Fraction):
        return _plain(_decimal(value))
    if isinstance(value, Decimal):
        return _plain(value) if value.is_finite() else None
    if isinstance(value, Real) and np.isfinite(float(value)):  # a float: a mix's share, typed
        return _plain(Decimal(repr(float(value))))
    return None


def _decimal(value: Fraction) -> Decimal:
    """Exact where the decimal ends (a denominator of only 2s and 5s), else PLACES, half up."""
    rest = value.denominator
    for p in (2, 5):
        while rest % p == 0:
            rest //= p
    places = PLACES
    if rest == 1:
        places = 0
        while (value * 10**places).denominator != 1:
            places += 1
    scaled = abs(value) * 10**places
    whole, left = divmod(scaled.numerator, scaled.denominator)
    whole += 2 * left >= scaled.denominator  # half up (nothing left where the decimal ends)
    return Decimal(-whole if value < 0 else whole).scaleb(-places)


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _csv_cell(kind: str, value: object) -> str:
    if kind == "text":
        return "" if value is None else inert.cell(str(value))
    if kind == "flag":
        return "true" if value is True or value is np.True_ else "false"
    return exact_text(value) or ""


def _csv_column(kind: str, values) -> list[str]:
    """A column's cells, each distinct value written once (a million rows repeat a few)."""
    if kind == "number" and isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return values.astype(str).tolist()
    written: dict = {}
    out = []
    for value in values:
        try:
            text = written[value]
        except KeyError:
            text = written[value] = _csv_cell(kind, value)
        except TypeError:  # not hashable
            text = _csv_cell(kind, value)
        out.append(text)
    return out


def csv_bytes(table: Table) -> bytes:
    """The table as CSV: a header of export names, then each row."""
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180: CRLF; a cell with a comma, quote, CR or LF is quoted
    writer.writerow([inert.cell(c.name) for c in table.columns])
    writer.writerows(zip(*(_csv_column(c.kind, values)
                           for c, values in zip(table.columns, table.values, strict=True)),
                         strict=True))
    return out.getvalue().encode()


def json_number(value: object) -> int | str | None:
    """A number for JSON: whole as a JSON number, else its exact digits as a string; None
    (null) where there is no number."""
    number = exact_text(value)
    if number is None:
        return None
    return int(number) if number.lstrip("-").isdigit() else number


def _json_value(kind: str, value: object) -> object:
    if kind == "text":
        return None if value is None else str(value)
    if kind == "flag":
        return bool(value)
    return json_number(value)


def records(table: Table) -> list[dict[str, object]]:
    """The table's rows for JSON, keyed by the export names."""
    kinds = [(c.name, c.kind) for c in table.columns]
    return [{name: _json_value(kind, value) for (name, kind), value in zip(kinds, row,
                                                                          strict=True)}
            for row in zip(*table.values, strict=True)]


def json_bytes(document: dict) -> bytes:
    """A JSON document (UTF-8, indented a little, so a person can read it too)."""
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()
