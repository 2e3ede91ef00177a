"""Which models a page offers, in what order, with what badge: current first, shut-down on request.

Every page and the CLI pick models the same way: active and deprecated models (a badge with the
shutdown date and replacement on deprecated ones); shut-down models only behind a switch.
"""

from __future__ import annotations

from datetime import date

from calc.engine.catalogue import Model, models, resolve_model

DEFAULT_MODEL = "gpt-5.6-sol"  # the current guide's own examples use gpt-5.6
# A handful across the price points of the current families (input $/1M: 0.10 … 10.00).
DEFAULT_PLAN_MODELS = ("gpt-6-luna", "gpt-5.6-luna", "gpt-5.4-mini", "gpt-6-sol", "gpt-5.6-sol",
                       "gpt-6-astra")
_ORDER = {"active": 0, "deprecated": 1, "shut down": 2}


def model_names(include_shut_down: bool = False, on: date | str | None = None,
                families: tuple[str, ...] | None = None) -> list[str]:
    """Catalogue names, active first, then deprecated, then (if asked) shut down."""
    chosen = [m for m in models(include_shut_down=include_shut_down, on=on)
              if families is None or m.family in families]
    return [m.name for m in sorted(chosen, key=lambda m: _ORDER[m.status(on)])]


def badge(model: Model | str, on: date | str | None = None) -> str:
    """'' for an active model; else what a picker shows beside the name."""
    m = resolve_model(model) if isinstance(model, str) else model
    status = m.status(on)
    if status == "active":
        return ""
    if status == "shut down":
        return f"shut down {m.shutdown}"
    instead = f" → {m.replacement}" if m.replacement else ""
    return f"shuts down {m.shutdown}{instead}"


def model_label(name: str, on: date | str | None = None) -> str:
    """A picker's label: the name, and the lifecycle badge where there is one."""
    b = badge(name, on)
    return f"{name} · {b}" if b else name
