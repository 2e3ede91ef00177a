"""What the "How it's metered" page shows, as data: every number computed live from calc.

The only literal numbers here are the worked examples of the metering notes and the measurements
of real API usage (docs/metering.md): they are what calc is checked against, so they must not come
from calc itself. Everything else (profiles, limits, lifecycle, prices, tiers) is the catalogue's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from calc.engine.catalogue import (
    Level,
    Model,
    Price,
    Profile,
    catalogue,
    models,
    resolve_model,
)
from calc.engine.errors import CalcError
from calc.engine.estimate import Estimate, estimate, tokens
from calc.engine.generation import (
    GenerationCost,
    OutputOptions,
    check_generation_size,
    formula_tokens,
    generation_cost,
    output_options,
)
from calc.engine.generation_measured import THIRD_PARTY, MeasuredPoint, measured_points
from calc.engine.pricing import cost_usd, format_usd, offers, tier_label
from calc.engine.rules import float_patches
from calc.engine.schedule import scheduled_changes, staleness_note

DOC = "docs/metering.md"  # the project's own account of the rules; nothing shown points elsewhere
DOC_PATH = Path(__file__).resolve().parents[2] / DOC
EDITION = "2026-12-03"
EVIDENCE_SOURCE = ("image tokens isolated from real API usage: (input tokens with the image) − "
                   "(input tokens of the same request without it)")

# Measured (2026-03, gpt-5.x, one short user message): what a request's input total adds besides
# the image. Shown so nobody mistakes it for image tokens.
FRAMING_OVERHEAD = (("Responses", 7), ("Chat Completions", 8))
CHAT_COMPLETIONS_GAP = 190  # measured 2026-03: Chat Completions billed about this many fewer


def doc_text() -> str | None:
    """docs/metering.md as written, where the repository is at hand (None when installed)."""
    return DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else None


def size(w: int, h: int) -> str:
    return f"{w}×{h}"


# ---- the guide's worked examples ----------------------------------------------------------

@dataclass(frozen=True)
class WorkedExample:
    """One worked example, with the number it prints (and the size it reaches, where it says)."""

    section: str  # where in docs/metering.md it is explained
    label: str
    width: int
    height: int
    model: str
    detail: str
    expected: int
    quantity: str = "tokens"  # what `expected` counts: "tokens", or "patches" before multiplying
    expected_size: tuple[int, int] | None = None  # the size the steps end on, where given
    rules: str = "documented"  # the guide's examples follow the guide's own text


GUIDE_EXAMPLES: tuple[WorkedExample, ...] = (
    WorkedExample("tiles", "A square photo, high detail", 1024, 1024, "gpt-4o", "high", 765,
                  expected_size=(768, 768)),
    WorkedExample("tiles", "A tall image, high detail", 2048, 4096, "gpt-4o", "high", 1105,
                  expected_size=(768, 1536)),
    WorkedExample("tiles", "A huge image, low detail", 4096, 8192, "gpt-4o", "low", 85),
    WorkedExample("patches", "Under the budget", 1024, 1024, "gpt-5.4", "high", 1229),
    WorkedExample("patches", "Over the budget: shrink", 2048, 2048, "gpt-5.4", "high", 3000,
                  expected_size=(1600, 1600)),
    WorkedExample("patches", "No 2048 fit at high, same budget", 2048, 2048, "gpt-6-astra",
                  "high", 3000, expected_size=(1600, 1600)),
    # The 2025 guide's example names no model: any 1,536-patch model will do.
    WorkedExample("patches", "The 2025 guide's example (1,536 patches)", 1800, 2400,
                  "gpt-5-mini", "high", 1452, quantity="patches", expected_size=(1056, 1408)),
)


@dataclass(frozen=True)
class Worked:
    example: WorkedExample
    estimate: Estimate  # under the example's rules, with every step
    billing_tokens: int  # the same image under the billing rules

    @property
    def actual(self) -> int:
        """calc's number for the quantity the example counts."""
        return self.estimate.units if self.example.quantity == "patches" else self.estimate.tokens

    @property
    def final_size(self) -> tuple[int, int]:
        return self.estimate.grid.image

    @property
    def matches(self) -> bool:
        want = self.example.expected_size
        return self.actual == self.example.expected and (want is None or want == self.final_size)


@cache
def worked_examples() -> tuple[Worked, ...]:
    return tuple(Worked(ex, estimate(ex.width, ex.height, ex.model, ex.detail, rules=ex.rules),
                        tokens(ex.width, ex.height, ex.model, ex.detail))
                 for ex in GUIDE_EXAMPLES)


# ---- measured evidence --------------------------------------------------------------------

@dataclass(frozen=True)
class Measurement:
    """What the real API billed for one image on one or more models, at each listed detail."""

    models: tuple[str, ...]
    width: int
    height: int
    details: tuple[str, ...]  # detail levels of an input image; for an output: its quality
    measured: int | None  # image tokens; None: the API rejected the image
    shows: str
    fidelity: str = "low"
    patches: int | None = None  # a rejection: the patch count in the API's message
    output: bool = False  # a generated image's output tokens, not an input image
    when: str = ""


# The 6560×4928 photo was measured on "the gpt-5.6 / gpt-6 family": every model of both.
GPT_5_6_AND_6 = ("gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna", "gpt-6-astra", "gpt-6-sol",
                 "gpt-6-luna", "gpt-6.1-sol", "gpt-6.1-terra", "gpt-6.2-astra", "gpt-6.2-sol")

EVIDENCE: tuple[Measurement, ...] = (
    Measurement(("gpt-4o",), 1, 1, ("high", "auto"), 255, "no upscaling; auto = high"),
    Measurement(("gpt-4o",), 1, 1, ("low",), 85, "low = base"),
    Measurement(("gpt-4.1",), 2049, 513, ("high",), 1445,
                "fit rounds half up (512.75 → 513: 8 tiles)"),
    Measurement(("gpt-4.1",), 2050, 513, ("high",), 765,
                "fit rounds half up (512.4995 → 512: 4 tiles)"),
    Measurement(("gpt-4.1-mini",), 4000, 1474, ("high",), 2489,
                "patch models fit the long side to 2048 first"),
    Measurement(("gpt-4.1-mini",), 2400, 1800, ("high",), 2353,
                "a 1,536 budget on gpt-4.1-mini", when="2025"),
    Measurement(("gpt-4.1-mini",), 128, 64, ("low", "high"), 13,
                "low = high on a 1,536-patch model"),
    Measurement(("gpt-5-mini",), 512, 512, ("high",), 308, "×1.2, rounded up"),
    Measurement(("gpt-5-mini",), 2048, 768, ("high",), 1844, "×1.2 at the full budget"),
    Measurement(("gpt-5-mini",), 1600, 1600, ("high",), 1826,
                "shrink to 1248×1248 = 1521 patches", when="2026-03"),
    Measurement(("gpt-5-nano",), 1600, 1600, ("high",), 2282, "1521 × 1.5", when="2026-03"),
    Measurement(("gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano"), 1600, 1600, ("high",), 3000,
                "2,500 patches × 1.2 on all three (Responses)", when="2026-03"),
    Measurement(("gpt-5.6-sol", "gpt-6-sol"), 7952, 5304, ("auto",), None,
                "the 30,000-patch limit; no budget at auto", patches=41334),
    Measurement(GPT_5_6_AND_6, 6560, 4928, ("auto",), None,
                "the same limit on a real phone photo", patches=31570, when="2026-09"),
    # gpt-image models take no detail; "auto" is how a request without one is read.
    Measurement(("gpt-image-1",), 1024, 1025, ("auto",), 194,
                "short side to 512 rounds down: 1 tile"),
    Measurement(("gpt-image-1",), 1023, 1024, ("auto",), 194, "same"),
    Measurement(("gpt-image-1",), 512, 513, ("auto",), 323, "short side ≤ 512 is kept: 2 tiles"),
    Measurement(("gpt-image-2",), 1024, 1024, ("high",), 7024, "the generation formula",
                output=True),
)


@dataclass(frozen=True)
class Outcome:
    """calc's answer for one (model, detail): tokens, or a rejection with its patch count."""

    model: str
    detail: str
    accepted: bool
    tokens: int | None
    units: int
    inferred: bool  # the number rests on an inferred fact

    def agrees(self, m: Measurement) -> bool:
        if m.measured is None:
            return not self.accepted and self.units == m.patches
        return self.accepted and self.tokens == m.measured

    @property
    def text(self) -> str:
        return f"{self.tokens:,}" if self.accepted else f"rejected, {self.units:,} patches"


def _outcome(m: Measurement, model: str, detail: str, rules: str) -> Outcome:
    if m.output:
        cost = generation_cost(model, detail, size(m.width, m.height).replace("×", "x"))
        return Outcome(model, detail, True, cost.tokens_per_image, 0,
                       any(n.kind == "inferred" for n in cost.notes))
    e = estimate(m.width, m.height, model, detail, m.fidelity, rules)
    return Outcome(model, detail, e.accepted, e.tokens, e.units,
                   any(n.kind == "inferred" for n in e.notes))


@dataclass(frozen=True)
class EvidenceCheck:
    measurement: Measurement
    billing: tuple[Outcome, ...]  # calc under the billing rules, per model and detail
    documented: tuple[Outcome, ...]  # what the current guide's text gives

    @property
    def matches(self) -> bool:
        return all(o.agrees(self.measurement) for o in self.billing)

    @property
    def guide_agrees(self) -> bool:
        return all(o.agrees(self.measurement) for o in self.documented)

    @property
    def inferred(self) -> bool:
        return any(o.inferred for o in self.billing)


@cache
def evidence() -> tuple[EvidenceCheck, ...]:
    return tuple(EvidenceCheck(m, *(tuple(_outcome(m, model, d, rules) for model in m.models
                                          for d in m.details)
                                    for rules in ("billing", "documented")))
                 for m in EVIDENCE)


def outcome_text(outcomes: tuple[Outcome, ...]) -> str:
    """One figure where every model and detail agree, else each one named."""
    texts = {o.text for o in outcomes}
    if len(texts) == 1:
        return texts.pop()
    return "; ".join(f"{o.model} {o.detail}: {o.text}" for o in outcomes)


# ---- sizing profiles ----------------------------------------------------------------------

def level_text(level: Level | None) -> str:
    """'2048 / 2500': max side / patch budget, 'none' where there is no limit of that kind."""
    if level is None:
        return "— (billed as high)"
    side = "none" if level.max_side is None else f"{level.max_side}"
    budget = "none" if level.budget is None else f"{level.budget:,}"
    return f"{side} / {budget}"


@dataclass(frozen=True)
class ProfileRow:
    name: str
    models: tuple[str, ...]
    low: str
    high: str
    original: str
    auto: str
    multipliers: tuple[tuple[str, Decimal], ...]  # (model, multiplier)
    confidence: str
    source: str
    documented: str  # the guide's levels where they differ from billing ('' where they agree)
    differs: str
    note: str

    @property
    def multiplier_text(self) -> str:
        values = {m for _, m in self.multipliers}
        if len(values) == 1:
            return f"×{values.pop()}"
        return ", ".join(f"{name} ×{m}" for name, m in self.multipliers)

    @property
    def inferred(self) -> bool:
        return self.confidence == "inferred"


def _cell(profile: Profile, rules: str, level: str) -> str:
    same = dict(profile.same_as).get(level)
    if same and rules == "billing":
        return f"= {same}"
    return level_text(profile.levels[rules].get(level))


def _profile_row(p: Profile) -> ProfileRow:
    users = [m for m in models() if m.profile is p]
    documented = "; ".join(f"{lv} {_cell(p, 'documented', lv)}" for lv in ("low", "high",
                                                                            "original")
                           if p.levels["documented"].get(lv) != p.levels["billing"].get(lv))
    return ProfileRow(
        name=p.name, models=tuple(m.name for m in users), low=_cell(p, "billing", "low"),
        high=_cell(p, "billing", "high"), original=_cell(p, "billing", "original"), auto=p.auto,
        multipliers=tuple((m.name, m.multiplier()) for m in users), confidence=p.confidence,
        source=p.source, documented=documented, differs=p.differs, note=p.note)


@cache
def profile_table() -> tuple[ProfileRow, ...]:
    """One row per catalogue profile, with the models that use it."""
    return tuple(_profile_row(p) for p in catalogue().profiles.values())


@dataclass(frozen=True)
class FamilyFacts:
    """The constants the plain-words rules quote, from the catalogue."""

    tile_fit: int
    tile_short: int
    tile_cell: int
    tile_groups: tuple[tuple[tuple[str, ...], int, int], ...]  # (models, base, per tile)
    patch_cell: int
    image_short: int
    image_base: int
    image_tile: int
    image_models: tuple[str, ...]
    fidelity_square: int
    fidelity_other: int
    square_ratio_squared: Decimal
    low_fidelity_only: tuple[str, ...]
    image2_models: tuple[str, ...]
    image2_enlarge: int
    image2_aspect_cap: int
    image2_budget: int
    image2_source: str
    auto_original: tuple[str, ...]  # models where auto means original
    original_as_high: tuple[str, ...]  # tile models that accept 'original' and bill it as high


@cache
def family_facts() -> FamilyFacts:
    fam = catalogue().families
    tile, image, image2 = fam["tile"], fam["image"], fam["image2"]
    groups: dict[tuple[int, int], list[str]] = {}
    for m in models():
        if m.family == "tile":
            groups.setdefault((m.base_tokens, m.tile_tokens), []).append(m.name)
    images = [m for m in models() if m.family == "image"]
    return FamilyFacts(
        tile_fit=tile.fit_side, tile_short=tile.short_side, tile_cell=tile.cell,
        tile_groups=tuple((tuple(n), b, t) for (b, t), n in groups.items()),
        patch_cell=fam["patch"].cell, image_short=image.short_side,
        image_base=images[0].base_tokens, image_tile=images[0].tile_tokens,
        image_models=tuple(m.name for m in images),
        fidelity_square=image.fidelity_high_square, fidelity_other=image.fidelity_high_other,
        square_ratio_squared=image.square_ratio_squared,
        low_fidelity_only=tuple(m.name for m in images if m.fidelities == ("low",)),
        image2_models=tuple(m.name for m in models() if m.family == "image2"),
        image2_enlarge=image2.enlarge_to, image2_aspect_cap=image2.aspect_cap,
        image2_budget=image2.budget, image2_source=image2.source,
        auto_original=tuple(m.name for m in models() if m.profile and m.auto_detail == "original"),
        original_as_high=tuple(m.name for m in models() if m.original_as_high),
    )


# ---- the 30,000-patch rejection -----------------------------------------------------------

REJECTION_EXAMPLE = ("gpt-5.6-sol", 7952, 5304, "auto")  # measured rejected (41,334 patches)


@dataclass(frozen=True)
class Rejection:
    limit: int
    model: str
    size: tuple[int, int]
    detail: str
    estimate: Estimate  # the rejected image
    message: str  # what the API answers
    at_high: Estimate  # way out 1: the same image at detail high
    largest: Estimate  # way out 2: the largest size of the same shape it accepts
    reaches: tuple[str, ...]  # profiles with a level without a budget: the ones that can reach it


@cache
def rejection() -> Rejection:
    limit = catalogue().limits["patches_per_image"]
    model, w, h, detail = REJECTION_EXAMPLE
    e = estimate(w, h, model, detail)
    lw, lh = e.largest_accepted
    reaches = tuple(p.name for p in catalogue().profiles.values()
                    if any(lv.budget is None for lv in p.levels["billing"].values()))
    return Rejection(
        limit, model, (w, h), detail, e,
        f"The image you provided requires {e.units} patches after processing, exceeding the "
        f"limit of {limit}.", estimate(w, h, model, "high"), estimate(lw, lh, model, detail),
        reaches)


# ---- billing may differ by one token; knife edges (the rounding notes) ---------------------

ONE_TOKEN_CAVEAT = ("OpenAI's guide says floating-point rounding in billing can make the final "
                    "count differ from an estimate by one token. Patchwork keeps the arithmetic "
                    "exact (integers and fractions, never floats), so a Verify result off by "
                    "exactly 1 is that rounding, not a wrong rule.")


@dataclass(frozen=True)
class KnifeEdge:
    model: str
    width: int
    height: int
    exact: int  # tokens with exact arithmetic (the notes' worked answer)
    floats: int  # tokens a floating-point implementation gets


KNIFE_EDGES = (KnifeEdge("gpt-5.4", 1659, 1659, 3000, 2882),
               KnifeEdge("gpt-4.1-mini", 1560, 1040, 2489, 2361))


@dataclass(frozen=True)
class KnifeCheck:
    edge: KnifeEdge
    exact_patches: int
    exact_tokens: int
    float_patches: int
    float_tokens: int
    note: str  # the boundary note calc attaches to the estimate

    @property
    def matches(self) -> bool:
        return (self.exact_tokens, self.float_tokens) == (self.edge.exact, self.edge.floats)


@cache
def knife_edges() -> tuple[KnifeCheck, ...]:
    out = []
    for k in KNIFE_EDGES:
        e = estimate(k.width, k.height, k.model, "high")
        m = resolve_model(k.model)
        num, den = m.multiplier().as_integer_ratio()
        fp = float_patches(*_fitted(e), m.level("billing", "high").budget)
        note = next((n.text for n in e.notes if n.kind == "boundary"), "")
        out.append(KnifeCheck(k, e.units, e.tokens, fp, -(-fp * num // den), note))
    return tuple(out)


def _fitted(e: Estimate) -> tuple[int, int]:
    """The size just before the budget shrink: after the fit step, if any."""
    before = [s for s in e.steps if s.name == "patches"][0]
    return before.size


# ---- where the guide and billing differ ---------------------------------------------------

@dataclass(frozen=True)
class Difference:
    subject: str
    text: str
    evidence: str  # documented / measured / inferred
    example: str | None = None  # the case the two numbers below are for
    billing: int | None = None
    documented: int | None = None


@cache
def differences() -> tuple[Difference, ...]:
    out = []
    for p in catalogue().profiles.values():
        users = tuple(m.name for m in models() if m.profile is p)
        if p.differs:
            case = next((c for c in evidence() if c.measurement.models[0] in users
                         and c.billing[0].tokens != c.documented[0].tokens), None)
            m = case.measurement if case else None
            out.append(Difference(
                ", ".join(users), p.differs, "measured",
                m and f"{m.models[0]} · {size(m.width, m.height)} · {m.details[0]} "
                      f"(measured: {m.measured:,})",
                case and case.billing[0].tokens, case and case.documented[0].tokens))
        if p.note:
            out.append(Difference(", ".join(users), p.note, p.confidence))
        if p.confidence == "inferred":
            out.append(Difference(", ".join(users), p.source, "inferred"))
    responses = tokens(1600, 1600, "gpt-5.4", "high")
    out.append(Difference(
        "Chat Completions vs Responses",
        f"on the gpt-5.4 family a 1600×1600 image billed {responses:,} tokens on the Responses API "
        f"and about {CHAT_COMPLETIONS_GAP} fewer on Chat Completions, not a clean patch count "
        "(2026-03). Patchwork estimates the Responses figure; Verify names the endpoint it used",
        "measured"))
    framing = " and ".join(f"about {n} on {api}" for api, n in FRAMING_OVERHEAD)
    out.append(Difference(
        "every request",
        f"a request's reported input also counts its text and message framing ({framing} for "
        "one short user message on gpt-5.x), so image tokens are measured as the input with the "
        "image minus the same request without it", "measured"))
    tile_original = ", ".join(family_facts().original_as_high)
    out.append(Difference(
        "detail 'original' where a model has none",
        f"billed as 'high', and Patchwork says so ({tile_original} accepts it and bills it as "
        "high, measured)", "measured"))
    return tuple(out)


# ---- what the guide used to say -----------------------------------------------------------

@dataclass(frozen=True)
class HistoryEntry:
    when: str  # the guide's edition
    said: str  # what it said
    billed: str  # what billing showed, with its date
    now: str  # where it stands today


HISTORY: tuple[HistoryEntry, ...] = (
    HistoryEntry("2025 guide", "gpt-5-mini ×1.62 and gpt-5-nano ×2.46",
                 "billing was ×1.2 and ×1.5 (measured 2025–2026)",
                 "the guide was corrected by July 2026"),
    HistoryEntry("2025 guide", "no max-side fit for patch models (4000×1474 on gpt-4.1-mini: "
                 "2348 tokens by the guide's arithmetic)", "billed 2489 (measured 2025)",
                 "the current guide documents the fit"),
    HistoryEntry("2025 guide", "`low` is “a 512px × 512px version … budget of 85 tokens”",
                 "true for tile models only", "patch models have a `low` profile of their own"),
    HistoryEntry("early 2026 guide", "gpt-5.4-mini and -nano at 1,536 patches and ×1.62 / ×2.46",
                 "2,500 patches and ×1.2 (measured 2026-03)", "as the current guide says"),
    HistoryEntry("current guide (2026-07 to 2026-09)", "gpt-4.1-mini at 6,144 patches at every "
                 "level", "the one large-image measurement (2400×1800, 2025) fits 1,536",
                 "billing keeps 1,536: re-measure with Verify"),
)


# ---- lifecycle ----------------------------------------------------------------------------

@dataclass(frozen=True)
class LifecycleRow:
    model: str
    family: str
    status: str
    shutdown: str | None
    replacement: str | None  # the replacements the deprecations page names, joined by "or"
    inferred: bool  # the shutdown date is inferred
    source: str = ""  # where the shutdown date is from


def lifecycle(on: date | str | None = None) -> tuple[LifecycleRow, ...]:
    """Every model with its status on a day (default today): shutdown dates first, by date.

    Not cached: a running server crosses midnight.
    """
    rows = [LifecycleRow(m.name, m.family, m.status(on), m.shutdown,
                         " or ".join(m.replacements) or None,
                         m.shutdown is not None and m.shutdown_confidence == "inferred",
                         m.shutdown_source if m.shutdown else "")
            for m in models()]
    return tuple(sorted(rows, key=lambda r: (r.shutdown is None, r.shutdown or "", r.model)))


# ---- generated images ---------------------------------------------------------------------

@dataclass(frozen=True)
class GenerationTable:
    models: tuple[str, ...]
    sizes: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]  # (quality, tokens per size)
    confidence: str


@cache
def generation_table() -> GenerationTable:
    """The older models' table (metering.md §8.1), read through generation_cost."""
    table = catalogue().generation["table"]
    sizes = tuple(next(iter(table["tokens"].values())))
    model = table["models"][0]
    return GenerationTable(tuple(table["models"]), sizes, tuple(
        (q, tuple(generation_cost(model, q, s).tokens_per_image for s in sizes))
        for q in table["tokens"]), table["confidence"])


# The guide's per-image prices for gpt-image-2 (a worked example of the formula at $30/1M).
GUIDE_IMAGE_PRICES = (
    ("1024x1024", "low", "0.006"), ("1024x1024", "medium", "0.053"),
    ("1024x1024", "high", "0.211"), ("1024x1536", "low", "0.005"),
    ("1024x1536", "medium", "0.041"), ("1024x1536", "high", "0.165"),
    ("1536x1024", "low", "0.005"), ("1536x1024", "medium", "0.041"),
    ("1536x1024", "high", "0.165"),
)
FORMULA_EXAMPLE = ("gpt-image-2", "high", "1024x1024", 7024)  # the notes' worked example
SIZE_RULE_EXAMPLES = ("1000x1000", "4096x1024", "3200x1024", "512x512", "3840x2176")


@dataclass(frozen=True)
class PriceCheck:
    size: str
    quality: str
    tokens: int
    usd: Decimal
    guide: Decimal

    @property
    def matches(self) -> bool:
        return self.usd.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) == self.guide


@dataclass(frozen=True)
class Formula:
    models: tuple[str, ...]
    quality_factor: dict[str, int]
    confidence: str
    source: str
    text: str
    example: tuple[str, str, str, int]  # model, quality, size, expected tokens
    saf: int
    tokens: int
    usd: str  # formatted
    price: str  # the output price per 1M it is at
    rules: tuple[str, ...]  # the size rules, in words
    errors: tuple[tuple[str, str], ...]  # (size, the error calc gives for it)
    auto: str  # quality auto is estimated as
    partial_image_tokens: int
    prices: tuple[PriceCheck, ...]

    @property
    def matches(self) -> bool:
        return self.tokens == self.example[3]


@cache
def formula() -> Formula:
    gen = catalogue().generation
    f, sizes = gen["formula"], gen["sizes"]
    model, quality, size_, expected = FORMULA_EXAMPLE
    w, h = check_generation_size(size_)
    q = f["quality_factor"][quality]
    cost = generation_cost(model, quality, size_)
    errors = []
    for bad in SIZE_RULE_EXAMPLES:
        try:
            check_generation_size(bad)
        except CalcError as err:
            errors.append((bad, str(err)))
    price = resolve_model(model).price_output
    prices = tuple(PriceCheck(s, qq, (c := generation_cost(model, qq, s)).tokens_per_image,
                              c.usd, Decimal(g)) for s, qq, g in GUIDE_IMAGE_PRICES)
    return Formula(
        models=tuple(f["models"]), quality_factor=dict(f["quality_factor"]),
        confidence=f["confidence"], source=f["source"],
        text=("saf    = (2·q·short + long) // (2·long)\n"
              "tokens = (q · saf · (2,000,000 + w·h) + 3,999,999) // 4,000,000"),
        example=FORMULA_EXAMPLE, saf=(2 * q * min(w, h) + max(w, h)) // (2 * max(w, h)),
        tokens=formula_tokens(q, w, h), usd=format_usd(cost.usd), price=format_usd(price),
        rules=(f"both sides multiples of {sizes['side_multiple']}",
               f"long side at most {sizes['max_long_side']:,}",
               f"long side at most {sizes['max_ratio']}× the short side",
               f"total pixels between {sizes['min_pixels']:,} and {sizes['max_pixels']:,}"),
        errors=tuple(errors), auto=f["auto_as"],
        partial_image_tokens=gen["partial_image_tokens"], prices=prices)


# ---- gpt-image-2.5 / 2.6: unpublished (metering.md §8.3) ----------------------------------

@dataclass(frozen=True)
class MeasuredOutput:
    """A third-party measured point beside what the gpt-image-2 formula would say for it."""

    point: MeasuredPoint
    formula_tokens: int


@dataclass(frozen=True)
class Unpublished:
    models: tuple[str, ...]
    source: str
    measured: tuple[MeasuredOutput, ...]
    third_party: str  # how a measured point is marked
    shared_source: str  # why a 2.6 point at high also stands for 2.5
    shared_family: str
    shared_also: str
    shared_qualities: tuple[str, ...]
    no_count: tuple[str, ...]  # qualities with no count at all
    options_family: str
    options: OutputOptions
    no_batch: tuple[str, ...]  # models that do not offer Batch
    example: GenerationCost  # what calc answers for one: no number, the matching point
    typed: GenerationCost  # the user's own count, priced


UNPUBLISHED_EXAMPLE = ("gpt-image-2.6-flare", "high", "1536x1024")
TYPED_EXAMPLE = 1353  # tokens per image a user types (the measured point), priced at $30/1M


def unpublished() -> Unpublished:
    """§8.3 as data, computed live (not cached: the typed example is priced on today)."""
    gen = catalogue().generation
    u, f = gen["unpublished"], gen["formula"]
    family = next(iter(u["options"]))  # the family that adds complexity, GIF and SVG
    measured = []
    for p in measured_points():
        w, h = check_generation_size(p.size)
        measured.append(MeasuredOutput(p, formula_tokens(f["quality_factor"][p.quality], w, h)))
    model, quality, size_ = UNPUBLISHED_EXAMPLE
    shared = u.get("shared", {})
    return Unpublished(
        models=tuple(u["models"]), source=u["source"], measured=tuple(measured),
        third_party=THIRD_PARTY, shared_source=shared.get("source", ""),
        shared_family=shared.get("family", ""), shared_also=shared.get("also", ""),
        shared_qualities=tuple(shared.get("qualities", ())), no_count=tuple(u["no_count"]),
        options_family=family, options=output_options(u["families"][family][0]),
        no_batch=tuple(m for m in u["models"] if not offers(m, "batch")),
        example=generation_cost(model, quality, size_),
        typed=generation_cost(model, quality, size_, tokens_per_image=TYPED_EXAMPLE))


# ---- prices, tiers and modifiers ----------------------------------------------------------

@dataclass(frozen=True)
class PriceRow:
    model: str
    status: str
    period: str  # '' for a price with no dates; else 'from 2026-12-01', '… to …', 'until …'
    input: str  # image tokens pay this (text input on vision models)
    cached_input: str
    cache_write: str
    output: str
    text_input: str  # gpt-image models: text has its own rate
    long_context: str
    tiers: str  # tiers beyond standard this model's page confirms
    regional: bool
    as_of: str
    source: str
    confidence: str
    third_party: str = ""  # the figures a third party gives, not OpenAI


def _money(amount: Decimal | None) -> str:
    return "unknown" if amount is None else format_usd(amount)


def _price_row(m: Model, p: Price) -> PriceRow:
    lc = p.long_context
    long_context = "" if lc is None else (f"> {lc.above:,} input tokens: ×{lc.input_factor} "
                                          f"input, ×{lc.output_factor} output")
    text_input = "" if p.text_input is None else (
        _money(p.text_input) + ("" if p.text_cached_input is None
                                else f" (cached {_money(p.text_cached_input)})"))
    write = "" if p.cache_write is None else _money(p.cache_write) + (
        "" if p.cache_write_12h is None else f" (12 h {_money(p.cache_write_12h)})")
    return PriceRow(
        m.name, m.status(), p.period, _money(p.input), _money(p.cached_input), write,
        _money(p.output), text_input, long_context, ", ".join(tier_label(t) for t in m.tiers),
        m.regional, p.as_of, p.source, p.confidence,
        ", ".join(f.replace("_", " ") for f in p.third_party))


def price_table() -> tuple[PriceRow, ...]:
    """Every price period of every model, past and scheduled (not cached: statuses change
    with the day)."""
    return tuple(_price_row(m, p) for m in models() for p in m.prices)


@dataclass(frozen=True)
class TierRow:
    tier: str
    label: str
    factor: Decimal  # today's general factor
    confirmed_for: tuple[str, ...]  # models whose page confirms it (standard: every model)
    example: str  # the tier's price of the example image ("not offered" where it is not)
    offered_by: str  # "every model" or the few that offer it
    own: str  # the models with a factor of their own, dated: "gpt-5.5 2.5×; …"


MODIFIER_EXAMPLE = ("gpt-6.1-terra", 1024, 1024, "high")  # its page lists every tier it has


@dataclass(frozen=True)
class Modifiers:
    tiers: tuple[TierRow, ...]
    example: str  # the image the tier prices are for
    example_tokens: int
    regional_uplift: Decimal
    regional_source: str
    regional_models: tuple[str, ...]
    regional_example: str
    cache_write_factor: Decimal
    cache_write_12h_factor: Decimal
    long_context_above: int
    long_context_models: tuple[str, ...]


def _own_factors(tier: str) -> str:
    """'gpt-6.2-sol 3× until 2027-02-28, 6× from 2027-03-01 (inferred)'; '' where none."""
    parts = []
    for m in models():
        rows = [f for f in m.tier_factors if f.tier == tier]
        if rows:
            parts.append(f"{m.name} " + ", ".join(
                f"{f.factor}×" + (f" until {f.valid_until}" if f.valid_until else "")
                + (f" from {f.valid_from}" if f.valid_from else "")
                + (f" ({f.confidence})" if f.confidence != "documented" else "")
                for f in rows))
    return "; ".join(parts)


def modifiers() -> Modifiers:
    """Tiers and modifiers today (not cached: factors change on dates)."""
    book = catalogue()
    model, w, h, detail = MODIFIER_EXAMPLE
    n = tokens(w, h, model, detail)
    m = resolve_model(model)
    tiers = tuple(TierRow(
        t.name, t.label, t.factor,
        tuple(x.name for x in models() if t.name == "standard" or t.name in x.tiers),
        format_usd(cost_usd(n, model, t.name)) if offers(m, t.name) else "not offered",
        "every model" if t.offered_by is None else ", ".join(t.offered_by),
        _own_factors(t.name)) for t in book.tiers.values())
    return Modifiers(
        tiers, f"{model} · {size(w, h)} · {detail}", n, book.regional_uplift,
        book.regional_source, tuple(x.name for x in models() if x.regional),
        format_usd(cost_usd(n, model) * (1 + book.regional_uplift)), book.cache_write_factor,
        book.cache_write_12h_factor, book.limits["long_context_above"],
        tuple(x.name for x in models() if x.price and x.price.long_context))


@dataclass(frozen=True)
class CatalogueInfo:
    as_of: str
    version: str
    models: int
    limits: dict
    checked: str = ""
    stale: str = ""  # the plain note when the prices were checked long ago
    fallback: str = ""  # why an operator's catalogue file was not used
    scheduled: tuple[tuple[str, str], ...] = ()  # (ISO day, what changes) in the next 90 days


def catalogue_info() -> CatalogueInfo:
    book = catalogue()
    return CatalogueInfo(book.as_of, book.version, len(book.models), dict(book.limits),
                         book.checked, staleness_note(), book.fallback,
                         tuple((d.isoformat(), text) for d, text in scheduled_changes()))
