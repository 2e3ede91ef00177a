"""One image on every catalogue model: tokens and dollars, cheapest first."""

from __future__ import annotations

from dataclasses import dataclass

from calc.engine.catalogue import Model, models
from calc.engine.errors import CalcError, UnknownRulesError
from calc.engine.estimate import Estimate, check_size, tokens
from calc.engine.pricing import cost_usd, tier_factor
from calc.engine.rules import RULE_SETS


@dataclass(frozen=True)
class Row:
    model: str
    family: str
    detail: str  # the detail (or, for gpt-image models, the fidelity) actually used
    tokens: int | None  # None only if this model cannot price the request (see note)
    usd: float | None  # per image at the tier; None where the price is unknown
    usd_per_1000: float | None
    note: str  # why the detail or fidelity differs from the one asked for; "" if it does not


def detail_for(model: Model, detail: str) -> tuple[str, str]:
    """The nearest level this model has to the asked one, and a note when it is not the same."""
    if detail in model.details:
        return detail, ""
    if model.family == "image":  # no 'low': gpt-image models always read the image in full
        return "high", f"no '{detail}' detail: read in full"
    return "high", f"no '{detail}' detail: 'high' used"  # 'original' elsewhere is 'high'


def fidelity_for(model: Model, fidelity: str) -> tuple[str, str]:
    """Input fidelity for gpt-image models; every other model ignores it."""
    if model.family != "image":
        return "low", ""
    if fidelity in model.fidelities:
        return fidelity, ""
    return model.fidelities[0], f"no '{fidelity}' fidelity: '{model.fidelities[0]}' used"


def _row(model: Model, width: int, height: int, detail: str, fidelity: str, rules: str,
         tier: str) -> Row:
    used_detail, detail_note = detail_for(model, detail)
    used_fidelity, fidelity_note = fidelity_for(model, fidelity)
    note = "; ".join(n for n in (detail_note, fidelity_note) if n)
    shown = f"fidelity {used_fidelity}" if model.family == "image" else used_detail
    try:
        count = tokens(width, height, model.name, used_detail, used_fidelity, rules)
    except CalcError as e:  # e.g. no multiplier under these rules: say so, keep the row
        return Row(model.name, model.family, shown, None, None, None, str(e))
    usd = cost_usd(count, model.name, tier)
    return Row(model.name, model.family, shown, count, usd,
               None if usd is None else usd * 1000, note)


def cheapest_first(row: Row | Estimate) -> tuple:
    """Sort key: known prices first, cheapest first; then unknown prices by tokens; then name."""
    return (row.usd is None, row.usd if row.usd is not None else 0.0,
            row.tokens if row.tokens is not None else float("inf"), row.model)


def compare(width: int, height: int, detail: str = "auto", fidelity: str = "low",
            rules: str = "billing", tier: str = "standard") -> tuple[Row, ...]:
    """Every catalogue model's tokens and dollars for a width×height image, cheapest first."""
    width, height = check_size(width, height)
    tier_factor(tier)  # an unknown tier or rule set is the caller's error, not a row's
    if rules not in RULE_SETS:
        raise UnknownRulesError(f"unknown rules {rules!r}: use 'billing' or 'documented'")
    return tuple(sorted((_row(m, width, height, detail, fidelity, rules, tier) for m in models()),
                        key=cheapest_first))
