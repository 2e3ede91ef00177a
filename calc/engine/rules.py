"""The resizing and counting rules of metering.md §2–§7, in integer arithmetic only.

The breakdown (`estimate`) and the fast path (`counter`, behind `tokens`) use these functions;
`frame.py` writes the same formulas over NumPy columns. Property tests hold the three equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from math import isqrt

from calc.engine.catalogue import Model, catalogue, resolve_model
from calc.engine.errors import (
    ImageRejectedError,
    UnknownRulesError,
    UnsupportedDetailError,
    UnsupportedFidelityError,
)

RULE_SETS = ("billing", "documented")
DETAILS = ("low", "high", "auto", "original")
FIDELITIES = ("low", "high")


@dataclass(frozen=True)
class Note:
    """Something the reader should know about a number.

    kind: inferred (rests on an inferred fact), differs (guide ≠ billing), lifecycle (shutdown),
    boundary (a knife-edge size, metering.md §13) or info.
    """

    kind: str
    text: str


@dataclass(frozen=True, eq=False)
class Plan:
    """What a (model, detail, fidelity, rules) choice means, resolved once and cached."""

    model: Model
    detail: str
    effective_detail: str
    fidelity: str
    rules: str
    kind: str  # tile | patch | image (gpt-image-1 family) | image2 (gpt-image-2 family)
    cell: int
    fit_side: int | None  # long side fitted to this (rounded half up); None: no fit
    short_side: int | None  # tile/image: short side brought down to this (rounded down)
    budget: int | None  # patch/image2: most patches counted; None: no budget
    reject_above: int | None  # patch: more patches than this after fit and budget → HTTP 400
    enlarge_to: int | None  # image2: a long side under this is enlarged (to ≤ 2×)
    aspect_cap: int | None  # image2: the short side counts as at least ⌈long / cap⌉
    base: int  # tokens added once (tile/image base)
    per_unit: int  # tokens per tile (tile/image)
    base_only: bool  # tile family at low detail: the base, whatever the size
    mult_num: int  # patch multiplier as an exact fraction num/den (1/1 for tiles)
    mult_den: int
    fidelity_square: int  # gpt-image high fidelity: tokens added for a square image…
    fidelity_other: int  # …and for any other aspect ratio
    square_num: int  # (w/h)² is square when strictly between den/num and num/den
    square_den: int
    notes: tuple[Note, ...]


def fit_long(w: int, h: int, side: int) -> tuple[int, int]:
    """Long side down to `side`, short side scaled and rounded half up (metering.md §2: fit)."""
    if w >= h:
        if w <= side:
            return w, h
        return side, max(1, (2 * h * side + w) // (2 * w))
    if h <= side:
        return w, h
    return max(1, (2 * w * side + h) // (2 * h)), side


def short_to(w: int, h: int, side: int) -> tuple[int, int]:
    """Short side down to `side` (never up), long side scaled and rounded down (metering.md §3)."""
    if w <= h:
        if w <= side:
            return w, h
        return side, h * side // w
    if h <= side:
        return w, h
    return w * side // h, side


def enlarge(w: int, h: int, side: int) -> tuple[int, int]:
    """gpt-image-2 step 1: a long side under `side` becomes min(side, 2 × long), half up (§7)."""
    long = max(w, h)
    if long >= side:
        return w, h
    new = min(side, 2 * long)
    if w >= h:
        return new, max(1, (2 * h * new + w) // (2 * w))
    return max(1, (2 * w * new + h) // (2 * h)), new


def cap_aspect(w: int, h: int, cap: int) -> tuple[int, int]:
    """gpt-image-2 step 2: long > cap × short → the short side counts as ⌈long / cap⌉ (padded)."""
    if w > cap * h:
        return w, -(-w // cap)
    if h > cap * w:
        return -(-h // cap), h
    return w, h


def cells(w: int, h: int, cell: int) -> tuple[int, int]:
    """Columns and rows of `cell`-px squares that cover a w×h image."""
    return -(-w // cell), -(-h // cell)


def shrink_to_budget(w: int, h: int, budget: int) -> tuple[int, int]:
    """The shrink of metering.md §2, exactly.

    With r = √(32²·B/(w·h)), w·r/32 = √(B·w/h), so floor(w·r/32) = isqrt(⌊B·w/h⌋). Whichever side
    sets the min factor lands on exactly 32·that many pixels and the other is scaled by w/h:
    no square root is ever taken in floating point.
    """
    a = isqrt(budget * w // h)  # whole patches across the width
    b = isqrt(budget * h // w)  # whole patches down the height
    if a * h <= b * w:  # the width's factor is the smaller one
        return max(1, 32 * a), max(1, 32 * a * h // w)
    return max(1, 32 * b * w // h), max(1, 32 * b)


def on_boundary(w: int, h: int, budget: int) -> bool:
    """B·w/h or B·h/w a perfect square: floats land just below a whole patch count (§13)."""
    for n, d in ((w, h), (h, w)):
        if budget * n % d == 0 and isqrt(budget * n // d) ** 2 == budget * n // d:
            return True
    return False


def float_patches(w: int, h: int, budget: int) -> int:
    """The guide's shrink in IEEE floats, as a float implementation computes it (§13 only)."""
    from math import ceil, floor, sqrt

    r = sqrt(32 * 32 * budget / (w * h))
    across, down = w * r / 32, h * r / 32
    r *= min(floor(across) / across, floor(down) / down)
    nw, nh = max(1, floor(w * r)), max(1, floor(h * r))
    return min(ceil(nw / 32) * ceil(nh / 32), budget)


def is_square(w: int, h: int, plan: Plan) -> bool:
    """w/h strictly between 1/√1.5 and √1.5, compared squared in integers (§7, inferred)."""
    n, d = plan.square_num, plan.square_den
    return d * w * w < n * h * h and d * h * h < n * w * w


def count(plan: Plan, w: int, h: int) -> int:
    """Image tokens for a w×h image under a plan: the fast path, no breakdown."""
    return counter(plan)(w, h)


def largest_accepted(w: int, h: int, limit: int) -> tuple[int, int]:
    """The biggest size of this shape within the per-image patch limit: shrink(w×h, limit)."""
    return shrink_to_budget(w, h, limit)


@lru_cache(maxsize=4096)
def counter(plan: Plan) -> Callable[[int, int], int]:
    """A function of (w, h) with the plan's constants bound: `calc.tokens` runs in a loop.

    The same steps as `estimate`, inlined for speed; property tests check them equal. A rejected
    image raises ImageRejectedError (with its patch count).
    """
    base, per_unit, budget, num, den = plan.base, plan.per_unit, plan.budget, plan.mult_num, \
        plan.mult_den
    fit, short, limit = plan.fit_side, plan.short_side, plan.reject_above
    if plan.base_only:
        return lambda w, h: base

    def tiles(w: int, h: int) -> int:
        if fit is not None and (w > fit or h > fit):
            w, h = fit_long(w, h, fit)
        if short is not None and w > short and h > short:
            w, h = short_to(w, h, short)
        return base + per_unit * ((w + 511) // 512) * ((h + 511) // 512)

    # A missing limit becomes one no image reaches, so the hot path has no `is None` tests; a
    # budget under the rejection limit makes that check unreachable.
    never = 1 << 62
    fit_ = fit or never
    budget_ = budget or never
    limit_ = never if limit is None or budget_ <= limit else limit
    add = den - 1

    def patches(w: int, h: int) -> int:  # fit_long and shrink_to_budget, inlined
        if w > fit_ or h > fit_:
            if w >= h:
                w, h = fit_, (2 * h * fit_ + w) // (2 * w) or 1
            else:
                w, h = (2 * w * fit_ + h) // (2 * h) or 1, fit_
        n = ((w + 31) >> 5) * ((h + 31) >> 5)
        if n > budget_:
            a, b = isqrt(budget_ * w // h), isqrt(budget_ * h // w)
            if a * h <= b * w:
                w, h = 32 * a or 1, 32 * a * h // w or 1
            else:
                w, h = 32 * b * w // h or 1, 32 * b or 1
            n = min(((w + 31) >> 5) * ((h + 31) >> 5), budget_)
        if n > limit_:
            raise ImageRejectedError(n, limit_, largest_accepted(w, h, limit_))
        return (n * num + add) // den

    def image2(w: int, h: int) -> int:
        w, h = cap_aspect(*enlarge(w, h, plan.enlarge_to), plan.aspect_cap)
        n = ((w + 31) // 32) * ((h + 31) // 32)
        if n > budget:
            w, h = shrink_to_budget(w, h, budget)
            n = min(((w + 31) // 32) * ((h + 31) // 32), budget)
        return (n * num + den - 1) // den

    count_ = {"tile": tiles, "image": tiles, "patch": patches, "image2": image2}[plan.kind]
    if not plan.fidelity_square:
        return count_
    return lambda w, h: count_(w, h) + fidelity_tokens(plan, w, h)


def fidelity_tokens(plan: Plan, w: int, h: int) -> int:
    """gpt-image high input fidelity: a fixed amount by the aspect ratio of the image as given."""
    if not plan.fidelity_square:
        return 0
    return plan.fidelity_square if is_square(w, h, plan) else plan.fidelity_other


@lru_cache(maxsize=4096)
def plan_for(model: str, detail: str, fidelity: str, rules: str) -> Plan:
    """Validate a choice and resolve what it means for the arithmetic."""
    m = resolve_model(model)
    if rules not in RULE_SETS:
        raise UnknownRulesError(f"unknown rules {str(rules)[:40]!r}: use 'billing' or "
                                "'documented'")
    if detail not in DETAILS:
        raise UnsupportedDetailError(
            f"unknown detail {str(detail)[:40]!r}: use one of {', '.join(DETAILS)}")
    if fidelity not in FIDELITIES:
        raise UnsupportedFidelityError(f"unknown fidelity {str(fidelity)[:40]!r}: use 'low' or "
                                       "'high'")
    fam = catalogue().families[m.family]
    notes: list[Note] = [Note("inferred", text) for text in m.inferred]
    if m.family not in ("image", "image2") and fidelity == "high":
        notes.append(Note("info", "input fidelity applies only to the gpt-image-1 models; ignored"))
    common = dict(
        model=m, detail=detail, fidelity=fidelity, rules=rules, cell=fam.cell,
        mult_num=1, mult_den=1, fidelity_square=0, fidelity_other=0, square_num=1, square_den=1,
        base=m.base_tokens or 0, per_unit=m.tile_tokens or 0, reject_above=None, enlarge_to=None,
        aspect_cap=None,
    )
    if m.family in ("image", "image2"):
        return _image_plan(m, fam, fidelity, detail, notes, common)
    if m.family == "tile":
        return _tile_plan(m, fam, detail, notes, common)
    return _patch_plan(m, fam, detail, notes, common)


def _tile_plan(m, fam, detail, notes, common) -> Plan:
    if detail == "original":
        notes.append(Note("info", f"{m.name} accepts 'original' and bills it as 'high' (measured)"
                          if m.original_as_high else
                          f"{m.name} has no 'original' detail; billed as 'high'"))
    if detail == "auto":
        notes.append(Note("info", "detail 'auto' is billed as 'high' (measured)"))
    effective = "low" if detail == "low" else "high"
    return Plan(**common, effective_detail=effective, kind="tile", fit_side=fam.fit_side,
                short_side=fam.short_side, budget=None, base_only=effective == "low",
                notes=tuple(notes))


def _image_plan(m, fam, fidelity, detail, notes, common) -> Plan:
    if detail == "low":
        fix = ("choose the input fidelity instead" if m.family == "image"
               else "its input fidelity is fixed at high")
        raise UnsupportedDetailError(
            f"{m.name} has no 'low' detail: its input images are always read in full ({fix})")
    if detail == "original":
        notes.append(Note("info", f"{m.name} has no 'original' detail; read as 'high'"))
    if m.family == "image2":
        if fidelity == "high":
            notes.append(Note("info", f"{m.name} reads every input at high fidelity; "
                                      "input_fidelity cannot be set"))
        num, den = fam.multiplier.as_integer_ratio()
        common.update(mult_num=num, mult_den=den, base=0, per_unit=0,
                      enlarge_to=fam.enlarge_to, aspect_cap=fam.aspect_cap)
        return Plan(**common, effective_detail="high", kind="image2", fit_side=None,
                    short_side=None, budget=fam.budget, base_only=False, notes=tuple(notes))
    if fidelity not in m.fidelities:
        raise UnsupportedFidelityError(
            f"{m.name} supports only {' and '.join(m.fidelities)} input fidelity, not {fidelity!r}"
        )
    if fidelity == "high":
        notes.append(Note("inferred", "an image counts as square when w/h lies strictly "
                                      "between 1/√1.5 and √1.5 (nearer 1:1 than 2:3)"))
        num, den = fam.square_ratio_squared.as_integer_ratio()
        common.update(fidelity_square=fam.fidelity_high_square,
                      fidelity_other=fam.fidelity_high_other, square_num=num, square_den=den)
    return Plan(**common, effective_detail="high", kind="image", fit_side=fam.fit_side,
                short_side=fam.short_side, budget=None, base_only=False, notes=tuple(notes))


def _patch_plan(m, fam, detail, notes, common) -> Plan:
    profile = m.profile
    effective = {"auto": profile.auto}.get(detail, detail)
    if effective == "original" and not profile.has("original"):
        notes.append(Note("info", f"{m.name} has no 'original' detail; billed as 'high'"))
        effective = "high"
    same = dict(profile.same_as).get(effective)
    if same:
        notes.append(Note("info", f"detail '{effective}' has no effect on {m.name}: billed as "
                                  f"'{same}' (measured)"))
        effective = same
    if detail == "auto" and effective != "high":
        notes.append(Note("info", f"on {m.name}, detail 'auto' means '{effective}'"))
    if profile.note:
        notes.append(Note("info", profile.note))
    level = profile.level(common["rules"], effective)
    num, den = m.multiplier(common["rules"]).as_integer_ratio()
    common.update(mult_num=num, mult_den=den, base=0, per_unit=0,
                  reject_above=catalogue().limits["patches_per_image"])
    return Plan(**common, effective_detail=effective, kind="patch", fit_side=level.max_side,
                short_side=None, budget=level.budget, base_only=False, notes=tuple(notes))
