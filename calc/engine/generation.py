"""What images the gpt-image models create cost: output tokens by quality and size (spec §4).

gpt-image-2 family: the §4.2 formula (derived, not documented) under the documented size rules.
Older models (all shut down): the §4.1 table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from calc.engine.catalogue import catalogue, resolve_model
from calc.engine.errors import InvalidSizeError, UnknownGenerationOptionError
from calc.engine.estimate import usd_for
from calc.engine.rules import Note

_SIZE = re.compile(r"^\s*(\d{1,6})\s*[x×X]\s*(\d{1,6})\s*$")


@dataclass(frozen=True)
class GenerationCost:
    model: str
    quality: str  # as asked ("auto" stays "auto"; see notes for what was estimated)
    size: str
    n: int
    partial_images: int
    tokens_per_image: int  # the image's tokens plus 100 per streamed partial image
    output_tokens: int  # for all n images
    usd: Decimal | None  # at the model's image output price, standard tier
    notes: tuple[Note, ...] = ()


def generation_models() -> tuple[str, ...]:
    gen = catalogue().generation
    return tuple(gen["formula"]["models"]) + tuple(gen["table"]["models"])


def generation_options(model: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The qualities and the listed sizes for a model (default: the older table's)."""
    gen = catalogue().generation
    if model is not None and resolve_model(model).name in gen["formula"]["models"]:
        f = gen["formula"]
        qualities = tuple(f["quality_factor"]) + ("auto",)
        if resolve_model(model).name in f["unpublished_models"]:
            qualities += tuple(f["unpublished"])
        return qualities, tuple(f["sizes"])
    table = gen["table"]["tokens"]
    return tuple(table), tuple(next(iter(table.values())))


def formula_tokens(quality_factor: int, w: int, h: int) -> int:
    """§4.2: saf = (2·q·short + long) // (2·long); tokens = ⌈q·saf·(2,000,000 + w·h) / 4e6⌉."""
    short, long = min(w, h), max(w, h)
    saf = (2 * quality_factor * short + long) // (2 * long)
    return (quality_factor * saf * (2_000_000 + w * h) + 3_999_999) // 4_000_000


def check_generation_size(size: str) -> tuple[int, int]:
    """A gpt-image-2 size 'WxH' under the documented rules; the error names the rule it breaks."""
    f = catalogue().generation["formula"]
    match = _SIZE.match(size) if isinstance(size, str) else None
    if not match:
        raise InvalidSizeError(f"size {str(size)[:40]!r} is not like 1024x1536")
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


def _counts(value: object, name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InvalidSizeError(f"{name} must be a whole number ≥ {least}, not {str(value)[:20]!r}")
    return value


def generation_cost(model: str, quality: str, size: str, n: int = 1,
                    partial_images: int = 0) -> GenerationCost:
    gen = catalogue().generation
    m = resolve_model(model)
    if m.name not in generation_models():
        raise UnknownGenerationOptionError(
            f"{m.name} does not generate images: use one of {', '.join(generation_models())}")
    _counts(n, "n", 1)
    _counts(partial_images, "partial_images", 0)
    size = size.replace("×", "x").strip() if isinstance(size, str) else size
    notes: list[Note] = []
    if not m.is_current():
        notes.append(Note("lifecycle", f"{m.name} was shut down on {m.shutdown}"))
    if m.name in gen["formula"]["models"]:
        per_image = _formula(m.name, quality, size, notes)
    else:
        qualities, sizes = generation_options()
        if quality not in qualities:
            raise UnknownGenerationOptionError(
                f"unknown quality {str(quality)[:40]!r}: use one of {', '.join(qualities)}")
        if size not in sizes:
            raise UnknownGenerationOptionError(
                f"unknown size {str(size)[:40]!r}: use one of {', '.join(sizes)}")
        per_image = gen["table"]["tokens"][quality][size]
    if partial_images:
        notes.append(Note("info" if m.name in gen["table"]["models"] else "inferred",
                          f"{gen['partial_image_tokens']} output tokens per streamed partial "
                          "image (documented for gpt-image-1)"))
    per_image += gen["partial_image_tokens"] * partial_images
    total = per_image * n
    return GenerationCost(m.name, quality, size, n, partial_images, per_image, total,
                          usd_for(total, m.price_output), tuple(notes))


def _formula(model: str, quality: str, size: str, notes: list[Note]) -> int:
    f = catalogue().generation["formula"]
    if quality in f["unpublished"] and model in f["unpublished_models"]:
        raise UnknownGenerationOptionError(
            f"{model} quality {quality!r} has no published token count: no estimate is given")
    if quality == "auto":
        notes.append(Note("inferred", f"quality 'auto' is chosen by the model: estimated as "
                                      f"{f['auto_as']}"))
        quality = f["auto_as"]
    if quality not in f["quality_factor"]:
        raise UnknownGenerationOptionError(
            f"unknown quality {str(quality)[:40]!r}: use one of "
            f"{', '.join(generation_options(model)[0])}")
    w, h = check_generation_size(size)
    notes.append(Note("info", "gpt-image-2 output tokens by a derived formula that reproduces "
                              "OpenAI's calculator (derived, not documented)"))
    return formula_tokens(f["quality_factor"][quality], w, h)
