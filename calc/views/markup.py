"""Plain HTML for what every run shows: Explore's picture and tables, and short lines of text
(captions, the sidebar's). Every text is escaped (calc.views.inert.esc).

The browser draws these itself, with no chart library, table widget or Markdown parser to load
first: the picture is on screen as soon as the page's text is (bench/bench_browser.py). Streamlit
sanitises st.html with DOMPurify, which drops inline <svg>; the grid goes in as an SVG *image*
(a data: URL in an <img>), which never runs anything.
"""

from __future__ import annotations

import base64
import html
import math
import re
import zlib
from collections.abc import Sequence
from decimal import Decimal

from calc.engine.compare import Row
from calc.engine.estimate import Estimate
from calc.views.explore_overlay import Overlay
from calc.views.inert import esc, plain
from calc.views.labels import format_tokens, format_usd

GRID_COLOUR = "rgba(255, 196, 0, 0.95)"  # amber: visible on photos, documents and black padding
PADDING_COLOUR = "#000000"  # the covered grid beyond the image, black as the API pads it
PLACEHOLDER_COLOUR = "#d9e1e6"  # stands in for the image when only a size was given
CHOSEN_COLOUR = "#3b6e8f"  # the theme's primary colour
OTHER_COLOUR = "#b8c6d0"
MAX_HEIGHT_PX = 620  # a tall image is narrowed rather than run off the first screen
_RULE = "1px solid rgba(128, 128, 128, 0.25)"  # a table's row rules: grey on light or dark
# A table's look, said once per table rather than on each of its cells (the all-models table was
# 31 KB of repeated inline styles, sent on every rerun). Words wrap between words, so a column is
# at least as wide as its longest word; a number never wraps: every word holding a digit is a
# .pw-n, kept on one line.
# A table wider than its place scrolls in its own box, never the page; a table made with
# `cards` shows each row as a card where its place is narrow (a phone, a narrow column): the
# first cell as a title, the others one after another under their column's name.
CARDS_BELOW = "38rem"  # a little wider than the all-models table at its narrowest (~36rem)
TABLE_STYLE = (
    "<style>.pw-box{container-type:inline-size;overflow-x:auto}"
    ".pw-table{border-collapse:collapse;width:100%;font-size:0.875rem}"
    f".pw-table th,.pw-table td{{padding:0.3rem 0.5rem;border-bottom:{_RULE};text-align:left;"
    "vertical-align:top;overflow-wrap:break-word}"
    ".pw-n{white-space:nowrap}"
    ".pw-table th,.pw-table .pw-chosen td{font-weight:600}"
    f".pw-bar{{height:6px;margin-top:3px;border-radius:2px;background:{OTHER_COLOUR}}}"
    f".pw-table .pw-chosen .pw-bar{{background:{CHOSEN_COLOUR}}}"
    f"@container (max-width:{CARDS_BELOW}){{"
    ".pw-cards thead{display:none}"
    ".pw-cards,.pw-cards tbody,.pw-cards tr{display:block}"
    f".pw-cards tr{{border-bottom:{_RULE};padding:0.4rem 0}}"
    ".pw-cards td{display:inline-block;border:0;padding:0.15rem 1rem 0.15rem 0;max-width:100%;"
    "box-sizing:border-box}"
    ".pw-cards td:first-child{display:block}"
    ".pw-cards td:empty{display:none}"
    ".pw-cards td.pw-barred{min-width:9rem}"  # bars of one width, comparable from card to card
    # each cell under its column's name (the names: each table's own rules, _card_labels)
    ".pw-cards td:not(:first-child)::before{display:block;font-size:0.75rem;font-weight:400;"
    "opacity:0.6}}</style>")


def _num(value: float) -> str:
    """A coordinate for SVG or CSS: at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def text_html(*pieces: str, caption: bool = False) -> str:
    """One paragraph of escaped text; the odd pieces bold ("as of ", date, " · 39 models").
    `caption`: small and faded, as st.caption draws it. Cheaper for the browser than Markdown
    (no parser), for the lines Explore shows on every run."""
    # faded by opacity, not a colour: it follows whatever text colour the theme sets
    style = "margin:0;font-size:0.875rem;opacity:0.6" if caption else "margin:0"
    body = "".join(f"<b>{esc(p)}</b>" if i % 2 else esc(p) for i, p in enumerate(pieces))
    return f'<p style="{style}">{body}</p>'


def sidebar_html(checked: str, models: int, source: str, stale: str = "",
                 fallback: str = "") -> str:
    """The shared sidebar's lines under the name: what Patchwork is, and how current — plainly
    when the prices have not been checked for a while, or an operator's catalogue was refused."""
    warnings = "".join(text_html(f"⚠️ {line}") for line in (stale, fallback) if line)
    return ('<div style="display:flex;flex-direction:column;gap:0.75rem">'
            + text_html("What an image costs on OpenAI's vision models — with the working "
                        "shown on the picture.", caption=True)
            + text_html("Prices and rules checked ", checked, f" · {models} models",
                        caption=True)
            + warnings
            + text_html(f"Source: {source}", caption=True) + "</div>")


def grid_path(ov: Overlay) -> str:
    """Every grid line as one SVG path ("M x y L x y" per line), in frame pixels."""
    parts, points = [], []
    for x, y in zip(ov.xs, ov.ys, strict=True):
        if x is None or y is None:
            (x0, y0), (x1, y1) = points
            parts.append(f"M{_num(x0)} {_num(y0)}L{_num(x1)} {_num(y1)}")
            points = []
        else:
            points.append((x, y))
    return "".join(parts)


def grid_svg(ov: Overlay) -> str:
    """The grid alone, as an SVG document the size of the frame; lines keep their screen width
    whatever the scale (1 px for patches, 2 px for tiles)."""
    fw, fh = ov.frame
    width = 2 if ov.cell >= 512 else 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(fw)} {_num(fh)}" '
            f'preserveAspectRatio="none"><path d="{grid_path(ov)}" fill="none" '
            f'stroke="{GRID_COLOUR}" stroke-width="{width}" vector-effect="non-scaling-stroke"/>'
            "</svg>")


def overlay_html(ov: Overlay, image_src: str | None, alt: str) -> str:
    """The picture as the model sees it: the image (or a grey stand-in) at the top left of the
    frame, black beyond it, the grid over both. It keeps the frame's shape at any width."""
    fw, fh = ov.frame
    iw, ih = ov.image
    box = (f"position:absolute;left:0;top:0;width:{_num(100 * iw / fw)}%;"
           f"height:{_num(100 * ih / fh)}%")
    if image_src is None:
        under = f'<div style="{box};background:{PLACEHOLDER_COLOUR}"></div>'
    else:
        under = f'<img src="{esc(image_src, limit=len(image_src))}" alt="" style="{box}">'
    grid = "data:image/svg+xml;base64," + base64.b64encode(grid_svg(ov).encode()).decode()
    frame = (f"position:relative;background:{PADDING_COLOUR};aspect-ratio:{_num(fw)}/{_num(fh)};"
             f"width:min(100%, {_num(MAX_HEIGHT_PX * fw / fh)}px)")
    return (f'<div class="pw-overlay" role="img" aria-label="{esc(alt)}" style="{frame}">'
            f'{under}<img class="pw-grid" src="{grid}" alt="" '
            'style="position:absolute;left:0;top:0;width:100%;height:100%"></div>')


def log_bars(values: Sequence[Decimal | None]) -> list[float | None]:
    """Bar lengths in percent on a log scale (prices span four orders of magnitude): the dearest
    fills the cell, the cheapest still shows; None where there is no value."""
    known = [v for v in values if v is not None and v > 0]
    if not known:
        return [None for _ in values]
    low, high = math.log10(min(known)), math.log10(max(known))
    floor = low - max(0.5, (high - low) / 8)  # the cheapest gets a visible bar
    return [None if v is None or v <= 0 else
            round(100 * (math.log10(v) - floor) / (high - floor), 1) for v in values]


# A word holding a digit: 1,229 · $0.0019 · 768×1536 · gpt-5.4 (matched from its first letter on:
# no retrying at every letter of a long word)
_NUMBER = re.compile(r"(?<!\S)[^\s\d]*\d\S*")


def cell_html(value: str) -> str:
    """A table cell's text, escaped, with every word that holds a digit kept on one line. It is
    text, never an attribute: quotes need no escaping, so no entity brings in a digit."""
    return _NUMBER.sub(_kept, html.escape(plain(value), quote=False))


def _kept(number: re.Match) -> str:
    return '<span class="pw-n">' + number[0] + "</span>"  # faster than a template, per match


def _td(value: str, bar: float | None) -> str:
    """One body cell. A cell that is one word holding a digit (most are: 1,229 · $0.0019 ·
    gpt-5.4) is kept on one line whole, with no span inside: less to send on every rerun."""
    text = html.escape(plain(value), quote=False)
    classes = []
    if " " not in text and _NUMBER.match(text):
        classes.append("pw-n")
    else:
        text = _NUMBER.sub(_kept, text)
    if bar is not None:
        text += f'<div class="pw-bar" style="width:{_num(bar)}%"></div>'
        classes.append("pw-barred")
    return f'<td class="{" ".join(classes)}">{text}</td>' if classes else f"<td>{text}</td>"


def _css_text(text: str) -> str:
    """Text as a CSS string's content: every character but letters, digits and spaces as a
    hex escape, so nothing in it can close the string or the stylesheet."""
    return "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):x} "
                   for c in plain(text))


def _card_labels(header: Sequence[str]) -> tuple[str, str]:
    """A table of cards: its own class, and the rules that name each cell by its column — once
    per table, not once per cell."""
    name = f"pw-c{zlib.crc32(chr(31).join(header).encode()):x}"
    rules = "".join(f'.{name} td:nth-child({j})::before{{content:"{_css_text(h)}"}}'
                    for j, h in enumerate(header, 1) if j > 1)
    return name, f"<style>@container (max-width:{CARDS_BELOW}){{{rules}}}</style>"


def table_html(header: Sequence[str], rows: Sequence[Sequence[str]], *,
               bars: Sequence[float | None] | None = None, bar_column: int | None = None,
               chosen: int | None = None, cards: bool = False) -> str:
    """A table with every cell escaped and no number broken across lines. Its words wrap on a
    narrow screen; what still does not fit scrolls inside the table's own box. `cards`: where
    the table's place is narrower than CARDS_BELOW, each row is a card instead.

    `bars` (percent, one per row) are drawn under the text of column `bar_column`; row `chosen`
    is bold, its bar in the theme's colour.
    """
    body = []
    for i, row in enumerate(rows):
        bar = None if bars is None else bars[i]
        cells = "".join(_td(value, bar if j == bar_column else None)
                        for j, value in enumerate(row))
        body.append(('<tr class="pw-chosen">' if i == chosen else "<tr>") + cells + "</tr>")
    head = "".join(f"<th>{cell_html(h)}</th>" for h in header)
    kind, labels = ("pw-table", "")
    if cards:
        name, labels = _card_labels(header)
        kind = f"pw-table pw-cards {name}"
    return (f'{TABLE_STYLE}{labels}<div class="pw-box"><table class="{kind}"><thead><tr>{head}'
            f'</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


_INLINE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|`([^`]*)`|\[([^\]]*)\]\([^)]*\)")


def _unmarked(text: str) -> str:
    """A Markdown table cell's text without its inline marks (emphasis, code, links)."""
    return _INLINE.sub(lambda m: next(g for g in m.groups() if g is not None), text).strip()


def markdown_tables(text: str) -> list[str | tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    """A Markdown text cut into its prose and its tables, in order: a table as (header, rows)
    of plain cell texts, for table_html — so a document's tables keep their numbers on one
    line too (a Markdown table breaks "gpt-6-astra" at its hyphen in a narrow column)."""
    parts: list = []
    prose: list[str] = []
    table: list[tuple[str, ...]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = tuple(_unmarked(c) for c in line.strip().strip("|").split("|"))
            if not all(set(c) <= set(":-") and c for c in cells):  # not the |---| line
                table.append(cells)
            continue
        if table:
            if prose:
                parts.append("\n".join(prose))
                prose = []
            parts.append((table[0], table[1:]))
            table = []
        prose.append(line)
    if any(line.strip() for line in prose):
        parts.append("\n".join(prose).rstrip("\n"))
    return parts


def steps_html(est: Estimate) -> str:
    """How it is counted: one row per step, its working and the size after it."""
    return table_html(("Step", "Working", "Size"),
                      [(s.name, s.explanation, f"{s.size[0]}×{s.size[1]}") for s in est.steps])


COMPARISON_HEADER = ("Model", "Tokens", "$ / image", "$ / 1,000 images", "Detail used", "Note")


def comparison_html(rows: Sequence[Row], chosen: str) -> str:
    """Every model for one image, the key columns first; under each $ per 1,000 images a bar
    of that price on a log scale (a chart with no chart library). `chosen` is marked ▶."""
    by_name = {r.model: r for r in rows}
    cells = [(("▶ " if r.model == chosen else "") + r.model,
              format_tokens(r.tokens) if r.accepted else f"rejected ({r.patches:,} patches)",
              format_usd(r.usd) if r.offered else "not offered",
              format_usd(r.usd_per_1000) if r.offered else "—", r.detail,
              # lifecycle and "inferred" first: they change how far the number can be trusted
              "; ".join(filter(None, (lifecycle_cell(r, by_name),
                                      "inferred" if r.inferred else "", r.note))))
             for r in rows]
    return table_html(COMPARISON_HEADER, cells, bars=log_bars([r.usd_per_1000 for r in rows]),
                      bar_column=3, cards=True,
                      chosen=next((i for i, r in enumerate(rows) if r.model == chosen), None))


def lifecycle_cell(r: Row, by_name: dict[str, Row]) -> str:
    """'shuts down 2027-01-14 → gpt-6-luna: $0.00012 instead of $0.0019'; '' when active.
    A replacement not in the table (not offered on the tier, say) is named without a price."""
    if r.status == "active":
        return ""
    phrase = f"{'shut down' if r.status == 'shut down' else 'shuts down'} {r.shutdown}"
    if not r.replacements:
        return phrase
    options = []
    for name in r.replacements:
        alt = by_name.get(name)
        price = "" if alt is None or alt.usd is None else f": {format_usd(alt.usd)}"
        options.append(f"{name}{price}")
    here = f" instead of {format_usd(r.usd)}" if r.usd is not None and any(
        ":" in o for o in options) else ""
    return f"{phrase} → {' or '.join(options)}{here}"


def comparison_note(rows: Sequence[Row]) -> str:
    """What the bars are, and which rows have none."""
    notes = ["Bars: $ per 1,000 images, log scale."]
    without = [r.model for r in rows if not r.offered]
    if without:
        notes.append(f"Not offered on this tier: {', '.join(without)} — no price.")
    unpriced = [r.model for r in rows if r.usd is None and r.accepted and r.offered]
    if unpriced:
        notes.append(f"No price known for {', '.join(unpriced)}: listed last, no bar.")
    refused = [r.model for r in rows if not r.accepted]
    if refused:
        notes.append(f"Rejected by the API at this detail: {', '.join(refused)} — no bar.")
    return " ".join(notes)
