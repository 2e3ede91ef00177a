"""The model catalogue: loads `catalogue.toml` and resolves model names against it."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from calc.engine.errors import UnknownModelError

CATALOGUE_PATH = Path(__file__).resolve().parents[1] / "data" / "catalogue.toml"
FAMILIES = ("tile", "patch", "image")


@dataclass(frozen=True)
class Family:
    """Constants every model of a family shares (spec §1–§3)."""

    name: str
    cell: int
    details: tuple[str, ...]
    fit_side: int | None = None
    short_side: int | None = None
    low_fit_side: int | None = None
    fidelity_high_square: int | None = None
    fidelity_high_other: int | None = None
    square_ratio_squared: Decimal | None = None


@dataclass(frozen=True)
class Model:
    """One catalogue entry. Prices are USD per 1M tokens (standard tier), None where unknown."""

    name: str
    family: str
    details: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    base_tokens: int | None = None
    tile_tokens: int | None = None
    patch_budget: int | None = None
    max_side: int | None = None
    original_budget: int | None = None
    original_max_side: int | None = None
    auto_detail: str = "high"
    multiplier_billing: Decimal | None = None
    multiplier_documented: Decimal | None = None
    fidelities: tuple[str, ...] = ("low",)
    price_input: Decimal | None = None
    price_cached_input: Decimal | None = None
    price_output: Decimal | None = None
    price_text_input: Decimal | None = None
    inferred: tuple[str, ...] = ()
    differs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def multiplier(self, rules: str) -> Decimal | None:
        return self.multiplier_billing if rules == "billing" else self.multiplier_documented


@dataclass(frozen=True)
class Catalogue:
    as_of: str
    source: str
    version: str
    batch_discount: Decimal
    families: dict[str, Family]
    models: dict[str, Model]
    generation: dict


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _family(name: str, raw: dict) -> Family:
    return Family(
        name=name,
        cell=raw["cell"],
        details=tuple(raw["details"]),
        fit_side=raw.get("fit_side"),
        short_side=raw.get("short_side"),
        low_fit_side=raw.get("low_fit_side"),
        fidelity_high_square=raw.get("fidelity_high_square"),
        fidelity_high_other=raw.get("fidelity_high_other"),
        square_ratio_squared=_decimal(raw.get("square_ratio_squared")),
    )


def _model(name: str, raw: dict, family: Family) -> Model:
    details = family.details + (("original",) if "original_budget" in raw else ())
    return Model(
        name=name,
        family=raw["family"],
        details=details,
        aliases=tuple(raw.get("aliases", ())),
        base_tokens=raw.get("base_tokens"),
        tile_tokens=raw.get("tile_tokens"),
        patch_budget=raw.get("patch_budget"),
        max_side=raw.get("max_side"),
        original_budget=raw.get("original_budget"),
        original_max_side=raw.get("original_max_side"),
        auto_detail=raw.get("auto_detail", "high"),
        multiplier_billing=_decimal(raw.get("multiplier_billing")),
        multiplier_documented=_decimal(raw.get("multiplier_documented")),
        fidelities=tuple(raw.get("fidelities", ("low",))),
        price_input=_decimal(raw.get("price_input")),
        price_cached_input=_decimal(raw.get("price_cached_input")),
        price_output=_decimal(raw.get("price_output")),
        price_text_input=_decimal(raw.get("price_text_input")),
        inferred=tuple(raw.get("inferred", ())),
        differs=tuple(raw.get("differs", ())),
        notes=tuple(raw.get("notes", ())),
    )


@cache
def catalogue() -> Catalogue:
    with CATALOGUE_PATH.open("rb") as f:
        raw = tomllib.load(f)
    families = {name: _family(name, spec) for name, spec in raw["families"].items()}
    models = {
        name: _model(name, spec, families[spec["family"]]) for name, spec in raw["models"].items()
    }
    return Catalogue(
        as_of=raw["as_of"],
        source=raw["source"],
        version=raw["version"],
        batch_discount=Decimal(raw["batch_discount"]),
        families=families,
        models=models,
        generation=raw["generation"],
    )


def models() -> tuple[Model, ...]:
    """Every catalogue model, in catalogue order (grouped by family)."""
    return tuple(catalogue().models.values())


@cache
def _names() -> dict[str, str]:
    """Every accepted spelling (name or alias) → catalogue name."""
    names = {}
    for model in models():
        names[model.name] = model.name
        for alias in model.aliases:
            names[alias] = model.name
    return names


@lru_cache(maxsize=512)  # bounded: links and CSV files can carry any number of names
def resolve_model(name: str) -> Model:
    """Exact name or alias first, then the longest known name the given one extends.

    `gpt-4.1-mini-2025-04-14` → gpt-4.1-mini; `gpt-4.1-mini` never resolves to gpt-4.1. A prefix
    must end at a dash, so `gpt-5.3` is not taken for gpt-5.
    """
    if not isinstance(name, str) or not name.strip():
        raise UnknownModelError("no model given: choose one of " + ", ".join(_names()))
    key = name.strip().lower()
    names = _names()
    if key in names:
        return catalogue().models[names[key]]
    prefixes = [known for known in names if key.startswith(known + "-")]
    if prefixes:
        return catalogue().models[names[max(prefixes, key=len)]]
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.5) if len(key) < 100 else []
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    shown = name if len(name) <= 120 else name[:119] + "…"  # a message, not an echo of any size
    raise UnknownModelError(
        f"unknown model {shown!r}{hint} (known: {', '.join(m.name for m in models())})"
    )
