"""One way to name and format things on every page: tier names, token counts, money, metrics.

Money is always `calc.engine.pricing.format_usd` and tier names `calc.engine.pricing.tier_label`
(the catalogue's labels), both re-exported here; token counts are whole numbers with thousands
separators.
"""

from __future__ import annotations

from dataclasses import dataclass

from calc.engine.estimate import Estimate
from calc.engine.pricing import TIERS, format_usd, tier_label, tiers_for

__all__ = ["FAMILY_LABELS", "RULE_LABELS", "TIERS", "Metric", "format_tokens", "format_usd",
           "replacement_line", "tier_label", "tiers_for"]

RULE_LABELS = {"billing": "Billing (measured)", "documented": "Documented (guide)"}
FAMILY_LABELS = {"tile": "512 px tiles", "patch": "32 px patches", "image": "gpt-image-1 input",
                 "image2": "gpt-image-2 input"}


@dataclass(frozen=True)
class Metric:
    """One headline number as a page shows it: its label, its value as text, what it means,
    and a second line under the value ('' for none)."""

    label: str
    value: str
    help: str = ""
    delta: str = ""


def format_tokens(tokens: float | int | None) -> str:
    """2008.5 → '2,009' (half up), 1229 → '1,229'; None → '—'."""
    if tokens is None:
        return "—"
    return f"{int(tokens + 0.5) if tokens >= 0 else round(tokens):,}"


def lifecycle_phrase(est: Estimate) -> str:
    """'shuts down 2027-01-14' or 'shut down 2026-10-23'; '' for an active model."""
    if est.status == "active" or est.shutdown is None:
        return ""
    return f"{'shut down' if est.status == 'shut down' else 'shuts down'} {est.shutdown}"


def replacement_line(est: Estimate, instead: tuple[Estimate, ...], what: str = "this image"
                     ) -> str:
    """'shuts down 2027-01-14 → gpt-6-luna: $0.0014 instead of $0.0019 for this image'; '' for
    an active model; the phrase alone where the deprecations page names no replacement."""
    phrase = lifecycle_phrase(est)
    if not phrase or not instead:
        return phrase
    here = format_usd(est.usd) if est.accepted else "rejected"
    options = [f"{alt.model}: {format_usd(alt.usd) if alt.accepted else 'rejected'}"
               for alt in instead]
    return f"{phrase} → {' or '.join(options)} instead of {here} for {what}"
