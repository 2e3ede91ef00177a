"""One way to name and format things on every page: tier names, token counts, money.

Money is always `calc.engine.pricing.format_usd` (re-exported here); token counts are whole numbers
with thousands separators; tier names come from `calc.TIERS`.
"""

from __future__ import annotations

from calc.engine.pricing import TIERS, format_usd

__all__ = ["TIERS", "format_tokens", "format_usd", "tier_label"]


def tier_label(tier: str) -> str:
    """'standard' → 'Standard', 'batch' → 'Batch': the catalogue's name, capitalised, everywhere."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; expected one of {', '.join(TIERS)}")
    return tier.capitalize()


def format_tokens(tokens: float | int | None) -> str:
    """2008.5 → '2,009' (half up), 1229 → '1,229'; None → '—'."""
    if tokens is None:
        return "—"
    return f"{int(tokens + 0.5) if tokens >= 0 else round(tokens):,}"
