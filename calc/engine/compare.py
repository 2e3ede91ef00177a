"""One image on every current catalogue model: tokens and dollars, cheapest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from calc.engine.catalogue import Model, models, resolve_model
from calc.engine.clock import day as _day
from calc.engine.errors import CalcError, ImageRejectedError, UnknownRulesError
from calc.engine.estimate import Estimate, check_size, estimate
from calc.engine.pricing import (
    canonical_tier,
    cost_usd,
    offers,
    price_notes,
    tier_label,
    tier_note,
)
from calc.engine.rules import RULE_SETS, count, plan_for


@dataclass(frozen=True)
class Row:
    model: str
    family: str
    detail: str  # what was applied, e.g. "auto → original" (gpt-image-1: "fidelity low")
    tokens: int | None  # None: rejected, or this model cannot price the request (see note)
    usd: Decimal | None  # per image at the tier; None where rejected or the price is unknown
    usd_per_1000: Decimal | None
    note: str  # why the detail differs from the one asked, the tier caveat; "" if none
    accepted: bool = True
    patches: int | None = None  # the patch count of a rejected image
    status: str = "active"
    shutdown: str | None = None
    inferred: bool = False  # the number rests on an inferred fact (see the model's notes)
    replacements: tuple[str, ...] = ()  # where it is deprecated or shut down
    offered: bool = True  # the model offers the tier (no price where it does not)


def detail_for(model: Model, detail: str) -> tuple[str, str]:
    """The nearest level this model has to the asked one, and a note when it is not the same."""
    if detail in model.details:
        return detail, ""
    if model.family in ("image", "image2"):  # no 'low': gpt-image models read the image in full
        return "high", f"no '{detail}' detail: read in full"
    return "high", f"no '{detail}' detail: 'high' used"  # 'original' elsewhere is 'high'


def fidelity_for(model: Model, fidelity: str) -> tuple[str, str]:
    """Input fidelity for the gpt-image-1 models; every other model ignores it."""
    if model.family != "image":
        return "low", ""
    if fidelity in model.fidelities:
        return fidelity, ""
    return model.fidelities[0], f"no '{fidelity}' fidelity: '{model.fidelities[0]}' used"


def applied(asked: str, effective: str) -> str:
    """'auto → original' where the level applied is not the one asked; else the level."""
    return asked if asked == effective else f"{asked} → {effective}"


def _row(model: Model, width: int, height: int, detail: str, fidelity: str, rules: str,
         tier: str, day: date) -> Row:
    used_detail, detail_note = detail_for(model, detail)
    used_fidelity, fidelity_note = fidelity_for(model, fidelity)
    status = model.status(day)
    offered = offers(model, tier)
    caveats = (tier_note(model, tier, day), *price_notes(model, day)) if offered else \
        (f"does not offer {tier_label(tier)}: no price",)
    notes = [n for n in (detail_note, fidelity_note, *caveats) if n]
    inferred = bool(model.inferred) or any("inferred" in n for n in caveats)
    life = dict(status=status, shutdown=model.shutdown, inferred=inferred,
                replacements=model.replacements if status != "active" else (), offered=offered)
    try:
        plan = plan_for(model.name, used_detail, used_fidelity, rules)
        shown = (f"fidelity {used_fidelity}" if model.family == "image"
                 else applied(used_detail, plan.effective_detail))
        count_ = count(plan, width, height)
    except ImageRejectedError as e:
        return Row(model.name, model.family, shown, None, None, None,
                   "; ".join([str(e)] + notes), accepted=False, patches=e.patches, **life)
    except CalcError as e:  # e.g. no price under these rules: say so, keep the row
        return Row(model.name, model.family, used_detail, None, None, None, str(e), **life)
    cost = cost_usd(count_, model.name, tier, day) if offered else None
    return Row(model.name, model.family, shown, count_, cost,
               None if cost is None else cost * 1000, "; ".join(notes), **life)


def cheapest_first(row: Row | Estimate) -> tuple:
    """Sort key: priced first, cheapest first; then unpriced by tokens; rejected last; name."""
    return (row.tokens is None, row.usd is None, row.usd if row.usd is not None else 0,
            row.tokens if row.tokens is not None else 0, row.model)


def compare(width: int, height: int, detail: str = "auto", fidelity: str = "low",
            rules: str = "billing", tier: str = "standard",
            include_shut_down: bool = False, on: date | str | None = None) -> tuple[Row, ...]:
    """Every model running on the day `on` (today), its tokens and dollars for a width×height
    image at the tier, cheapest first; a model that does not offer the tier has no price."""
    width, height = check_size(width, height)
    tier = canonical_tier(tier)  # an unknown tier or rule set is the caller's error, not a row's
    day = _day(on)
    if rules not in RULE_SETS:
        raise UnknownRulesError(f"unknown rules {str(rules)[:40]!r}: use 'billing' or "
                                "'documented'")
    return tuple(sorted((_row(m, width, height, detail, fidelity, rules, tier, day)
                         for m in models(include_shut_down=include_shut_down, on=day)),
                        key=cheapest_first))


def on_replacements(est: Estimate) -> tuple[Estimate, ...]:
    """The same image on each model the deprecations page names instead of `est`'s (none where
    it names none), at the nearest detail and fidelity each has, the same rules and day, and the
    same tier where the replacement offers it (else standard)."""
    out = []
    w, h = est.original_size
    for name in est.replacements:
        m = resolve_model(name)
        tier = est.tier if offers(m, est.tier) else "standard"
        out.append(estimate(w, h, name, detail_for(m, est.detail)[0],
                            fidelity_for(m, est.fidelity)[0], est.rules, tier, est.priced_on))
    return tuple(out)
