"""A calibration run: measure a few chosen sizes on one model and fit its metering constants.

The sizes are picked so each rule shows: for a patch model, small patch counts where the
multiplier's rounding is visible and squares either side of the patch budget; for a tile model,
1 to 8 tiles, both sides of the short-side-768 rule and of the fit-2048 rounding; for gpt-image,
both sides of its 512 short-side rule. The fit is then compared with both rule sets
(`rules="billing"` and `rules="documented"`) to say which one the API actually follows.

The API only reports whole-request input tokens, so every point is
    image tokens = (input tokens with the image) − (input tokens of the same request without it)
and both numbers are kept on the point, so the subtraction stays visible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from math import isqrt
from typing import Any

from calc.adapters.openai_usage import METHODS, Measurement, solid_png_data_url
from calc.engine.errors import ApiError

RULE_SETS = ("billing", "documented")

MeasureFn = Callable[[int, int], Measurement]
ProgressFn = Callable[[int, int], None]

# Tile family: (size, tiles under the billing rules, what it isolates).
_TILE_SIZES = (
    (1, 1),  # 1 tile: small images are not scaled up (docs/metering.md §16: 255 on gpt-4o)
    (512, 1024),  # 2 tiles; scaling the short side up to 768 would give 6
    (768, 1025),  # short side exactly 768 is kept: 2 × 3 = 6 tiles
    (769, 1025),  # short side 769 > 768 → 768 × 1023: 2 × 2 = 4 tiles
    (1536, 1024),  # → 1152 × 768: 3 × 2 = 6 tiles
    (2049, 513),  # fit-2048 rounds 512.75 half up to 513 → 8 tiles
    (2050, 513),  # 512.4995 → 512 → 4 tiles
)
# gpt-image: short side to 512, rounded down (docs/metering.md §7 and §16).
_IMAGE_SIZES = (
    (1, 1),  # 1 tile
    (512, 512),  # 1 tile, short side exactly 512 kept
    (512, 513),  # kept: 1 × 2 = 2 tiles (323 on gpt-image-1)
    (1023, 1024),  # → 512 × 512: 1 tile (194)
    (1024, 1025),  # → 512 × 512: 1 tile (194)
    (512, 1536),  # 1 × 3 = 3 tiles
    (512, 2048),  # 1 × 4 = 4 tiles
)


def calibration_sizes(model_name: str) -> tuple[tuple[int, int], ...]:
    """At most 8 (width, height) sizes that isolate the rules of the model's family."""
    from calc.engine.catalogue import resolve_model

    model = resolve_model(model_name)
    if model.family == "tile":
        return _TILE_SIZES
    if model.family == "image":
        return _IMAGE_SIZES
    budget = model.patch_budget or 1536
    # The largest square of whole patches that fits the budget, and the next one, which the
    # budget shrinks: 39² = 1521 ≤ 1536 < 40² (1248 px and 1280 px) for most patch models.
    side = isqrt(budget)
    max_side = model.max_side or 2048
    sizes = [
        (64, 64),  # 4 patches: ceil(4 × m) makes the rounding up visible
        (320, 320),  # 100 patches: the multiplier to two decimals
        (512, 512),  # 256 patches (308 on gpt-5-mini)
        (1024, 1024),  # 1024 patches
        (32 * side, 32 * side),  # the budget edge, inside
        (32 * (side + 1), 32 * (side + 1)),  # the budget edge, over: shrunk
    ]
    # Exactly the budget as a 2048-wide strip, when the budget is a multiple of 64 patches
    # (2048 × 768 = 1536 patches: 1844 on gpt-5-mini).
    if budget % (max_side // 32) == 0:
        sizes.append((max_side, 32 * (budget // (max_side // 32))))
    edge = knife_edge_size(budget, max_side)
    if edge is not None and edge not in sizes:
        sizes.append(edge)  # §13: exact and floating-point shrinks part here; a count settles it
    return tuple(sizes[:8])


@lru_cache(maxsize=16)
def knife_edge_size(budget: int, max_side: int) -> tuple[int, int] | None:
    """A size over the budget where B·w/h is a perfect square (docs/metering.md §13), within
    max_side.

    w/h = k²/B reduced to p/q, between 1:3 and 3:1, scaled by t until it needs more patches
    than the budget. Preferred: one where a floating-point shrink really counts fewer patches.
    """
    from math import gcd

    from calc.engine.rules import float_patches, shrink_to_budget

    found = []
    for k in range(isqrt(budget), 3 * isqrt(budget)):
        g = gcd(k * k, budget)
        p, q = k * k // g, budget // g
        if not (q <= 3 * p and p <= 3 * q):
            continue
        for t in range(1, max_side // max(p, q) + 1):
            w, h = p * t, q * t
            if -(-w // 32) * -(-h // 32) > budget:
                sw, sh = shrink_to_budget(w, h, budget)
                exact = min(-(-sw // 32) * -(-sh // 32), budget)
                if float_patches(w, h, budget) < exact:
                    return w, h
                found.append((w, h))
    return found[0] if found else None


def measurer(client: Any, *, model: str, detail: str = "high", method: str = "count"
             ) -> MeasureFn:
    """measure_fn for `run_calibration`: a solid-colour PNG of each size, through `method`."""
    fn = METHODS[method]

    def measure(width: int, height: int) -> Measurement:
        return fn(client, model=model, image_url=solid_png_data_url(width, height),
                  detail=detail)

    return measure


@dataclass(frozen=True)
class CalibrationPoint:
    width: int
    height: int
    units: int  # patches or tiles the billing rules count for this size
    with_image: int  # input tokens reported with the image
    baseline: int  # input tokens of the same request without it (prompt + framing)
    image_tokens: int  # with_image − baseline
    billing: int  # estimate under the billing rules
    documented: int  # estimate under the documented rules
    model_returned: str
    float_tokens: int | None = None  # a knife-edge size (§13): what a float shrink counts
    documented_units: int | None = None  # what the documented rules count, where it differs


def _float_tokens(est) -> int | None:
    """On a knife-edge size, the tokens a floating-point shrink gives; None elsewhere."""
    if not any(n.kind == "boundary" for n in est.notes):
        return None
    from calc.engine.rules import fit_long, float_patches, plan_for

    plan = plan_for(est.model, est.detail, est.fidelity, est.rules)
    w, h = est.original_size
    if plan.fit_side is not None:
        w, h = fit_long(w, h, plan.fit_side)
    patches = float_patches(w, h, plan.budget)
    return -(-patches * plan.mult_num // plan.mult_den)


@dataclass(frozen=True)
class CalibrationResult:
    """What a calibration run measured and fitted.

    Patch family: `multiplier` is the fit. Tile and image families: `base` and `tile`.
    `fits` lists the rule sets that reproduce every measured point exactly (or, failing that,
    whose constants equal the fit); `verdict` says it in one line. `error` is set when the
    API failed part-way: the points measured before it are kept and fitted.
    """

    model: str
    family: str
    detail: str
    points: tuple[CalibrationPoint, ...]
    multiplier: Decimal | None
    base: int | None
    tile: int | None
    catalogue: dict[str, str]  # rule set → its constants in words, e.g. "×1.2"
    exact: dict[str, int]  # rule set → how many points it matches exactly
    fits: tuple[str, ...]
    verdict: str
    notes: tuple[str, ...]
    error: str | None = None


def run_calibration(measure_fn: MeasureFn, model: str, sizes: tuple[tuple[int, int], ...],
                    detail: str = "high", on_progress: ProgressFn | None = None,
                    fidelity: str = "low") -> CalibrationResult:
    """Measure every size with `measure_fn(w, h)` and fit the model's constants.

    Estimates are computed first, so a bad model or detail fails before any API call.
    """
    from calc.engine.estimate import estimate

    estimates = [
        {r: estimate(w, h, model, detail=detail, fidelity=fidelity, rules=r) for r in RULE_SETS}
        for w, h in sizes
    ]
    first = estimates[0]["billing"] if estimates else estimate(1, 1, model, detail, fidelity)
    points: list[CalibrationPoint] = []
    error = None
    for i, ((w, h), est) in enumerate(zip(sizes, estimates, strict=True), start=1):
        try:
            m = measure_fn(w, h)
        except ApiError as exc:  # keep what was measured; the page shows the error
            error = str(exc)
            break
        points.append(CalibrationPoint(
            width=w, height=h, units=est["billing"].units, with_image=m.with_image,
            baseline=m.baseline, image_tokens=m.with_image - m.baseline,
            billing=est["billing"].tokens, documented=est["documented"].tokens,
            model_returned=m.model_returned, float_tokens=_float_tokens(est["billing"]),
            documented_units=est["documented"].units,
        ))
        if on_progress is not None:
            on_progress(i, len(sizes))
    return _fit(first.model, first.family, detail, tuple(points), estimates, error)


# --- fitting --------------------------------------------------------------------------------


def _fit(model: str, family: str, detail: str, points: tuple[CalibrationPoint, ...],
         estimates: list[dict], error: str | None) -> CalibrationResult:
    notes = [_baseline_note(points)] if points else []
    notes += [_knife_edge_note(p) for p in points if p.float_tokens is not None]
    fitted = tuple(p for p in points if p.float_tokens is None)  # knife edges: settled apart
    exact = {r: sum(getattr(p, r) == p.image_tokens for p in fitted) for r in RULE_SETS}
    # Fit on the units of a rule set that reproduces every point (their budgets may differ).
    by = next((r for r in RULE_SETS if fitted and exact[r] == len(fitted)), "billing")
    some = estimates[0] if estimates else None
    multiplier = base = tile = None
    if family in ("patch", "image2"):
        catalogue = {r: _patch_constants(some[r]) if some else "?" for r in RULE_SETS}
        multiplier, note = _fit_multiplier(fitted, by)
        notes += [note] if note else []
        measured = "no points" if multiplier is None else f"×{multiplier}"
        near = {r for r in RULE_SETS
                if some and multiplier is not None and some[r].multiplier is not None
                and abs(some[r].multiplier - multiplier) <= Decimal("0.01")}
    else:
        catalogue = {r: f"{some[r].base_tokens} + {some[r].tile_tokens} × tiles" if some else "?"
                     for r in RULE_SETS}
        base, tile, note = _fit_line(fitted)
        notes += [note] if note else []
        measured = ("no points" if base is None
                    else f"{base} + {tile} × tiles" if tile is not None else f"{base} (base only)")
        near = {r for r in RULE_SETS
                if some and base == some[r].base_tokens
                and (tile is None or tile == some[r].tile_tokens)}
    fits = tuple(r for r in RULE_SETS if fitted and exact[r] == len(fitted))
    if fitted and not fits:
        fits = tuple(r for r in RULE_SETS if r in near)
        if fits:
            notes.append("no rule set reproduces every point exactly; the fit matches the "
                         "constants of " + " and ".join(fits))
    verdict = _verdict(measured, catalogue, fits, bool(fitted))
    if error:
        notes.append(f"stopped after {len(points)} of {len(estimates)} sizes: {error}")
    return CalibrationResult(
        model=model, family=family, detail=detail, points=points, multiplier=multiplier,
        base=base, tile=tile, catalogue=catalogue, exact=exact, fits=fits, verdict=verdict,
        notes=tuple(notes), error=error,
    )


def _patch_constants(est) -> str:
    """The multiplier and the budget the estimate used, e.g. "×1.62, budget 1,536"."""
    from calc.engine.rules import plan_for

    times = "none listed" if est.multiplier is None else f"×{est.multiplier}"
    budget = plan_for(est.model, est.detail, est.fidelity, est.rules).budget
    return times if budget is None else f"{times}, budget {budget:,}"


def _verdict(measured: str, catalogue: dict[str, str], fits: tuple[str, ...],
             any_points: bool) -> str:
    if not any_points:
        return "nothing measured"
    if len(fits) == 2:
        same = catalogue["billing"] == catalogue["documented"]
        detail = catalogue["billing"] if same else f"billing {catalogue['billing']}, " \
                                                   f"documented {catalogue['documented']}"
        return f"measured {measured} — matches both rule sets ({detail})"
    if len(fits) == 1:
        other = "documented" if fits[0] == "billing" else "billing"
        return (f"measured {measured} — matches the {fits[0]} rules ({catalogue[fits[0]]}); "
                f"the {other} rules say {catalogue[other]}")
    return (f"measured {measured} — matches neither rule set: billing says "
            f"{catalogue['billing']}, documented {catalogue['documented']}")


def _knife_edge_note(p: CalibrationPoint) -> str:
    """What the knife-edge size settles (metering.md §13): exact arithmetic or a float shrink."""
    said = (f"knife edge {p.width}×{p.height}: the API counted {p.image_tokens:,} image tokens "
            f"— exact arithmetic gives {p.billing:,}, a floating-point shrink {p.float_tokens:,}")
    if p.image_tokens == p.billing:
        return said + ": billing is exact here"
    if p.image_tokens == p.float_tokens:
        return said + ": billing counts in floating point here (re-measure to be sure)"
    return said + ": it matches neither"


def _baseline_note(points: tuple[CalibrationPoint, ...]) -> str:
    baselines = sorted({p.baseline for p in points})
    shown = str(baselines[0]) if len(baselines) == 1 else f"{baselines[0]}–{baselines[-1]}"
    return (f"image tokens = input tokens with the image − input tokens without it (baseline "
            f"{shown} tokens of prompt and message framing, subtracted from every point)")


def _quantize(x: Fraction, places: int) -> Decimal:
    q = Decimal(1).scaleb(-places)
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(q, rounding=ROUND_HALF_UP)


def _units(p: CalibrationPoint, rules: str) -> int:
    return p.documented_units if rules == "documented" and p.documented_units else p.units


def _fit_multiplier(points: tuple[CalibrationPoint, ...], rules: str = "billing"
                    ) -> tuple[Decimal | None, str | None]:
    """The multiplier m with image tokens = ceil(patches × m) at every point.

    Each point allows m in ((t − 1)/p, t/p]; the intersection of those intervals is what the
    data say. Report the shortest decimal (2, then 3, 4 places) inside it nearest the
    least-squares slope; if the intervals do not overlap (leftover framing, or not a patch
    model at all), report the least-squares slope through the origin to 2 places.
    """
    usable = [(p.image_tokens, _units(p, rules)) for p in points if _units(p, rules) > 0]
    if not usable:
        return None, None
    slope = Fraction(sum(t * u for t, u in usable), sum(u * u for _, u in usable))
    lo = max(Fraction(t - 1, u) for t, u in usable)
    hi = min(Fraction(t, u) for t, u in usable)
    if lo < hi:
        for places in (2, 3, 4):
            step = Fraction(1, 10 ** places)
            first = (lo // step + 1) * step  # smallest multiple of step above lo
            if first <= hi:
                count = int((hi - first) / step) + 1
                candidates = [first + k * step for k in range(count)]
                best = min(candidates, key=lambda c: abs(c - slope))
                return _quantize(best, places), None
        return _quantize(slope, 4), None
    return _quantize(slope, 2), (
        "no single multiplier gives every point exactly (ceil(patches × m)); shown is the "
        "least-squares slope"
    )


def _fit_line(points: tuple[CalibrationPoint, ...]
              ) -> tuple[int | None, int | None, str | None]:
    """base and per-tile tokens from tokens = base + tile × tiles (least squares, rounded)."""
    if not points:
        return None, None, None
    xs = [Fraction(p.units) for p in points]
    ys = [Fraction(p.image_tokens) for p in points]
    n = len(points)
    if len(set(xs)) < 2:
        base = round(sum(ys) / n) if xs[0] == 0 else None
        return base, None, "every size had the same tile count: per-tile tokens not measured"
    mx, my = sum(xs) / n, sum(ys) / n
    tile = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs)
    base = my - tile * mx
    worst = max(abs(y - (base + tile * x)) for x, y in zip(xs, ys, strict=True))
    note = None
    if worst > Fraction(1, 2):
        note = (f"the points do not lie on one line (largest miss {float(worst):.1f} tokens): "
                "the tile rules may differ from the catalogue's")
    return round(base), round(tile), note


# --- a run in steps, so it can be stopped ---------------------------------------------------

STOPPED = "stopped on request"


class _Stopped(ApiError):
    """Raised in place of the sizes a stopped job never measured."""


@dataclass
class CalibrationJob:
    """A calibration run made one size per step (one page rerun each), so it can be stopped
    between any two sizes and a page never waits on more than one size's calls."""

    model: str
    sizes: tuple[tuple[int, int], ...]
    detail: str = "high"
    done: list[Measurement] = field(default_factory=list)  # one per size measured, in order
    stopped: bool = False
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.stopped or self.error is not None or len(self.done) >= len(self.sizes)

    def stop(self) -> None:
        self.stopped = True

    def step(self, measure_fn: MeasureFn) -> None:
        """Measure the next size; an API error ends the job (what was measured is kept)."""
        if self.finished:
            return
        w, h = self.sizes[len(self.done)]
        try:
            self.done.append(measure_fn(w, h))
        except ApiError as exc:
            self.error = str(exc)

    def result(self) -> CalibrationResult:
        """The fit of the sizes measured so far (a stopped or failed run says where it ended)."""
        done = list(self.done)

        def replay(width: int, height: int) -> Measurement:
            if done:
                return done.pop(0)
            raise _Stopped(self.error or STOPPED)

        return run_calibration(replay, self.model, self.sizes, detail=self.detail)
