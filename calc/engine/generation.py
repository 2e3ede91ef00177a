"""What images the gpt-image models create cost: output tokens by quality and size (metering.md §8).

gpt-image-2: the §8.2 formula (derived, not documented) under the documented size rules.
gpt-image-2.5 / 2.6: unpublished (§8.3): no number; a matching third-party measurement where one
exists (calc.engine.generation_measured); the user's own tokens per image, priced.
Older models (all shut down): the §8.1 table.
Dollars: the image-output price that holds on the day, times the model's factor for the tier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from calc.engine.catalogue import catalogue, resolve_model
from calc.engine.clock import day as _day
from calc.engine.errors import CalcError, InvalidSizeError, UnknownGenerationOptionError
from calc.engine.generation_measured import MeasuredPoint, generation_family, measured_point
from calc.engine.pricing import canonical_tier, tier_factor, tier_note, usd
from calc.engine.rules import Note

_SIZE = re.compile(r"^\s*(\d{1,6})\s*[x×X]\s*(\d{1,6})\s*$")
MAX_TYPED_TOKENS = 1_000_000  # tokens per image a user may type: far above any known count


@dataclass(frozen=True)
class OutputOptions:
    """What a model's request may ask for besides quality and size (gpt-image-2.6 adds some)."""

    complexities: tuple[str, ...]  # () where the model has no complexity option
    complexity_default: str | None
    formats: tuple[str, ...]  # output formats; the first is the default
    gif_frames: tuple[int, int] | None  # the least and most frames of a GIF
    gif_max_pixels: int | None  # all frames together
    source: str = ""


@dataclass(frozen=True)
class GenerationCost:
    model: str
    quality: str  # as asked ("auto" stays "auto"; see notes for what was estimated)
    size: str
    n: int
    partial_images: int
    tokens_per_image: int | None  # the image's tokens + 100 per streamed partial; None: unpublished
    output_tokens: int | None  # for all n images
    usd: Decimal | None  # image-output price on the day × the tier's factor; None: no number
    notes: tuple[Note, ...] = ()
    tier: str = "standard"
    priced_on: date | None = None
    complexity: str | None = None  # gpt-image-2.6 only
    output_format: str = "png"
    frames: int | None = None  # GIF output only
    typed: bool = False  # tokens_per_image is the user's own figure, not calc's
    measured: MeasuredPoint | None = None  # a third-party point that matches the request

    @property
    def unpublished(self) -> bool:
        """No token count is published for this request and none was typed (§8.3)."""
        return self.tokens_per_image is None


def generation_models() -> tuple[str, ...]:
    gen = catalogue().generation
    return (tuple(gen["formula"]["models"]) + tuple(gen["unpublished"]["models"])
            + tuple(gen["table"]["models"]))


def is_unpublished(model: str) -> bool:
    """gpt-image-2.5 / 2.6: no published output-token count (§8.3)."""
    return resolve_model(model).name in catalogue().generation["unpublished"]["models"]


def generation_options(model: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The qualities and the listed sizes for a model (default: the older table's)."""
    gen = catalogue().generation
    name = resolve_model(model).name if model is not None else None
    if name in gen["formula"]["models"]:
        return tuple(gen["formula"]["quality_factor"]) + ("auto",), tuple(gen["sizes"]["sizes"])
    if name in gen["unpublished"]["models"]:
        return tuple(gen["unpublished"]["qualities"]), tuple(gen["sizes"]["sizes"])
    table = gen["table"]["tokens"]
    return tuple(table), tuple(next(iter(table.values())))


def output_options(model: str) -> OutputOptions:
    """Complexity, output formats and GIF frames the model accepts."""
    gen = catalogue().generation
    extra = gen["unpublished"].get("options", {}).get(generation_family(model))
    if extra is None:
        return OutputOptions((), None, tuple(gen["sizes"]["output_formats"]), None, None)
    return OutputOptions(tuple(extra["complexity"]), extra["complexity_default"],
                         tuple(extra["output_formats"]), tuple(extra["gif_frames"]),
                         extra["gif_max_pixels"], extra["source"])


def formula_tokens(quality_factor: int, w: int, h: int) -> int:
    """§8.2: saf = (2·q·short + long) // (2·long); tokens = ⌈q·saf·(2,000,000 + w·h) / 4e6⌉."""
    short, long = min(w, h), max(w, h)
    saf = (2 * quality_factor * short + long) // (2 * long)
    return (quality_factor * saf * (2_000_000 + w * h) + 3_999_999) // 4_000_000


def check_generation_size(size: str) -> tuple[int, int]:
    """A gpt-image-2 size 'WxH' under the documented rules; the error names the rule it breaks."""
    f = catalogue().generation["sizes"]
    match = _SIZE.match(size) if isinstance(size, str) else None
    if not match:
        raise InvalidSizeError(f"size {_shown(size)} is not like 1024x1536")
    w, h = int(match[1]), int(match[2])
    m = f["side_multiple"]
    if w % m or h % m:
        raise InvalidSizeError(f"{w}×{h}: both sides must be multiples of {m}")
    if max(w, h) > f["max_long_side"]:
        raise InvalidSizeError(f"{w}×{h}: the long side must be at most {f['max_long_side']:,}")
    if min(w, h) == 0 or max(w, h) > f["max_ratio"] * min(w, h):
        raise InvalidSizeError(f"{w}×{h}: the long side may be at most {f['max_ratio']}× the "
                               "short side")
    if not f["min_pixels"] <= w * h <= f["max_pixels"]:
        raise InvalidSizeError(f"{w}×{h} = {w * h:,} pixels: the total must be between "
                               f"{f['min_pixels']:,} and {f['max_pixels']:,}")
    return w, h


def _shown(value: object, limit: int = 40) -> str:
    """A user's value for an error message, quoted and cut; a huge int is never made a string."""
    if isinstance(value, int) and value.bit_length() > 128:
        return "a number of more than 38 digits"
    return repr(str(value)[:limit])


def _counts(value: object, name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InvalidSizeError(f"{name} must be a whole number ≥ {least}, not {_shown(value, 20)}")
    return value


def generation_cost(model: str, quality: str, size: str, n: int = 1, partial_images: int = 0,
                    *, tier: str = "standard", on: date | str | None = None,
                    tokens_per_image: int | None = None, complexity: str | None = None,
                    output_format: str | None = None, frames: int | None = None
                    ) -> GenerationCost:
    """Output tokens and dollars for n generated images on a day at a tier.

    gpt-image-2.5 / 2.6 have no published count: tokens and usd are None and a note says
    "unpublished" (with a matching third-party measurement, where one exists). `tokens_per_image`
    prices the user's own count at the model's image-output rate, on any model. A tier the model
    does not offer is a CalcError naming the tiers it has.
    """
    gen = catalogue().generation
    m = resolve_model(model)
    if m.name not in generation_models():
        raise UnknownGenerationOptionError(
            f"{m.name} does not generate images: use one of {', '.join(generation_models())}")
    _counts(n, "n", 1)
    _counts(partial_images, "partial_images", 0)
    if tokens_per_image is not None:
        _counts(tokens_per_image, "tokens per image", 1)
        if tokens_per_image > MAX_TYPED_TOKENS:
            raise InvalidSizeError(f"tokens per image must be at most {MAX_TYPED_TOKENS:,}")
    try:
        day = _day(on)
    except (TypeError, ValueError):
        day = None
    if not isinstance(day, date):
        raise CalcError(f"the day must be YYYY-MM-DD, not {_shown(on, 20)}")
    factor = tier_factor(tier, m, day)  # refuses a tier the model does not offer
    size = size.replace("×", "x").strip() if isinstance(size, str) else size
    notes: list[Note] = []
    if not m.is_current(day):
        notes.append(Note("lifecycle", f"{m.name} was shut down on {m.shutdown}"))
    measured = None
    if m.name in gen["formula"]["models"]:
        per_image = _formula(m.name, quality, size, notes)
    elif m.name in gen["unpublished"]["models"]:
        per_image, measured = None, _unpublished(m.name, quality, size, notes)
    else:
        per_image = _table(quality, size)
    complexity, output_format = _output(m.name, size, complexity, output_format, frames, notes)
    if tokens_per_image is not None:
        own = "" if per_image is None else f" (calc's own estimate: {per_image:,})"
        notes.append(Note("typed", f"{tokens_per_image:,} output tokens per image as typed, "
                                   f"priced at {m.name}'s image-output rate{own}"))
        per_image = tokens_per_image
    if partial_images:
        notes.append(Note("info" if m.name in gen["table"]["models"] else "inferred",
                          f"{gen['partial_image_tokens']} output tokens per streamed partial "
                          "image (documented for gpt-image-1)"))
    total = amount = None
    if per_image is not None:
        per_image += gen["partial_image_tokens"] * partial_images
        total = per_image * n
        price = m.price_on(day)
        amount = usd(total, price.output if price else None, factor)
        if amount is None:
            notes.append(Note("info", f"no image-output price of {m.name} is known on {day}"))
    if caveat := tier_note(m, tier, day):
        notes.append(Note("tier", caveat))
    return GenerationCost(m.name, quality, size, n, partial_images, per_image, total, amount,
                          tuple(notes), canonical_tier(tier), day, complexity, output_format,
                          frames, tokens_per_image is not None, measured)


def _table(quality: str, size: str) -> int:
    """metering.md §8.1: the older models' listed sizes and qualities only."""
    qualities, sizes = generation_options()
    if quality not in qualities:
        raise UnknownGenerationOptionError(
            f"unknown quality {_shown(quality)}: use one of {', '.join(qualities)}")
    if size not in sizes:
        raise UnknownGenerationOptionError(
            f"unknown size {_shown(size)}: use one of {', '.join(sizes)}")
    return catalogue().generation["table"]["tokens"][quality][size]


def _formula(model: str, quality: str, size: str, notes: list[Note]) -> int:
    f = catalogue().generation["formula"]
    if quality == "auto":
        notes.append(Note("inferred", f"quality 'auto' is chosen by the model: estimated as "
                                      f"{f['auto_as']}"))
        quality = f["auto_as"]
    if quality not in f["quality_factor"]:
        raise UnknownGenerationOptionError(
            f"unknown quality {_shown(quality)}: use one of "
            f"{', '.join(generation_options(model)[0])}")
    w, h = check_generation_size(size)
    notes.append(Note("info", "gpt-image-2 output tokens by a derived formula that reproduces "
                              "OpenAI's calculator (derived, not documented)"))
    return formula_tokens(f["quality_factor"][quality], w, h)


def _unpublished(model: str, quality: str, size: str, notes: list[Note]) -> MeasuredPoint | None:
    """§8.3: check the request, say there is no number, and find a measured point."""
    u = catalogue().generation["unpublished"]
    if quality not in u["qualities"]:
        raise UnknownGenerationOptionError(
            f"unknown quality {_shown(quality)}: use one of {', '.join(u['qualities'])}")
    check_generation_size(size)
    if quality in u["no_count"]:
        notes.append(Note("unpublished", f"quality {quality!r} on {model}: no published token "
                                         "count — unpublished, no number is given"))
    else:
        notes.append(Note("unpublished", f"{model}: output tokens unpublished — OpenAI gives no "
                                         "count and measurements contradict the gpt-image-2 "
                                         "formula, so no number is given"))
    point = measured_point(model, size, quality)
    if point is not None:
        notes.append(Note("measured", point.label))
    return point


def _output(model: str, size: str, complexity: str | None, output_format: str | None,
            frames: int | None, notes: list[Note]) -> tuple[str | None, str]:
    """Check complexity, output format and GIF frames (§8.3); their token effect is unpublished."""
    o = output_options(model)
    if complexity is not None and complexity not in o.complexities:
        if not o.complexities:
            raise UnknownGenerationOptionError(f"{model} has no complexity option (it is "
                                               "gpt-image-2.6's: low, medium or high)")
        raise UnknownGenerationOptionError(f"unknown complexity {_shown(complexity)}: use "
                                           f"one of {', '.join(o.complexities)}")
    if complexity is not None and complexity != o.complexity_default:
        notes.append(Note("unpublished", f"complexity {complexity!r}: its effect on output "
                                         "tokens is unpublished"))
    complexity = complexity or o.complexity_default
    output_format = o.formats[0] if output_format is None else output_format
    if output_format not in o.formats:
        raise UnknownGenerationOptionError(
            f"{model} cannot output {_shown(output_format)}: use one of "
            f"{', '.join(o.formats)} (GIF and SVG output are gpt-image-2.6's)")
    if output_format == "gif":
        least, most = o.gif_frames
        if isinstance(frames, bool) or not isinstance(frames, int) or not least <= frames <= most:
            raise UnknownGenerationOptionError(f"a GIF has {least}–{most} frames, not "
                                               f"{_shown(frames, 20)}")
        w, h = (int(x) for x in size.split("x"))
        if frames * w * h > o.gif_max_pixels:
            raise InvalidSizeError(
                f"{frames} frames of {w}×{h} = {frames * w * h:,} pixels: a GIF's frames "
                f"together must be within {o.gif_max_pixels:,} pixels — fewer frames or a "
                "smaller size")
        notes.append(Note("unpublished", f"GIF output ({frames} frames): its effect on output "
                                         "tokens is unpublished"))
    elif frames is not None:
        raise UnknownGenerationOptionError("frames apply to GIF output only")
    elif output_format == "svg":
        notes.append(Note("unpublished", "SVG output: its effect on output tokens is "
                                         "unpublished"))
    return complexity, output_format
