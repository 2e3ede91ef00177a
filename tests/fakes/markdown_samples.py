"""Text that Markdown would give a meaning, for the tests that show it must stay literal.

Every ASCII punctuation character (CommonMark lets each be escaped, and the ones Markdown,
GitHub-flavoured Markdown and Streamlit give a meaning are among them) in the places it could
act: alone, repeated, around a word, at a line's start, after a digit, inside a link's shape —
and the constructs themselves, whole.
"""

from __future__ import annotations

import string

PUNCTUATION = string.punctuation
# The set Streamlit's renderer gives a meaning (CommonMark, GFM, directives, maths, emoji).
MEANINGFUL = "\\`*_{}[]<>()#+-.!|~$:&@/="

TEMPLATES = ("{c}", "{c}{c}{c}", "a{c}b{c}c", "{c}word{c}", "{c} item", "1{c} item",
             "[a]{c}(b)", "x {c}{c}y{c}{c} z", "{c}:name[x]{{y}}", "&amp{c}")

CONSTRUCTS = (
    "[Log in again](https://evil.example/login)", "![x](https://evil.example/a.png)",
    "<https://evil.example>", "https://evil.example/login", "www.evil.example",
    "a@evil.example", ":red[alarm]", ":material/warning:", ":smile: :+1:",
    ":small[tiny] :help[tip]", "$x^2$", "$$x$$", "**bold** __strong__ *it* _it_",
    "`code` ``code``", "~~gone~~ ~gone~", "<b>bold</b> <!-- c -->", "&copy; &#65; &#x42;",
    "# heading", "###### h6", "- list", "+ list", "* list", "1. list", "1) list", "> quote",
    "| a | b |", "---", "***", "___", "=== ", "    indented code", "\tindented code",
    "[ref]: https://evil.example", "[x][ref]", "a\\", "\\*not\\*", "- [ ] task",
    "[^1] footnote", "```fenced```", "~~~fenced~~~", "line\nbreak", "two  spaces  ",
)


def samples() -> list[str]:
    """Every template with every punctuation character, then the constructs."""
    return [t.format(c=c) for c in PUNCTUATION for t in TEMPLATES] + list(CONSTRUCTS)
