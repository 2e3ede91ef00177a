"""A manifest of image sizes of any length, costed chunk by chunk in bounded memory.

A chunk is a mapping of columns (NumPy arrays or anything `np.asarray` takes): width, height,
and optionally count, detail, model. Each chunk is checked (bad rows counted, never fatal),
collapsed to its distinct sizes (`pd.factorize`: hashing, no sort) and only those are costed
with `estimate_frame`. Totals are integers; dollars are exact (tokens × Decimal price).
The file reading is I/O and lives in calc.adapters.manifest_files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError
from calc.engine.frame import estimate_frame
from calc.engine.pricing import usd
from calc.engine.rules import DETAILS

MAX_SIDE_PX = 100_000  # a side beyond this is a typo, not an image (as Plan's CSV reader says)
MAX_COUNT = 1_000_000  # images of one size in one row
PLANNABLE_FAMILIES = ("tile", "patch")  # models that read images in chat/responses requests
_KEY = MAX_SIDE_PX + 1


@dataclass(frozen=True)
class ModelTotal:
    model: str
    images: int
    image_tokens: int
    rejected: int  # images the API would refuse (30,000 patches): never priced
    usd: Decimal | None  # standard tier; None where no price is known

    def to_dict(self) -> dict:
        return {"model": self.model, "images": self.images, "image_tokens": self.image_tokens,
                "usd": None if self.usd is None else str(self.usd), "rejected": self.rejected}


def plannable(model: str) -> str:
    """The catalogue name of a model Plan can cost image inputs on, else a CalcError."""
    m = resolve_model(model)
    if m.family not in PLANNABLE_FAMILIES:
        raise CalcError(f"{m.name} makes images: its inputs are costed under Generate")
    return m.name


@dataclass
class ManifestScan:
    """Accumulates chunks. Rows naming a model are costed on it only; the rest on `models`.

    `keep_sizes`: also keep the distinct (width, height, detail, model) with summed counts, for
    Plan (its memory grows with the distinct sizes, not the rows).
    """

    models: Sequence[str]
    detail: str = "auto"
    rules: str = "billing"
    keep_sizes: bool = False
    rows: int = 0
    bad_rows: int = 0
    bad_examples: list[tuple[int, str]] = field(default_factory=list)  # (row, reason), first few
    _tokens: dict[str, int] = field(default_factory=dict)
    _images: dict[str, int] = field(default_factory=dict)
    _rejected: dict[str, int] = field(default_factory=dict)
    _rejected_sizes: dict[tuple[str, int, int], int] = field(default_factory=dict)
    _sizes: list[pd.DataFrame] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.detail not in DETAILS:
            raise CalcError(f"unknown detail {self.detail!r}: use one of {', '.join(DETAILS)}")
        self.models = tuple(dict.fromkeys(plannable(m) for m in self.models))
        for name in self.models:
            self._start(name)

    def _start(self, name: str) -> None:
        for d in (self._tokens, self._images, self._rejected):
            d.setdefault(name, 0)

    # --- one chunk ---------------------------------------------------------------------------
    def add(self, chunk: Mapping[str, object]) -> None:
        ragged = int(chunk.get("ragged", 0))  # lines the reader left out (wrong field count)
        if ragged:
            self.bad_rows += ragged
            if len(self.bad_examples) < 20:
                self.bad_examples.append((0, f"{ragged:,} line(s) with a wrong number of fields"))
        n = len(np.asarray(chunk["width"]))
        if n == 0:
            self.rows += ragged
            return
        first = self.rows
        self.rows += n
        checks: list[tuple[np.ndarray, str]] = []  # (bad rows, why): strings only for the few
        w = _whole(chunk["width"], "width", None, MAX_SIDE_PX, checks)
        h = _whole(chunk["height"], "height", None, MAX_SIDE_PX, checks)
        count = (_whole(chunk["count"], "count", 1, MAX_COUNT, checks) if "count" in chunk
                 else np.ones(n, dtype=np.int64))
        d_code, d_labels = _choices(chunk.get("detail"), n, checks, _detail)
        m_code, m_labels = _choices(chunk.get("model"), n, checks, _model)
        if not self.models and "model" not in chunk:
            raise CalcError("choose at least one model (the manifest has no model column)")
        unpinned = m_code < 0
        if not self.models:  # rows that name no model cannot be costed: they are bad
            checks.append((unpinned, "no model given"))
        bad = np.zeros(n, dtype=bool)
        for mask, _ in checks:
            bad |= mask
        if bad.any():
            self.bad_rows += int(bad.sum())
            for i in np.flatnonzero(bad)[: max(0, 20 - len(self.bad_examples))]:
                why = "; ".join(text if isinstance(text, str) else text[i]
                                for mask, text in checks if mask[i])
                self.bad_examples.append((first + int(i) + 1, why))
        good = ~bad
        d_labels = [lab or self.detail for lab in d_labels] + [self.detail]
        d_code = np.where(d_code < 0, len(d_labels) - 1, d_code)
        for target in self.models:
            self._cost(target, good & unpinned, w, h, count, d_code, d_labels)
        for j, name in enumerate(m_labels):
            if name:
                self._start(name)
                self._cost(name, good & (m_code == j), w, h, count, d_code, d_labels, name)
        self.rows += ragged  # after the chunk's rows, so their numbers stay data-row numbers

    def _cost(self, model: str, rows: np.ndarray, w, h, count, d_code, d_labels,
              pinned: str = "") -> None:
        if not rows.any():
            return
        key = (w[rows] * _KEY + h[rows]) * len(d_labels) + d_code[rows]
        codes, uniques = pd.factorize(key, sort=False)
        n = np.bincount(codes, weights=count[rows], minlength=len(uniques)).astype(np.int64)
        wh, d = np.divmod(np.asarray(uniques, dtype=np.int64), len(d_labels))
        uw, uh = wh // _KEY, wh % _KEY
        detail = np.array(d_labels, dtype=object)[d]
        frame = pd.DataFrame({"width": uw, "height": uh, "detail": detail,
                              "model": pd.Categorical.from_codes(np.zeros(len(uw), np.int64),
                                                                 [model])}, copy=False)
        if self.rules != "billing":
            frame["rules"] = self.rules
        out = estimate_frame(frame)
        accepted = out["accepted"].to_numpy()
        tokens = out["tokens"].to_numpy(dtype=np.int64, na_value=0)
        self._tokens[model] += int(np.dot(tokens, n))
        self._images[model] += int(n.sum())
        self._rejected[model] += int(n[~accepted].sum())
        for i in np.flatnonzero(~accepted)[:50]:
            k = (model, int(uw[i]), int(uh[i]))
            self._rejected_sizes[k] = self._rejected_sizes.get(k, 0) + int(n[i])
        if self.keep_sizes and model == (pinned or self.models[0]):
            self._sizes.append(pd.DataFrame({
                "width": uw, "height": uh,
                "detail": detail, "model": pinned, "count": n}))
            if len(self._sizes) > 8:  # merge as we go: memory follows the distinct sizes
                self._sizes = [_collapse(self._sizes)]

    # --- results -------------------------------------------------------------------------------
    def totals(self) -> list[ModelTotal]:
        out = []
        for name in self._tokens:
            if name not in self.models and not self._images[name]:
                continue  # a model only bad rows named
            tokens = self._tokens[name]
            out.append(ModelTotal(name, self._images[name], tokens, self._rejected[name],
                                  usd(tokens, resolve_model(name).price_input)))
        return out

    def rejected_sizes(self) -> list[tuple[str, int, int, int]]:
        """(model, width, height, images) of rejected sizes (the first few per chunk)."""
        return [(*k, v) for k, v in self._rejected_sizes.items()]

    def sizes(self) -> pd.DataFrame:
        """Distinct sizes with summed counts (needs keep_sizes)."""
        if not self._sizes:
            return pd.DataFrame({"width": np.array([], np.int64), "height": np.array([], np.int64),
                                 "detail": "", "model": "", "count": np.array([], np.int64)})
        return _collapse(self._sizes)


def scan(chunks: Iterable[Mapping[str, object]], models: Sequence[str], detail: str = "auto",
         rules: str = "billing", keep_sizes: bool = False) -> ManifestScan:
    """Every chunk added to one ManifestScan."""
    result = ManifestScan(models, detail, rules, keep_sizes)
    for chunk in chunks:
        result.add(chunk)
    return result


def _collapse(parts: list[pd.DataFrame]) -> pd.DataFrame:
    frame = pd.concat(parts, ignore_index=True)
    return frame.groupby(["width", "height", "detail", "model"], sort=False, as_index=False,
                         observed=True)["count"].sum()


# --- checks over a chunk's columns ---------------------------------------------------------------


def _numbers(values: object) -> np.ndarray:
    """int64 as given, or float64 (NaN: missing or not a number) from floats or text."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iuf":
        return arr
    return pd.to_numeric(pd.Series(arr, dtype=object).astype(str).str.strip(),
                         errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _whole(values: object, name: str, missing: int | None, high: int,
           checks: list) -> np.ndarray:
    """Whole numbers 1 … high as int64; the rows that are not, added to `checks`.

    `missing`: what an empty cell means (None: it makes the row bad).
    """
    arr = _numbers(values)
    if arr.dtype.kind in "iu":  # the fast path: a clean integer column
        bad = (arr < 1) | (arr > high)
    else:
        empty = np.isnan(arr)
        if missing is not None:
            arr = np.where(empty, missing, arr)
        elif empty.any():
            checks.append((empty, f"{name} is missing or not a number"))
        with np.errstate(invalid="ignore"):
            bad = ~empty & (~np.isfinite(arr) | (arr != np.floor(arr)) | (arr < 1) | (arr > high))
        bad |= empty if missing is None else False
    if bad.any():
        checks.append((bad & ~(np.isnan(arr) if arr.dtype.kind == "f" else False),
                       f"{name} is not a whole number from 1 to {high:,}"))
        arr = np.where(bad, 1, arr)
    return arr.astype(np.int64, copy=False)


def _choices(values: object, n: int, checks: list, check) -> tuple[np.ndarray, list]:
    """Codes into the distinct canonical values of a text column (-1: not given)."""
    if values is None:
        return np.full(n, -1, dtype=np.int64), []
    codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object)),
                                  use_na_sentinel=True)
    labels, problems = [], []
    for value in uniques:
        text = str(value).strip()
        fixed, problem = check(text) if text else ("", "")
        labels.append(fixed)
        problems.append(problem)
    label_of = {lab: i for i, lab in enumerate(dict.fromkeys(lab for lab in labels if lab))}
    code_map = np.array([label_of.get(lab, -1) for lab in labels] + [-1], dtype=np.int64)
    out = code_map[np.where(codes < 0, len(labels), codes)]
    if any(problems):
        row_problem = np.array(problems + [""], dtype=object)[np.where(codes < 0, -1, codes)]
        checks.append((row_problem != "", row_problem))
    return out, list(label_of)


def _detail(text: str) -> tuple[str, str]:
    value = text.lower()
    return (value, "") if value in DETAILS else ("", f"unknown detail {text[:40]!r}")


def _model(text: str) -> tuple[str, str]:
    try:
        return plannable(text), ""
    except CalcError:
        return "", f"unknown or non-vision model {text[:40]!r}"
