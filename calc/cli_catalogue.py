"""`python -m calc catalogue check [--file F] [--days N] [--on DATE]`: the maintainer's check.

Validates the catalogue (every model sized and priced for every day from its release until its
shutdown, no overlapping periods, replacements and tiers that exist, a source, date and
confidence on every fact, factors in range) and lists the changes it schedules for the coming
days. Exit 0 when the catalogue is whole, 1 when it is not, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys

from calc.cli_args import Parser, day_arg
from calc.engine.catalogue import CATALOGUE_PATH, Catalogue
from calc.engine.catalogue_check import ENV, check_file
from calc.engine.schedule import scheduled_changes, staleness_note


def _parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m calc catalogue",
                description="Check the model catalogue and list its scheduled changes.")
    p.add_argument("action", choices=["check"])
    p.add_argument("--file", help=f"a catalogue file to check (default: the one {ENV} names, "
                   "else the bundled one)")
    p.add_argument("--days", type=int, default=90, help="how far ahead to list changes (90)")
    p.add_argument("--on", type=day_arg, default=None, metavar="YYYY-MM-DD",
                   help="the day to list changes from (default today)")
    return p



def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    # An operator's file is checked itself, even when the app has fallen back from it.
    path = args.file or os.environ.get(ENV, "").strip() or str(CATALOGUE_PATH)
    book, problems = check_file(path)
    try:
        _report(path, book, problems, args)
        sys.stdout.flush()
    except BrokenPipeError:  # `… catalogue check | head`: the reader left; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if problems else 0


def _report(path: str, book: Catalogue | None, problems: list[str],
            args: argparse.Namespace) -> None:
    if problems:
        print(f"{path}: {len(problems)} problem(s)")
        for line in problems:
            print(f"  {line}")
        return
    print(f"{path}: whole — {len(book.models)} models, edition {book.version}, "
          f"checked {book.checked}")
    stale = staleness_note(book=book)
    if stale:
        print(f"note: {stale}")
    changes = scheduled_changes(args.on, args.days, book)
    print(f"scheduled in the next {args.days} days:" if changes else
          f"nothing scheduled in the next {args.days} days")
    for day, text in changes:
        print(f"  {day}: {text}")
