"""`estimate_frame`: the rules of calc.engine.rules over NumPy columns, row for row equal.

Each distinct (model, detail, fidelity, rules) in the frame is resolved once into a Plan; its
numbers become lookup tables and every row is computed in int64 with the same integer formulas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calc.engine import rules as r
from calc.engine.errors import CalcError, InvalidSizeError
from calc.engine.estimate import MAX_SIDE

DEFAULTS = {"detail": "auto", "fidelity": "low", "rules": "billing"}
OUTPUT_COLUMNS = ("tokens", "usd", "accepted", "units", "cell", "cols", "rows", "resized_width",
                  "resized_height")
_PLAN_FIELDS = ("patch", "fit", "short", "budget", "reject", "enlarge", "aspect", "base",
                "per_unit", "base_only", "mult_num", "mult_den", "fid_square", "fid_other",
                "square_num", "square_den", "cell")


def _sizes(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df.columns:
        raise InvalidSizeError(f"the frame has no {name!r} column")
    col = df[name]
    values = col.to_numpy()
    if not np.issubdtype(values.dtype, np.integer):
        numeric = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(numeric) | (numeric != np.floor(numeric))
        if bad.any():
            row = int(np.argmax(bad))
            raise InvalidSizeError(f"row {df.index[row]!r}: {name} must be a whole number of "
                                   f"pixels, not {col.iloc[row]!r}")
        values = numeric
    values = values.astype(np.int64)
    bad = (values < 1) | (values > MAX_SIDE)
    if bad.any():
        row = int(np.argmax(bad))
        raise InvalidSizeError(f"row {df.index[row]!r}: {name} must be between 1 and "
                               f"{MAX_SIDE:,} pixels, not {values[row]}")
    return values


def _codes(df: pd.DataFrame, name: str) -> tuple[np.ndarray, list]:
    if name not in df.columns:
        return np.zeros(len(df), dtype=np.int64), [DEFAULTS[name]]
    codes, uniques = pd.factorize(df[name], use_na_sentinel=False)
    labels = [DEFAULTS.get(name) if pd.isna(u) else u for u in uniques]
    return codes.astype(np.int64), labels


def _plan_row(plan: r.Plan) -> tuple:
    # At low detail a tile model bills only its base; the grid shows the ≤512 px version.
    fit = 512 if plan.base_only else (plan.fit_side or 0)
    return (plan.kind in ("patch", "image2"), fit, 0 if plan.base_only else plan.short_side or 0,
            plan.budget or 0, plan.reject_above or 0, plan.enlarge_to or 0, plan.aspect_cap or 0,
            plan.base, plan.per_unit, plan.base_only, plan.mult_num, plan.mult_den,
            plan.fidelity_square, plan.fidelity_other, plan.square_num, plan.square_den, plan.cell)


def fit_long(w: np.ndarray, h: np.ndarray, fit) -> tuple[np.ndarray, np.ndarray]:
    """calc.engine.rules.fit_long over columns: new arrays; `fit` a scalar or a column (0: no fit).

    Works on the rows it changes only: integer division is the costly part.
    """
    w, h = np.array(w, dtype=np.int64), np.array(h, dtype=np.int64)
    fit = np.broadcast_to(np.asarray(fit, dtype=np.int64), w.shape)
    rows = np.flatnonzero((fit > 0) & (np.maximum(w, h) > fit))
    rw, rh, f = w[rows], h[rows], fit[rows]
    wide = rw >= rh
    w[rows] = np.where(wide, f, np.maximum(1, (2 * rw * f + rh) // (2 * rh)))
    h[rows] = np.where(wide, np.maximum(1, (2 * rh * f + rw) // (2 * rw)), f)
    return w, h


def _isqrt(x: np.ndarray) -> np.ndarray:
    s = np.floor(np.sqrt(x.astype(np.float64))).astype(np.int64)
    s -= s * s > x  # float sqrt can be one off either way near perfect squares
    s += (s + 1) * (s + 1) <= x
    return s


def _ceil_div(a: np.ndarray, b) -> np.ndarray:
    return -(-a // b)


def estimate_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The frame plus tokens, usd, accepted and the grid columns.

    A rejected image (§5) is a row with accepted False, its patch count in `units`, and no
    tokens (<NA>) or usd (NaN); usd is also NaN where no price is known. `usd` is a float column
    for display and sorting; exact totals come from tokens × the catalogue's Decimal prices.
    """
    w, h = _sizes(df, "width"), _sizes(df, "height")
    if "model" not in df.columns:
        raise CalcError("the frame has no 'model' column")
    parts = [_codes(df, name) for name in ("model", "detail", "fidelity", "rules")]
    combo = np.zeros(len(df), dtype=np.int64)
    for codes, labels in parts:
        combo = combo * len(labels) + codes
    seen = np.bincount(combo)  # combo codes are small: counting beats sorting a million rows
    present = np.flatnonzero(seen)  # the few distinct choices in the frame
    table = np.zeros((len(present), len(_PLAN_FIELDS)), dtype=np.int64)
    prices = np.full(len(present), np.nan)
    names = []
    for i, key in enumerate(present.tolist()):
        choice = []
        for _, labels in reversed(parts):
            key, code = divmod(key, len(labels))
            choice.append(labels[code])
        model, detail, fidelity, rules = reversed(choice)
        try:
            plan = r.plan_for(str(model), str(detail), str(fidelity), str(rules))
        except CalcError as error:
            row = int(np.argmax(combo == present[i]))
            raise type(error)(f"row {df.index[row]!r}: {error}") from None
        table[i] = _plan_row(plan)
        names.append(plan.model.name)
        if plan.model.price_input is not None:
            prices[i] = float(plan.model.price_input)
    position = np.zeros(len(seen), dtype=np.int64)
    position[present] = np.arange(len(present))
    idx = position[combo]
    if len(present) == 1:  # one choice for every row: broadcast its numbers, no per-row lookup
        p = {name: np.broadcast_to(table[0, j], idx.shape) for j, name in enumerate(_PLAN_FIELDS)}
    else:
        p = {name: np.take(np.ascontiguousarray(table[:, j]), idx)
             for j, name in enumerate(_PLAN_FIELDS)}
    out = _compute(w, h, p)
    result = df.copy()
    categories = sorted(set(names))
    model_code = np.array([categories.index(name) for name in names], dtype=np.int64)
    result["resolved_model"] = pd.Categorical.from_codes(model_code[idx], categories=categories)
    rejected = out["rejected"]
    result["tokens"] = pd.arrays.IntegerArray(out["tokens"], rejected)
    usd = out["tokens"] * prices[idx] / 1_000_000
    usd[rejected] = np.nan
    result["usd"] = usd
    result["accepted"] = ~rejected
    for name in OUTPUT_COLUMNS[3:]:
        result[name] = out[name]
    return result


def _compute(w: np.ndarray, h: np.ndarray, p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    extra = _fidelity(p, w, h)  # by the aspect ratio of the image as given
    # Fit the long side (rounded half up); rows with fit == 0 have no such step.
    w, h = fit_long(w, h, p["fit"])
    # Short side down (rounded down), tile and image families only.
    short = p["short"]
    rows = np.flatnonzero((short > 0) & (np.minimum(w, h) > short))
    rw, rh, s = w[rows], h[rows], short[rows]
    tall = rw <= rh
    w[rows] = np.where(tall, s, rw * s // rh)
    h[rows] = np.where(tall, rh * s // rw, s)
    # gpt-image-2: enlarge a small image, then cap the aspect ratio (the canvas is padded).
    rows = np.flatnonzero(p["enlarge"])
    if len(rows):
        w[rows], h[rows] = _enlarge_and_cap(w[rows], h[rows], p["enlarge"][rows],
                                            p["aspect"][rows])
    # Patch family: shrink to the budget exactly (see rules.shrink_to_budget).
    budget = p["budget"]
    patch = p["patch"] > 0
    any_patch, all_patch = bool(patch.any()), bool(patch.all())
    units = tiles = cols512 = rows512 = None
    rejected = np.zeros(len(w), dtype=bool)
    if any_patch:
        units = ((w + 31) >> 5) * ((h + 31) >> 5)
        rows = np.flatnonzero(patch & (budget > 0) & (units > budget))
        if len(rows):
            ow, oh, ob = w[rows], h[rows], budget[rows]
            a, b = _isqrt(ob * ow // oh), _isqrt(ob * oh // ow)
            by_width = a * oh <= b * ow
            nw = np.maximum(1, np.where(by_width, 32 * a, 32 * b * ow // oh))
            nh = np.maximum(1, np.where(by_width, 32 * a * oh // ow, 32 * b))
            w[rows], h[rows] = nw, nh
            units[rows] = np.minimum(((nw + 31) >> 5) * ((nh + 31) >> 5), ob)
        reject = p["reject"]
        rejected = patch & (reject > 0) & (units > reject)
    if not all_patch:  # tile and image families: 512 px tiles
        cols512, rows512 = (w + 511) >> 9, (h + 511) >> 9
        tiles = cols512 * rows512
    if all_patch:  # one family only: skip the other's arithmetic
        tokens = -(-(units * p["mult_num"]) // p["mult_den"])
        cols, rows_, counted = (w + 31) >> 5, (h + 31) >> 5, units
    else:
        base_only = p["base_only"] > 0
        tokens = np.where(base_only, p["base"], p["base"] + p["per_unit"] * tiles)
        counted = np.where(base_only, 0, tiles)
        cols, rows_ = cols512, rows512
        if any_patch:
            rows = np.flatnonzero(patch)
            tokens[rows] = -(-(units[rows] * p["mult_num"][rows]) // p["mult_den"][rows])
            counted = np.where(patch, units, counted)
            cols, rows_ = np.where(patch, (w + 31) >> 5, cols), np.where(patch, (h + 31) >> 5,
                                                                          rows_)
    tokens = tokens + extra
    tokens[rejected] = 0  # masked: the API bills nothing for a rejected image
    return {
        "tokens": tokens, "rejected": rejected, "units": counted, "cell": p["cell"], "cols": cols,
        "rows": rows_, "resized_width": w, "resized_height": h,
    }


def _enlarge_and_cap(w, h, side, cap) -> tuple[np.ndarray, np.ndarray]:
    """rules.enlarge then rules.cap_aspect, over columns."""
    long = np.maximum(w, h)
    grow = long < side
    new = np.minimum(side, 2 * long)
    wide = w >= h
    ew = np.where(grow, np.where(wide, new, np.maximum(1, (2 * w * new + h) // (2 * h))), w)
    eh = np.where(grow, np.where(wide, np.maximum(1, (2 * h * new + w) // (2 * w)), new), h)
    cw = np.where(eh > cap * ew, -(-eh // cap), ew)
    ch = np.where(ew > cap * eh, -(-ew // cap), eh)
    return cw, ch


def _fidelity(p: dict[str, np.ndarray], w: np.ndarray, h: np.ndarray) -> np.ndarray:
    extra = np.zeros(len(w), dtype=np.int64)
    rows = np.flatnonzero(p["fid_square"])
    if len(rows):
        n, d = p["square_num"][rows], p["square_den"][rows]
        rw, rh = w[rows], h[rows]
        square = (d * rw * rw < n * rh * rh) & (d * rh * rh < n * rw * rw)
        extra[rows] = np.where(square, p["fid_square"][rows], p["fid_other"][rows])
    return extra
