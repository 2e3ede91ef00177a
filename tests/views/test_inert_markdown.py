"""inert.md: every character Markdown gives a meaning comes out as itself.

Rendered with a CommonMark parser (GFM tables and strikethrough on): the result must be one
paragraph holding exactly the text, whatever the text. Streamlit's own renderer (directives,
maths, emoji, GFM autolinks) is checked in tests/browser/test_inert_markdown.py.
"""

from __future__ import annotations

import html
import string

import markdown_it
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calc.views import inert
from tests.fakes.apptest import shown
from tests.fakes.markdown_samples import MEANINGFUL, PUNCTUATION, TEMPLATES, samples

PARSER = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])


def rendered(text: str) -> str:
    return PARSER.render(inert.md(text))


def literal(text: str) -> str:
    """What the reader must see: the text on one line, blanks at either end dropped."""
    return inert.plain(text).strip().strip("\ufeff").strip()


def assert_literal(text: str) -> None:
    out = rendered(text).replace(inert.JOINER, "")  # invisible: breaks bare links only
    want = literal(text)
    # The parser's own escaping of text: & < > and " (not ').
    escaped = html.escape(want, quote=False).replace('"', "&quot;")
    assert out == (f"<p>{escaped}</p>\n" if want else ""), (text, out)
    assert shown(inert.md(text)) == want


@pytest.mark.parametrize("char", list(PUNCTUATION))
def test_every_ascii_punctuation_character_is_escaped(char):
    joiner = inert.JOINER if char == "@" else ""
    assert inert.md(char) == "\\" + char + joiner
    assert inert.md(f"a{char}b") == f"a\\{char}{joiner}b"


def test_the_characters_streamlit_gives_a_meaning_are_all_among_them():
    assert set(MEANINGFUL) <= set(PUNCTUATION) == set(string.punctuation)


@pytest.mark.parametrize("char", list(PUNCTUATION))
@pytest.mark.parametrize("template", TEMPLATES)
def test_each_character_in_each_place_renders_as_itself(char, template):
    assert_literal(template.format(c=char))


@pytest.mark.parametrize("text", samples()[len(PUNCTUATION) * len(TEMPLATES):])
def test_each_construct_renders_as_its_text(text):
    assert_literal(text)


@pytest.mark.parametrize(("text", "escaped"), [
    ("    indented code", "indented code"),  # no code block: blanks at the start go
    ("\tindented", "indented"),
    ("1. list", "1\\. list"),
    ("- list", "\\- list"),
    ("# heading", "\\# heading"),
    ("> quote", "\\> quote"),
    ("line\n# two", "line \\# two"),  # one line: a break would start a block
    ("127.0.0.1", "127\\.0\\.0\\.1"),
    ("plain words", "plain words"),
    ("", ""),
])
def test_line_starts_and_known_answers(text, escaped):
    assert inert.md(text) == escaped


J = inert.JOINER


@pytest.mark.parametrize(("text", "escaped"), [
    ("https://evil.example", f"https\\:{J}\\/\\/evil\\.example"),
    ("HTTP://evil.example", f"HTTP\\:{J}\\/\\/evil\\.example"),
    ("www.evil.example", f"www{J}\\.evil\\.example"),
    ("WWW.evil.example", f"WWW{J}\\.evil\\.example"),
    ("a@evil.example", f"a\\@{J}evil\\.example"),
    ("mailto:a@b.c", f"mailto\\:a\\@{J}b\\.c"),
])
def test_bare_addresses_are_broken_by_an_invisible_joiner(text, escaped):
    # GFM links bare addresses in the text after escapes are undone: a backslash cannot stop it.
    assert inert.JOINER == "\u2060" and inert.JOINER in escaped
    assert inert.md(text) == escaped


def test_the_text_sits_inside_a_messages_own_emphasis():
    # "** x**" would not be bold at all: the blank after the opening run breaks it.
    out = PARSER.render(f"From Explore: **{inert.md('  *a* [b](c)  ')}** · PNG")
    assert out == "<p>From Explore: <strong>*a* [b](c)</strong> · PNG</p>\n"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_any_text_renders_as_itself(text):
    assert_literal(text)


@given(st.text(alphabet=PUNCTUATION + "ab1 \t\n", max_size=40))
def test_any_mix_of_punctuation_renders_as_itself(text):
    assert_literal(text)
