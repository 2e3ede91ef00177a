"""`python -m calc plan FILE [FILE …] [--model M …] [--detail D] [--json]`: what a workload costs.

A FILE is a manifest of any size (CSV or Parquet: width, height, optional count, detail, model;
streamed in batches), an image, or a zip of images — read by the same path as Plan's page
(calc.views.manifest), so both give the same totals and the same bad rows for the same file.
Per model: images, image tokens, dollars (standard tier, exact), images the API would reject;
and the rows read and the bad rows left out.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace

import calc
from calc.cli_args import Parser, day_arg, tier_arg
from calc.engine import clock
from calc.engine.pricing import format_usd
from calc.views.inert import plain
from calc.views.manifest import PlanTotals, plan_files
from calc.views.model_choice import DEFAULT_PLAN_MODELS


def _parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m calc plan",
                description="What a workload costs, per model (standard tier).")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="a CSV or Parquet manifest (width, height[, count, detail, model]; a "
                        "header is optional), an image, or a zip of images")
    p.add_argument("--model", action="append", default=[],
                   help="a model to cost rows that name none on (repeat for more; default: "
                        f"Plan's models, {', '.join(DEFAULT_PLAN_MODELS)})")
    p.add_argument("--detail", default="auto", choices=calc.DETAILS,
                   help="for rows that give no detail (default auto)")
    p.add_argument("--rules", default="billing", choices=calc.RULE_SETS)
    p.add_argument("--tier", default="standard", type=tier_arg, metavar="TIER",
                   help="the price tier (default standard); see python -m calc --help")
    p.add_argument("--on", default=None, type=day_arg, metavar="YYYY-MM-DD",
                   help="price on this day (default today)")
    p.add_argument("--json", action="store_true", help="print the totals as JSON")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        totals = plan_files(args.files, args.model or DEFAULT_PLAN_MODELS, args.detail,
                            args.rules)
    except calc.CalcError as error:
        sys.stderr.write(f"calc plan: {plain(error)}\n")
        return 2
    except OSError as error:  # a file that fails while being read (a disk error, …)
        sys.stderr.write(f"calc plan: {plain(error.strerror or error)}\n")
        return 2
    totals = replace(totals, models=tuple(t.priced(args.tier, args.on) for t in totals.models))
    try:
        if args.json:
            print(json.dumps(totals.to_dict() | {
                "tier": args.tier, "priced_on": clock.day(args.on).isoformat()}, indent=2))
        else:
            _print(totals)
        sys.stdout.flush()
    except BrokenPipeError:  # `… | head`: the reader left; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _print(totals: PlanTotals) -> None:
    header = ("model", "images", "image tokens", "usd", "rejected")
    table = [header] + [(t.model, f"{t.images:,}", f"{t.image_tokens:,}", format_usd(t.usd),
                         f"{t.rejected:,}") for t in totals.models]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    print(f"{totals.rows:,} rows read, {totals.bad_rows:,} bad rows left out")
    for where, reason in totals.bad_examples:
        print(f"  {plain(where, 200)}: {plain(reason, 400)}")
    if any(t.rejected for t in totals.models):
        print("rejected images (more than 30,000 patches) are counted, never priced")
