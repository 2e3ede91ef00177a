"""Plan's Generate view: what generated (or edited) images cost per request, day and month.

Output tokens and their dollars come from calc.generation_cost (on a day, at the model's tier);
input images of an edit from calc.estimate. For gpt-image-2.5 / 2.6 no count is published
(metering.md §8.3): the user types tokens per image, prefilled from a matching third-party
measurement where one exists (`tokens_prefill`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError
from calc.engine.estimate import Estimate, estimate
from calc.engine.generation import (  # noqa: F401  (MAX_TYPED_TOKENS: the typed field's bound)
    MAX_TYPED_TOKENS,
    GenerationCost,
    generation_cost,
    is_unpublished,
)
from calc.engine.generation_measured import MeasuredPoint, measured_point
from calc.engine.pricing import format_usd, tier_factor, usd
from calc.engine.rules import plan_for
from calc.views.plan.table import Column, Table
from calc.views.request import Metric

MAX_EDIT_IMAGES = 16  # metering.md §17: an edit takes up to 16 images


@dataclass(frozen=True)
class GenerationPlan:
    """One request (n images, optional input images for an edit) and its daily volume.

    Dollars are at the model's tier on the day; output tokens at the model's image output
    price, input images at its image input price. No output number (unpublished): no total.
    """

    output: GenerationCost
    inputs: tuple[Estimate, ...]
    fidelity: str
    tier: str
    requests_per_day: int
    days_per_month: int
    output_usd: Decimal | None
    input_tokens: int
    input_usd: Decimal | None

    @property
    def request_usd(self) -> Decimal | None:
        if self.output_usd is None or (self.inputs and self.input_usd is None):
            return None
        return self.output_usd + (self.input_usd or Decimal(0))

    @property
    def image_usd(self) -> Decimal | None:
        usd = self.request_usd
        return None if usd is None else usd / self.output.n

    @property
    def images_per_day(self) -> int:
        return self.output.n * self.requests_per_day

    @property
    def day_usd(self) -> Decimal | None:
        usd = self.request_usd
        return None if usd is None else usd * self.requests_per_day

    @property
    def month_usd(self) -> Decimal | None:
        usd = self.day_usd
        return None if usd is None else usd * self.days_per_month


def generation_plan(model: str, quality: str, size: str, n: int = 1, partial_images: int = 0,
                    input_sizes: Sequence[tuple[int, int]] = (), fidelity: str = "low",
                    tier: str = "standard", requests_per_day: int = 1,
                    days_per_month: int = 30, *, tokens_per_image: int | None = None,
                    complexity: str | None = None, output_format: str | None = None,
                    frames: int | None = None, on: date | str | None = None) -> GenerationPlan:
    """The cost of generating (or editing) images; raises CalcError with the reason if refused,
    e.g. UnsupportedFidelityError for fidelity 'high' on gpt-image-1-mini, or a tier the model
    does not offer."""
    output = generation_cost(model, quality, size, n, partial_images, tier=tier, on=on,
                             tokens_per_image=tokens_per_image, complexity=complexity,
                             output_format=output_format, frames=frames)
    plan_for(output.model, "auto", fidelity, "billing")  # refuses a fidelity the model lacks
    if len(input_sizes) > MAX_EDIT_IMAGES:
        raise CalcError(f"an edit takes at most {MAX_EDIT_IMAGES} input images, not "
                        f"{len(input_sizes)}")
    for name, value, low in (("requests per day", requests_per_day, 0),
                             ("days per month", days_per_month, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise CalcError(f"{name} must be a whole number ≥ {low}, not {value!r}")
    inputs = tuple(estimate(int(w), int(h), output.model, "auto", fidelity)
                   for w, h in input_sizes)
    input_tokens = sum(e.tokens for e in inputs)
    m = resolve_model(output.model)
    price = m.price_on(output.priced_on)
    return GenerationPlan(
        output=output, inputs=inputs, fidelity=fidelity, tier=tier,
        requests_per_day=requests_per_day, days_per_month=days_per_month,
        output_usd=output.usd, input_tokens=input_tokens,
        input_usd=(usd(input_tokens, price.input if price else None,
                       tier_factor(tier, m, output.priced_on)) if inputs else Decimal(0)),
    )


@dataclass(frozen=True)
class TokensPrefill:
    """What the typed tokens-per-image field starts with for a model with no published count."""

    tokens: int | None  # a matching measured point's count; None: the field starts empty
    point: MeasuredPoint | None
    message: str


def tokens_prefill(model: str, quality: str, size: str) -> TokensPrefill | None:
    """None where the model's count is published (no field); else the prefill and what to say."""
    if not is_unpublished(model):
        return None
    name = resolve_model(model).name
    point = measured_point(name, size, quality)
    shown = f"{size.replace('x', '×')} {quality}"
    if point is None:
        return TokensPrefill(None, None, (
            f"OpenAI publishes no output-token count for {name}, and no measurement matches "
            f"{shown}: type your own tokens per image to price it."))
    return TokensPrefill(point.tokens, point, (
        f"OpenAI publishes no output-token count for {name}. Prefilled with a {point.label}. "
        "Type your own count to replace it."))


# --- what the Generate view shows ----------------------------------------------------------------


PART_COLUMNS = (Column.text("part", "part"),
                Column("tokens per request", "tokens_per_request"),
                Column.usd("$ per request", "usd_per_request"))
INPUT_COLUMNS = (Column.text("input image", "size_px"),
                 Column("tile tokens", "tile_tokens"),
                 Column("fidelity tokens", "fidelity_tokens"), Column("tokens", "tokens"))


@dataclass(frozen=True)
class GenerateScreen:
    """Everything the Generate view shows for one plan."""

    metrics: tuple[Metric, ...]  # $ per image, request, day and month
    parts: Table  # output and input images: tokens and $ per request
    output_note: str
    notes: tuple[str, ...]  # what the count rests on (unpublished, third-party, options)
    inputs: Table  # an edit's input images (no rows: no edit)


def generate_screen(plan: GenerationPlan) -> GenerateScreen:
    out = plan.output
    size = out.size.replace("x", "×")

    def dollars(amount: Decimal | None) -> Decimal | str | None:
        return "unpublished" if out.unpublished else amount

    def shown(amount: Decimal | None) -> str:
        return "unpublished" if out.unpublished else format_usd(amount)

    counted = ("unpublished" if out.unpublished else
               f"{out.tokens_per_image:,} tokens per image" + (" (yours)" if out.typed else ""))
    return GenerateScreen(
        metrics=(Metric("Per image", shown(plan.image_usd), ""),
                 Metric("Per request", shown(plan.request_usd), f"{out.n} image(s) of {size}"),
                 Metric("Per day", shown(plan.day_usd), f"{plan.images_per_day:,} images a day"),
                 Metric("Per month", shown(plan.month_usd), "")),
        parts=Table.of_rows(PART_COLUMNS, [
            ("Output images", out.output_tokens, dollars(plan.output_usd)),
            ("Input images", plan.input_tokens, plan.input_usd if plan.inputs else Decimal(0))]),
        output_note=(f"Output: {counted} ({out.quality}, {size}"
                     + (f", {out.partial_images} partial image(s)" if out.partial_images else "")
                     + ")."),
        notes=tuple(note.text for note in out.notes),
        inputs=Table.of_rows(INPUT_COLUMNS, [
            (f"{e.original_size[0]}×{e.original_size[1]}", e.tokens - e.fidelity_tokens,
             e.fidelity_tokens, e.tokens) for e in plan.inputs]))
