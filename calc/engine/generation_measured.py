"""Measured output tokens of gpt-image-2.5 / 2.6 (§8.3): third-party points, not OpenAI's.

OpenAI publishes no token count for these models and the gpt-image-2 formula does not fit them,
so a measured point is the only number there is for a request: shown for what it is, never
passed off as an estimate. A point is measured on a family ("gpt-image-2.6", variant not stated).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from calc.engine.catalogue import catalogue, resolve_model
from calc.engine.errors import CalcError

THIRD_PARTY = "third-party measurement, not OpenAI's"


@dataclass(frozen=True)
class MeasuredPoint:
    family: str  # "gpt-image-2.6"
    size: str  # "1536x1024"
    quality: str
    tokens: int
    approximate: bool  # the source says "about"
    source: str
    as_of: str
    confidence: str
    third_party: bool
    stands_for: str = ""  # the family it is shown for, when that is not its own (2.5 at high)

    @property
    def label(self) -> str:
        """'third-party measurement, not OpenAI's: about 3,337 output tokens (gpt-image-2.6,
        3840×2160 high, measured 2026-11-05)'."""
        about = "about " if self.approximate else ""
        whose = THIRD_PARTY if self.third_party else "measurement"
        also = (f"; shown for {self.stands_for}: the same source says it uses the same tokens "
                f"as {self.family} at {self.quality}" if self.stands_for else "")
        return (f"{whose}: {about}{self.tokens:,} output tokens ({self.family}, "
                f"{self.size.replace('x', '×')} {self.quality}, {self.confidence} "
                f"{self.as_of}){also}")


def measured_points() -> tuple[MeasuredPoint, ...]:
    """Every measured point in the catalogue, in its order."""
    return tuple(MeasuredPoint(p["family"], p["size"], p["quality"], p["tokens"],
                               bool(p.get("approximate", False)), p["source"], p["as_of"],
                               p["confidence"], bool(p.get("third_party", False)))
                 for p in catalogue().generation.get("measured", ()))


def generation_family(model: str) -> str:
    """'gpt-image-2.6' for gpt-image-2.6-flare; a family name is itself; else the model's name."""
    families = catalogue().generation["unpublished"]["families"]
    if model in families:
        return model
    name = resolve_model(model).name
    return next((fam for fam, names in families.items() if name in names), name)


def measured_point(model: str, size: str, quality: str) -> MeasuredPoint | None:
    """The measured point for a request (a model or family, a size 'WxH', a quality), or None.

    A point matches its own family. The source says 2.6 uses the same tokens as 2.5 at high
    and above (and 3–4× 2.5's at low and medium), so a 2.6 point at high also matches 2.5 at
    high, while a 2.6 point at low or medium does not match 2.5.
    """
    if not all(isinstance(x, str) for x in (model, size, quality)):
        return None
    try:
        family = generation_family(model)
    except CalcError:
        return None
    size = size.replace("×", "x").replace("X", "x").replace(" ", "")
    points = [p for p in measured_points() if (p.size, p.quality) == (size, quality)]
    own = next((p for p in points if p.family == family), None)
    if own is not None:
        return own
    shared = catalogue().generation["unpublished"].get("shared", {})
    if family == shared.get("also") and quality in shared.get("qualities", ()):
        other = next((p for p in points if p.family == shared["family"]), None)
        if other is not None:
            return replace(other, stands_for=family)
    return None
