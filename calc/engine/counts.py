"""What a token count is, when it arrives from outside (an API reply, a row for the log).

An OpenAI-compatible endpoint is not trusted to send numbers that make sense: a count is a
whole number (an int, not a bool, a float, a string or null) from 0 to MAX_TOKENS. Anything
else is the endpoint's fault, reported as such, and never taken as a measurement.
"""

from __future__ import annotations

from typing import Any

# More tokens than any request can carry: the largest context windows hold about a million
# tokens, so a count ten times that is a fault, not a measurement.
MAX_TOKENS = 10_000_000


def token_count(value: Any) -> int | None:
    """`value` as a token count, or None when it is not one (see the module's docstring)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_TOKENS else None


def shown(value: Any, limit: int = 40) -> str:
    """A value that is not a count, as a message quotes it: short, whatever it is."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > 64:  # no 5,000-digit number in a message
        return f"a {'negative ' if value < 0 else ''}number of more than 19 digits"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        text = repr(value[:limit])
        return text if len(value) <= limit else text[:-1] + "…'"
    # A list or an object may be nested thousands deep: named, never printed.
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)
