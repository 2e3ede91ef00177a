"""Keeping text that came from outside inert: in Markdown, in messages, in CSV files, in logs.

User-controlled text (links, file names, CSV cells, model names, URLs, API replies) is never
trusted to be plain. Five small tools, used wherever such text is shown or written:

- `md(text)`: the text escaped for Streamlit Markdown (links, emphasis, colour directives,
  maths, headings and line breaks all come out as the characters typed), and shortened;
- `esc(text)`: the same for HTML (st.html), escaped and shortened;
- `short(value)`: one value shortened to `LIMIT` characters and "…", for every message;
- `cell(value)` / `csv_frame(df)`: OWASP's rule for CSV injection — a text cell starting with
  = + - @ tab or carriage return gets a leading apostrophe, so a spreadsheet shows it as text;
- `scrub(text)`: key-like strings and bearer tokens hidden (for anything the API sends back).
"""

from __future__ import annotations

import html
import re
from typing import Any

from calc.adapters.key_scrub import scrub as _scrub

LIMIT = 120  # characters of one value in a message
MESSAGE_LIMIT = 2_000  # a whole message: a backstop, so no message swamps the page
ELLIPSIS = "…"

# The characters that make Markdown do something: links and images ([ ]), HTML and autolinks
# (< >), emphasis and code (* _ ~ `), maths ($), tables (|), headings (#), Streamlit's
# :colour[…] directives ([). Backslash-escaped (CommonMark allows it for any punctuation);
# the rest of a message (. , : ( ) -) reads as written.
_SPECIAL = re.compile(r"([\\`*_\[\]<>$~|#])")
# GFM turns bare addresses into links: break the scheme, www. and e-mail forms.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9+.\-])(:)(?=//)|(?<=\bwww)(\.)|(@)")
# "- x", "+ x", "1. x", "---" would be lists or rules; "127.0.0.1" and "-3" are not.
_LIST_START = re.compile(r"^(\s*\d{0,9})([-+.)])(?=[\s\-]|$)")
# Line breaks would start new blocks (headings, lists, tables); controls and bidirectional
# overrides would make the text read differently from what it is.
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
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
    """`text` shown exactly as typed when rendered as Markdown (st.markdown, st.error, …)."""
    escaped = _SPECIAL.sub(r"\\\1", plain(text, limit))
    escaped = _AUTOLINK.sub(lambda m: "\\" + m.group(0), escaped)
    return _LIST_START.sub(r"\1\\\2", escaped, count=1)


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


def scrub(text: Any, key: str | None = None) -> str:
    """Text from an API reply with the key, anything shaped like a key and bearer tokens hidden."""
    return _scrub(text if isinstance(text, str) else str(text), key)


def esc(text: Any, limit: int = MESSAGE_LIMIT) -> str:
    """`text` shown exactly as typed inside HTML (st.html): one line, shortened, and every
    character that means something there (< > & " ') escaped."""
    return html.escape(plain(text, limit), quote=True)
