"""Text tokens offline: tiktoken's o200k_base from the bundled file, counted exactly.

Known answers: OpenAI's cookbook "How to count tokens with tiktoken" prints the o200k_base token
ids of "tiktoken is great!", "antidisestablishmentarianism", "2 + 2 = 4" and "お誕生日おめでとう";
"hello world" is the vocabulary's lines 24913 ("aGVsbG8= 24912": b"hello") and 2376
("IHdvcmxk 2375": b" world"). Joined strings are counted by hand from o200k_base's split pattern:
a line break is its own piece (token 198, "Cg== 198"), so the pieces on either side add up.
"""

from __future__ import annotations

import gzip
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import calc
from calc.engine import text_tokens as tt

COOKBOOK = [  # text, its o200k_base token ids (the cookbook's output)
    ("tiktoken is great!", [83, 8251, 2488, 382, 2212, 0]),
    ("antidisestablishmentarianism", [493, 129901, 376, 160388, 21203, 2367]),
    ("2 + 2 = 4", [17, 659, 220, 17, 314, 220, 19]),
    ("お誕生日おめでとう", [8930, 9697, 243, 128225, 8930, 17693, 4344, 48669]),
    ("hello world", [24912, 2375]),
]


@pytest.mark.parametrize("text, ids", COOKBOOK, ids=[t for t, _ in COOKBOOK])
def test_the_encoding_gives_the_published_token_ids(text, ids):
    assert tt.encoding().encode_ordinary(text) == ids
    assert calc.count_text_tokens(text, "gpt-5.6-sol") == len(ids)


@pytest.mark.parametrize("text, count", [
    ("hello world", 2),
    ("", 0),
    ("\n", 1),
    # Mixed scripts, lines ending in a letter or digit: 2 + 1 + 8, 7 + 1 + 6, 8 + 1 + 2 + 1 + 6
    ("hello world\nお誕生日おめでとう", 11),
    ("2 + 2 = 4\nantidisestablishmentarianism", 14),
    ("お誕生日おめでとう\nhello world\ntiktoken is great!", 18),
])
def test_counts_known_by_hand(text, count):
    assert calc.count_text_tokens(text, "gpt-6-luna") == count


def test_the_split_pattern_and_special_tokens_are_tiktokens_own(monkeypatch):
    # tiktoken_ext defines o200k_base with a download; its ranks loader is replaced so nothing
    # is fetched, and the rest of its definition is compared with ours.
    import tiktoken_ext.openai_public as public

    monkeypatch.setattr(public, "load_tiktoken_bpe", lambda *args, **kwargs: {})
    definition = public.o200k_base()
    assert definition["pat_str"] == tt.PAT_STR
    assert definition["special_tokens"] == tt.SPECIAL_TOKENS
    assert definition["name"] == tt.ENCODING_NAME


def test_every_catalogue_model_counts_the_same():
    counts = {calc.count_text_tokens("tiktoken is great!", m.name) for m in calc.models()}
    assert counts == {6}
    assert calc.count_text_tokens("tiktoken is great!", "gpt-5.4-mini-2026-03-17") == 6


def test_special_looking_text_is_counted_as_text():
    # "<|endoftext|>" typed by a user is 7 ordinary tokens, never the special token 199999
    ids = tt.encoding().encode_ordinary("<|endoftext|>")
    assert 199999 not in ids
    assert calc.count_text_tokens("<|endoftext|>", "gpt-5.6-sol") == len(ids) > 1


def test_an_unknown_model_is_the_usual_error():
    with pytest.raises(calc.UnknownModelError, match="unknown model 'gpt-5-pro'"):
        calc.count_text_tokens("hello", "gpt-5-pro")


def test_text_must_be_a_string():
    with pytest.raises(calc.CalcError, match="must be a string, not bytes"):
        calc.count_text_tokens(b"hello", "gpt-5.6-sol")


def _line(text: str) -> str | None:
    """A line after which a line break is its own piece: no spaces around it, and ending in a
    letter or digit (a final punctuation piece takes the line break with it: "!\\n")."""
    line = text.strip()
    return line if line and line[-1].isalnum() else None


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=40)
                .map(_line).filter(bool), min_size=1, max_size=5))
def test_lines_add_up(lines):
    joined = "\n".join(lines)
    expected = sum(calc.count_text_tokens(line, "gpt-6-sol") for line in lines) + len(lines) - 1
    assert calc.count_text_tokens(joined, "gpt-6-sol") == expected


# --- the bundled file ------------------------------------------------------------------------


@pytest.fixture
def fresh_encoding():
    """The encoding is built afresh in the test and again (from the real file) afterwards."""
    tt.encoding.cache_clear()
    yield
    tt.encoding.cache_clear()


def test_the_bundled_file_is_tiktokens_o200k_base():
    ranks = tt.read_ranks()
    assert len(ranks) == 199_998
    assert ranks[b"hello"] == 24912 and ranks[b" world"] == 2375 and ranks[b"\n"] == 198


def test_nothing_is_fetched(monkeypatch, fresh_encoding):
    import tiktoken.load
    import tiktoken.registry

    def refuse(*args, **kwargs):
        raise AssertionError("tiktoken was asked to fetch or look up an encoding")

    monkeypatch.setattr(tiktoken.load, "read_file", refuse)
    monkeypatch.setattr(tiktoken.load, "read_file_cached", refuse)
    monkeypatch.setattr(tiktoken.registry, "get_encoding", refuse)
    assert calc.count_text_tokens("hello world", "gpt-5.6-sol") == 2


@pytest.mark.parametrize("content, message", [
    (gzip.compress(b"aGVsbG8= 0\n"), "its sha256 is .*, not 446a9538cb6c"),
    (b"not gzip at all", "damaged or missing"),
    (gzip.compress(b"aGVsbG8= 0\n" * 1000)[:100], "damaged or missing"),
])
def test_a_damaged_file_is_a_clear_error(tmp_path, monkeypatch, fresh_encoding, content, message):
    bad = tmp_path / "o200k_base.tiktoken.gz"
    bad.write_bytes(content)
    monkeypatch.setattr(tt, "ENCODING_PATH", bad)
    with pytest.raises(calc.CalcError, match=message) as caught:
        calc.count_text_tokens("hello", "gpt-5.6-sol")
    assert "reinstall Patchwork" in str(caught.value)


def test_a_missing_file_is_a_clear_error(tmp_path, monkeypatch, fresh_encoding):
    monkeypatch.setattr(tt, "ENCODING_PATH", tmp_path / "gone.tiktoken.gz")
    with pytest.raises(calc.CalcError, match="gone.tiktoken.gz is damaged or missing"):
        calc.count_text_tokens("hello", "gpt-5.6-sol")


def test_import_calc_loads_neither_tiktoken_nor_the_file():
    out = subprocess.run([sys.executable, "-c", "import sys, calc; "
                          "print(sorted(m for m in ('tiktoken', 'regex') if m in sys.modules))"],
                         capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
