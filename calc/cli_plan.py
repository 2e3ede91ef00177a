"""`python -m calc plan FILE --model M [--model M2 …] [--detail D] [--json]`: a manifest of any
size (CSV or Parquet: width, height, optional count, detail, model), streamed in chunks.

Per model: images, image tokens, dollars (standard tier, exact), images the API would reject;
and the rows read and the bad rows left out.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import calc
from calc.engine.pricing import format_usd
from calc.views.manifest import scan_file


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        sys.stderr.write(f"calc plan: {message} (see --help)\n")
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m calc plan",
                description="What a manifest of image sizes costs, per model (standard tier).")
    p.add_argument("file", help="a CSV or Parquet file: width, height[, count, detail, model]")
    p.add_argument("--model", action="append", default=[],
                   help="a model to cost rows that name none on (repeat for more)")
    p.add_argument("--detail", default="auto", choices=calc.DETAILS,
                   help="for rows that give no detail (default auto)")
    p.add_argument("--rules", default="billing", choices=calc.RULE_SETS)
    p.add_argument("--json", action="store_true", help="print the totals as JSON")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        result = scan_file(args.file, args.model, args.detail, args.rules)
    except calc.CalcError as error:
        sys.stderr.write(f"calc plan: {error}\n")
        return 2
    totals = result.totals()
    try:
        if args.json:
            print(json.dumps({"rows": result.rows, "bad_rows": result.bad_rows,
                              "models": [t.to_dict() for t in totals]}, indent=2))
        else:
            _print(result, totals)
        sys.stdout.flush()
    except BrokenPipeError:  # `… | head`: the reader left; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _print(result, totals) -> None:
    header = ("model", "images", "image tokens", "usd (standard)", "rejected")
    table = [header] + [(t.model, f"{t.images:,}", f"{t.image_tokens:,}", format_usd(t.usd),
                         f"{t.rejected:,}") for t in totals]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    print(f"{result.rows:,} rows read, {result.bad_rows:,} bad rows left out")
    for line, reason in result.bad_examples[:5]:
        print(f"  row {line:,}: {reason}" if line else f"  {reason}")
    if any(t.rejected for t in totals):
        print("rejected images (more than 30,000 patches) are counted, never priced")
