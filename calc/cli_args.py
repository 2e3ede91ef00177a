"""What every command line shares: a parser whose errors are one line, and the argument types
--tier and --on, each a one-line error that says what is allowed."""

from __future__ import annotations

import argparse
import sys

import calc
from calc.engine import clock
from calc.engine.pricing import canonical_tier


class Parser(argparse.ArgumentParser):
    """An error is one line naming the command (`calc plan: …`), not a usage dump."""

    def error(self, message: str) -> None:
        sys.stderr.write(f"{self.prog.removeprefix('python -m ')}: {message} (see --help)\n")
        raise SystemExit(2)


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
