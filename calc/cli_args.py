"""The command line's shared argument types: --tier and --on, each a one-line error that says
what is allowed."""

from __future__ import annotations

import argparse

import calc
from calc.engine import clock
from calc.engine.pricing import canonical_tier


def tier_arg(text: str) -> str:
    """--tier: a tier's name ('priority' is fast); else the one-line error listing them."""
    try:
        return canonical_tier(text)
    except calc.CalcError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def day_arg(text: str):
    """--on: a YYYY-MM-DD day; else the one-line error saying so."""
    try:
        return clock.day(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a day: use YYYY-MM-DD, e.g. "
                                         f"{clock.today().isoformat()}") from None
