"""One way to name and format things on every page: tier names, token counts, money.

Money is always `calc.engine.pricing.format_usd` and tier names `calc.engine.pricing.tier_label`
(the catalogue's labels), both re-exported here; token counts are whole numbers with thousands
separators.
"""

from __future__ import annotations

from calc.engine.pricing import TIERS, format_usd, tier_label

__all__ = ["TIERS", "format_tokens", "format_usd", "tier_label"]


def format_tokens(tokens: float | int | None) -> str:
    """2008.5 → '2,009' (half up), 1229 → '1,229'; None → '—'."""
    if tokens is None:
        return "—"
    return f"{int(tokens + 0.5) if tokens >= 0 else round(tokens):,}"
