"""Every setting of Plan's two tabs, and how they travel in a share link.

A link carries all of them (rules, tier, request shape, volume, limits, the Generate tab's
choices) and, for a size mix, the mix itself. A file-based plan's link carries the settings and
says the file is not in it. Reading a link never raises: what cannot be used falls back to the
default and is named in a notice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError
from calc.engine.generation import MAX_TYPED_TOKENS
from calc.engine.manifest import PLANNABLE_FAMILIES
from calc.engine.pricing import TIERS
from calc.engine.rules import DETAILS, RULE_SETS
from calc.views.model_choice import DEFAULT_PLAN_MODELS

SOURCES = ("mix", "images", "csv")
FILE_MEANS = ("backlog", "day", "month", "sample")  # what a file's counts stand for
MAX_IMAGES_PER_REQUEST_INPUT = 100_000  # the input allows more than the API's 1,500: flagged
MAX_MIX_ENTRIES = 50
_MIX_ENTRY = re.compile(r"\s*(\d{1,6})\s*[x×X]\s*(\d{1,6})\s*:\s*(\d+(?:\.\d*)?|\.\d+)\s*")
BIG = 10**12


@dataclass(frozen=True)
class Settings:
    """The Workload tab: what is compared, the volume, one request's shape, tier and limits."""

    source: str = "mix"
    models: tuple[str, ...] = DEFAULT_PLAN_MODELS
    detail: str = "auto"
    rules: str = "billing"
    file_means: str = "backlog"  # a file's counts: the backlog, one day, one month, or a sample
    backlog: int = 0  # one-off images (when the file is not the backlog)
    rpd: int = 1_000  # requests per day, ongoing
    days: int = 30
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


@dataclass(frozen=True)
class GenSettings:
    """The Generate tab."""

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


_INT_RANGES = {"backlog": (0, BIG), "rpd": (0, 10**9), "days": (1, 31),
               "ipr": (1, MAX_IMAGES_PER_REQUEST_INPUT), "prompt": (0, 10**8),
               "output": (0, 10**8), "reasoning": (0, 10**8), "cached": (0, 100),
               "writes": (0, 10**9), "tpm": (0, 10**12), "rpm": (0, 10**9)}
_GEN_INT_RANGES = {"n": (1, 10), "partial": (0, 3), "rpd": (0, 10**9), "days": (1, 31),
                   "tokens": (0, MAX_TYPED_TOKENS), "frames": (2, 16)}
_CHOICES = {"source": SOURCES, "detail": DETAILS, "rules": RULE_SETS, "file_means": FILE_MEANS,
            "tier": TIERS}


def check(settings: Settings) -> Settings:
    """Raise CalcError for a value out of range (the page's inputs keep within them)."""
    for name, (low, high) in _INT_RANGES.items():
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise CalcError(f"{name} must be a whole number from {low:,} to {high:,}, "
                            f"not {value!r}")
    for name, allowed in _CHOICES.items():
        if getattr(settings, name) not in allowed:
            raise CalcError(f"{name} must be one of {', '.join(allowed)}")
    return settings


def to_query(s: Settings, g: GenSettings = GenSettings(),
             mix: tuple[tuple[int, int, float], ...] = ()) -> dict[str, str]:
    """Both tabs as short query parameters; the Generate tab's keys start with g."""
    out = {}
    for f in fields(Settings):
        value = getattr(s, f.name)
        out[f.name] = ",".join(value) if isinstance(value, tuple) else (
            ("1" if value else "0") if isinstance(value, bool) else str(value))
    for f in fields(GenSettings):
        value = getattr(g, f.name)
        out["g" + f.name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    if s.source == "mix" and mix:
        out["mix"] = ",".join(f"{w}x{h}:{share:g}" for w, h, share in mix)
    return out


def from_query(params: Mapping[str, str | list[str]]
               ) -> tuple[Settings, GenSettings, tuple[tuple[int, int, float], ...], list[str]]:
    """Settings, Generate settings, the mix (may be empty) and notices; never raises."""
    notices: list[str] = []

    def value(key: str) -> str | None:
        raw = params.get(key)
        if isinstance(raw, list):
            raw = raw[-1] if raw else None
        return None if raw is None else str(raw)[:4000]

    s_args, g_args = {}, {}
    for name, (low, high) in _INT_RANGES.items():
        _int_arg(value(name), name, low, high, s_args, notices)
    for name, allowed in _CHOICES.items():
        raw = value(name)
        if raw is not None:
            if raw in allowed:
                s_args[name] = raw
            else:
                notices.append(f"{name} {raw[:40]!r} is unknown: {getattr(Settings, name)} "
                               "instead")
    for name in ("regional", "shut_down"):
        if value(name) is not None:
            s_args[name] = value(name) == "1"
    if value("models") is not None:
        s_args["models"] = _models(value("models"), notices)
    for name, (low, high) in _GEN_INT_RANGES.items():
        _int_arg(value("g" + name), "generate " + name, low, high, g_args, notices, name)
    for name in ("model", "quality", "size", "tier", "fidelity", "complexity", "format"):
        if value("g" + name) is not None:
            g_args[name] = value("g" + name)[:60]  # the page checks these against its options
    if value("gedit") is not None:
        g_args["edit"] = value("gedit") == "1"
    mix = _mix(value("mix"), notices)
    if s_args.get("source", "mix") != "mix":
        notices.append("this link holds the plan's settings, not your file: upload it again")
    return Settings(**s_args), GenSettings(**g_args), mix, notices


def _int_arg(raw, label, low, high, out, notices, name=None) -> None:
    if raw is None:
        return
    try:
        number = int(raw.strip())
        if not low <= number <= high:
            raise ValueError
        out[name or label] = number
    except ValueError:
        notices.append(f"{label} {raw[:40]!r} cannot be used: the default instead")


def _models(raw: str, notices: list[str]) -> tuple[str, ...]:
    chosen = []
    for name in raw.split(",")[:60]:
        if not name.strip():
            continue
        try:
            model = resolve_model(name.strip())
        except CalcError:
            model = None
        if model is not None and model.family in PLANNABLE_FAMILIES:
            chosen.append(model.name)
        else:
            notices.append(f"model {name.strip()[:40]!r} is not one Plan compares: left out")
    return tuple(dict.fromkeys(chosen))


def _mix(raw: str | None, notices: list[str]) -> tuple[tuple[int, int, float], ...]:
    if raw is None:
        return ()
    entries = []
    parts = raw.split(",")
    for part in parts[:MAX_MIX_ENTRIES]:
        m = _MIX_ENTRY.fullmatch(part)
        if m is None:
            if part.strip():
                notices.append(f"mix entry {part.strip()[:40]!r} is not WIDTHxHEIGHT:SHARE: "
                               "left out")
            continue
        w, h, share = int(m[1]), int(m[2]), float(m[3])
        if not (1 <= w <= 100_000 and 1 <= h <= 100_000):
            notices.append(f"mix entry {part.strip()!r} is not a usable size: left out")
        elif share > 0:
            entries.append((w, h, share))
    if len(parts) > MAX_MIX_ENTRIES:
        notices.append(f"only the first {MAX_MIX_ENTRIES} sizes of the mix are used")
    if not entries:
        notices.append("no usable size in the link's mix: the preset mix is used")
    return tuple(entries)


__all__ = ["FILE_MEANS", "GenSettings", "SOURCES", "Settings", "check", "from_query", "replace",
           "to_query"]
