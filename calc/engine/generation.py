"""What images the gpt-image models create cost: output tokens by quality and size (spec §4)."""

from __future__ import annotations

from dataclasses import dataclass

from calc.engine.catalogue import catalogue, resolve_model
from calc.engine.errors import InvalidSizeError, UnknownGenerationOptionError
from calc.engine.estimate import usd_for


@dataclass(frozen=True)
class GenerationCost:
    model: str
    quality: str
    size: str
    n: int
    partial_images: int
    tokens_per_image: int  # the table's tokens plus 100 per streamed partial image
    output_tokens: int  # for all n images
    usd: float | None  # at the model's image output price, standard tier


def generation_options() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The qualities and sizes the output table lists."""
    table = catalogue().generation["output_tokens"]
    return tuple(table), tuple(next(iter(table.values())))


def generation_cost(model: str, quality: str, size: str, n: int = 1,
                    partial_images: int = 0) -> GenerationCost:
    gen = catalogue().generation
    m = resolve_model(model)
    if m.name not in gen["models"]:
        raise UnknownGenerationOptionError(
            f"{m.name} does not generate images: use one of {', '.join(gen['models'])}")
    qualities, sizes = generation_options()
    if quality not in qualities:
        raise UnknownGenerationOptionError(
            f"unknown quality {quality!r}: use one of {', '.join(qualities)}")
    size = size.replace("×", "x").strip() if isinstance(size, str) else size
    if size not in sizes:
        raise UnknownGenerationOptionError(f"unknown size {size!r}: use one of {', '.join(sizes)}")
    for name, value in (("n", n), ("partial_images", partial_images)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (name == "n"):
            raise InvalidSizeError(f"{name} must be a whole number ≥ {int(name == 'n')}, "
                                   f"not {value!r}")
    per_image = gen["output_tokens"][quality][size] + gen["partial_image_tokens"] * partial_images
    total = per_image * n
    return GenerationCost(m.name, quality, size, n, partial_images, per_image, total,
                          usd_for(total, m.price_output))
