"""The Explore page's state in a link: query-string dict ↔ `ViewState`, both ways, here only.

A link carries the choices (model, detail, fidelity, rules, tier) and at most one image source:
a width×height, an image URL, or a sample's name. Never image bytes, never a key. Bad values fall
back to defaults, each with a notice saying what was ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError
from calc.engine.estimate import MAX_SIDE
from calc.engine.pricing import TIERS, canonical_tier
from calc.engine.rules import FIDELITIES, RULE_SETS
from calc.views import model_choice
from calc.views.inert import quoted, short
from calc.views.samples import samples

DEFAULT_MODEL = model_choice.DEFAULT_MODEL
DEFAULT_DETAIL = "auto"
DEFAULT_FIDELITY = "low"
DEFAULT_RULES = "billing"
DEFAULT_TIER = "standard"
MAX_URL_LENGTH = 2048
KEYS = ("model", "detail", "fidelity", "rules", "tier", "w", "h", "url", "sample")


@dataclass(frozen=True)
class ViewState:
    model: str = DEFAULT_MODEL
    detail: str = DEFAULT_DETAIL
    fidelity: str = DEFAULT_FIDELITY
    rules: str = DEFAULT_RULES
    tier: str = DEFAULT_TIER
    size: tuple[int, int] | None = None  # at most one of size, url and sample is set
    url: str | None = None
    sample: str | None = None

    def __post_init__(self) -> None:
        if sum(x is not None for x in (self.size, self.url, self.sample)) > 1:
            raise ValueError("a view has at most one image source: size, url or sample")


def encode(state: ViewState) -> dict[str, str]:
    """The query parameters for a view: every choice, fidelity only where it applies."""
    params = {"model": state.model, "detail": state.detail}
    if resolve_model(state.model).family == "image":
        params["fidelity"] = state.fidelity
    params.update(rules=state.rules, tier=state.tier)
    if state.size is not None:
        params.update(w=str(state.size[0]), h=str(state.size[1]))
    elif state.url is not None:
        params["url"] = state.url
    elif state.sample is not None:
        params["sample"] = state.sample
    return params


def _last(value: str | list[str] | tuple[str, ...]) -> str:
    """A repeated parameter counts by its last value, as st.query_params reads it."""
    if isinstance(value, (list, tuple)):
        return str(value[-1]) if value else ""
    return str(value)


def _side(text: str) -> int | None:
    text = text.strip()
    # The length first: int() of thousands of digits is slow, and refused past 4,300.
    if len(text) > len(str(MAX_SIDE)) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 1 <= value <= MAX_SIDE else None


def _url_ok(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) \
        and len(text) <= MAX_URL_LENGTH


def decode(params: Mapping[str, str | list[str]]) -> tuple[ViewState, list[str]]:
    """The view a link asks for, and a notice for every value that was ignored."""
    p = {k: _last(v) for k, v in params.items() if k in KEYS}
    notices: list[str] = []
    model = DEFAULT_MODEL
    if "model" in p:
        try:
            model = resolve_model(p["model"]).name
        except CalcError:
            notices.append(f"unknown model {quoted(p['model'])} in the link (a model is one "
                           "of the catalogue's names or aliases, as the Model box lists them); "
                           f"showing {DEFAULT_MODEL}")
    m = resolve_model(model)
    detail = DEFAULT_DETAIL
    if "detail" in p:
        if p["detail"] in m.details:
            detail = p["detail"]
        else:
            notices.append(f"{m.name} has no detail {quoted(p['detail'])} (it has "
                           f"{', '.join(m.details)}); showing {DEFAULT_DETAIL}")
    fidelity = DEFAULT_FIDELITY
    if "fidelity" in p:
        allowed = m.fidelities if m.family == "image" else FIDELITIES
        if p["fidelity"] in allowed:
            fidelity = p["fidelity"] if m.family == "image" else DEFAULT_FIDELITY
        else:
            notices.append(f"fidelity {quoted(p['fidelity'])} is not available for {m.name} "
                           f"(allowed: {', '.join(allowed)}); showing {DEFAULT_FIDELITY}")
    rules, tier = DEFAULT_RULES, DEFAULT_TIER
    if "rules" in p:
        if p["rules"] in RULE_SETS:
            rules = p["rules"]
        else:
            notices.append(f"unknown rules {quoted(p['rules'])} (the rules are "
                           f"{', '.join(RULE_SETS)}); showing {DEFAULT_RULES}")
    if "tier" in p:
        if p["tier"] in TIERS or p["tier"] == "priority":  # the old name of fast
            tier = canonical_tier(p["tier"])
        else:
            notices.append(f"unknown price tier {quoted(p['tier'])} (the tiers are "
                           f"{', '.join(TIERS)}); showing {DEFAULT_TIER}")
    source, source_notices = _source(p)
    return ViewState(model, detail, fidelity, rules, tier, **source), notices + source_notices


def _source(p: dict[str, str]) -> tuple[dict, list[str]]:
    """The one image source in the link: sample, then url, then size; others are noted."""
    found: list[tuple[str, dict]] = []
    notices: list[str] = []
    if "sample" in p:
        names = [s.name for s in samples()]
        if p["sample"] in names:
            found.append(("sample", {"sample": p["sample"]}))
        else:
            notices.append(f"no sample called {quoted(p['sample'])} (the samples are "
                           f"{', '.join(names)}); ignored")
    if "url" in p:
        if len(p["url"]) > MAX_URL_LENGTH:
            notices.append(f"the image URL in the link is {len(p['url']):,} characters long; "
                           f"at most {MAX_URL_LENGTH:,} are fetched; ignored")
        elif _url_ok(p["url"]):
            found.append(("url", {"url": p["url"]}))
        else:
            notices.append("the image URL in the link is not an http(s) address; ignored")
    if "w" in p or "h" in p:
        w, h = _side(p.get("w", "")), _side(p.get("h", ""))
        if w is not None and h is not None:
            found.append(("size", {"size": (w, h)}))
        else:
            notices.append(f"the size in the link ({short(p.get('w', '?'), 20)}×"
                           f"{short(p.get('h', '?'), 20)}) is not "
                           f"two whole numbers from 1 to {MAX_SIDE:,}; ignored")
    if len(found) > 1:
        notices.append(f"the link names several images ({', '.join(k for k, _ in found)}); "
                       f"showing the {found[0][0]}")
    return (found[0][1] if found else {}), notices


def shared_view(choice: Mapping[str, str], image: Mapping[str, Any] | None) -> ViewState:
    """The view a link keeps: the choice and where the image on screen came from. An upload
    is shared as its size (its bytes never travel), as is a typed size."""
    source: dict[str, Any] = {}
    if image is not None:
        if image["kind"] == "url":
            source = {"url": image["url"]}
        elif image["kind"] == "sample":
            source = {"sample": image["sample"]}
        else:
            source = {"size": image["size"]}
    return ViewState(**choice, **source)


# The page's controls (their session keys) and their first values.
CONTROLS = {
    "explore_source": "Sample", "explore_url": "", "explore_sample": samples()[0].name,
    "explore_w": 1024, "explore_h": 1024, "explore_model": DEFAULT_MODEL,
    "explore_detail": DEFAULT_DETAIL, "explore_fidelity": DEFAULT_FIDELITY,
    "explore_rules": DEFAULT_RULES, "explore_tier": DEFAULT_TIER,
    "explore_mapped": False, "explore_interactive": False, "explore_shut_down": False,
}


def first_values(params: Mapping[str, str | list[str]]) -> tuple[dict[str, Any], list[str]]:
    """The controls' first values for a visit that opens `params` (a link, or {}), and the
    notices about what in it was ignored."""
    view, notices = decode(params)
    values = dict(CONTROLS, explore_model=view.model, explore_detail=view.detail,
                  explore_fidelity=view.fidelity, explore_rules=view.rules,
                  explore_tier=view.tier)
    if view.size is not None:
        values.update(explore_source="Width × height", explore_w=view.size[0],
                      explore_h=view.size[1])
    elif view.url is not None:
        values.update(explore_source="Image URL", explore_url=view.url)
    elif view.sample is not None:
        values.update(explore_source="Sample", explore_sample=view.sample)
    return values, notices

