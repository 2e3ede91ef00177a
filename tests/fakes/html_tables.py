"""Read HTML (st.html) back as a browser would: its text, its tables' cells, its tags."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.tags: list[str] = []  # every start tag, in order
        self._cell: list[str] | None = None
        self.text: list[str] = []  # every piece of text, in order

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    parser.close()
    return parser


def tables(html: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts (entities decoded), the header row first."""
    return parse(html).tables


def text(html: str) -> str:
    """The text a reader sees (entities decoded, tags gone)."""
    return "".join(parse(html).text)
