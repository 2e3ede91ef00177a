"""Dollars for tokens: the model's input price at a tier (standard, or batch at a discount)."""

from __future__ import annotations

from math import floor, log10

from calc.engine.catalogue import catalogue, resolve_model
from calc.engine.errors import CalcError

TIERS = ("standard", "batch")


def tier_factor(tier: str) -> float:
    """What a tier pays per standard dollar (batch: the catalogue's batch_discount)."""
    if tier == "standard":
        return 1.0
    if tier == "batch":
        return float(catalogue().batch_discount)
    raise CalcError(f"unknown price tier {tier!r}: use 'standard' or 'batch'")


def cost_usd(tokens: int, model: str, tier: str = "standard") -> float | None:
    """Image-input dollars for `tokens` on `model`; None where the catalogue knows no price."""
    price = resolve_model(model).price_input
    if price is None:
        return None
    return tokens * float(price) / 1_000_000 * tier_factor(tier)


def format_usd(usd: float | None) -> str:
    """Dollars readably: cents from $1; below, 4 decimals or more, for 2 significant digits."""
    if usd is None:
        return "price unknown"
    if usd >= 1:
        return f"${usd:,.2f}"
    decimals = 4 if usd == 0 else max(4, 1 - floor(log10(usd)))  # 0.000218 → $0.00022
    return f"${usd:.{decimals}f}"
