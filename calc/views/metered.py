"""What the "How it's metered" page shows, as data: every number computed live from calc.

The guide's worked examples and the spec's measured evidence are the only literal numbers here:
they are what calc is checked against, so they must not come from calc itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from calc.engine.catalogue import Family, Model, catalogue, models, resolve_model
from calc.engine.estimate import Estimate, estimate, tokens
from calc.engine.generation import generation_cost, generation_options

SPEC = "shared/spec/metering.md"
GUIDE = "OpenAI's “Images and vision” guide, “Calculating costs” (the copy the spec starts from)"
EVIDENCE_SOURCE = (f"{SPEC} §9: image tokens isolated from real API usage, as (input tokens with "
                   "the image) − (input tokens of the same request without it)")

# Spec §5: a request's input total also counts text and message framing (one short user message
# on Chat Completions). Measured, not documented; shown so nobody mistakes it for image tokens.
FRAMING_OVERHEAD = (8, 13)

# The size the per-model differences are illustrated with: the guide's own patch example, small
# enough that no fitting step applies, so only the multiplier differs.
DIFFERENCE_EXAMPLE_SIZE = (1024, 1024)


# ---- the guide's worked examples ----------------------------------------------------------

@dataclass(frozen=True)
class WorkedExample:
    """One example of the guide, with the number the guide prints for it."""

    label: str
    width: int
    height: int
    model: str
    detail: str
    expected: int
    quantity: str = "tokens"  # what `expected` counts: "tokens", or "patches" before multiplying
    rules: str = "documented"  # the guide's examples follow the guide's own text


GUIDE_EXAMPLES: tuple[WorkedExample, ...] = (
    WorkedExample("A square photo, high detail", 1024, 1024, "gpt-4o", "high", 765),
    WorkedExample("A tall image, high detail", 2048, 4096, "gpt-4o", "high", 1105),
    WorkedExample("A huge image, low detail", 4096, 8192, "gpt-4o", "low", 85),
    # The guide's patch examples name no model and count patches: any budget-1536 model will do.
    WorkedExample("Patches under the budget", 1024, 1024, "gpt-4.1-mini", "high", 1024,
                  quantity="patches"),
    WorkedExample("Patches over the budget: shrink", 1800, 2400, "gpt-4.1-mini", "high", 1452,
                  quantity="patches"),
)


@dataclass(frozen=True)
class Worked:
    example: WorkedExample
    estimate: Estimate  # under the example's rules, with every step
    billing_tokens: int  # the same image under the billing rules, for comparison

    @property
    def actual(self) -> int:
        """calc's number for the quantity the guide counts."""
        return self.estimate.units if self.example.quantity == "patches" else self.estimate.tokens

    @property
    def matches(self) -> bool:
        return self.actual == self.example.expected


@cache
def worked_examples() -> tuple[Worked, ...]:
    out = []
    for ex in GUIDE_EXAMPLES:
        est = estimate(ex.width, ex.height, ex.model, ex.detail, rules=ex.rules)
        out.append(Worked(ex, est, tokens(ex.width, ex.height, ex.model, ex.detail)))
    return tuple(out)


# ---- measured evidence (spec §9) ----------------------------------------------------------

@dataclass(frozen=True)
class Measurement:
    """Image tokens measured on the real API for one image; every listed detail billed the same."""

    model: str
    width: int
    height: int
    details: tuple[str, ...]
    fidelity: str
    measured: int
    shows: str


EVIDENCE: tuple[Measurement, ...] = (
    Measurement("gpt-4o", 1, 1, ("high", "auto"), "low", 255, "no upscaling; auto = high"),
    Measurement("gpt-4o", 1, 1, ("low",), "low", 85, "low = base"),
    Measurement("gpt-4.1", 2049, 513, ("high",), "low", 1445,
                "fit-2048 rounds half up (512.75 → 513: 8 tiles)"),
    Measurement("gpt-4.1", 2050, 513, ("high",), "low", 765,
                "fit-2048 rounds half up (512.4995 → 512: 4 tiles)"),
    Measurement("gpt-4.1-mini", 4000, 1474, ("high",), "low", 2489,
                "patch models fit the long side to 2048 first"),
    Measurement("gpt-4.1-mini", 128, 64, ("low", "high"), "low", 13, "low = high on a small image"),
    Measurement("gpt-5-mini", 512, 512, ("high",), "low", 308, "×1.2, rounded up"),
    Measurement("gpt-5-mini", 2048, 768, ("high",), "low", 1844, "×1.2 at the full budget"),
    # gpt-image models take no detail; "auto" is how a request without one is read.
    Measurement("gpt-image-1", 1024, 1025, ("auto",), "low", 194,
                "short side to 512 rounds down: 1 tile"),
    Measurement("gpt-image-1", 1023, 1024, ("auto",), "low", 194, "same"),
    Measurement("gpt-image-1", 512, 513, ("auto",), "low", 323,
                "short side ≤ 512 is kept: 2 tiles"),
)


@dataclass(frozen=True)
class EvidenceCheck:
    measurement: Measurement
    billing: tuple[int, ...]  # calc under the billing rules, one per measured detail
    documented: tuple[int, ...]  # what the guide's text would give, one per measured detail

    @property
    def matches(self) -> bool:
        return all(t == self.measurement.measured for t in self.billing)

    @property
    def guide_agrees(self) -> bool:
        return all(t == self.measurement.measured for t in self.documented)


@cache
def evidence() -> tuple[EvidenceCheck, ...]:
    out = []
    for m in EVIDENCE:
        counts = {rules: tuple(tokens(m.width, m.height, m.model, d, m.fidelity, rules)
                               for d in m.details) for rules in ("billing", "documented")}
        out.append(EvidenceCheck(m, counts["billing"], counts["documented"]))
    return tuple(out)


# ---- the catalogue as a table -------------------------------------------------------------

@dataclass(frozen=True)
class CatalogueRow:
    name: str
    family: str
    constants: str  # the numbers that size a high-detail image, in words
    original: str | None  # budget and max side at detail "original", where the model has it
    base_tokens: int | None
    tile_tokens: int | None
    patch_budget: int | None
    max_side: int | None
    multiplier_billing: Decimal | None
    multiplier_documented: Decimal | None
    details: tuple[str, ...]
    fidelities: tuple[str, ...]
    price_input: Decimal | None  # USD per 1M tokens; image inputs are billed at this rate
    price_cached_input: Decimal | None
    price_output: Decimal | None
    price_text_input: Decimal | None  # gpt-image only: their text input has its own rate
    notes: tuple[str, ...]
    inferred: tuple[str, ...]
    differs: tuple[str, ...]

    @property
    def is_inferred(self) -> bool:
        return bool(self.inferred)


def _constants(m: Model, fam: Family) -> str:
    if m.family == "patch":
        return f"{m.patch_budget:,} patches of {fam.cell} px, long side ≤ {m.max_side:,} px"
    return f"{m.base_tokens:,} + {m.tile_tokens:,} per {fam.cell} px tile"


def _row(m: Model) -> CatalogueRow:
    fam = catalogue().families[m.family]
    original = None
    if m.original_budget is not None:
        original = f"{m.original_budget:,} patches, long side ≤ {m.original_max_side:,} px"
    return CatalogueRow(
        name=m.name, family=m.family, constants=_constants(m, fam), original=original,
        base_tokens=m.base_tokens, tile_tokens=m.tile_tokens, patch_budget=m.patch_budget,
        max_side=m.max_side, multiplier_billing=m.multiplier_billing,
        multiplier_documented=m.multiplier_documented, details=m.details,
        fidelities=m.fidelities if m.family == "image" else (), price_input=m.price_input,
        price_cached_input=m.price_cached_input, price_output=m.price_output,
        price_text_input=m.price_text_input, notes=m.notes, inferred=m.inferred,
        differs=m.differs,
    )


@dataclass(frozen=True)
class CatalogueTable:
    as_of: str
    source: str
    batch_discount: Decimal  # batch pays this fraction of the standard price
    rows: tuple[CatalogueRow, ...]


@cache
def catalogue_table() -> CatalogueTable:
    book = catalogue()
    return CatalogueTable(book.as_of, book.source, book.batch_discount,
                          tuple(_row(m) for m in models()))


# ---- where the guide and billing differ (spec §5) -----------------------------------------

@dataclass(frozen=True)
class Difference:
    subject: str  # the models it concerns, or "every request"
    text: str
    example: str | None = None  # the case the two numbers below are for
    billing: int | None = None
    documented: int | None = None


def _fit_difference() -> Difference:
    """Billing fits a patch model's long side before counting; the guide's text has no such step."""
    patch = [m for m in models() if m.family == "patch"]
    sides = sorted({m.max_side for m in patch})
    side_text = " / ".join(f"{s:,}" for s in sides)
    text = (f"billing fits the long side to {side_text} px before counting patches "
            "(as the tile models do); the guide's text counts the image as given")
    # Illustrate with the measurement that shows it, so the billing number is a measured one.
    case = next(c for c in evidence()
                if resolve_model(c.measurement.model).family == "patch"
                and max(c.measurement.width, c.measurement.height) > resolve_model(
                    c.measurement.model).max_side and c.billing != c.documented)
    m = case.measurement
    return Difference("patch models", text, f"{m.model} · {m.width}×{m.height} · "
                      f"{m.details[0]} (measured: {m.measured:,})", case.billing[0],
                      case.documented[0])


@cache
def differences() -> tuple[Difference, ...]:
    out = []
    w, h = DIFFERENCE_EXAMPLE_SIZE
    for m in models():
        if not m.differs:
            continue
        detail = "high"
        out.append(Difference(m.name, "; ".join(m.differs), f"{m.name} · {w}×{h} · {detail}",
                              tokens(w, h, m.name, detail, rules="billing"),
                              tokens(w, h, m.name, detail, rules="documented")))
    out.append(_fit_difference())
    lo, hi = FRAMING_OVERHEAD
    out.append(Difference(
        "every request",
        f"a request's reported input total also counts its text and message framing (about "
        f"{lo}–{hi} tokens for one short user message on Chat Completions), so image tokens are "
        "measured as the input total with the image minus the same request without it"))
    return tuple(out)


# ---- facts the plain-words rules quote ----------------------------------------------------

@dataclass(frozen=True)
class ModelGroup:
    """Models that share the same constants, so the prose can name them together."""

    names: tuple[str, ...]
    values: tuple  # the shared constants, in the order the caller asked for


def _groups(family: str, key) -> tuple[ModelGroup, ...]:
    groups: dict[tuple, list[str]] = {}
    for m in models():
        if m.family == family:
            groups.setdefault(key(m), []).append(m.name)
    return tuple(ModelGroup(tuple(names), values) for values, names in groups.items())


@cache
def tile_groups() -> tuple[ModelGroup, ...]:
    """Tile models grouped by (base tokens, tile tokens)."""
    return _groups("tile", lambda m: (m.base_tokens, m.tile_tokens))


@cache
def image_groups() -> tuple[ModelGroup, ...]:
    """gpt-image models grouped by (base tokens, tile tokens)."""
    return _groups("image", lambda m: (m.base_tokens, m.tile_tokens))


@cache
def patch_groups() -> tuple[ModelGroup, ...]:
    """Patch models grouped by (budget, max side, original budget, original max side)."""
    return _groups("patch", lambda m: (m.patch_budget, m.max_side, m.original_budget,
                                       m.original_max_side))


@cache
def multiplier_groups() -> tuple[ModelGroup, ...]:
    """Patch models grouped by (billing multiplier, documented multiplier)."""
    return _groups("patch", lambda m: (m.multiplier_billing, m.multiplier_documented))


def models_with_detail(detail: str) -> tuple[str, ...]:
    return tuple(m.name for m in models() if detail in m.details)


def auto_exceptions() -> tuple[tuple[str, str], ...]:
    """(model, what 'auto' means there) wherever it is not 'high'."""
    return tuple((m.name, m.auto_detail) for m in models()
                 if m.family != "image" and m.auto_detail != "high")


def generation_models() -> tuple[str, ...]:
    return tuple(catalogue().generation["models"])


@cache
def generation_table() -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(quality, output tokens per size) for the sizes of `generation_options()`."""
    qualities, sizes = generation_options()
    model = generation_models()[0]  # one table serves every generation model (spec §4)
    return tuple((q, tuple(generation_cost(model, q, s).tokens_per_image for s in sizes))
                 for q in qualities)


def partial_image_tokens() -> int:
    return int(catalogue().generation["partial_image_tokens"])


@dataclass(frozen=True)
class InferredRule:
    text: str
    models: tuple[str, ...]


@cache
def inferred_rules() -> tuple[InferredRule, ...]:
    """Every 'inferred' note calc can attach, found by asking it about every model and choice."""
    seen: dict[str, list[str]] = {}
    for m in models():
        for detail in m.details:
            for fidelity in m.fidelities:
                est = estimate(*DIFFERENCE_EXAMPLE_SIZE, m.name, detail, fidelity)
                for note in est.notes:
                    if note.kind == "inferred" and m.name not in seen.setdefault(note.text, []):
                        seen[note.text].append(m.name)
    return tuple(InferredRule(text, tuple(names)) for text, names in seen.items())
