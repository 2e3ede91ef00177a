"""Dollars for tokens, exactly, on a day: Decimal from the catalogue's price to the total,
rounded once.

Prices are USD per 1M tokens at the standard tier and hold over periods; a tier multiplies
every token price, image tokens included, by a factor that can differ per model and per day
(docs/metering.md §9.1, §9.2). `on` is a date (None: the clock's today). Rounding (half up)
happens only in `format_usd`, at display.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from calc.engine.catalogue import Model, Price, Tier, catalogue, resolve_model
from calc.engine.clock import day as _day
from calc.engine.clock import today
from calc.engine.errors import CalcError

TIERS = ("standard", "batch", "flex", "fast", "ultrafast", "background-2h", "background-8h")
MILLION = Decimal(1_000_000)


def _model(model: str | Model) -> Model:
    return model if isinstance(model, Model) else resolve_model(model)


def canonical_tier(tier: str) -> str:
    """The tier's catalogue name ('priority' is the old name of 'fast'); unknown → CalcError."""
    key = tier.strip().lower() if isinstance(tier, str) else tier
    for t in catalogue().tiers.values():
        if key == t.name or key in t.aliases:
            return t.name
    raise CalcError(f"unknown price tier {str(tier)[:40]!r}: use one of {', '.join(TIERS)} "
                    "('priority' is the old name of 'fast')")


def _tier(tier: str) -> Tier:
    return catalogue().tiers[canonical_tier(tier)]


def offers(model: str | Model, tier: str) -> bool:
    """Whether the model offers the tier at all (Ultrafast only on three models, §9.2)."""
    m, t = _model(model), _tier(tier)
    if t.name in m.not_offered:
        return False
    return t.offered_by is None or m.name in t.offered_by


def tiers_for(model: str | Model) -> tuple[str, ...]:
    """The tiers the model offers, in TIERS order."""
    return tuple(t for t in TIERS if offers(model, t))


def tier_factor(tier: str, model: str | Model | None = None,
                on: date | str | None = None) -> Decimal:
    """What a tier pays per standard dollar on a day: the model's own factor where it has one
    (gpt-5.5 Fast 2.5×), else the tier's. A tier the model does not offer is a CalcError that
    names the tiers it has."""
    t, day = _tier(tier), _day(on)
    rows = t.factors
    if model is not None:
        m = _model(model)
        if not offers(m, t.name):
            raise CalcError(f"{m.name} does not offer the {t.label} tier: it offers "
                            f"{', '.join(tier_label(x) for x in tiers_for(m))}")
        own = tuple(f for f in m.tier_factors if f.tier == t.name)
        rows = own or rows
    for row in rows:
        if row.holds_on(day):
            return row.factor
    raise CalcError(f"no {t.label} factor is known for {day}")


def tier_label(tier: str) -> str:
    """The one display name of a tier, used on every page and in the CLI."""
    return _tier(tier).label


def tier_confirmed(model: str | Model, tier: str) -> bool:
    """Whether the model's own page confirms the tier (standard always is)."""
    name = canonical_tier(tier)
    return name == "standard" or name in _model(model).tiers


def tier_note(model: str | Model, tier: str, on: date | str | None = None) -> str:
    """The caveat to show beside a price on this tier: '' where the tier is confirmed for the
    model at a documented or measured factor."""
    m = _model(model)
    notes = []
    if not tier_confirmed(m, tier):
        notes.append(f"{tier_label(tier)} not confirmed for this model ({m.name})")
    if offers(m, tier):
        row = _factor_row(m, tier, on)
        if row is not None and row.confidence == "inferred":
            notes.append(f"{tier_label(tier)} {row.factor}× on {_day(on)} is inferred "
                         f"({row.source})")
    return "; ".join(notes)


def _factor_row(m: Model, tier: str, on: date | str | None):
    name, day = canonical_tier(tier), _day(on)
    own = tuple(f for f in m.tier_factors if f.tier == name)
    return next((f for f in own or _tier(name).factors if f.holds_on(day)), None)


def check_regional(tier: str, regional: bool) -> None:
    """Fast and Ultrafast cannot be combined with regional processing (metering.md §9.2)."""
    t = _tier(tier)
    if regional and not t.regional:
        raise CalcError(f"{t.label} cannot be combined with regional processing (data "
                        "residency): OpenAI serves it from US and global processing only — "
                        "choose another tier or turn regional processing off")


def price_on(model: str | Model, on: date | str | None = None) -> Price | None:
    """The model's price row on a day (None where none is known)."""
    return _model(model).price_on(on)


def price_notes(model: str | Model, on: date | str | None = None) -> tuple[str, ...]:
    """What the day's price rests on that is not OpenAI's own documented figure."""
    m = _model(model)
    p = m.price_on(on)
    if p is None:
        return ()
    out = []
    if p.confidence == "inferred":
        out.append(f"price of {m.name} on {_day(on)} is inferred ({p.source})")
    if p.third_party:
        out.append(f"{', '.join(f.replace('_', ' ') for f in p.third_party)} of {m.name} "
                   f"from a third party, not OpenAI ({p.source})")
    return tuple(out)


def priced_on(on: date | str | None) -> str:
    """'' when the day is today; else 'prices of 2027-03-01', to show beside the numbers."""
    day = _day(on)
    return "" if day == today() else f"prices of {day.isoformat()}"


def usd(tokens: int, price_per_million: Decimal | None, factor: Decimal = Decimal(1)
        ) -> Decimal | None:
    """Exact dollars for `tokens` at a price per 1M tokens (times a tier or other factor)."""
    if price_per_million is None:
        return None
    return Decimal(tokens) * price_per_million * factor / MILLION


def cost_usd(tokens: int, model: str, tier: str = "standard",
             on: date | str | None = None) -> Decimal | None:
    """Image-input dollars for `tokens` on `model` at a tier on a day (None: today); None
    where the catalogue knows no price that day."""
    m = resolve_model(model)
    factor = tier_factor(tier, m, on)
    price = m.price_on(on)
    return usd(tokens, price.input if price else None, factor)


def as_decimal(amount: Fraction | int) -> Decimal:
    """An exact amount as a Decimal (40 significant digits: far beyond any cent)."""
    amount = Fraction(amount)
    with localcontext() as ctx:
        ctx.prec = 40
        return Decimal(amount.numerator) / Decimal(amount.denominator)


def format_usd(amount: Decimal | Fraction | float | int | None) -> str:
    """Dollars readably, rounded half up once: cents from $1; below, ≥ 4 decimals for 2
    significant digits ($0.000218 → $0.00022). The one way money is written for a reader."""
    if amount is None:
        return "price unknown"
    value = (amount if isinstance(amount, Decimal) else
             as_decimal(amount) if isinstance(amount, Fraction) else Decimal(str(amount)))
    if not value.is_finite():
        return "price unknown"
    sign, value = ("−", -value) if value < 0 else ("", value)
    # adjusted() is the exponent of the first digit: 0.000218 → -4 → 5 places
    places = 2 if value >= 1 else 4 if value == 0 else max(4, 1 - value.adjusted())
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded >= 1 and places > 2:  # 0.99996 rounds up to a dollar: show it as dollars
        rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{sign}${rounded:,}"
