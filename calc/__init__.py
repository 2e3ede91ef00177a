"""Patchwork's metering engine: what an image input costs on OpenAI's vision models.

Three layers, each in its own sub-package (docs/architecture.md):
- calc.engine   — the pure metering engine: rules, catalogue loader, estimates, prices (no I/O);
- calc.adapters — I/O: image files, URL fetching, the OpenAI client, the calibration store;
- calc.views    — what each page shows, worked out so the page only renders.
The model catalogue is data (calc/data/catalogue.toml). This module is the public API: the engine's
names only, so `import calc` loads neither pandas, NumPy nor Pillow.
"""

from calc.engine.catalogue import Model, catalogue, models, resolve_model
from calc.engine.errors import (
    ApiError,
    CalcError,
    FetchError,
    ImageError,
    ImageRejectedError,
    InvalidSizeError,
    UnknownGenerationOptionError,
    UnknownModelError,
    UnknownRulesError,
    UnsupportedDetailError,
    UnsupportedFidelityError,
)
from calc.engine.estimate import Estimate, Grid, Step, estimate, tokens
from calc.engine.fit import fit
from calc.engine.generation import (
    GenerationCost,
    generation_cost,
    generation_options,
    output_options,
)
from calc.engine.pricing import (
    TIERS,
    check_regional,
    cost_usd,
    format_usd,
    priced_on,
    tier_factor,
    tier_label,
    tiers_for,
)
from calc.engine.rules import DETAILS, FIDELITIES, RULE_SETS, Note
from calc.engine.schedule import scheduled_changes, staleness_note
from calc.engine.text_tokens import count_text_tokens

CATALOGUE_VERSION = catalogue().version


def estimate_frame(df):
    """Vectorised `estimate` over a DataFrame; see calc.frame.estimate_frame."""
    from calc.engine.frame import estimate_frame as _estimate_frame

    return _estimate_frame(df)


def estimate_request(body, *, tier="standard", on=None, fetch=None):
    """A request body (JSON text or dict of responses.create or chat.completions.create)
    estimated before it is sent: see calc.engine.request. Image headers are read with Pillow
    (imported here, on first use); remote images are fetched only with `fetch(url) -> bytes`."""
    from calc.views.request import estimate_request as _estimate_request

    return _estimate_request(body, tier=tier, on=on, fetch=fetch)


__all__ = [
    "ApiError", "CATALOGUE_VERSION", "CalcError", "DETAILS", "Estimate", "FIDELITIES",
    "FetchError", "GenerationCost", "Grid", "ImageError", "ImageRejectedError", "InvalidSizeError",
    "Model", "Note", "RULE_SETS", "Step", "TIERS", "UnknownGenerationOptionError",
    "UnknownModelError", "UnknownRulesError", "UnsupportedDetailError", "UnsupportedFidelityError",
    "catalogue", "check_regional", "count_text_tokens", "cost_usd", "estimate",
    "estimate_frame", "estimate_request", "fit", "format_usd", "generation_cost",
    "generation_options", "models", "priced_on", "resolve_model", "scheduled_changes",
    "staleness_note", "tier_factor", "tier_label", "tiers_for", "tokens",
]
__all__ += ["output_options"]  # gpt-image-2.6 complexity, formats, GIF frames
