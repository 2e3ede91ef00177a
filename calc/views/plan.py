"""What a whole workload costs, and what resizing would save; what generated images cost.

Every per-image number comes from calc.estimate_frame (calc.estimate and calc.generation_cost for
Generate): this module only weights, sums and scales them. Volume-free totals (`model_totals`,
`resize_totals`) are the costly part and are computed once per workload; the volume, days and
price tier are applied afterwards (`summary`, `resize_advice`), so changing them is instant.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.engine.catalogue import models as all_models
from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError, InvalidSizeError
from calc.engine.estimate import MAX_SIDE, Estimate, estimate
from calc.engine.frame import estimate_frame
from calc.engine.frame import fit_long as fit_sizes  # the advisor's pre-resize: the spec's fit step
from calc.engine.generation import GenerationCost, generation_cost
from calc.engine.pricing import TIERS, cost_usd, tier_factor
from calc.engine.rules import DETAILS, plan_for
from calc.views import inert

DEFAULT_MODELS = ("gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano",
                  "o4-mini")
FIT_SIDES = (2048, 1536, 1024, 768, 512)
AS_SENT = "as sent"
MAX_IMAGES_PER_REQUEST = 1500  # spec §6 (2026 text)
MAX_EDIT_IMAGES = 16  # spec §6: an edit takes up to 16 images
MAX_REQUESTS_PER_DAY = 1_000_000_000
_KEY = MAX_SIDE + 1  # packs (width, height) into one int64


def plannable_models() -> tuple[str, ...]:
    """Models that read images in chat/responses requests (not the gpt-image generators)."""
    return tuple(m.name for m in all_models() if m.family != "image")


@dataclass(frozen=True)
class Volume:
    """How many images a day, for how many days a month, at which price tier."""

    images_per_request: int = 1
    requests_per_day: int = 1_000
    days_per_month: int = 30
    tier: str = "standard"

    def __post_init__(self) -> None:
        for name, low, high in (("images_per_request", 1, MAX_IMAGES_PER_REQUEST),
                                ("requests_per_day", 0, MAX_REQUESTS_PER_DAY),
                                ("days_per_month", 1, 31)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise CalcError(f"{name.replace('_', ' ')} must be a whole number from {low:,} "
                                f"to {high:,}, not {value!r}")
        if self.tier not in TIERS:
            raise CalcError(f"unknown price tier {self.tier!r}: use 'standard' or 'batch'")

    @property
    def images_per_day(self) -> int:
        return self.images_per_request * self.requests_per_day


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
    sizes, row_size = _distinct_sizes(rows, detail)
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
           for name in ("tokens", "usd", "resized_width", "resized_height")}
    costs = pd.DataFrame({
        "size": size_idx, "model": model_col,
        "tokens": out["tokens"].astype(np.int64, copy=False),
        "usd": out["usd"].astype(np.float64, copy=False),
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
    return {name: result[name].to_numpy() for name in
            ("tokens", "usd", "resized_width", "resized_height")}


def _distinct_sizes(rows: pd.DataFrame, detail: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Collapse rows that cost the same (same size, detail and model) into one, counts summed."""
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
    unique, inverse = np.unique(key, return_inverse=True)
    total = np.bincount(inverse, weights=count.astype(np.float64), minlength=len(unique))
    if np.issubdtype(count.dtype, np.integer):
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
    codes, uniques = pd.factorize(rows[name], use_na_sentinel=False)
    labels = [blank if pd.isna(u) or str(u) == "" else str(u) for u in uniques]
    merged, distinct = pd.factorize(np.array(labels or [blank], dtype=object))
    return merged[codes].astype(np.int64) if n else codes.astype(np.int64), list(distinct)


def model_totals(priced: PricedWorkload, sizes: np.ndarray | None = None) -> pd.DataFrame:
    """Per model: images costed on it, Σ tokens, Σ usd (standard tier), Σ pixels it sees.

    Models no image is costed on (every row names another model) are left out. `sizes`: a
    boolean mask over priced.sizes to total only those sizes (then every model is kept).
    """
    c = priced.costs
    size = c["size"].to_numpy()
    n = priced.sizes["count"].to_numpy(dtype=np.float64)[size]
    if sizes is not None:
        n = np.where(sizes[size], n, 0.0)
    codes = c["model"].cat.codes.to_numpy()
    k = len(priced.models)
    usd = c["usd"].to_numpy()
    unpriced = np.bincount(codes, weights=np.isnan(usd), minlength=k) > 0
    seen = c["seen_width"].to_numpy(dtype=np.float64) * c["seen_height"].to_numpy()
    totals = pd.DataFrame({
        "model": list(priced.models),
        "images": np.bincount(codes, weights=n, minlength=k),
        "tokens": np.bincount(codes, weights=n * c["tokens"].to_numpy(), minlength=k),
        "usd": np.where(unpriced, np.nan,
                        np.bincount(codes, weights=n * np.nan_to_num(usd), minlength=k)),
        "seen_pixels": np.bincount(codes, weights=n * seen, minlength=k),
    })
    if sizes is None:
        totals = totals[totals["images"] > 0].reset_index(drop=True)
    return totals


SUMMARY_COLUMNS = ("model", "share_of_images", "avg_image_tokens", "usd_per_1000_images",
                   "usd_per_day", "usd_per_month", "tokens_per_month")


def summary(totals: pd.DataFrame, images: float, volume: Volume) -> pd.DataFrame:
    """Per model, cheapest first: average tokens, $ per 1,000 images, $ per day and month.

    The workload is a mix: its counts are weights, the volume says how many images a day. A
    model that only some rows name gets only their share of the daily images.
    """
    factor = tier_factor(volume.tier)
    per_image = np.divide(totals["usd"].to_numpy(), totals["images"].to_numpy(),
                          out=np.full(len(totals), np.nan), where=totals["images"].to_numpy() > 0)
    avg_tokens = np.divide(totals["tokens"].to_numpy(), totals["images"].to_numpy(),
                           out=np.zeros(len(totals)), where=totals["images"].to_numpy() > 0)
    daily = volume.images_per_day / images if images > 0 else 0.0
    out = pd.DataFrame({
        "model": totals["model"],
        "share_of_images": totals["images"] / images if images > 0 else 0.0,
        "avg_image_tokens": avg_tokens,
        "usd_per_1000_images": per_image * 1000 * factor,
        "usd_per_day": totals["usd"] * daily * factor,
        "usd_per_month": totals["usd"] * daily * factor * volume.days_per_month,
        "tokens_per_month": totals["tokens"] * daily * volume.days_per_month,
    })
    return (out.sort_values(["usd_per_month", "avg_image_tokens"], na_position="last",
                            kind="stable").reset_index(drop=True))


def cost_by_volume(totals: pd.DataFrame, images: float, volume: Volume,
                   steps: int = 13, up_to: float = 3.0) -> pd.DataFrame:
    """Monthly cost per model from zero to `up_to` × today's daily images (a line per model)."""
    factor = tier_factor(volume.tier)
    per_image = totals["usd"].to_numpy() / images if images > 0 else totals["usd"].to_numpy() * 0
    days = np.linspace(0, volume.images_per_day * up_to, steps)
    rows = [(model, day, usd * day * volume.days_per_month * factor)
            for model, usd in zip(totals["model"], per_image, strict=True)
            if not math.isnan(usd) for day in days]
    return pd.DataFrame(rows, columns=["model", "images_per_day", "usd_per_month"])


# --- the resize advisor --------------------------------------------------------------------------


def resize_totals(priced: PricedWorkload, sides: Iterable[int] = FIT_SIDES) -> pd.DataFrame:
    """`model_totals` for the workload as sent and pre-resized to fit each side (volume-free).

    Only the sizes a fit changes are costed again: the rest keep their cost as sent.
    """
    as_sent = model_totals(priced)
    parts = [as_sent.assign(fit=AS_SENT, fit_px=0)]
    sizes = priced.sizes
    width, height = sizes["width"].to_numpy(), sizes["height"].to_numpy()
    numbers = ["images", "tokens", "usd", "seen_pixels"]
    base = as_sent.set_index("model")[numbers]
    for side in sides:
        changed = np.maximum(width, height) > side
        totals = base.copy()
        if changed.any():
            w, h = fit_sizes(width[changed], height[changed], side)
            rows = pd.DataFrame({"width": w, "height": h,
                                 "count": sizes["count"].to_numpy()[changed],
                                 "detail": sizes["detail"].to_numpy()[changed],
                                 "model": sizes["model"].to_numpy()[changed]})
            after = model_totals(price_workload(rows, priced.compared, rules=priced.rules))
            before = model_totals(priced, changed).set_index("model")[numbers] \
                .reindex(base.index)
            after = after.set_index("model")[numbers].reindex(base.index, fill_value=0.0)
            totals = base - before + after
        parts.append(totals.reset_index().assign(fit=f"fit {side} px", fit_px=side))
    return pd.concat(parts, ignore_index=True)


ADVICE_COLUMNS = ("model", "fit", "fit_px", "avg_image_tokens", "tokens_per_month",
                  "tokens_saved_per_month", "usd_per_month", "usd_saved_per_month",
                  "megapixels_seen", "pixels_kept")


def resize_advice(totals: pd.DataFrame, images: float, volume: Volume) -> pd.DataFrame:
    """Per model and fit: tokens and $ a month, what each saves against sending as is, and the
    pixels the model still sees (average megapixels, and as a share of sending as is)."""
    daily = volume.images_per_day / images if images > 0 else 0.0
    month = daily * volume.days_per_month
    factor = tier_factor(volume.tier)
    t = totals.copy()
    base = t[t["fit"] == AS_SENT].set_index("model")
    has = t["images"].to_numpy() > 0
    t["avg_image_tokens"] = np.where(has, t["tokens"] / t["images"].where(has, 1), 0.0)
    t["tokens_per_month"] = t["tokens"] * month
    t["usd_per_month"] = t["usd"] * month * factor
    t["tokens_saved_per_month"] = (t["model"].map(base["tokens"]) - t["tokens"]) * month
    saved_usd = (t["model"].map(base["usd"]) - t["usd"]) * month * factor
    # Same tokens, same dollars: drop the float residue of summing in another order.
    t["usd_saved_per_month"] = saved_usd.where(t["tokens_saved_per_month"] != 0, 0.0)
    t["megapixels_seen"] = np.where(has, t["seen_pixels"] / t["images"].where(has, 1) / 1e6, 0.0)
    base_seen = t["model"].map(base["seen_pixels"])
    t["pixels_kept"] = np.where(base_seen > 0, t["seen_pixels"] / base_seen.where(base_seen > 0, 1),
                                1.0)
    return t.loc[:, list(ADVICE_COLUMNS)].reset_index(drop=True)


# --- tables and exports --------------------------------------------------------------------------


def _wide(priced: PricedWorkload, tier: str) -> tuple[np.ndarray, np.ndarray]:
    """(tokens, usd) per distinct size × model; NaN where a size is not costed on a model."""
    shape = (len(priced.sizes), len(priced.models))
    tokens, usd = np.full(shape, np.nan), np.full(shape, np.nan)
    c = priced.costs
    at = (c["size"].to_numpy(), c["model"].cat.codes.to_numpy())
    tokens[at] = c["tokens"].to_numpy()
    usd[at] = c["usd"].to_numpy() * tier_factor(tier)
    return tokens, usd


def _with_costs(base: pd.DataFrame, tokens: np.ndarray, usd: np.ndarray,
                models: Sequence[str]) -> pd.DataFrame:
    out = {name: base[name].to_numpy() for name in base.columns}
    for j, model in enumerate(models):
        out[f"{model} tokens"] = pd.array(tokens[:, j], dtype="Int64")  # NaN → <NA>
        out[f"{model} usd"] = usd[:, j]
    return pd.DataFrame(out)


def per_image_table(rows: pd.DataFrame, priced: PricedWorkload, tier: str = "standard",
                    limit: int | None = None) -> pd.DataFrame:
    """Each workload row with its tokens and $ (per image, at the tier) on every model."""
    take = priced.row_size if limit is None else priced.row_size[:limit]
    shown = rows.iloc[: len(take)]
    label = [c for c in ("name", "line", "row") if c in rows.columns]
    base = shown.loc[:, label].reset_index(drop=True)
    base["width"] = shown["width"].to_numpy()
    base["height"] = shown["height"].to_numpy()
    base["count"] = shown["count"].to_numpy()
    base["detail"] = priced.sizes["detail"].to_numpy()[take]
    if (priced.sizes["model"] != "").any():
        base["model"] = priced.sizes["model"].to_numpy()[take]
    tokens, usd = _wide(priced, tier)
    return _with_costs(base, tokens[take], usd[take], priced.models)


def per_size_table(priced: PricedWorkload, tier: str = "standard",
                   limit: int | None = None) -> pd.DataFrame:
    """Each distinct size (most frequent first) with its count, tokens and $ on every model."""
    order = np.argsort(-priced.sizes["count"].to_numpy(), kind="stable")
    if limit is not None:
        order = order[:limit]
    base = priced.sizes.iloc[order].reset_index(drop=True)
    if not (base["model"] != "").any():
        base = base.drop(columns="model")
    tokens, usd = _wide(priced, tier)
    return _with_costs(base, tokens[order], usd[order], priced.models)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A download: file names and labels come from visitors, so formula cells are neutralised."""
    # Every text cell quoted: pandas would leave a carriage return bare, splitting the row.
    return inert.csv_frame(frame).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode()


# --- a size-mix plan in the URL ------------------------------------------------------------------


@dataclass(frozen=True)
class SharedPlan:
    """What a link carries: the size mix (width, height, share %), models, volume, detail."""

    mix: tuple[tuple[int, int, float], ...]
    models: tuple[str, ...] = DEFAULT_MODELS
    volume: Volume = Volume()
    detail: str = "auto"


QUERY_KEYS = ("mix", "models", "ipr", "rpd", "days", "tier", "detail")
MAX_MIX_ENTRIES = 50
_MIX_ENTRY = re.compile(r"\s*(\d{1,6})\s*[x×X]\s*(\d{1,6})\s*:\s*(\d+(?:\.\d*)?|\.\d+)\s*")


def default_plan() -> SharedPlan:
    from calc.views.plan_inputs import SIZE_PRESETS

    return SharedPlan(tuple((p.width, p.height, float(p.share)) for p in SIZE_PRESETS))


def plan_to_query(plan: SharedPlan) -> dict[str, str]:
    """The plan as short query parameters, e.g. mix=4032x3024:40,1920x1080:25&rpd=1000."""
    v = plan.volume
    return {
        "mix": ",".join(f"{w}x{h}:{share:g}" for w, h, share in plan.mix),
        "models": ",".join(plan.models),
        "ipr": str(v.images_per_request), "rpd": str(v.requests_per_day),
        "days": str(v.days_per_month), "tier": v.tier, "detail": plan.detail,
    }


def plan_from_query(params: Mapping[str, str | list[str]]) -> tuple[SharedPlan, tuple[str, ...]]:
    """Read a plan back from query parameters. Whatever cannot be used falls back to the default,
    and each such value is named in a notice; this never raises."""
    default = default_plan()
    notices: list[str] = []

    def value(key: str) -> str | None:
        raw = params.get(key)
        if isinstance(raw, list):
            raw = raw[-1] if raw else None
        return None if raw is None else str(raw)

    mix = _mix_from(value("mix"), notices) or default.mix
    if value("mix") is not None and mix is default.mix:
        notices.append("no usable size in the link's mix: the preset mix is used")
    chosen = _models_from(value("models"), notices) or default.models
    volume_args = {}
    for key, name in (("ipr", "images_per_request"), ("rpd", "requests_per_day"),
                      ("days", "days_per_month")):
        raw = value(key)
        if raw is None:
            continue
        try:
            candidate = int(raw.strip())
            Volume(**{name: candidate})
            volume_args[name] = candidate
        except (ValueError, CalcError):
            fallback = getattr(default.volume, name)
            notices.append(f"{name.replace('_', ' ')} {raw!r} cannot be used: {fallback:,} instead")
    tier = value("tier")
    if tier is not None:
        if tier in TIERS:
            volume_args["tier"] = tier
        else:
            notices.append(f"price tier {tier!r} is unknown: standard instead")
    detail = value("detail")
    if detail is not None and detail not in DETAILS:
        notices.append(f"detail {detail!r} is unknown: auto instead")
        detail = None
    plan = SharedPlan(mix, chosen, Volume(**volume_args), detail or default.detail)
    return plan, tuple(notices)


def _mix_from(raw: str | None, notices: list[str]) -> tuple[tuple[int, int, float], ...]:
    from calc.views.plan_inputs import MAX_SIDE_PX

    if raw is None:
        return ()
    entries = []
    for part in raw.split(",")[: MAX_MIX_ENTRIES]:
        m = _MIX_ENTRY.fullmatch(part)
        if m is None:
            if part.strip():
                notices.append(f"mix entry {part.strip()[:40]!r} is not WIDTHxHEIGHT:SHARE: "
                               "left out")
            continue
        w, h, share = int(m[1]), int(m[2]), float(m[3])
        if not (1 <= w <= MAX_SIDE_PX and 1 <= h <= MAX_SIDE_PX and w * h <= 100_000_000):
            notices.append(f"mix entry {part.strip()!r} is not a usable size: left out")
            continue
        if share > 0:
            entries.append((w, h, share))
    if len(raw.split(",")) > MAX_MIX_ENTRIES:
        notices.append(f"only the first {MAX_MIX_ENTRIES} sizes of the mix are used")
    return tuple(entries)


def _models_from(raw: str | None, notices: list[str]) -> tuple[str, ...]:
    if raw is None:
        return ()
    allowed = set(plannable_models())
    chosen = []
    for name in raw.split(","):
        if not name.strip():
            continue
        try:
            model = resolve_model(name.strip()).name
        except CalcError:
            model = None
        if model in allowed:
            chosen.append(model)
        else:
            notices.append(f"model {name.strip()[:40]!r} is not one Plan compares: left out")
    return tuple(dict.fromkeys(chosen))


# --- Generate: images the models create ----------------------------------------------------------


@dataclass(frozen=True)
class GenerationPlan:
    """One request (n images, optional input images for an edit) and its daily volume.

    Dollars are at the tier; output tokens at the model's image output price, input images at
    its image input price.
    """

    output: GenerationCost
    inputs: tuple[Estimate, ...]
    fidelity: str
    tier: str
    requests_per_day: int
    days_per_month: int
    output_usd: float | None
    input_tokens: int
    input_usd: float | None

    @property
    def request_usd(self) -> float | None:
        if self.output_usd is None or (self.inputs and self.input_usd is None):
            return None
        return self.output_usd + (self.input_usd or 0.0)

    @property
    def image_usd(self) -> float | None:
        usd = self.request_usd
        return None if usd is None else usd / self.output.n

    @property
    def images_per_day(self) -> int:
        return self.output.n * self.requests_per_day

    @property
    def day_usd(self) -> float | None:
        usd = self.request_usd
        return None if usd is None else usd * self.requests_per_day

    @property
    def month_usd(self) -> float | None:
        usd = self.day_usd
        return None if usd is None else usd * self.days_per_month


def generation_plan(model: str, quality: str, size: str, n: int = 1, partial_images: int = 0,
                    input_sizes: Sequence[tuple[int, int]] = (), fidelity: str = "low",
                    tier: str = "standard", requests_per_day: int = 1,
                    days_per_month: int = 30) -> GenerationPlan:
    """The cost of generating (or editing) images; raises CalcError with the reason if refused,
    e.g. UnsupportedFidelityError for fidelity 'high' on gpt-image-1-mini."""
    output = generation_cost(model, quality, size, n, partial_images)
    plan_for(output.model, "auto", fidelity, "billing")  # refuses a fidelity the model lacks
    if len(input_sizes) > MAX_EDIT_IMAGES:
        raise CalcError(f"an edit takes at most {MAX_EDIT_IMAGES} input images, not "
                        f"{len(input_sizes)}")
    Volume(requests_per_day=requests_per_day, days_per_month=days_per_month, tier=tier)
    inputs = tuple(estimate(int(w), int(h), output.model, "auto", fidelity)
                   for w, h in input_sizes)
    input_tokens = sum(e.tokens for e in inputs)
    factor = tier_factor(tier)
    return GenerationPlan(
        output=output, inputs=inputs, fidelity=fidelity, tier=tier,
        requests_per_day=requests_per_day, days_per_month=days_per_month,
        output_usd=None if output.usd is None else output.usd * factor,
        input_tokens=input_tokens,
        input_usd=cost_usd(input_tokens, output.model, tier) if inputs else 0.0,
    )
