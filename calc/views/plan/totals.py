"""What a whole workload costs, and what resizing would save (Generate: calc.views.plan.generate).

Every per-image number comes from calc.estimate_frame: this module only weights and sums them,
exactly (integers and Fractions). These volume-free totals are the costly part, computed once
per workload; calc.views.plan.figures applies the volume, the request's shape, the tier and the
limits afterwards, so changing those is instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from calc.engine.catalogue import models as all_models
from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError
from calc.engine.frame import estimate_frame
from calc.engine.frame import fit_long as fit_sizes  # the advisor's pre-resize: the spec's fit step
from calc.engine.manifest import PLANNABLE_FAMILIES, distinct_sizes
from calc.engine.pricing import tier_factor, usd
from calc.engine.rules import DETAILS
from calc.views.model_choice import DEFAULT_PLAN_MODELS
from calc.views.plan.table import Column, Table

DEFAULT_MODELS = DEFAULT_PLAN_MODELS
FIT_SIDES = (2048, 1536, 1024, 768, 512)
AS_SENT = "as sent"
MAX_REQUESTS_PER_DAY = 1_000_000_000


def plannable_models() -> tuple[str, ...]:
    """Models that read images in chat/responses requests (not the gpt-image generators)."""
    return tuple(m.name for m in all_models() if m.family in PLANNABLE_FAMILIES)


# --- pricing a workload --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PricedWorkload:
    """A workload costed per distinct size and model (volume-free, standard tier).

    `sizes`: width, height, detail, model ("" = costed on every compared model), count.
    `costs`: size (row of `sizes`), model, tokens, usd (NaN: price unknown), seen_width and
    seen_height (what the model looks at after its own resizing).
    `row_size`: for each workload row, its row in `sizes`.
    """

    sizes: pd.DataFrame
    costs: pd.DataFrame
    row_size: np.ndarray
    compared: tuple[str, ...]  # the models every unpinned size is costed on
    models: tuple[str, ...]  # compared + the models rows name themselves
    rules: str
    images: float  # all images of the workload (Σ count)


def price_workload(rows: pd.DataFrame, models: Sequence[str], detail: str = "auto",
                   rules: str = "billing") -> PricedWorkload:
    """Cost each distinct size once per model with calc.estimate_frame.

    `rows` needs width, height and count; detail and model are optional ("" = not given). A row
    whose detail is "" gets `detail`; a row with a model is costed on that model only.
    """
    if detail not in DETAILS:
        raise CalcError(f"unknown detail {detail!r}: use one of {', '.join(DETAILS)}")
    compared = tuple(dict.fromkeys(resolve_model(m).name for m in models))
    sizes, row_size = distinct_sizes(rows, detail)
    model_of = sizes["model"].to_numpy(dtype=object)
    pinned = model_of != ""
    free, fixed = np.flatnonzero(~pinned), np.flatnonzero(pinned)
    resolved = {m: resolve_model(m).name for m in set(model_of[fixed].tolist())}
    pinned_names = [resolved[m] for m in model_of[fixed].tolist()]
    names = tuple(dict.fromkeys([*compared, *pinned_names]))
    size_idx = np.concatenate([np.tile(free, len(compared)), fixed]).astype(np.int64)
    model_code = np.concatenate([
        np.repeat(np.arange(len(compared), dtype=np.int64), len(free)),
        np.array([names.index(m) for m in pinned_names], dtype=np.int64)]).astype(np.int64)
    model_col = pd.Categorical.from_codes(model_code, categories=list(names))
    # One estimate_frame call per model (and one for the pinned rows): the same rows, but the
    # working memory of one model's rows at a time.
    starts = np.r_[np.arange(len(compared)) * len(free), len(compared) * len(free)]
    bounds = [*zip(starts[:-1], starts[1:], strict=True), (starts[-1], len(size_idx))]
    parts = [_estimate(sizes, size_idx[a:b], model_col[a:b], rules)
             for a, b in bounds if b > a]
    out = {name: (np.concatenate([p[name] for p in parts]) if parts
                  else np.array([], dtype=np.int64))
           for name in ("tokens", "accepted", "resized_width", "resized_height")}
    costs = pd.DataFrame({
        "size": size_idx, "model": model_col,
        "tokens": out["tokens"].astype(np.int64, copy=False),
        "accepted": out["accepted"].astype(bool, copy=False),
        "seen_width": out["resized_width"].astype(np.int64, copy=False),
        "seen_height": out["resized_height"].astype(np.int64, copy=False),
    }, copy=False)  # fresh arrays: no need to copy them into one block
    images = float(sizes["count"].sum())
    return PricedWorkload(sizes, costs, row_size, compared, names, rules, images)


def _estimate(sizes: pd.DataFrame, size_idx: np.ndarray, model: pd.Categorical,
              rules: str) -> dict[str, np.ndarray]:

    detail = sizes["detail"].array
    frame = pd.DataFrame({
        "width": sizes["width"].to_numpy()[size_idx],
        "height": sizes["height"].to_numpy()[size_idx],
        "model": model,
        "detail": pd.Categorical.from_codes(detail.codes[size_idx], categories=detail.categories),
    }, copy=False)
    if rules != "billing":  # estimate_frame's default; a constant column costs a factorize
        frame["rules"] = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int64), [rules])
    result = estimate_frame(frame)
    return {"tokens": result["tokens"].to_numpy(dtype=np.int64, na_value=0),  # rejected: 0
            "accepted": result["accepted"].to_numpy(),
            "resized_width": result["resized_width"].to_numpy(),
            "resized_height": result["resized_height"].to_numpy()}


@dataclass(frozen=True)
class ModelTotals:
    """One model's share of the workload, volume-free and exact: Σ count over its images, over
    the accepted ones, Σ count × tokens over the accepted ones, and the rejected sizes."""

    model: str
    images: Fraction
    accepted: Fraction
    image_tokens: Fraction
    seen_pixels: float  # Σ count × pixels the model looks at (the advisor's "pixels kept")
    rejected: tuple[tuple[int, int, Fraction], ...] = ()

    @property
    def rejected_images(self) -> Fraction:
        return self.images - self.accepted

    @property
    def tokens_per_image(self) -> Fraction:
        return self.image_tokens / self.accepted if self.accepted else Fraction(0)


def _exact(values: np.ndarray) -> Fraction:
    """A sum as computed in int64 (counts) or float64 (mix shares), as an exact Fraction."""
    return Fraction(int(values)) if np.issubdtype(np.asarray(values).dtype, np.integer) \
        else Fraction(float(values))


def model_totals(priced: PricedWorkload, sizes: np.ndarray | None = None) -> list[ModelTotals]:
    """Per model (compared and pinned), exact. `sizes`: a mask over priced.sizes to total only
    those (every model kept); else models no image is costed on are left out."""
    c = priced.costs
    size = c["size"].to_numpy()
    count = priced.sizes["count"].to_numpy()
    n = count[size]
    if sizes is not None:
        n = np.where(sizes[size], n, 0)
    codes = c["model"].cat.codes.to_numpy()
    accepted = c["accepted"].to_numpy()
    tokens = c["tokens"].to_numpy()
    seen = c["seen_width"].to_numpy(dtype=np.float64) * c["seen_height"].to_numpy()
    w, h = priced.sizes["width"].to_numpy(), priced.sizes["height"].to_numpy()
    out = []
    for j, model in enumerate(priced.models):
        rows = codes == j
        images = _exact(n[rows].sum())
        if sizes is None and images == 0:
            continue
        ok = rows & accepted
        bad = np.flatnonzero(rows & ~accepted & (n > 0))
        out.append(ModelTotals(
            model, images, _exact(n[ok].sum()), _exact((n[ok] * tokens[ok]).sum()),
            float((n[rows] * seen[rows]).sum()),
            tuple((int(w[size[i]]), int(h[size[i]]), _exact(n[i])) for i in bad[:200])))
    return out


# --- the resize advisor --------------------------------------------------------------------------


def resize_totals(priced: PricedWorkload, sides: Iterable[int] = FIT_SIDES
                  ) -> dict[str, list[ModelTotals]]:
    """`model_totals` as sent and pre-resized to fit each side (volume-free): fit → totals.

    Only the sizes a fit changes are costed again: the rest keep their cost as sent.
    """
    out = {AS_SENT: model_totals(priced)}
    base = {t.model: t for t in out[AS_SENT]}
    sizes = priced.sizes
    width, height = sizes["width"].to_numpy(), sizes["height"].to_numpy()
    for side in sides:
        changed = np.maximum(width, height) > side
        if not changed.any():
            out[f"fit {side} px"] = out[AS_SENT]
            continue
        w, h = fit_sizes(width[changed], height[changed], side)
        rows = pd.DataFrame({"width": w, "height": h, "count": sizes["count"].to_numpy()[changed],
                             "detail": sizes["detail"].to_numpy()[changed],
                             "model": sizes["model"].to_numpy()[changed]})
        after = {t.model: t for t in model_totals(price_workload(rows, priced.compared,
                                                                 rules=priced.rules))}
        before = {t.model: t for t in model_totals(priced, changed)}
        fitted = []
        for name, t in base.items():
            a, b = after.get(name), before[name]
            if a is None:
                fitted.append(t)
                continue
            fitted.append(ModelTotals(
                name, t.images - b.images + a.images, t.accepted - b.accepted + a.accepted,
                t.image_tokens - b.image_tokens + a.image_tokens,
                t.seen_pixels - b.seen_pixels + a.seen_pixels,
                tuple(r for r in t.rejected if max(r[:2]) <= side) + a.rejected))
        out[f"fit {side} px"] = fitted
    return out


# --- per image ----------------------------------------------------------------------------------


def _with_costs(columns: list[Column], values: list, priced: PricedWorkload, tier: str,
                take: np.ndarray) -> Table:
    """The columns given, then each model's tokens (<NA>: not costed, or rejected) and exact $
    per image (a Decimal; "rejected", or "" where a row naming its model is not costed on
    another) for the sizes `take` (rows of priced.sizes, in order, repeats allowed). Only those
    sizes are looked at, and each token count is priced once."""
    needed, at = np.unique(take, return_inverse=True)
    c = priced.costs
    size = c["size"].to_numpy()
    keep = np.isin(size, needed)
    where = np.searchsorted(needed, size[keep])  # each cost's row among the sizes needed
    codes = c["model"].cat.codes.to_numpy()[keep]
    tokens_of = c["tokens"].to_numpy()[keep]
    ok = c["accepted"].to_numpy()[keep]
    factor = tier_factor(tier)
    for j, model in enumerate(priced.models):
        mine, good = codes == j, (codes == j) & ok
        tokens = np.full(len(needed), np.nan)
        tokens[where[good]] = tokens_of[good]
        money = np.full(len(needed), "", dtype=object)
        money[where[mine & ~ok]] = "rejected"
        counts, index = np.unique(tokens_of[good], return_inverse=True)
        price = resolve_model(model).price_input
        money[where[good]] = np.array([usd(int(t), price, factor) for t in counts],
                                      dtype=object)[index]
        columns += [Column(f"{model} tokens", f"{model}_image_tokens_per_image"),
                    Column.usd(f"{model} $", f"{model}_usd_per_image")]
        values += [pd.array(tokens[at], dtype="Int64"), money[at]]  # NaN → <NA>
    return Table(tuple(columns), tuple(values))


def per_image_table(rows: pd.DataFrame, priced: PricedWorkload, tier: str = "standard",
                    limit: int | None = None) -> Table:
    """Each workload row with its tokens and $ (per image, at the tier) on every model."""
    take = priced.row_size if limit is None else priced.row_size[:limit]
    shown = rows.iloc[: len(take)]
    labels = [c for c in ("name", "line", "row") if c in rows.columns]
    columns = [Column(c, c, "text" if c == "name" else "number") for c in labels]
    values = [shown[c].to_numpy() for c in labels]
    columns += [Column("width", "width_px"), Column("height", "height_px"),
                Column("count", "images"), Column.text("detail", "detail")]
    values += [shown["width"].to_numpy(), shown["height"].to_numpy(), shown["count"].to_numpy(),
               priced.sizes["detail"].to_numpy()[take]]
    if (priced.sizes["model"] != "").any():
        columns.append(Column.text("model", "model"))
        values.append(priced.sizes["model"].to_numpy()[take])
    return _with_costs(columns, values, priced, tier, take)


def per_size_table(priced: PricedWorkload, tier: str = "standard",
                   limit: int | None = None) -> Table:
    """Each distinct size (most frequent first) with its count, tokens and $ on every model."""
    order = np.argsort(-priced.sizes["count"].to_numpy(), kind="stable")
    if limit is not None:
        order = order[:limit]
    sizes = priced.sizes.iloc[order]
    columns = [Column("width", "width_px"), Column("height", "height_px"),
               Column.text("detail", "detail")]
    values = [sizes["width"].to_numpy(), sizes["height"].to_numpy(), sizes["detail"].to_numpy()]
    if (sizes["model"] != "").any():
        columns.append(Column.text("model", "model"))
        values.append(sizes["model"].to_numpy())
    columns.append(Column("count", "images"))
    values.append(sizes["count"].to_numpy())
    return _with_costs(columns, values, priced, tier, order)
