"""Patchwork's metering engine: what an image input costs on OpenAI's vision models.

Pure and exact: integer arithmetic for every rule of shared/spec/metering.md, the model table as
data in catalogue.toml. pandas and NumPy are imported only when a frame is asked for.
"""

from calc.catalogue import Model, catalogue, models, resolve_model
from calc.errors import (
    ApiError,
    CalcError,
    FetchError,
    ImageError,
    InvalidSizeError,
    UnknownGenerationOptionError,
    UnknownModelError,
    UnknownRulesError,
    UnsupportedDetailError,
    UnsupportedFidelityError,
)
from calc.estimate import Estimate, Grid, Step, estimate, tokens
from calc.generation import GenerationCost, generation_cost, generation_options
from calc.pricing import TIERS, cost_usd, tier_factor
from calc.rules import DETAILS, FIDELITIES, RULE_SETS, Note

CATALOGUE_VERSION = catalogue().version


def estimate_frame(df):
    """Vectorised `estimate` over a DataFrame; see calc.frame.estimate_frame."""
    from calc.frame import estimate_frame as _estimate_frame

    return _estimate_frame(df)


__all__ = [
    "ApiError", "CATALOGUE_VERSION", "CalcError", "DETAILS", "Estimate", "FIDELITIES",
    "FetchError", "GenerationCost", "Grid", "ImageError", "InvalidSizeError", "Model", "Note",
    "RULE_SETS", "Step", "TIERS", "UnknownGenerationOptionError", "UnknownModelError",
    "UnknownRulesError", "UnsupportedDetailError", "UnsupportedFidelityError", "catalogue",
    "cost_usd", "estimate", "estimate_frame", "generation_cost", "generation_options", "models",
    "resolve_model", "tier_factor", "tokens",
]
