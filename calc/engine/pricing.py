"""Dollars for tokens, exactly: Decimal from the catalogue's price to the total, rounded once.

Prices are USD per 1M tokens at the standard tier; a tier multiplies every token price, image
tokens included (spec §8). Rounding (half up) happens only in `format_usd`, at display.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from calc.engine.catalogue import catalogue, resolve_model
from calc.engine.errors import CalcError

TIERS = ("standard", "batch", "flex", "priority")
MILLION = Decimal(1_000_000)


def tier_factor(tier: str) -> Decimal:
    """What a tier pays per standard dollar (catalogue data: batch and flex ½, priority 2×)."""
    try:
        return catalogue().tiers[tier].factor
    except (KeyError, TypeError):
        raise CalcError(f"unknown price tier {str(tier)[:40]!r}: use one of "
                        f"{', '.join(TIERS)}") from None


def tier_label(tier: str) -> str:
    """The one display name of a tier, used on every page and in the CLI."""
    tier_factor(tier)
    return catalogue().tiers[tier].label


def tier_confirmed(model: str, tier: str) -> bool:
    """Whether the model's own pricing confirms the tier (standard always is)."""
    tier_factor(tier)
    price = resolve_model(model).price
    return tier == "standard" or (price is not None and tier in price.tiers)


def tier_note(model: str, tier: str) -> str:
    """'' where the tier is confirmed for the model, else the caveat to show beside its price."""
    if tier_confirmed(model, tier):
        return ""
    return f"{tier_label(tier)} not confirmed for {resolve_model(model).name}"


def usd(tokens: int, price_per_million: Decimal | None, factor: Decimal = Decimal(1)
        ) -> Decimal | None:
    """Exact dollars for `tokens` at a price per 1M tokens (times a tier or other factor)."""
    if price_per_million is None:
        return None
    return Decimal(tokens) * price_per_million * factor / MILLION


def cost_usd(tokens: int, model: str, tier: str = "standard",
             on: date | str | None = None) -> Decimal | None:
    """Image-input dollars for `tokens` on `model`; None where the catalogue knows no price.
    `on`: the day priced on (accepted now; the dated prices take it)."""
    return usd(tokens, resolve_model(model).price_input, tier_factor(tier))


def format_usd(amount: Decimal | float | int | None) -> str:
    """Dollars readably, rounded half up once: cents from $1; below, ≥ 4 decimals for 2
    significant digits ($0.000218 → $0.00022)."""
    if amount is None:
        return "price unknown"
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    if not value.is_finite():
        return "price unknown"
    sign, value = ("−", -value) if value < 0 else ("", value)
    # adjusted() is the exponent of the first digit: 0.000218 → -4 → 5 places
    places = 2 if value >= 1 else 4 if value == 0 else max(4, 1 - value.adjusted())
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded >= 1 and places > 2:  # 0.99996 rounds up to a dollar: show it as dollars
        rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{sign}${rounded:,}"
