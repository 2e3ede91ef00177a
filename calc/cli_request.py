"""`python -m calc request FILE.json` and `python -m calc fit IMAGE -o OUT`.

    python -m calc request body.json [--fetch] [--tier T] [--on DATE] [--json]   (- : stdin)
    python -m calc fit photo.jpg --model gpt-6-sol [--detail auto] [--max-tokens N] -o out.jpg

`request`: a request body of responses.create or chat.completions.create estimated before it is
sent — each image, the text tokens, the request's limits, the input's price; `--json` prints
calc.engine.request.RequestEstimate.to_dict(). `fit`: the image resized to the largest size of
its shape the API accepts (within --max-tokens), before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import calc
from calc.cli_args import Parser, day_arg, tier_arg
from calc.engine.compare import applied
from calc.engine.request import RequestEstimate
from calc.views.model_choice import DEFAULT_MODEL

FRAMING = ("not counted: message framing (about 7 tokens on Responses, 8 on Chat Completions "
           "for one short user message, measured), tools and output")



def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of tokens ≥ 1: {text[:40]!r}")
    return int(text)


def _request_parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m calc request",
                description="A request body estimated before it is sent: images, text, limits, "
                            "price.")
    p.add_argument("file", help="the JSON body of responses.create or chat.completions.create "
                                "(- reads standard input)")
    p.add_argument("--fetch", action="store_true",
                   help="fetch remote image URLs to read their sizes (public addresses only)")
    p.add_argument("--tier", default="standard", type=tier_arg,
                   help="one of " + ", ".join(calc.TIERS))
    p.add_argument("--on", type=day_arg, default=None, help="the day to price on (default today)")
    p.add_argument("--json", action="store_true", help="print the estimate as JSON")
    return p


def _fit_parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m calc fit",
                description="Resize an image to the largest size of its shape the API accepts "
                            "(and, with --max-tokens, that costs at most that).")
    p.add_argument("image", help="a PNG, JPEG, WEBP or GIF file")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"default {DEFAULT_MODEL}")
    p.add_argument("--detail", default="auto", choices=calc.DETAILS)
    p.add_argument("--max-tokens", type=_positive, default=None,
                   help="the most image tokens the resized image may cost")
    p.add_argument("-o", "--output", required=True, help="where to write the resized image")
    return p


def _read_body(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise calc.CalcError(f"{name[:120]}: not UTF-8 text (a request body is JSON)") from None
    except OSError as error:
        raise calc.CalcError(f"{name[:120]}: cannot be read ({error.strerror or error})") \
            from None


def _print_request(r: RequestEstimate) -> None:
    print(f"{r.api} request on {r.model} · {calc.tier_label(r.tier)} · {r.on.isoformat()}")
    for i in r.images:
        if i.size is None:
            what = f"detail {i.detail}"
        else:
            e = i.estimate
            what = (f"{i.size[0]}×{i.size[1]} {i.format} · detail "
                    f"{applied(e.detail, e.effective_detail)}")
        if i.status == "accepted":
            outcome = f"{i.tokens:,} tokens"
        elif i.status == "rejected":
            outcome = i.reason + (f" — resize it to {i.largest_accepted[0]}×"
                                  f"{i.largest_accepted[1]}" if i.largest_accepted else "")
        else:
            outcome = f"size unknown: {i.reason}"
        print(f"  image {i.number}  {i.where}  {what} · {outcome}")
        for note in i.notes:
            print(f"    {note}")
    print(f"  text: {r.text_tokens:,} tokens in {r.texts:,} pieces, {r.messages:,} messages")
    print(f"  input: {r.input_tokens:,} tokens ({r.image_tokens:,} image + {r.text_tokens:,} "
          f"text) · {calc.format_usd(r.usd)}")
    print(f"  {FRAMING}")
    for note in r.notes:
        print(f"  {note}")
    if not r.accepted:
        print("refused: " + "; ".join(r.problems))
    elif r.unknown:
        print(f"accepted if the {r.unknown:,} images of unknown size are within the limits")
    else:
        print("accepted")


def request_main(argv: list[str]) -> int:
    args = _request_parser().parse_args(argv)
    fetch = None
    if args.fetch:
        from calc.views.request import fetch_public_bytes as fetch
    try:
        estimate = calc.estimate_request(_read_body(args.file), tier=args.tier, on=args.on,
                                         fetch=fetch)
    except calc.CalcError as error:
        sys.stderr.write(f"calc request: {error}\n")
        return 2
    try:
        if args.json:
            print(json.dumps(estimate.to_dict(), indent=2, ensure_ascii=False))
        else:
            _print_request(estimate)
        sys.stdout.flush()
    except BrokenPipeError:  # `… | head`: the reader left; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _line(label: str, name: str, e: calc.Estimate) -> str:
    w, h = e.original_size
    head = (f"{label} {name[:120]}: {w}×{h} · {e.model} · detail "
            f"{applied(e.detail, e.effective_detail)}")
    if not e.accepted:
        return f"{head} · {e.reason}"
    return (f"{head} · {e.grid.cols}×{e.grid.rows} {e.unit_name} · {e.tokens:,} tokens · "
            f"{calc.format_usd(calc.cost_usd(e.tokens, e.model))}")


def fit_main(argv: list[str]) -> int:
    args = _fit_parser().parse_args(argv)
    source, target = Path(args.image), Path(args.output)
    try:
        if target.exists() and source.exists() and os.path.samefile(source, target):
            raise calc.CalcError(f"{args.output[:120]}: is the image itself; write elsewhere")
        try:
            data = source.read_bytes()
        except OSError as error:
            raise calc.CalcError(f"{args.image[:120]}: cannot be read "
                                 f"({error.strerror or error})") from None
        from calc.views.fit import fit_image  # Pillow only when a file is fitted

        fitted = fit_image(data, args.model, args.detail, args.max_tokens)
        try:
            target.write_bytes(fitted.data)
        except OSError as error:
            raise calc.CalcError(f"{args.output[:120]}: cannot be written "
                                 f"({error.strerror or error})") from None
    except calc.CalcError as error:
        sys.stderr.write(f"calc fit: {error}\n")
        return 2
    print(_line("before", args.image, fitted.before))
    print(_line("after ", args.output, fitted.after))
    if not fitted.resized:
        print(f"already fits: written at its own size ({fitted.format}, upright)")
    suffix = target.suffix.lower().lstrip(".")
    if suffix and suffix not in {fitted.format.lower(), "jpg" if fitted.format == "JPEG" else ""}:
        sys.stderr.write(f"calc fit: written as {fitted.format}, the image's own format, "
                         f"whatever the name {target.name[:60]} says\n")
    return 0


def main(argv: list[str]) -> int:
    """`request …` or `fit …` (argv[0] names which)."""
    return request_main(argv[1:]) if argv[0] == "request" else fit_main(argv[1:])
