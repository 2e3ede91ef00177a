"""Keeping text that came from outside inert: in Markdown, in messages, in CSV files, in logs.

User-controlled text (links, file names, CSV cells, model names, URLs, API replies) is never
trusted to be plain. Five small tools, used wherever such text is shown or written:

- `md(text)`: the text escaped for Streamlit Markdown (links, bare addresses, emphasis, colour
  directives, maths, headings and line breaks all come out as the characters typed), shortened;
- `esc(text)`: the same for HTML (st.html), escaped and shortened;
- `short(value)`: one value shortened to `LIMIT` characters and "…", for every message;
- `cell(value)` / `csv_frame(df)`: OWASP's rule for CSV injection — a text cell starting with
  = + - @ tab or carriage return gets a leading apostrophe, so a spreadsheet shows it as text;
- `scrub(text, key)`: the key, key-like strings and bearer tokens hidden (calc.adapters.key_scrub,
  the one scrubber: for anything the API sends back, and every error message about a call).
"""

from __future__ import annotations

import html
import re
import string
from typing import Any

from calc.adapters.key_scrub import scrub as scrub  # the one scrubber, for pages

LIMIT = 120  # characters of one value in a message
MESSAGE_LIMIT = 2_000  # a whole message: a backstop, so no message swamps the page
ELLIPSIS = "…"

# CommonMark: "any ASCII punctuation character may be backslash-escaped", and an escaped one is
# only ever itself. So every one is escaped — the complete set, not a list of the ones known to
# mean something today: links and images ([ ] ( ) !), HTML, autolinks and entities (< > & : / @),
# emphasis, code and strikethrough (* _ ` ~), maths ($), tables (|), headings and lists (# + - .
# )), Streamlit's :colour[…] and :icon: directives (: [ ] { }), and whatever comes next.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# Line breaks would start new blocks (headings, lists, tables); controls and bidirectional
# overrides would make the text read differently from what it is.
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# GitHub-flavoured Markdown also links bare addresses (http://…, www.…, a@b.c) by searching the
# text *after* escapes are undone, so no backslash stops it: an invisible word joiner (U+2060)
# where each pattern needs two characters side by side — between ":" and "//", between "www"
# and ".", after "@" — breaks the pattern and changes nothing a reader sees.
JOINER = "\u2060"
_BARE_LINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
_EDGE_BLANKS = re.compile(r"^[\s\ufeff]+|[\s\ufeff]+$")  # Unicode blanks, as Markdown trims
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def short(value: Any, limit: int = LIMIT) -> str:
    """`value` as text, at most `limit` characters: longer ones end in "…"."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def quoted(value: Any, limit: int = LIMIT) -> str:
    """A value for a message, shortened and quoted like repr (so blanks stay visible)."""
    return repr(short(value, limit))


def plain(text: Any, limit: int = MESSAGE_LIMIT) -> str:
    """One line of plain text: no line breaks or control characters, at most `limit` long."""
    flat = _BREAKS.sub(" ", text if isinstance(text, str) else str(text))
    return short(_CONTROLS.sub("", flat), limit)


def md(text: Any, limit: int = MESSAGE_LIMIT) -> str:
    """`text` shown exactly as typed when rendered as Markdown (st.markdown, st.error, …).

    One line (plain), every ASCII punctuation character backslash-escaped, bare addresses
    broken by an invisible JOINER, and no blanks at either end: leading ones would make an
    indented code block, and either would break the emphasis a message puts around the text
    (HTML does not show them anyway).
    """
    one_line = _BARE_LINK.sub(JOINER, _EDGE_BLANKS.sub("", plain(text, limit)))
    return _PUNCTUATION.sub(r"\\\1", one_line)


def cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula. Numbers pass unchanged (-3 is -3)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_frame(frame):
    """A copy of a DataFrame with every text cell (and column name) passed through `cell`."""
    out = frame.copy()
    for name in out.columns:
        dtype = out[name].dtype
        if str(dtype) in ("object", "str", "string", "category"):  # text of any kind
            out[name] = out[name].astype(object).map(cell)
    out.columns = [cell(c) for c in out.columns]
    return out


def esc(text: Any, limit: int = MESSAGE_LIMIT) -> str:
    """`text` shown exactly as typed inside HTML (st.html): one line, shortened, and every
    character that means something there (< > & " ') escaped."""
    return html.escape(plain(text, limit), quote=True)
