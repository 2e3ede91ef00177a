"""Fit an image to the API and to a budget: the largest size of its shape that the API accepts
and, given `max_tokens`, that costs at most that many tokens.

"Its shape" is what the API's own shrink makes of it (metering.md §2, §5): one side a whole
number of 32 px patches, the other in proportion, rounded down — or the size itself. The search
runs over every such size, largest first, with `tokens`: exact. A rejected image starts from the
documented way out, shrink(w×h, 30000) (§5: 7952×5304 on gpt-6-sol at auto → 6764×4512, measured
accepted), never from a bigger size that only just fits: Explore's rejection and `fit` name the
same size, and a size on the limit's knife edge (§13) is not offered.
"""

from __future__ import annotations

from collections.abc import Iterator

from calc.engine.errors import CalcError, ImageRejectedError
from calc.engine.estimate import check_size, tokens

PATCH = 32


def shape_sizes(width: int, height: int) -> Iterator[tuple[int, int]]:
    """The size itself, then every size of its shape with one side a whole number of patches
    (never larger than the size itself)."""
    yield width, height
    for across in range(1, width // PATCH + 1):
        w = PATCH * across
        yield w, max(1, w * height // width)
    for down in range(1, height // PATCH + 1):
        h = PATCH * down
        yield max(1, h * width // height), h


def fit(width: int, height: int, model: str, detail: str = "auto",
        max_tokens: int | None = None, fidelity: str = "low",
        rules: str = "billing") -> tuple[int, int]:
    """The largest size of this shape (most pixels) that the API accepts on `model` at `detail`
    and, if `max_tokens` is given, costs at most that many image tokens.

    CalcError when no size of the shape is within `max_tokens` (it says the least there is).
    """
    width, height = check_size(width, height)
    if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int)
                                   or max_tokens < 1):
        raise CalcError(f"max_tokens must be a whole number of tokens ≥ 1, not {max_tokens!r}")
    candidates = set(shape_sizes(width, height))
    try:
        tokens(width, height, model, detail, fidelity, rules)
    except ImageRejectedError as rejected:
        if rejected.largest_accepted is not None:
            top = rejected.largest_accepted
            candidates = {top} | {s for s in candidates if s[0] * s[1] < top[0] * top[1]}
    least: tuple[int, tuple[int, int]] | None = None
    for size in sorted(candidates, key=lambda s: (s[0] * s[1], s), reverse=True):
        try:
            n = tokens(*size, model, detail, fidelity, rules)
        except ImageRejectedError:
            continue
        if max_tokens is None or n <= max_tokens:
            return size
        if least is None or n <= least[0]:
            least = (n, size)
    if least is None:  # not even 32 px across is accepted: no model's limit is that low
        raise CalcError(f"no size of this shape is accepted on {model} at detail {detail}")
    n, (w, h) = least
    raise CalcError(f"no size of this shape costs at most {max_tokens:,} tokens on {model} at "
                    f"detail {detail}: the least is {n:,} tokens ({w}×{h})")
