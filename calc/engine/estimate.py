"""`estimate`: the token count with every step spelled out, and `tokens`, its fast twin."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal
from math import sqrt
from numbers import Integral

from calc.engine import rules as r
from calc.engine.clock import day as _day
from calc.engine.errors import InvalidSizeError
from calc.engine.pricing import canonical_tier, cost_usd, price_notes, tier_factor, tier_note
from calc.engine.rules import Note, Plan

MAX_SIDE = 1_000_000  # far past anything the API accepts; keeps every product in int64
_COUNTERS: dict[tuple, object] = {}  # (model, detail, fidelity, rules) → counting function


@dataclass(frozen=True)
class Step:
    """One resize or counting step: a short name, its arithmetic in words, the size after it."""

    name: str
    explanation: str
    size: tuple[int, int]


@dataclass(frozen=True)
class Grid:
    """The cells the model counts: `covered` is cols×rows cells; beyond `image` is black padding."""

    cell: int
    cols: int
    rows: int
    covered: tuple[int, int]
    image: tuple[int, int]


@dataclass(frozen=True)
class Estimate:
    model: str
    requested_model: str
    family: str
    detail: str
    effective_detail: str
    fidelity: str
    rules: str
    original_size: tuple[int, int]
    steps: tuple[Step, ...]
    grid: Grid
    units: int
    base_tokens: int | None
    tile_tokens: int | None
    multiplier: Decimal | None
    fidelity_tokens: int
    tokens: int | None  # None: rejected
    usd: Decimal | None  # exact, at `tier` on `priced_on`; None: rejected or no known price
    notes: tuple[Note, ...]
    accepted: bool = True
    reason: str | None = None  # why the API rejects it (one line), when it does
    largest_accepted: tuple[int, int] | None = None  # the biggest same-shape size it accepts
    status: str = "active"  # the model's lifecycle status on the day of the estimate
    shutdown: str | None = None
    tier: str = "standard"
    priced_on: str | None = None  # the ISO day the price and the status are for
    replacements: tuple[str, ...] = ()  # named by the deprecations page, where it is not active

    @property
    def unit_name(self) -> str:
        return "patches" if self.grid.cell == 32 else "tiles"

    def to_dict(self) -> dict:
        """Plain JSON-ready values; the multiplier as its exact decimal string."""
        d = asdict(self)
        d["multiplier"] = None if self.multiplier is None else str(self.multiplier)
        d["usd"] = None if self.usd is None else str(self.usd)
        return d

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, d: dict) -> Estimate:
        """Inverse of `to_dict` (also accepts the lists JSON turns tuples into)."""
        values = dict(d)
        values["original_size"] = tuple(d["original_size"])
        values["steps"] = tuple(
            Step(s["name"], s["explanation"], tuple(s["size"])) for s in d["steps"]
        )
        g = d["grid"]
        values["grid"] = Grid(g["cell"], g["cols"], g["rows"], tuple(g["covered"]),
                              tuple(g["image"]))
        values["multiplier"] = None if d["multiplier"] is None else Decimal(d["multiplier"])
        values["usd"] = None if d["usd"] is None else Decimal(str(d["usd"]))
        la = d.get("largest_accepted")
        values["largest_accepted"] = None if la is None else tuple(la)
        for name in _DEFAULTS:
            values.setdefault(name, _DEFAULTS[name])
        values["replacements"] = tuple(values["replacements"])
        values["notes"] = tuple(Note(n["kind"], n["text"]) for n in d["notes"])
        return cls(**{f.name: values[f.name] for f in fields(cls)})


_DEFAULTS = {"accepted": True, "reason": None, "status": "active", "shutdown": None,
             "tier": "standard", "priced_on": None, "replacements": ()}


def check_size(width: object, height: object) -> tuple[int, int]:
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise InvalidSizeError(f"{name} must be a whole number of pixels, not {value!r}")
        if not 0 < value <= MAX_SIDE:
            raise InvalidSizeError(
                f"{name} must be between 1 and {MAX_SIDE:,} pixels, not {value}"
            )
    return int(width), int(height)


def tokens(width: int, height: int, model: str, detail: str = "auto", fidelity: str = "low",
           rules: str = "billing") -> int:
    """The image tokens as billed, without the breakdown: for loops."""
    count = _COUNTERS.get((model, detail, fidelity, rules))
    if count is None:
        if len(_COUNTERS) > 4096:  # many distinct (e.g. dated) names: stay bounded
            _COUNTERS.clear()
        count = _COUNTERS[model, detail, fidelity, rules] = r.counter(
            r.plan_for(model, detail, fidelity, rules))
    if type(width) is int is type(height) and 0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE:
        return count(width, height)
    return count(*check_size(width, height))


def usd_for(tokens_: int | None, price: Decimal | None) -> Decimal | None:
    """Exact dollars for tokens at a price per 1M tokens (no rounding: that is for display)."""
    return None if price is None or tokens_ is None else Decimal(tokens_) * price / 1_000_000


def _size(w: int, h: int) -> str:
    return f"{w}×{h}"


def _fit_step(w: int, h: int, side: int, name: str) -> Step:
    nw, nh = r.fit_long(w, h, side)
    long, short = max(w, h), min(w, h)
    if (nw, nh) == (w, h):
        text = f"long side {long} ≤ {side}: unchanged"
    else:
        text = (f"long side {long} > {side} → {side}; short side {short} × {side} / {long} "
                f"= {short * side / long:.4g} → {min(nw, nh)} (rounded half up)")
    return Step(name, text, (nw, nh))


def _short_step(w: int, h: int, side: int) -> Step:
    nw, nh = r.short_to(w, h, side)
    long, short = max(w, h), min(w, h)
    if (nw, nh) == (w, h):
        text = f"short side {short} ≤ {side}: unchanged (never scaled up)"
    else:
        text = (f"short side {short} > {side} → {side}; long side {long} × {side} / {short} "
                f"= {long * side / short:.6g} → {max(nw, nh)} (rounded down)")
    return Step(f"short side {side}", text, (nw, nh))


def _shrink_step(w: int, h: int, budget: int) -> Step:
    nw, nh = r.shrink_to_budget(w, h, budget)
    r0 = sqrt(32 * 32 * budget / (w * h))
    across, down = sqrt(budget * w / h), sqrt(budget * h / w)
    factor = min(int(across) / across, int(down) / down)
    text = (f"r = √(32² × {budget} / ({w} × {h})) = {r0:.3f}; × min({int(across)}/{across:.2f}, "
            f"{int(down)}/{down:.2f}) = {r0 * factor:.3f} → {_size(nw, nh)}")
    return Step("shrink to budget", text, (nw, nh))


def _enlarge_step(w: int, h: int, side: int) -> Step:
    nw, nh = r.enlarge(w, h, side)
    long = max(w, h)
    if (nw, nh) == (w, h):
        text = f"long side {long} ≥ {side}: not enlarged"
    else:
        text = (f"long side {long} < {side} → min({side}, 2 × {long}) = {max(nw, nh)}; short "
                f"side scaled → {min(nw, nh)} (rounded half up)")
    return Step("enlarge", text, (nw, nh))


def _aspect_step(w: int, h: int, cap: int) -> Step:
    nw, nh = r.cap_aspect(w, h, cap)
    if (nw, nh) == (w, h):
        return Step("aspect cap", f"long side ≤ {cap} × short side: unchanged", (w, h))
    return Step("aspect cap", f"long side {max(w, h)} > {cap} × short side {min(w, h)}: the "
                              f"short side counts as ⌈{max(w, h)}/{cap}⌉ = {min(nw, nh)} "
                              "(padded, not cropped)", (nw, nh))


def _boundary_note(w: int, h: int, plan: Plan) -> Note | None:
    cols, rows = r.cells(*r.shrink_to_budget(w, h, plan.budget), 32)
    exact = min(cols * rows, plan.budget)
    fewer = exact - r.float_patches(w, h, plan.budget)
    if fewer <= 0:  # the floats happen to land on the whole number: nothing to say
        return None
    return Note("boundary", f"on a patch boundary: a floating-point implementation counts "
                            f"{fewer:,} fewer patches; a Verify count settles it")


def _grid(w: int, h: int, cell: int) -> Grid:
    cols, rows = r.cells(w, h, cell)
    return Grid(cell, cols, rows, (cols * cell, rows * cell), (w, h))


def estimate(width: int, height: int, model: str, detail: str = "auto", fidelity: str = "low",
             rules: str = "billing", tier: str = "standard",
             on: date | str | None = None) -> Estimate:
    """The image tokens as billed, with every step, the grid and the notes behind them, priced
    at `tier` on the day `on` (None: today). A tier the model does not offer is a CalcError."""
    w0, h0 = check_size(width, height)
    plan = r.plan_for(model, detail, fidelity, rules)
    day = _day(on)
    tier = canonical_tier(tier)
    tier_factor(tier, plan.model, day)  # a tier the model does not offer: the caller's error
    steps = [Step("original", f"{_size(w0, h0)} as the model receives it (EXIF applied)",
                  (w0, h0))]
    notes = list(plan.notes)
    if plan.kind in ("tile", "image"):
        total, grid, units = _tile_steps(plan, w0, h0, steps)
    else:
        total, grid, units = _patch_steps(plan, w0, h0, steps, notes)
    rejected = total is None
    extra = 0 if rejected else r.fidelity_tokens(plan, w0, h0)
    if extra:
        shape = "square" if r.is_square(w0, h0, plan) else "not square"
        steps.append(Step("high fidelity", f"{_size(w0, h0)} is {shape}: + {extra:,} tokens → "
                                           f"{total + extra:,}", grid.image))
        total += extra
    m = plan.model
    status = m.status(day)
    if status != "active":
        notes.append(_lifecycle_note(m, status))
    notes += _price_notes(m, tier, day)
    largest = r.largest_accepted(*grid.image, plan.reject_above) if rejected else None
    reason = (f"rejected by the API: {units:,} patches > {plan.reject_above:,}" if rejected
              else None)
    return Estimate(
        model=m.name, requested_model=model, family=m.family, detail=detail,
        effective_detail=plan.effective_detail, fidelity=fidelity, rules=rules,
        original_size=(w0, h0), steps=tuple(steps), grid=grid, units=units,
        base_tokens=m.base_tokens, tile_tokens=m.tile_tokens, multiplier=m.multiplier(rules),
        fidelity_tokens=extra, tokens=total,
        usd=None if total is None else cost_usd(total, m.name, tier, day),
        notes=tuple(notes) + (() if rejected else _rule_differences(plan, w0, h0, total)),
        accepted=not rejected, reason=reason, largest_accepted=largest, status=status,
        shutdown=m.shutdown, tier=tier, priced_on=day.isoformat(),
        replacements=m.replacements if status != "active" else (),
    )


def _price_notes(m, tier: str, day: date) -> list[Note]:
    """What the price rests on beyond OpenAI's documented figures: shown beside the number."""
    out = [Note("inferred" if "inferred" in text else "price", text)
           for text in price_notes(m, day)]
    caveat = tier_note(m, tier, day)
    if caveat:
        out.append(Note("inferred" if "inferred" in caveat else "price", caveat))
    return out


def _lifecycle_note(m, status: str) -> Note:
    if status == "shut down":
        return Note("lifecycle", f"{m.name} was shut down on {m.shutdown}: the API no longer "
                                 "serves it; this estimate is for old bills and comparisons")
    instead = f"; OpenAI names {' or '.join(m.replacements)} instead" if m.replacements else ""
    return Note("lifecycle", f"{m.name} is deprecated: it shuts down on {m.shutdown}{instead}")


def _tile_steps(plan: Plan, w: int, h: int, steps: list[Step]) -> tuple[int, Grid, int]:
    if plan.base_only:
        low = r.fit_long(w, h, 512)
        steps.append(Step("low detail", f"a fixed {plan.base} tokens whatever the size; the model "
                                        f"sees a version within 512×512 ({_size(*low)})", low))
        return plan.base, _grid(*low, 512), 0
    steps.append(_fit_step(w, h, plan.fit_side, f"fit {plan.fit_side}"))
    steps.append(_short_step(*steps[-1].size, plan.short_side))
    w, h = steps[-1].size
    cols, rows = r.cells(w, h, 512)
    total = plan.base + plan.per_unit * cols * rows
    steps.append(Step("tiles", f"⌈{w}/512⌉ × ⌈{h}/512⌉ = {cols} × {rows} = {cols * rows} tiles",
                      (w, h)))
    steps.append(Step("tokens", f"{plan.base} + {plan.per_unit} × {cols * rows} = {total:,}",
                      (w, h)))
    return total, _grid(w, h, 512), cols * rows


def _patch_steps(plan: Plan, w: int, h: int, steps: list[Step],
                 notes: list[Note]) -> tuple[int | None, Grid, int]:
    """Patch and gpt-image-2 steps; tokens None when the image is rejected (metering.md §5)."""
    if plan.fit_side is not None:
        steps.append(_fit_step(w, h, plan.fit_side, f"fit {plan.fit_side}"))
        w, h = steps[-1].size
    if plan.enlarge_to is not None:
        steps.append(_enlarge_step(w, h, plan.enlarge_to))
        w, h = steps[-1].size
        steps.append(_aspect_step(w, h, plan.aspect_cap))
        w, h = steps[-1].size
    cols, rows = r.cells(w, h, 32)
    patches = cols * rows
    if plan.budget is None:
        over = ", no patch budget at this detail"
    else:
        over = f" > budget {plan.budget:,}" if patches > plan.budget else \
            f" ≤ budget {plan.budget:,}"
    steps.append(Step("patches", f"⌈{w}/32⌉ × ⌈{h}/32⌉ = {cols} × {rows} = {patches:,}{over}",
                      (w, h)))
    if plan.budget is not None and patches > plan.budget:
        boundary = r.on_boundary(w, h, plan.budget) and _boundary_note(w, h, plan)
        if boundary:
            notes.append(boundary)
        steps.append(_shrink_step(w, h, plan.budget))
        w, h = steps[-1].size
        cols, rows = r.cells(w, h, 32)
        patches = min(cols * rows, plan.budget)
        capped = f", capped at {plan.budget}" if cols * rows > plan.budget else ""
        steps.append(Step("patches", f"⌈{w}/32⌉ × ⌈{h}/32⌉ = {cols} × {rows} = "
                                     f"{cols * rows:,}{capped}", (w, h)))
    if plan.reject_above is not None and patches > plan.reject_above:
        steps.append(Step("rejected", f"{patches:,} patches > {plan.reject_above:,}, the API's "
                                      "limit per image: HTTP 400, no tokens billed", (w, h)))
        return None, _grid(w, h, 32), patches
    mult = Decimal(plan.mult_num) / Decimal(plan.mult_den)
    total = -(-patches * plan.mult_num // plan.mult_den)
    steps.append(Step("tokens", f"⌈{patches:,} × {mult}⌉ = ⌈{patches * mult}⌉ = {total:,}",
                      (w, h)))
    return total, _grid(w, h, 32), patches


def _rule_differences(plan: Plan, w: int, h: int, total: int) -> tuple[Note, ...]:
    """Where the guide and billing disagree for this very case, the other number and why."""
    other = "documented" if plan.rules == "billing" else "billing"
    other_plan = r.plan_for(plan.model.name, plan.detail, plan.fidelity, other)
    other_total = r.count(other_plan, w, h)
    if other_total == total:
        return ()
    why = list(plan.model.differs)
    if plan.budget is not None and plan.fit_side != other_plan.fit_side \
            and max(w, h) > min(filter(None, (plan.fit_side, other_plan.fit_side))):
        why.append(f"billing fits the long side to {plan.model.max_side} before counting "
                   "patches; the guide's text does not")
    return (Note("differs", f"{other} rules: {other_total:,} tokens ({plan.rules}: {total:,}) — "
                            + "; ".join(why)),)
