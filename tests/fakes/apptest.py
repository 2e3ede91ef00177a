"""Small AppTest helpers shared by the page tests."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl

import markdown_it
from streamlit.testing.v1 import AppTest

from pages.helpers.address import MARKER

PAGES = Path(__file__).resolve().parents[2] / "pages"


def page(name: str) -> str:
    """The path AppTest.from_file wants for one page file, e.g. page("plan.py")."""
    return str(PAGES / name)


def run(at: AppTest) -> AppTest:
    """Run (or rerun) the app, failing on any exception the page raised, with its message."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def address(at: AppTest) -> dict[str, str]:
    """The query the page last put in the browser's address bar (pages/helpers/address.py)."""
    bodies = [el.proto.body for el in at.get("html") if MARKER in el.proto.body]
    assert bodies, "the page wrote no address"
    data = json.loads(re.search(r"const d = (\{.*?\});", bodies[-1])[1])
    return dict(parse_qsl(data["search"].removeprefix("?"), keep_blank_values=True))


# CommonMark with GFM's tables and strikethrough: what Streamlit's renderer builds on.
_MARKDOWN = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])


def shown(markdown: str) -> str:
    """What a reader sees of a Markdown message: rendered, tags dropped, entities decoded, and
    the invisible word joiners inert.md puts in bare addresses left out."""
    text = html.unescape(re.sub(r"<[^>]*>", "", _MARKDOWN.render(markdown)))
    return text.replace("\u2060", "").strip()
