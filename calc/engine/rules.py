"""The resizing and counting rules of spec §1–§3, in integer arithmetic only.

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
    UnknownRulesError,
    UnsupportedDetailError,
    UnsupportedFidelityError,
)

RULE_SETS = ("billing", "documented")
DETAILS = ("low", "high", "auto", "original")
FIDELITIES = ("low", "high")


@dataclass(frozen=True)
class Note:
    """Something the reader should know about a number: kind is inferred, differs or info."""

    kind: str
    text: str


@dataclass(frozen=True)
class Plan:
    """What a (model, detail, fidelity, rules) choice means, resolved once and cached."""

    model: Model
    detail: str
    effective_detail: str
    fidelity: str
    rules: str
    cell: int
    fit_side: int | None  # long side fitted to this (rounded half up); None: no fit
    short_side: int | None  # tile/image: short side brought down to this (rounded down)
    budget: int | None  # patch: most patches counted
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
    """Long side down to `side`, short side scaled and rounded half up (spec §1 step 1)."""
    if w >= h:
        if w <= side:
            return w, h
        return side, max(1, (2 * h * side + w) // (2 * w))
    if h <= side:
        return w, h
    return max(1, (2 * w * side + h) // (2 * h)), side


def short_to(w: int, h: int, side: int) -> tuple[int, int]:
    """Short side down to `side` (never up), long side scaled and rounded down (spec §1 step 2)."""
    if w <= h:
        if w <= side:
            return w, h
        return side, h * side // w
    if h <= side:
        return w, h
    return w * side // h, side


def cells(w: int, h: int, cell: int) -> tuple[int, int]:
    """Columns and rows of `cell`-px squares that cover a w×h image."""
    return -(-w // cell), -(-h // cell)


def shrink_to_budget(w: int, h: int, budget: int) -> tuple[int, int]:
    """Spec §2 step 3, exactly.

    With r = √(32²·B/(w·h)), w·r/32 = √(B·w/h), so floor(w·r/32) = isqrt(⌊B·w/h⌋). Whichever side
    sets the min factor lands on exactly 32·that many pixels and the other is scaled by w/h:
    no square root is ever taken in floating point.
    """
    a = isqrt(budget * w // h)  # whole patches across the width
    b = isqrt(budget * h // w)  # whole patches down the height
    if a * h <= b * w:  # the width's factor is the smaller one
        return max(1, 32 * a), max(1, 32 * a * h // w)
    return max(1, 32 * b * w // h), max(1, 32 * b)


def is_square(w: int, h: int, plan: Plan) -> bool:
    """w/h strictly between 1/√1.5 and √1.5, compared squared in integers (spec §3, inferred)."""
    n, d = plan.square_num, plan.square_den
    return d * w * w < n * h * h and d * h * h < n * w * w


def count(plan: Plan, w: int, h: int) -> int:
    """Image tokens for a w×h image under a plan: the fast path, no breakdown."""
    return counter(plan)(w, h)


@lru_cache(maxsize=4096)
def counter(plan: Plan) -> Callable[[int, int], int]:
    """A function of (w, h) with the plan's constants bound: `calc.tokens` runs in a loop.

    The same steps as `estimate`, inlined for speed; property tests check them equal.
    """
    base, per_unit, budget, num, den = plan.base, plan.per_unit, plan.budget, plan.mult_num, \
        plan.mult_den
    fit, short = plan.fit_side, plan.short_side
    if plan.base_only:
        return lambda w, h: base

    def tiles(w: int, h: int) -> int:
        if fit is not None and (w > fit or h > fit):
            w, h = fit_long(w, h, fit)
        if short is not None and w > short and h > short:
            w, h = short_to(w, h, short)
        return base + per_unit * ((w + 511) // 512) * ((h + 511) // 512)

    def patches(w: int, h: int) -> int:
        if fit is not None and (w > fit or h > fit):
            w, h = fit_long(w, h, fit)
        n = ((w + 31) // 32) * ((h + 31) // 32)
        if n > budget:
            w, h = shrink_to_budget(w, h, budget)
            n = min(((w + 31) // 32) * ((h + 31) // 32), budget)
        return (n * num + den - 1) // den

    count_ = tiles if budget is None else patches
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
        raise UnknownRulesError(f"unknown rules {rules!r}: use 'billing' or 'documented'")
    if detail not in DETAILS:
        raise UnsupportedDetailError(
            f"unknown detail {detail!r}: use one of {', '.join(DETAILS)}"
        )
    if fidelity not in FIDELITIES:
        raise UnsupportedFidelityError(f"unknown fidelity {fidelity!r}: use 'low' or 'high'")
    fam = catalogue().families[m.family]
    notes: list[Note] = [Note("inferred", text) for text in m.inferred]
    if m.family != "image" and fidelity == "high":
        notes.append(Note("info", "input fidelity applies only to gpt-image models; ignored"))
    common = dict(
        model=m, detail=detail, fidelity=fidelity, rules=rules, cell=fam.cell,
        mult_num=1, mult_den=1, fidelity_square=0, fidelity_other=0,
        square_num=1, square_den=1, base=m.base_tokens or 0, per_unit=m.tile_tokens or 0,
    )
    if m.family == "image":
        return _image_plan(m, fam, fidelity, detail, notes, common)
    if detail == "original" and "original" not in m.details:
        notes.append(Note("info", f"{m.name} has no 'original' detail; billed as 'high'"))
    effective = {"auto": m.auto_detail, "original": "original" if "original" in m.details
                 else "high"}.get(detail, detail)
    if m.family == "tile":
        if detail == "auto":
            notes.append(Note("info", "detail 'auto' is billed as 'high' (measured)"))
        return Plan(**common, effective_detail=effective, fit_side=fam.fit_side,
                    short_side=fam.short_side, budget=None, base_only=effective == "low",
                    notes=tuple(notes))
    return _patch_plan(m, fam, effective, notes, common)


def _image_plan(m, fam, fidelity, detail, notes, common) -> Plan:
    if detail == "low":
        raise UnsupportedDetailError(
            f"{m.name} has no 'low' detail: its input images are always read in full "
            "(choose the input fidelity instead)"
        )
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
    return Plan(**common, effective_detail="high", fit_side=fam.fit_side,
                short_side=fam.short_side, budget=None, base_only=False, notes=tuple(notes))


def _patch_plan(m, fam, effective, notes, common) -> Plan:
    mult = m.multiplier(common["rules"])
    if mult is None:
        raise UnknownRulesError(f"{m.name} has no multiplier under the {common['rules']} rules")
    num, den = mult.as_integer_ratio()
    budget, fit = m.patch_budget, m.max_side if common["rules"] == "billing" else None
    if effective == "original":
        budget, fit = m.original_budget, m.original_max_side  # fitted under both rule sets
    elif effective == "low":
        fit = fam.low_fit_side
        notes.append(Note("inferred", "detail 'low' on a patch model: the image is fitted in "
                                      "512×512, then counted as 'high' (one measurement agrees)"))
    if common["detail"] == "auto" and effective == "original":
        notes.append(Note("info", f"on {m.name}, detail 'auto' means 'original'"))
    common.update(mult_num=num, mult_den=den, base=0, per_unit=0)
    return Plan(**common, effective_detail=effective, fit_side=fit, short_side=None,
                budget=budget, base_only=False, notes=tuple(notes))
