"""A workload's rows: the one set of rules that says which rows are sizes, and the one collapse
to distinct sizes. Pure: every reader (CSV, Parquet, image headers, a typed table) hands its rows
here as a pandas batch, and Plan and `python -m calc plan` see the same good and bad rows.

A batch has width and height columns and optionally count, detail and model, as the reader got
them: numbers, or text exactly as typed. A row is bad only when it is not a size — a width or
height that is missing, not a whole number, or outside 1 … MAX_SIDE_PX — or its count, detail or
model cannot be used. Any size within those bounds is kept, however big: the API resizes it, or
rejects it (then it is counted as rejected), and the pricing says which. Nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError, InvalidSizeError
from calc.engine.estimate import MAX_SIDE
from calc.engine.rules import DETAILS

MAX_SIDE_PX = 100_000  # a side beyond this is a typo, not an image
MAX_COUNT = 1_000_000  # images of one size in one row; keeps every total exact in int64/float64
COLUMNS = ("width", "height", "count", "detail", "model")
PLANNABLE_FAMILIES = ("tile", "patch")  # models that read images in chat/responses requests
# Cells that mean "no value" (as spreadsheets and databases export them), whichever reader.
NA_MARKERS = ("", "NA", "N/A", "n/a", "NULL", "null", "None", "#N/A", "<NA>", "nan", "NaN",
              "-nan", "-NaN")
_KEY = MAX_SIDE + 1  # packs (width, height) into one int64
_SHOWN = 40  # characters of a cell quoted in a reason


def plannable(model: str) -> str:
    """The catalogue name of a model Plan can cost image inputs on, else a CalcError."""
    m = resolve_model(model)
    if m.family not in PLANNABLE_FAMILIES:
        raise CalcError(f"{m.name} makes images: its inputs are costed under Generate")
    return m.name


class Problems:
    """What is wrong with each row of a batch: masks while checking (cheap on a million rows);
    the words only for the rows that are shown."""

    def __init__(self, n: int):
        self.n = n
        self._found: list[tuple[np.ndarray, str | Callable[[np.ndarray], list[str]]]] = []

    def flag(self, mask: np.ndarray, text: str | Callable[[np.ndarray], list[str]]) -> None:
        """Rows in `mask` have this problem: `text`, or a function of their indices giving
        each one's text."""
        if mask.any():
            self._found.append((mask, text))

    @property
    def bad(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for mask, _ in self._found:
            out |= mask
        return out

    def reasons(self, rows: np.ndarray) -> list[str]:
        """Each of `rows`' problems, in the order they were checked, joined by "; "."""
        parts: list[list[str]] = [[] for _ in range(len(rows))]
        for mask, text in self._found:
            hit = np.flatnonzero(mask[rows])
            if len(hit):
                texts = [text] * len(hit) if isinstance(text, str) else text(rows[hit])
                for j, t in zip(hit.tolist(), texts, strict=True):
                    parts[j].append(t)
        return ["; ".join(p) for p in parts]


@dataclass(frozen=True, eq=False)
class CheckedBatch:
    """A batch split by the rules.

    `good`: the label column (line, row or file), width, height, count (int64), detail and model
    (Categoricals: the canonical value, "" where not given). `ok`: which batch rows are good.
    `bad`: the first `keep` bad rows — the label, the cells as given, the reason — of `bad_count`.
    """

    good: pd.DataFrame
    ok: np.ndarray
    bad: pd.DataFrame
    bad_count: int


def check_batch(batch: pd.DataFrame, where: np.ndarray | None = None, label: str = "row",
                too_wide: np.ndarray | None = None, header_fields: int = 0,
                keep: int | None = None, label_good: bool = True) -> CheckedBatch:
    """Split a batch into good and bad rows; every problem of a bad row is named.

    `where`: each row's label (a line or row number, a file name); default 1, 2, …
    `too_wide`: for a CSV, the number of fields on each line that has more than the header's
    `header_fields` (0 elsewhere). `keep`: at most this many bad rows are tabled (all counted).
    `label_good`: give the good rows their label column too (not needed once they collapse).
    """
    batch = batch.reset_index(drop=True)
    n = len(batch)
    where = np.arange(1, n + 1, dtype=np.int64) if where is None else np.asarray(where)
    problems = Problems(n)
    w, h = check_sizes(_column(batch, "width", n), _column(batch, "height", n), problems)
    if too_wide is not None:
        problems.flag(too_wide > 0, lambda rows: [
            f"has {k:,} fields; the header has {header_fields:,}" for k in too_wide[rows]])
    count = (_whole(batch["count"], "count", MAX_COUNT, problems, missing=1)
             if "count" in batch.columns else np.ones(n, dtype=np.int64))  # no count: one image
    detail = _check_choice(batch, "detail", problems, _detail_problem)
    model = _check_choice(batch, "model", problems, _model_problem)
    bad_rows = problems.bad
    ok = ~bad_rows
    good = {label: where[ok]} if label_good else {}
    good.update({"width": w[ok], "height": h[ok], "count": count[ok], "detail": detail[ok],
                 "model": model[ok]})
    bad_at = np.flatnonzero(bad_rows)
    shown = bad_at if keep is None else bad_at[:keep]
    bad = {label: where[shown]}
    for name in COLUMNS:
        if name in batch.columns:
            bad[name] = batch[name].iloc[shown].to_numpy(dtype=object)
    bad["reason"] = problems.reasons(shown)
    return CheckedBatch(pd.DataFrame(good, copy=False), ok, pd.DataFrame(bad), len(bad_at))


def check_sizes(width: pd.Series, height: pd.Series, problems: Problems
                ) -> tuple[np.ndarray, np.ndarray]:
    """Whole sizes from 1 to MAX_SIDE_PX a side, as int64 (where the row is good); the rows
    that are not go into `problems`."""
    return (_whole(width, "width", MAX_SIDE_PX, problems),
            _whole(height, "height", MAX_SIDE_PX, problems))


def _whole(col: pd.Series, name: str, high: int, problems: Problems,
           missing: int | None = None) -> np.ndarray:
    """Whole numbers from 1 to `high` as int64 (other rows: any value); each problem flagged.
    `missing`: what an empty cell means (None: it is a problem)."""
    if pd.api.types.is_integer_dtype(col.dtype) and not col.hasnans:  # clean: no float detour
        values = col.to_numpy(dtype=np.int64)
        problems.flag(values == 0, f"{name} is zero")
        problems.flag(values < 0, f"{name} is negative")
        problems.flag(values > high, f"{name} is over {high:,}{' px' * (missing is None)}")
        return values
    values, empty, not_number = numbers(col)
    finite = np.isfinite(values)
    if missing is None:
        problems.flag(empty, f"{name} is missing")
    problems.flag(not_number, f"{name} is not a number")
    problems.flag(finite & (values != np.floor(values)), f"{name} is not a whole number")
    problems.flag(finite & (values == 0), f"{name} is zero")
    problems.flag(finite & (values < 0), f"{name} is negative")
    problems.flag(finite & (values > high), f"{name} is over {high:,}{' px' * (missing is None)}")
    usable = finite & (np.abs(values) <= high)
    return np.where(usable, values, 1 if missing is None else missing).astype(np.int64)


def _column(frame: pd.DataFrame, name: str, n: int) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series([None] * n, dtype=object)


# --- numbers, from numbers or from text ----------------------------------------------------------


_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_INFINITY = r"^[+-]?inf(inity)?$"


def numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """float64 values, 'missing' mask, 'not a number' mask (text, or ±infinity).

    A cell reading "nan" or a NA marker counts as missing, whichever reader produced the column,
    so a number column means the same from a CSV, a Parquet file or a table.
    """
    dtype = col.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        return values, np.isnan(values), np.isinf(values)
    values, missing = _parse_numbers(col)
    return values, missing, ~missing & ~np.isfinite(values)


def _parse_numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Text to float64 (NaN where not a number) and the missing cells.

    Arrow's string kernels: plain digit strings are cast at once; only the rest (usually few)
    go through the number pattern.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(col, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed objects (e.g. bools, ints and text)
        arr = pa.array([None if _is_na(v) else str(v) for v in col.to_numpy(dtype=object)],
                       type=pa.string())
    digits = pc.fill_null(pc.and_(pc.ascii_is_decimal(arr),
                                  pc.less_equal(pc.utf8_length(arr), 18)), False)
    values = pc.cast(pc.if_else(digits, arr, pa.scalar(None, pa.string())), pa.float64())
    values = values.to_numpy(zero_copy_only=False).astype(np.float64)
    missing = np.zeros(len(values), dtype=bool)
    rest = np.flatnonzero(~digits.to_numpy(zero_copy_only=False))
    if not len(rest):
        return values, missing
    other = pc.utf8_trim_whitespace(pc.take(arr, pa.array(rest)))
    ok = pc.fill_null(pc.match_substring_regex(other, _NUMBER), False)
    values[rest] = pc.cast(pc.if_else(ok, other, pa.scalar(None, pa.string())),
                           pa.float64()).to_numpy(zero_copy_only=False)
    empty = pc.fill_null(pc.or_(pc.is_in(other, value_set=pa.array(NA_MARKERS)),
                                pc.match_substring_regex(other, r"^[+-]?nan$",
                                                         ignore_case=True)), True)
    missing[rest] = empty.to_numpy(zero_copy_only=False)
    infinite = pc.fill_null(pc.match_substring_regex(other, _INFINITY, ignore_case=True),
                            False).to_numpy(zero_copy_only=False)
    signs = np.where(pc.starts_with(other, "-").to_numpy(zero_copy_only=False), -np.inf, np.inf)
    values[rest[infinite]] = signs[infinite]
    return values, missing


def _is_na(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


# --- detail and model: each distinct value checked once -------------------------------------------


def _check_choice(frame: pd.DataFrame, name: str, problems: Problems,
                  problem: Callable[[str], tuple[str, str]]) -> pd.Categorical:
    """Check each distinct value of a text column once; flag the rows that use a bad one.

    Returns the canonical values as a Categorical ("" where not given or bad).
    """
    if name not in frame.columns:
        return pd.Categorical.from_codes(np.zeros(problems.n, dtype=np.int64), categories=[""])
    codes, uniques = pd.factorize(frame[name], use_na_sentinel=False)
    canonical, messages = [], []
    for value in uniques:
        text = "" if _is_na(value) else str(value).strip()
        text = "" if text in NA_MARKERS else text
        fixed, message = problem(text) if text else ("", "")
        canonical.append(fixed)
        messages.append(message)
    if any(messages):
        said = np.array(messages, dtype=object)
        problems.flag((said != "")[codes], lambda rows: list(said[codes[rows]]))
    merged, categories = pd.factorize(np.array(canonical or [""], dtype=object))  # "HIGH", "high"
    return pd.Categorical.from_codes(merged[codes], categories=list(categories))


def _shown(text: str) -> str:
    """A cell quoted in a reason: short, and with control characters escaped (repr)."""
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…")


def _detail_problem(text: str) -> tuple[str, str]:
    value = text.lower()
    if value in DETAILS:
        return value, ""
    return "", f"unknown detail {_shown(text)} (use {', '.join(DETAILS)})"


def _model_problem(text: str) -> tuple[str, str]:
    try:
        model = resolve_model(text)
    except CalcError:
        return "", f"unknown model {_shown(text)}"
    if model.family not in PLANNABLE_FAMILIES:
        return "", f"{model.name} makes images: cost it under Generate"
    return model.name, ""


# --- the one collapse ----------------------------------------------------------------------------


def distinct_sizes(rows: pd.DataFrame, detail: str = "") -> tuple[pd.DataFrame, np.ndarray]:
    """Collapse rows that cost the same (same size, detail and model) into one, counts summed.

    `rows`: width, height, count and optionally detail and model ("" or missing = not given; a
    missing detail becomes `detail`). Returns the distinct sizes (width, height, detail, model as
    Categoricals, count) and, for each row, its row among them.
    """
    w = rows["width"].to_numpy(dtype=np.int64)
    h = rows["height"].to_numpy(dtype=np.int64)
    if len(w) and (min(w.min(), h.min()) < 1 or max(w.max(), h.max()) > MAX_SIDE):
        raise InvalidSizeError(f"every width and height must be between 1 and {MAX_SIDE:,} px")
    count = rows["count"].to_numpy()
    d_codes, d_labels = _text_codes(rows, "detail", len(w), detail)
    m_codes, m_labels = _text_codes(rows, "model", len(w), "")
    nd, nm = len(d_labels), len(m_labels)
    if nd * nm > np.iinfo(np.int64).max // (_KEY * _KEY):  # the packed key must fit in int64
        raise CalcError(f"too many different detail and model values ({nd} × {nm})")
    key = ((w * _KEY + h) * nd + d_codes) * nm + m_codes
    inverse, unique = pd.factorize(key, sort=True)  # hashing; only the distinct keys sorted
    total = np.bincount(inverse, weights=count.astype(np.float64), minlength=len(unique))
    if np.issubdtype(count.dtype, np.integer):
        if len(total) and total.max() >= 2**53:  # past float64's whole numbers: add exactly
            total = np.zeros(len(unique), dtype=np.int64)
            np.add.at(total, inverse, count.astype(np.int64, copy=False))
        total = np.rint(total).astype(np.int64)
    rest, m = np.divmod(unique, nm)
    wh, d = np.divmod(rest, nd)
    sizes = pd.DataFrame({
        "width": wh // _KEY, "height": wh % _KEY,
        "detail": pd.Categorical.from_codes(d, categories=d_labels),
        "model": pd.Categorical.from_codes(m, categories=m_labels),
        "count": total,
    }, copy=False)
    return sizes, inverse.astype(np.int64)


def _text_codes(rows: pd.DataFrame, name: str, n: int, blank: str) -> tuple[np.ndarray, list]:
    """Codes and distinct labels of a text column; missing or "" becomes `blank`."""
    if name not in rows.columns:
        return np.zeros(n, dtype=np.int64), [blank]
    col = rows[name]
    if isinstance(col.dtype, pd.CategoricalDtype):  # the checked rows': codes as they are
        codes, uniques = col.cat.codes.to_numpy(), list(col.cat.categories)
        if (codes < 0).any():
            codes, uniques = np.where(codes < 0, len(uniques), codes), [*uniques, blank]
    else:
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
    labels = [blank if _is_na(u) or str(u) == "" else str(u) for u in uniques]
    merged, distinct = pd.factorize(np.array(labels or [blank], dtype=object))
    return merged[codes].astype(np.int64) if n else np.zeros(0, dtype=np.int64), list(distinct)
