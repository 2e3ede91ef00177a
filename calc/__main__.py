"""`python -m calc`: what an image costs, from a size or from image files, on a tier and a day.

    python -m calc 1800x2400 --model gpt-4.1-mini --detail high
    python -m calc photo.jpg scan.png --model all --json
    python -m calc 1024x1024 --model gpt-6.2-sol --tier ultrafast --on 2027-03-01
    python -m calc plan manifest.csv --model gpt-6-luna      (calc/cli_plan.py)
    python -m calc catalogue check                           (calc/cli_catalogue.py)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

import calc
from calc.cli_args import Parser, day_arg, tier_arg
from calc.engine.compare import applied, on_replacements
from calc.engine.estimate import MAX_SIDE
from calc.engine.pricing import TIERS, offers, priced_on, tier_label
from calc.engine.schedule import staleness_note
from calc.views.labels import replacement_line
from calc.views.model_choice import DEFAULT_MODEL

SIZE = re.compile(r"^\s*(\d+)\s*[x×X]\s*(\d+)\s*$")
MAX_DIGITS = 9  # a side needs at most 7 (MAX_SIDE); more is refused before int() reads it



def _parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m calc", description="What an image input costs on OpenAI models.")
    p.add_argument("inputs", nargs="+", metavar="WxH|FILE", help="a size like 1024x768, or files")
    p.add_argument("--model", default=DEFAULT_MODEL,
                   help=f"a model name, or 'all': the current models (default {DEFAULT_MODEL})")
    p.add_argument("--include-shut-down", action="store_true",
                   help="with --model all: the shut-down models too")
    p.add_argument("--detail", default="auto", choices=calc.DETAILS)
    p.add_argument("--fidelity", default="low", choices=calc.FIDELITIES)
    p.add_argument("--rules", default="billing", choices=calc.RULE_SETS)
    p.add_argument("--tier", default="standard", type=tier_arg, metavar="TIER",
                   help=f"the price tier: {', '.join(TIERS)} (priority = fast; default standard)")
    p.add_argument("--on", default=None, type=day_arg, metavar="YYYY-MM-DD",
                   help="price on this day: its prices, tiers and running models (default today)")
    p.add_argument("--json", action="store_true", help="print the estimates as JSON")
    return p



def _shown(item: str) -> str:
    return item if len(item) <= 120 else item[:119] + "…"


def _size_of(item: str) -> tuple[str, int, int]:
    match = SIZE.match(item)
    if match:
        if max(len(match[1]), len(match[2])) > MAX_DIGITS:
            raise calc.CalcError(f"{_shown(item)}: a side that long is not a size (at most "
                                 f"{MAX_SIDE:,} px)")
        return item, int(match[1]), int(match[2])
    # Pillow is imported only when a file is given
    from calc.adapters.images import RefusedFormatError, probe
    from calc.adapters.manifest_files import not_a_file

    try:
        what = not_a_file(os.stat(item).st_mode)
    except OSError:
        what = None  # probe says why below
    if what and what != "a directory":  # a pipe or a device would be waited on, or never end
        raise calc.CalcError(f"{_shown(item)}: is {what}, not an image file")
    try:
        info = probe(item)
    except FileNotFoundError:
        raise calc.CalcError(f"{_shown(item)}: not a size like 1024x768 and no such file") \
            from None
    except IsADirectoryError:
        raise calc.CalcError(f"{_shown(item)}: is a directory, not an image") from None
    except OSError as error:  # a name too long for the file system, no permission, …
        raise calc.CalcError(f"{_shown(item)}: cannot be read ({error.strerror or error})") \
            from None
    except RefusedFormatError as error:  # BMP, TIFF, HEIC, SVG: priced as if converted
        if error.size is None:
            raise calc.CalcError(f"{_shown(item)}: {error}") from None
        sys.stderr.write(f"calc: {_shown(item)}: {error}; priced at its size as converted\n")
        return item, *error.size
    except calc.CalcError as error:
        raise calc.CalcError(f"{_shown(item)}: {error}") from None
    if info.animated:  # say what was priced
        sys.stderr.write(f"calc: {_shown(item)}: animated ({info.frames} frames) — "
                         + ("the API reads its first frame; " if info.format == "GIF" else
                            "the API accepts still images only; ")
                         + "priced its first frame\n")
    return item, info.width, info.height


def _estimates(sizes, args) -> list[tuple[str, calc.Estimate]]:
    if args.model != "all":
        return [(label, calc.estimate(w, h, args.model, args.detail, args.fidelity, args.rules,
                                      args.tier, args.on))
                for label, w, h in sizes]
    from calc.engine.compare import cheapest_first, detail_for, fidelity_for

    chosen = calc.models(include_shut_down=args.include_shut_down, on=args.on)
    without = [m.name for m in chosen if not offers(m, args.tier)]
    if without:
        sys.stderr.write(f"calc: {tier_label(args.tier)} is not offered by "
                         f"{', '.join(without)}: left out\n")
    rows = []
    for label, w, h in sizes:  # every model at the nearest level it has, as Explore compares
        per_item = [calc.estimate(w, h, m.name, detail_for(m, args.detail)[0],
                                  fidelity_for(m, args.fidelity)[0], args.rules, args.tier,
                                  args.on)
                    for m in chosen if m.name not in without]
        rows.extend((label, e) for e in sorted(per_item, key=cheapest_first))
    return rows


def _usd(e: calc.Estimate) -> str:
    return "rejected" if not e.accepted else calc.format_usd(e.usd)


def _tokens(e: calc.Estimate) -> str:
    return f"{e.tokens:,}" if e.accepted else f"rejected ({e.units:,} patches)"


def _way_out(e: calc.Estimate) -> str:
    """A rejected image's two ways out: the same image at high, and the largest accepted size."""
    w, h = e.original_size
    high = calc.estimate(w, h, e.model, "high", e.fidelity, e.rules, e.tier, e.priced_on)
    lw, lh = e.largest_accepted
    return (f"  instead: send it at detail high ({high.tokens:,} tokens, "
            f"{calc.format_usd(high.usd)}), or resize it to {lw}×{lh} (the largest size of this "
            "shape the API accepts)")


def _print_breakdown(e: calc.Estimate) -> None:
    w, h = e.original_size
    where = "".join(f" · {x}" for x in (tier_label(e.tier) if e.tier != "standard" else "",
                                          priced_on(e.priced_on)) if x)
    print(f"{e.model} · detail {e.detail} → {e.effective_detail} · {w}×{h} · {e.rules} rules"
          f"{where}" if e.detail != e.effective_detail else
          f"{e.model} · detail {e.detail} · {w}×{h} · {e.rules} rules{where}")
    width = max(len(s.name) for s in e.steps)
    for s in e.steps:
        print(f"  {s.name:<{width}}  {s.size[0]:>5}×{s.size[1]:<5}  {s.explanation}")
    if e.accepted:
        print(f"  total: {e.tokens:,} tokens · {_usd(e)} per image")
    else:
        print(f"  {e.reason}")
        print(_way_out(e))
        print("  (OpenAI's own API; other routes, such as gateways, may accept or refuse "
              "differently)")
    for note in e.notes:
        print(f"  {note.kind}: {note.text}")
    line = replacement_line(e, on_replacements(e))
    if line:
        print(f"  {line}")


def _print_rows(rows: list[tuple[str, calc.Estimate]]) -> None:
    header = ("input", "model", "detail", "seen as", "grid", "tokens", "usd")
    table = [header] + [
        (label, e.model, applied(e.detail, e.effective_detail), "×".join(map(str, e.grid.image)),
         f"{e.grid.cols}×{e.grid.rows} {e.unit_name}", _tokens(e), _usd(e))
        for label, e in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["plan"]:  # `python -m calc plan FILE …`: a manifest (calc/cli_plan.py)
        from calc.cli_plan import main as plan_main

        return plan_main(argv[1:])
    if argv[:1] in (["request"], ["fit"]):  # a request body, or an image fitted (cli_request.py)
        from calc.cli_request import main as request_main

        return request_main(argv)
    if argv[:1] == ["catalogue"]:  # `python -m calc catalogue check` (calc/cli_catalogue.py)
        from calc.cli_catalogue import main as catalogue_main

        return catalogue_main(argv[1:])
    args = _parser().parse_args(argv)
    try:
        sizes = [_size_of(item) for item in args.inputs]
        if any(not SIZE.match(label) for label, _, _ in sizes):
            sys.stderr.write("calc: sizes are read from the file headers only (EXIF orientation "
                             "applied); a file with damaged pixels is not detected\n")
        rows = _estimates(sizes, args)
    except calc.CalcError as error:
        sys.stderr.write(f"calc: {error}\n")
        return 2
    try:
        if args.json:
            payload = [e.to_dict() | {"input": label, "instead": [
                {"model": alt.model, "tokens": alt.tokens,
                 "usd": None if alt.usd is None else str(alt.usd)}
                for alt in on_replacements(e)]} for label, e in rows]
            print(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))
        elif len(rows) == 1:
            _print_breakdown(rows[0][1])
        else:
            _print_rows(rows)
        sys.stdout.flush()
    except BrokenPipeError:  # `python -m calc … | head`: the reader left; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    stale = staleness_note()  # how old the facts are today, whatever day is priced; after the
    if stale:  # answer, so that an error stays one line
        sys.stderr.write(f"calc: {stale}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
