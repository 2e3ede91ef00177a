"""Every setting of Plan's two views, and how they travel in a share link.

A link carries all of them (rules, tier, request shape, volume and what it is stated per, limits,
the view open, the Generate view's choices) and, for a size mix, the mix itself: a link to the
Generate view reopens on it. A file-based plan's link carries the settings and
says the file is not in it.

One rule per setting (RULES, GEN_RULES): a link's value is read with it, `check` holds settings
to it, and the page's inputs take their bounds from it (`bounds`). Reading a link never raises
and never bends a value: a value that cannot be used falls back to its default, with one notice
that says why and what is allowed — `days=0` is not quietly 1. A mix's sizes are held to the
workload's own rule (calc.views.plan.workload.mix_workload), so what the link accepts the page
can cost.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace

from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError
from calc.engine.generation import MAX_TYPED_TOKENS, generation_options, output_options
from calc.engine.manifest import MAX_SIDE_PX, PLANNABLE_FAMILIES
from calc.engine.pricing import TIERS
from calc.engine.rules import DETAILS, FIDELITIES, RULE_SETS
from calc.views.inert import quoted
from calc.views.model_choice import DEFAULT_PLAN_MODELS, model_names
from calc.views.plan import workload as wl
from calc.views.plan.month import months

SOURCES = ("mix", "images", "csv")
FILE_MEANS = ("backlog", "day", "month", "sample")  # what a file's counts stand for
PER = ("day", "month")  # what the ongoing requests are stated per
VIEWS = ("workload", "generate")
GEN_FAMILIES = ("image", "image2")  # the models that make images
MAX_IMAGES_PER_REQUEST_INPUT = 100_000  # the input allows more than the API's 1,500: flagged
MAX_MIX_ENTRIES = 50
MAX_VALUE_CHARS = 4_000  # a link value longer than this is not read at all
MAX_MODELS = 60
BIG = 10**12
# WIDTHxHEIGHT:SHARE; the sides' length is capped so int() stays cheap, the rule is the workload's
_MIX_ENTRY = re.compile(r"\s*(\d{1,12})\s*[x×X]\s*(\d{1,12})\s*:\s*"
                        r"((?:\d{1,20}(?:\.\d{0,20})?|\.\d{1,20})(?:[eE][-+]?\d{1,3})?)\s*")


@dataclass(frozen=True)
class Settings:
    """The Workload view — what is compared, the volume, one request's shape, tier and
    limits — and which view is open."""

    source: str = "mix"
    models: tuple[str, ...] = DEFAULT_PLAN_MODELS
    detail: str = "auto"
    rules: str = "billing"
    file_means: str = "backlog"  # a file's counts: the backlog, one day, one month, or a sample
    backlog: int = 0  # one-off images (when the file is not the backlog)
    rpd: int = 1_000  # ongoing requests a day — or a month, where `per` says so
    per: str = "day"  # "month": `rpd` is a month's requests, a day's is rpd / days
    days: int = 30  # a month's days: a month's volume and a month's bill use them
    ipr: int = 1  # images per request
    prompt: int = 0  # prompt tokens per request (instructions and text)
    output: int = 0
    reasoning: int = 0  # billed as output
    cached: int = 0  # % of input served from cache
    writes: int = 0  # cache writes per day (explicit caching)
    tier: str = "standard"
    regional: bool = False
    tpm: int = 0  # 0: no limit given
    rpm: int = 0
    shut_down: bool = False  # offer shut-down models in the picker
    month: str = ""  # the month planned: '' this month, else 'YYYY-MM', one of the next 12
    view: str = "workload"  # the view open: "workload" or "generate"


@dataclass(frozen=True)
class GenSettings:
    """The Generate view."""

    model: str = "gpt-image-2"
    quality: str = "medium"
    size: str = "1024x1024"
    n: int = 1
    partial: int = 0
    rpd: int = 100
    days: int = 30
    tier: str = "standard"
    edit: bool = False
    fidelity: str = "low"
    tokens: int = 0  # output tokens per image the user typed (gpt-image-2.5 / 2.6); 0: none
    complexity: str = "high"  # gpt-image-2.6
    format: str = "png"  # output format; gif and svg are gpt-image-2.6's
    frames: int = 2  # of a GIF


class Unusable(ValueError):
    """A link value a rule refuses."""


# --- the rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Whole:
    """A whole number from low to high, written in plain digits."""

    low: int
    high: int

    def allowed(self, so_far: Mapping) -> str:
        return f"a whole number from {self.low:,} to {self.high:,}"

    def read(self, raw: str, so_far: Mapping) -> tuple[int, list[str]]:
        text = raw.strip()
        # The length first: int() of thousands of digits is slow.
        if text.isascii() and text.isdigit() and len(text) <= len(str(self.high)) \
                and self.low <= (value := int(text)) <= self.high:
            return value, []
        raise Unusable

    def holds(self, value: object, so_far: Mapping) -> bool:
        return type(value) is int and self.low <= value <= self.high


@dataclass(frozen=True)
class OneOf:
    """One of a few words; `options` may depend on the settings read before it."""

    options: tuple[str, ...] | Callable[[Mapping], tuple[str, ...]]

    def choices(self, so_far: Mapping) -> tuple[str, ...]:
        return self.options(so_far) if callable(self.options) else self.options

    def allowed(self, so_far: Mapping) -> str:
        return "one of " + ", ".join(self.choices(so_far))

    def read(self, raw: str, so_far: Mapping) -> tuple[str, list[str]]:
        if raw in self.choices(so_far):
            return raw, []
        raise Unusable

    def holds(self, value: object, so_far: Mapping) -> bool:
        return value in self.choices(so_far)


class Tier(OneOf):
    """A price tier; 'priority', the old name of 'fast', in an older link reads as 'fast'."""

    def read(self, raw: str, so_far: Mapping) -> tuple[str, list[str]]:
        return super().read("fast" if raw == "priority" else raw, so_far)


class Month(OneOf):
    """The month planned: '' (this month) or one of the next 12, said as a range."""

    def allowed(self, so_far: Mapping) -> str:
        ahead = self.choices(so_far)[1:]
        return f"empty (this month) or a month from {ahead[0]} to {ahead[-1]}"


@dataclass(frozen=True)
class Switch:
    """On or off: 1 or 0."""

    def allowed(self, so_far: Mapping) -> str:
        return "0 (off) or 1 (on)"

    def read(self, raw: str, so_far: Mapping) -> tuple[bool, list[str]]:
        if raw.strip() in ("0", "1"):
            return raw.strip() == "1", []
        raise Unusable

    def holds(self, value: object, so_far: Mapping) -> bool:
        return isinstance(value, bool)


@dataclass(frozen=True)
class Models:
    """Model names (or aliases) of some families: one, or a comma-separated list of them."""

    families: tuple[str, ...]
    kinds: str  # what the families are, in words
    many: bool

    def allowed(self, so_far: Mapping) -> str:
        if self.many:
            return f"names of the catalogue's {self.kinds}"
        names = ", ".join(model_names(True, families=self.families))
        return f"a name of one of the catalogue's {self.kinds} ({names})"

    def _name(self, text: str) -> str | None:
        try:
            model = resolve_model(text.strip())
        except CalcError:
            return None
        return model.name if model.family in self.families else None

    def read(self, raw: str, so_far: Mapping) -> tuple[tuple[str, ...] | str, list[str]]:
        """The model(s), and the names left out of a list that has some good ones."""
        if not self.many:
            if (name := self._name(raw)) is None:
                raise Unusable
            return name, []
        given = [n for n in raw.split(",") if n.strip()]
        if len(given) > MAX_MODELS:
            raise Unusable(f"at most {MAX_MODELS} models")
        named = [(n, self._name(n)) for n in given]
        kept = tuple(dict.fromkeys(m for _, m in named if m is not None))
        if not kept:
            raise Unusable
        return kept, [n.strip() for n, m in named if m is None]

    def holds(self, value: object, so_far: Mapping) -> bool:
        names = value if self.many else (value,)
        return isinstance(names, tuple) and all(
            isinstance(n, str) and self._name(n) == n for n in names)


RULES = {
    "source": OneOf(SOURCES),
    "models": Models(PLANNABLE_FAMILIES, "tile or patch models", many=True),
    "detail": OneOf(DETAILS),
    "rules": OneOf(RULE_SETS),
    "file_means": OneOf(FILE_MEANS),
    "backlog": Whole(0, BIG),
    "rpd": Whole(0, 10**9),
    "per": OneOf(PER),
    "days": Whole(1, 31),
    "ipr": Whole(1, MAX_IMAGES_PER_REQUEST_INPUT),
    "prompt": Whole(0, 10**8),
    "output": Whole(0, 10**8),
    "reasoning": Whole(0, 10**8),
    "cached": Whole(0, 100),
    "writes": Whole(0, 10**9),
    "tier": Tier(TIERS),
    "regional": Switch(),
    "tpm": Whole(0, 10**12),
    "rpm": Whole(0, 10**9),
    "shut_down": Switch(),
    "month": Month(lambda _: months()),
    "view": OneOf(VIEWS),
}
GEN_RULES = {  # in reading order: quality and size depend on the model
    "model": Models(GEN_FAMILIES, "image-making models", many=False),
    "quality": OneOf(lambda g: generation_options(g["model"])[0]),
    "size": OneOf(lambda g: generation_options(g["model"])[1]),
    "n": Whole(1, 10),
    "partial": Whole(0, 3),
    "rpd": Whole(0, 10**9),
    "days": Whole(1, 31),
    "tier": Tier(TIERS),
    "edit": Switch(),
    "fidelity": OneOf(FIDELITIES),
    "tokens": Whole(0, MAX_TYPED_TOKENS),
    "complexity": OneOf(lambda g: output_options(g["model"]).complexities or ("high",)),
    "format": OneOf(lambda g: output_options(g["model"]).formats),
    "frames": Whole(2, 16),
}
GEN_PREFIX = "g"  # the Generate view's keys in a link: gmodel, gquality, …


def bounds(name: str, rules: Mapping = RULES) -> dict[str, int]:
    """A number input's min_value and max_value: the rule a link is read with."""
    rule = rules[name]
    return {"min_value": rule.low, "max_value": rule.high}


def check(settings: Settings) -> Settings:
    """Raise CalcError for a value its rule does not allow (the page's inputs keep within them)."""
    _check(settings, RULES)
    return settings


def check_gen(settings: GenSettings) -> GenSettings:
    _check(settings, GEN_RULES)
    return settings


def _check(settings, rules: Mapping) -> None:
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    for name, rule in rules.items():
        if not rule.holds(values[name], values):
            raise CalcError(f"{name} must be {rule.allowed(values)}, not {values[name]!r}")


# --- the link ------------------------------------------------------------------------------------


def to_query(s: Settings, g: GenSettings = GenSettings(),
             mix: tuple[tuple[int, int, float], ...] = ()) -> dict[str, str]:
    """Both views as short query parameters; the Generate view's keys start with g."""
    out = {f.name: _text(getattr(s, f.name)) for f in fields(Settings)}
    out.update({GEN_PREFIX + f.name: _text(getattr(g, f.name)) for f in fields(GenSettings)})
    if s.source == "mix" and mix:
        # .17g: every share comes back as the same float (":g" would round 100/3 to 33.3333)
        out["mix"] = ",".join(f"{w}x{h}:{float(share):.17g}" for w, h, share in mix)
    return out


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def link_keys() -> tuple[str, ...]:
    """Every query key a Plan link may carry."""
    return (*RULES, *(GEN_PREFIX + name for name in GEN_RULES), "mix")


def from_query(params: Mapping[str, str | list[str]]
               ) -> tuple[Settings, GenSettings, tuple[tuple[int, int, float], ...], list[str]]:
    """Settings, Generate settings, the mix (empty: the preset mix) and one notice per value that
    could not be used; never raises."""
    notices: list[str] = []
    s_args = _read(params, RULES, "", Settings, notices)
    g_args = _read(params, GEN_RULES, GEN_PREFIX, GenSettings, notices)
    mix = _mix(_last(params, "mix"), notices)
    if s_args.get("source", "mix") != "mix":
        notices.append("this link holds the plan's settings, not your file: upload it again")
    return Settings(**s_args), GenSettings(**g_args), mix, notices


def _last(params: Mapping[str, str | list[str]], key: str) -> str | None:
    """A repeated parameter counts by its last value, as st.query_params reads it."""
    raw = params.get(key)
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else ""
    return None if raw is None else str(raw)


def _read(params: Mapping, rules: Mapping, prefix: str, kind: type, notices: list[str]) -> dict:
    """Each setting the link gives, read with its rule (in order: a rule may depend on the
    settings before it); a refused one keeps its default."""
    values = {f.name: f.default for f in fields(kind)}
    given = {}
    for name, rule in rules.items():
        key = prefix + name
        if (raw := _last(params, key)) is None:
            continue
        try:
            if len(raw) > MAX_VALUE_CHARS:
                raise Unusable(f"at most {MAX_VALUE_CHARS:,} characters")
            value, left_out = rule.read(raw, values)
        except Unusable as refused:
            why = f" ({refused})" if str(refused) else ""
            notices.append(f"{key} {quoted(raw, 40)} cannot be used: {key} must be "
                           f"{rule.allowed(values)}{why}; the default ({_shown(values[name])}) "
                           "instead")
            continue
        if left_out:
            notices.append(f"{key} {', '.join(quoted(n, 40) for n in left_out)} cannot be used: "
                           f"{key} must be {rule.allowed(values)}; left out")
        values[name] = given[name] = value
    return given


def _shown(value: object) -> str:
    return ", ".join(value) if isinstance(value, tuple) else _text(value)


def _mix(raw: str | None, notices: list[str]) -> tuple[tuple[int, int, float], ...]:
    """The link's mix, each size held to the workload's own rule; empty means the preset mix."""
    if raw is None:
        return ()
    parts = [p for p in raw[:MAX_VALUE_CHARS * 4].split(",") if p.strip()]
    if len(parts) > MAX_MIX_ENTRIES:
        notices.append(f"mix: only the first {MAX_MIX_ENTRIES} of its {len(parts):,} sizes are "
                       f"used (a mix has at most {MAX_MIX_ENTRIES})")
    read: list[tuple[str, tuple[int, int, float]]] = []
    refused: list[tuple[str, str]] = []  # (the entry, why)
    for part in parts[:MAX_MIX_ENTRIES]:
        m = _MIX_ENTRY.fullmatch(part)
        if m is None or not math.isfinite(float(m[3])):
            refused.append((part, "an entry is WIDTHxHEIGHT:SHARE, whole pixels and a share of 0 "
                                  "or more (e.g. 1024x768:40)"))
        else:
            read.append((part, (int(m[1]), int(m[2]), float(m[3]))))
    checked = wl.mix_workload(wl.mix_table([entry for _, entry in read]))
    reasons = dict(zip(checked.bad_rows["row"], checked.bad_rows["reason"], strict=True))
    entries = []
    for row, (part, entry) in enumerate(read, start=1):
        if row in reasons:
            refused.append((part, f"{reasons[row]} (a size is 1 to {MAX_SIDE_PX:,} px a side)"))
        else:
            entries.append(entry)
    usable = any(share > 0 for _, _, share in entries)
    for i, (part, why) in enumerate(refused, start=1):
        end = "left out" if usable or i < len(refused) else \
            "left out, and with no usable size left the preset mix is used instead"
        notices.append(f"mix entry {quoted(part.strip(), 40)} cannot be used: {why}; {end}")
    if not usable and not refused:
        notices.append("mix: no size has a share above zero; the preset mix is used instead")
    return tuple(entries) if usable else ()


__all__ = ["FILE_MEANS", "GEN_FAMILIES", "GEN_RULES", "GenSettings", "PER", "RULES", "SOURCES",
           "Settings", "VIEWS", "bounds", "check", "check_gen", "from_query", "link_keys",
           "replace", "to_query"]
