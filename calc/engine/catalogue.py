"""The model catalogue: loads `calc/data/catalogue.toml` and resolves model names against it.

A registry with exact lookup (tiktoken's way): a name or alias, optionally followed by a
`-YYYY-MM-DD` snapshot date, and nothing else. `gpt-5-pro` is not gpt-5: it is unknown.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from calc.engine.clock import day as _day
from calc.engine.errors import UnknownModelError

CATALOGUE_PATH = Path(__file__).resolve().parents[1] / "data" / "catalogue.toml"
FAMILIES = ("tile", "patch", "image", "image2")
LEVELS = ("low", "high", "original")  # the detail levels a profile sizes; auto points at one
CONFIDENCES = ("documented", "measured", "inferred", "derived")
STATUSES = ("active", "deprecated", "shut down")
_DATED = re.compile(r"^(?P<name>.+)-(?P<date>\d{4}-\d{2}-\d{2})$")
_MAX_NAME = 200  # longer strings are no model name; never echoed whole


@dataclass(frozen=True)
class Family:
    """Constants every model of a family shares (metering.md §3, §4, §7)."""

    name: str
    cell: int
    details: tuple[str, ...]
    fit_side: int | None = None
    short_side: int | None = None
    fidelity_high_square: int | None = None
    fidelity_high_other: int | None = None
    square_ratio_squared: Decimal | None = None
    enlarge_to: int | None = None
    aspect_cap: int | None = None
    budget: int | None = None
    multiplier: Decimal | None = None
    confidence: str = "documented"
    source: str = ""


@dataclass(frozen=True)
class Level:
    """One detail level of a patch profile: a pixel limit and a patch budget (None: no limit)."""

    max_side: int | None
    budget: int | None


@dataclass(frozen=True, eq=False)
class Profile:
    """How a patch model sizes an image at each level, under each rule set (metering.md §4, §14)."""

    name: str
    auto: str
    levels: dict[str, dict[str, Level]]  # rules → level → Level; a missing level bills as high
    confidence: str
    source: str
    differs: str = ""  # why the documented levels differ from billing, where they do
    same_as: tuple[tuple[str, str], ...] = ()  # ("low", "high"): low has no effect, it is high
    note: str = ""  # e.g. "documented, not measured"

    def level(self, rules: str, detail: str) -> Level:
        return self.levels[rules].get(detail) or self.levels[rules]["high"]

    def has(self, detail: str) -> bool:
        return detail in self.levels["billing"]


@dataclass(frozen=True)
class LongContext:
    above: int  # input tokens of one request
    input_factor: Decimal  # × input and cached input, for the whole request
    output_factor: Decimal


@dataclass(frozen=True, eq=False)
class Price:
    """USD per 1M tokens at the standard tier over one period (docs/metering.md §9.1); None
    where unknown. Image tokens pay `input`."""

    valid_from: date | None  # None: since the model's release
    valid_until: date | None  # inclusive; None: until further notice
    input: Decimal | None
    cached_input: Decimal | None
    cache_write: Decimal | None  # a 30-minute write
    cache_write_12h: Decimal | None
    output: Decimal | None
    text_input: Decimal | None  # gpt-image models: text has its own rate
    text_cached_input: Decimal | None
    long_context: LongContext | None
    as_of: str
    source: str
    confidence: str
    third_party: tuple[str, ...] = ()  # the figures of this row a third party gives, not OpenAI

    def holds_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))

    @property
    def period(self) -> str:
        """'2026-08-21 to 2026-11-30', 'from 2026-12-01', 'until 2026-08-20', or ''."""
        start, end = self.valid_from, self.valid_until
        if start and end:
            return f"{start} to {end}"
        return f"from {start}" if start else f"until {end}" if end else ""


@dataclass(frozen=True)
class TierFactor:
    """What a tier multiplies standard prices by over one period (for one model, or all)."""

    tier: str
    factor: Decimal
    valid_from: date | None
    valid_until: date | None
    source: str
    confidence: str

    def holds_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))


@dataclass(frozen=True, eq=False)
class Model:
    """One catalogue entry: sizing, lifecycle and price, each fact with its confidence."""

    name: str
    family: str
    details: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    base_tokens: int | None = None
    tile_tokens: int | None = None
    profile: Profile | None = None
    multiplier_value: Decimal | None = None
    fidelities: tuple[str, ...] = ("low",)
    original_as_high: str | None = None  # tile models that accept "original" (bill it as high)
    shutdown: str | None = None  # ISO date, or None
    shutdown_confidence: str = "documented"
    shutdown_source: str = "OpenAI's deprecations page"
    replacements: tuple[str, ...] = ()  # named by the deprecations page; never a guess
    released: str | None = None  # ISO date where known
    prices: tuple[Price, ...] = ()  # periods, oldest first
    tiers: tuple[str, ...] = ()  # tiers beyond standard that this model's own page confirms
    not_offered: tuple[str, ...] = ()  # tiers this model does not offer
    regional: bool = False  # the regional-processing uplift is confirmed for this model
    tier_factors: tuple[TierFactor, ...] = ()  # this model's own factors, dated
    notes: tuple[str, ...] = field(default=())

    def price_on(self, on: date | str | None = None) -> Price | None:
        """The price row that holds on the day (today by default); None if none does."""
        day = _day(on)
        return next((p for p in self.prices if p.holds_on(day)), None)

    @property
    def price(self) -> Price | None:
        """Today's price (the clock's day)."""
        return self.price_on(None)

    @property
    def replacement(self) -> str | None:
        """The first replacement named, for one-line mentions."""
        return self.replacements[0] if self.replacements else None

    # --- lifecycle ---------------------------------------------------------------------------
    def status(self, on: date | str | None = None) -> str:
        """'active', 'deprecated' (a shutdown date ahead) or 'shut down' (on or past it)."""
        if self.shutdown is None:
            return "active"
        day = _day(on)
        return "shut down" if day >= date.fromisoformat(self.shutdown) else "deprecated"

    def is_current(self, on: date | str | None = None) -> bool:
        return self.status(on) != "shut down"

    # --- sizing --------------------------------------------------------------------------------
    def multiplier(self, rules: str = "billing") -> Decimal | None:
        return self.multiplier_value

    @property
    def auto_detail(self) -> str:
        return self.profile.auto if self.profile else "high"

    def level(self, rules: str, detail: str) -> Level | None:
        return self.profile.level(rules, detail) if self.profile else None

    @property
    def patch_budget(self) -> int | None:
        lv = self.level("billing", "high")
        return lv.budget if lv else None

    @property
    def max_side(self) -> int | None:
        lv = self.level("billing", "high")
        return lv.max_side if lv else None

    @property
    def original_budget(self) -> int | None:
        return self.level("billing", "original").budget if "original" in self.details \
            and self.profile else None

    @property
    def original_max_side(self) -> int | None:
        return self.level("billing", "original").max_side if "original" in self.details \
            and self.profile else None

    @property
    def inferred(self) -> tuple[str, ...]:
        """What this model's numbers rest on that no source states outright."""
        out = []
        if self.profile and self.profile.confidence == "inferred":
            out.append(f"sizing of {self.name}: {self.profile.source}")
        if self.family == "image2":
            fam = catalogue().families["image2"]
            out.append(f"input-image tokens of {self.name}: {fam.source} (low confidence)")
        if self.shutdown_confidence == "inferred":
            out.append(f"shutdown date {self.shutdown} of {self.name} is inferred")
        return tuple(out)

    @property
    def differs(self) -> tuple[str, ...]:
        return (self.profile.differs,) if self.profile and self.profile.differs else ()

    # --- prices (compatibility names) -------------------------------------------------------
    @property
    def price_input(self) -> Decimal | None:
        return self.price.input if self.price else None

    @property
    def price_cached_input(self) -> Decimal | None:
        return self.price.cached_input if self.price else None

    @property
    def price_output(self) -> Decimal | None:
        return self.price.output if self.price else None

    @property
    def price_text_input(self) -> Decimal | None:
        return self.price.text_input if self.price else None


@dataclass(frozen=True)
class Tier:
    name: str
    label: str
    factors: tuple[TierFactor, ...]  # every model's, dated; a model's own override them
    aliases: tuple[str, ...] = ()
    offered_by: tuple[str, ...] | None = None  # None: every model (but its `not_offered`)
    regional: bool = True  # may be combined with regional processing

    @property
    def factor(self) -> Decimal:
        """Today's general factor."""
        day = _day(None)
        return next((f.factor for f in self.factors if f.holds_on(day)), self.factors[-1].factor)


@dataclass(frozen=True, eq=False)
class Catalogue:
    as_of: str
    checked: str  # the last day its facts were checked against OpenAI's pages
    source: str
    version: str
    families: dict[str, Family]
    profiles: dict[str, Profile]
    models: dict[str, Model]
    tiers: dict[str, Tier]
    regional_uplift: Decimal
    regional_source: str
    cache_write_factor: Decimal
    cache_write_12h_factor: Decimal
    limits: dict
    generation: dict
    path: str = ""  # the file it was read from
    fallback: str = ""  # why an operator's catalogue file was not used, if it was not

    @property
    def batch_discount(self) -> Decimal:
        return self.tiers["batch"].factor


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _family(name: str, raw: dict) -> Family:
    return Family(
        name=name, cell=raw["cell"], details=tuple(raw["details"]),
        fit_side=raw.get("fit_side"), short_side=raw.get("short_side"),
        fidelity_high_square=raw.get("fidelity_high_square"),
        fidelity_high_other=raw.get("fidelity_high_other"),
        square_ratio_squared=_decimal(raw.get("square_ratio_squared")),
        enlarge_to=raw.get("enlarge_to"), aspect_cap=raw.get("aspect_cap"),
        budget=raw.get("budget"), multiplier=_decimal(raw.get("multiplier")),
        confidence=raw.get("confidence", "documented"), source=raw.get("source", ""),
    )


def _levels(raw: dict, base: dict[str, Level] | None = None) -> dict[str, Level]:
    levels = dict(base or {})
    for name in LEVELS:
        spec = raw.get(name)
        if isinstance(spec, dict):
            levels[name] = Level(spec.get("max_side"), spec.get("budget"))
    for name in LEVELS:  # "low = 'high'": the same as that level
        if isinstance(raw.get(name), str):
            levels[name] = levels[raw[name]]
    return levels


def _profile(name: str, raw: dict) -> Profile:
    billing = _levels(raw)
    documented = _levels(raw.get("documented", {}), billing)
    if raw.get("confidence") not in CONFIDENCES:
        raise ValueError(f"profile {name}: confidence must be one of {CONFIDENCES}")
    same_as = tuple((lv, raw[lv]) for lv in LEVELS if isinstance(raw.get(lv), str))
    return Profile(name, raw["auto"], {"billing": billing, "documented": documented},
                   raw["confidence"], raw["source"], raw.get("documented", {}).get("differs", ""),
                   same_as, raw.get("note", ""))


def _date(value: object) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _price(raw: dict) -> Price:
    lc = raw.get("long_context")
    return Price(
        valid_from=_date(raw.get("from")), valid_until=_date(raw.get("until")),
        input=_decimal(raw.get("input")), cached_input=_decimal(raw.get("cached_input")),
        cache_write=_decimal(raw.get("cache_write")),
        cache_write_12h=_decimal(raw.get("cache_write_12h")), output=_decimal(raw.get("output")),
        text_input=_decimal(raw.get("text_input")),
        text_cached_input=_decimal(raw.get("text_cached_input")),
        long_context=None if lc is None else LongContext(lc["above"], Decimal(lc["input"]),
                                                         Decimal(lc["output"])),
        as_of=raw["as_of"], source=raw["source"], confidence=raw["confidence"],
        third_party=tuple(raw.get("third_party", ())),
    )


def _tier_factor(tier: str, raw: dict) -> TierFactor:
    return TierFactor(tier, Decimal(raw["factor"]), _date(raw.get("from")),
                      _date(raw.get("until")), raw["source"], raw["confidence"])


def _tier(name: str, raw: dict) -> Tier:
    offered = raw.get("offered_by")
    return Tier(name, raw["label"], tuple(_tier_factor(name, f) for f in raw["factors"]),
                tuple(raw.get("aliases", ())), None if offered is None else tuple(offered),
                bool(raw.get("regional", True)))


def _model(name: str, raw: dict, family: Family, profiles: dict[str, Profile]) -> Model:
    profile = profiles[raw["profile"]] if "profile" in raw else None
    details = family.details
    if (profile and profile.has("original")) or raw.get("original_as_high"):
        details = details + ("original",)
    multiplier = _decimal(raw.get("multiplier")) or family.multiplier
    return Model(
        name=name, family=raw["family"], details=details, aliases=tuple(raw.get("aliases", ())),
        base_tokens=raw.get("base_tokens"), tile_tokens=raw.get("tile_tokens"), profile=profile,
        multiplier_value=multiplier, fidelities=tuple(raw.get("fidelities", ("low",))),
        original_as_high=raw.get("original_as_high"), shutdown=raw.get("shutdown"),
        shutdown_confidence=raw.get("shutdown_confidence", "documented"),
        shutdown_source=raw.get("shutdown_source", "OpenAI's deprecations page"),
        replacements=tuple(raw.get("replacements", ())), released=raw.get("released"),
        prices=tuple(_price(p) for p in raw.get("prices", ())),
        tiers=tuple(raw.get("tiers", ())), not_offered=tuple(raw.get("not_offered", ())),
        regional=bool(raw.get("regional", False)),
        tier_factors=tuple(_tier_factor(f["tier"], f) for f in raw.get("tier_factors", ())),
        notes=tuple(raw.get("notes", ())),
    )


def load(path: Path | str) -> Catalogue:
    """A catalogue file, parsed (not yet checked: see calc.engine.catalogue_check)."""
    with Path(path).open("rb") as f:
        raw = tomllib.load(f)
    return parse(raw, str(path))


def parse(raw: dict, path: str = "") -> Catalogue:
    families = {name: _family(name, spec) for name, spec in raw["families"].items()}
    profiles = {name: _profile(name, spec) for name, spec in raw["profiles"].items()}
    models = {name: _model(name, spec, families[spec["family"]], profiles)
              for name, spec in raw["models"].items()}
    tiers = {name: _tier(name, t) for name, t in raw["tiers"].items()}
    return Catalogue(
        as_of=raw["as_of"], checked=raw.get("checked", raw["as_of"]), source=raw["source"],
        version=raw["version"], families=families,
        profiles=profiles, models=models, tiers=tiers,
        regional_uplift=Decimal(raw["regional"]["uplift"]),
        regional_source=raw["regional"]["source"],
        cache_write_factor=Decimal(raw["cache_write"]["factor"]),
        cache_write_12h_factor=Decimal(raw["cache_write"].get("factor_12h", "2")),
        limits=raw["limits"], generation=raw["generation"], path=path,
    )


@cache
def catalogue() -> Catalogue:
    """The catalogue in use: the operator's file (PATCHWORK_CATALOGUE) if it passes the check,
    else the bundled one, with `fallback` saying why the operator's was not used."""
    from calc.engine.catalogue_check import operator_catalogue

    return operator_catalogue() or load(CATALOGUE_PATH)


def models(include_shut_down: bool = True, on: date | str | None = None) -> tuple[Model, ...]:
    """Catalogue models in catalogue order; without the shut-down ones if asked."""
    every = tuple(catalogue().models.values())
    return every if include_shut_down else tuple(m for m in every if m.is_current(on))


@cache
def _names() -> dict[str, str]:
    """Every accepted spelling (name or alias) → catalogue name."""
    names = {}
    for model in models():
        names[model.name] = model.name
        for alias in model.aliases:
            names[alias] = model.name
    return names


def shorten(text: str, limit: int = 60) -> str:
    """A user-given string cut for an error message: never echoed whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=512)  # names arrive from links and CSV files: bounded
def resolve_model(name: str) -> Model:
    """A name or alias, optionally followed by a `-YYYY-MM-DD` snapshot date; nothing else."""
    if not isinstance(name, str) or not name.strip():
        raise UnknownModelError("no model given: choose one of " + ", ".join(_names()))
    key = name.strip().lower()
    names = _names()
    if len(key) <= _MAX_NAME:
        if key in names:
            return catalogue().models[names[key]]
        dated = _DATED.match(key)
        if dated and dated["name"] in names and _is_date(dated["date"]):
            return catalogue().models[names[dated["name"]]]
    close = difflib.get_close_matches(key[:_MAX_NAME], list(names), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise UnknownModelError(
        f"unknown model {shorten(name.strip())!r}{hint} (a catalogue name or alias, optionally "
        f"with a -YYYY-MM-DD date; current: "
        f"{', '.join(m.name for m in models(include_shut_down=False))})"
    )


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
