"""Plan's tables as typed columns: each holds exact values (int, Fraction, Decimal, text) and
says how a reader sees them and what an export calls them.

The page shows `shown(table)` (text formatted once, here); the exports write the same values
exactly, under the column's export name, which carries its unit (`usd_per_month`,
`image_tokens_per_request`): calc.views.plan.export. A cell may hold a word where there is no
number ("rejected", "—"): shown as it is, written as an empty cell (null in JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from calc.engine.pricing import format_usd

Show = Callable[[object], object]


def count_text(value: Fraction | int | float) -> str:
    """A count for a reader: whole with thousands separators, else one decimal."""
    return f"{round(value):,}" if value == round(value) else f"{float(value):,.1f}"


def share_text(value: Fraction | None) -> str:
    """A share of 1 as a whole percentage; '' where there is none."""
    return "" if value is None else f"{float(value):.0%}"


@dataclass(frozen=True)
class Column:
    """One column: its heading on screen, its name in an export (with the unit), what it holds
    ("text", "number" or "flag": yes or no) and how a value is shown (None: as it is — text,
    or a number the table widget formats). A word in a number column ("rejected", "—") is
    shown as it is."""

    label: str
    name: str
    kind: str = "number"
    show: Show | None = None

    def shown(self, value: object) -> object:
        if self.show is None or (isinstance(value, str) and self.kind != "text"):
            return value
        return self.show(value)

    @classmethod
    def text(cls, label: str, name: str) -> Column:
        return cls(label, name, "text")

    @classmethod
    def usd(cls, label: str, name: str) -> Column:
        """Dollars, shown by the one money formatter."""
        return cls(label, name, "number", format_usd)

    @classmethod
    def count(cls, label: str, name: str) -> Column:
        return cls(label, name, "number", count_text)

    @classmethod
    def share(cls, label: str, name: str) -> Column:
        """A share of 1 (exported as such), shown as a percentage."""
        return cls(label, name, "number", share_text)

    @classmethod
    def flag(cls, label: str, name: str, yes: str, no: str) -> Column:
        return cls(label, name, "flag", lambda v: yes if v else no)


@dataclass(frozen=True, eq=False)
class Table:
    """Columns and their values, column by column (a million rows stay arrays, not objects)."""

    columns: tuple[Column, ...]
    values: tuple[Sequence, ...]

    def __len__(self) -> int:
        return len(self.values[0]) if self.values else 0

    @classmethod
    def of_rows(cls, columns: Sequence[Column], rows: Sequence[Sequence]) -> Table:
        by_column = tuple(zip(*rows, strict=True)) if rows else tuple(() for _ in columns)
        return cls(tuple(columns), tuple(list(v) for v in by_column))

    def column(self, label: str) -> Sequence:
        """The exact values under a heading."""
        return self.values[[c.label for c in self.columns].index(label)]


def shown(table: Table) -> pd.DataFrame:
    """The table as the page shows it: every value formatted by its column, headings as
    labels. Columns without a formatter keep their values (numbers stay numbers)."""
    out = {}
    for col, values in zip(table.columns, table.values, strict=True):
        if col.show is None:
            out[col.label] = values
        else:
            out[col.label] = [col.shown(v) for v in values]
    return pd.DataFrame(out, columns=[c.label for c in table.columns])
