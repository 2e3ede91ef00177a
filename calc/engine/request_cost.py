"""What one whole request costs: image input, text input and output, at a tier, exactly.

Per docs/metering.md §9: image tokens pay the model's text input rate (cached at the cached
rate); the day's price row and the tier's factor for the model on that day, and the regional
uplift, multiply every price; above the long-context threshold the whole request pays the
model's long-context factors; explicit cache writes pay the 30-minute or 12-hour write rate.
Amounts are `Fraction`s (exact: averages of image tokens are ratios); `format_usd` rounds one
half up, once, at display.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from calc.engine.catalogue import Model, catalogue, resolve_model
from calc.engine.errors import CalcError
from calc.engine.pricing import check_regional, price_notes, tier_factor, tier_note

MILLION = 1_000_000


@dataclass(frozen=True)
class RequestShape:
    """One request: images, prompt tokens, output and reasoning tokens, cached share of input."""

    images: int = 1
    prompt_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0  # billed as output: OpenAI bills them as output tokens
    cached_share: Fraction = Fraction(0)  # of all input tokens, 0 … 1

    def __post_init__(self) -> None:
        for name in ("images", "prompt_tokens", "output_tokens", "reasoning_tokens"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise CalcError(f"{name.replace('_', ' ')} must be a whole number ≥ 0, "
                                f"not {value!r}")
        if not 0 <= Fraction(self.cached_share) <= 1:
            raise CalcError(f"the cached share must be between 0 and 1, not {self.cached_share}")


@dataclass(frozen=True)
class RequestCost:
    """Dollars of one request, split so the image share of the bill is visible (exact)."""

    model: str
    input_tokens: Fraction  # image + prompt
    image_input: Fraction
    text_input: Fraction
    output: Fraction
    long_context: bool  # the whole request was priced at the long-context factors
    notes: tuple[str, ...]

    @property
    def total(self) -> Fraction:
        return self.image_input + self.text_input + self.output


def _f(value: Decimal | None) -> Fraction | None:
    return None if value is None else Fraction(value)


CACHE_WRITES = (False, True, "30m", "12h")  # True is a 30-minute write


def request_cost(model: str | Model, image_tokens: Fraction | int, shape: RequestShape,
                 tier: str = "standard", regional: bool = False,
                 cache_write: bool | str = False,
                 on: date | str | None = None) -> RequestCost | None:
    """One request on `model` carrying `image_tokens` (all its images together; may be an
    average, hence a Fraction), priced on the day `on` (None: today). None where the catalogue
    has no input or output price that day. A tier the model does not offer, or Fast with
    regional processing, is a CalcError that says why.

    `cache_write`: this request writes its cached part (explicit caching) instead of reading it:
    True or "30m" for a 30-minute write, "12h" for a 12-hour one.
    """
    m = resolve_model(model) if isinstance(model, str) else model
    if cache_write not in CACHE_WRITES:
        raise CalcError(f"cache_write must be one of {CACHE_WRITES}, not {cache_write!r}")
    check_regional(tier, regional)
    factor = Fraction(tier_factor(tier, m, on))
    price = m.price_on(on)
    if price is None or price.input is None or price.output is None:
        return None
    notes = list(price_notes(m, on))
    caveat = tier_note(m, tier, on)
    if caveat:
        notes.append(caveat)
    if regional:
        factor *= 1 + Fraction(catalogue().regional_uplift)
        if not m.regional:
            notes.append(f"regional uplift not confirmed for this model ({m.name})")
    image_tokens = Fraction(image_tokens)
    input_tokens = image_tokens + shape.prompt_tokens
    lc = price.long_context
    long = lc is not None and input_tokens > lc.above
    in_f = Fraction(lc.input_factor) if long else Fraction(1)
    out_f = Fraction(lc.output_factor) if long else Fraction(1)
    if long:
        notes.append(f"long context: {float(input_tokens):,.0f} input tokens > {lc.above:,} in "
                     f"one request, so the whole request pays {lc.input_factor}× input and "
                     f"{lc.output_factor}× output")
    share = Fraction(shape.cached_share)
    write = _write_rate(price, cache_write, notes)
    image_rate = _blend(Fraction(price.input), _f(price.cached_input), write, share,
                        bool(cache_write), notes)
    text_price = price.text_input if price.text_input is not None else price.input
    text_cached = price.text_cached_input if price.text_input is not None else price.cached_input
    text_rate = _blend(Fraction(text_price), _f(text_cached), write, share, bool(cache_write),
                       notes)
    out_tokens = shape.output_tokens + shape.reasoning_tokens
    scale = factor / MILLION
    return RequestCost(
        model=m.name, input_tokens=input_tokens,
        image_input=image_tokens * image_rate * in_f * scale,
        text_input=shape.prompt_tokens * text_rate * in_f * scale,
        output=out_tokens * Fraction(price.output) * out_f * scale,
        long_context=long, notes=tuple(dict.fromkeys(notes)),
    )


def _write_rate(price, cache_write: bool | str, notes: list[str]) -> Fraction | None:
    """The cache-write rate per 1M: a 30-minute write, or a 12-hour one (2× the 30-minute
    write where the model's row gives it, metering.md §9.3)."""
    if cache_write != "12h":
        return _f(price.cache_write)
    if price.cache_write_12h is None:
        notes.append("no 12-hour cache-write price for this model: priced as a 30-minute write")
        return _f(price.cache_write)
    return Fraction(price.cache_write_12h)


def _blend(rate: Fraction, cached: Fraction | None, write: Fraction | None, share: Fraction,
           writing: bool, notes: list[str]) -> Fraction:
    """The rate per token of input with `share` served from cache (or written to it)."""
    if share == 0:
        return rate
    if writing:
        if write is None:  # implicit caching: nothing extra is billed for the write
            notes.append("no cache-write price for this model: writes cost the input rate")
            write = rate
        return (1 - share) * rate + share * write
    if cached is None:
        notes.append("cached input price not listed: cached tokens priced at the input rate")
        cached = rate
    return (1 - share) * rate + share * cached
