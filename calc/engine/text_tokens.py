"""Text tokens, exactly and offline: tiktoken's `o200k_base`, the encoding of every model in the
catalogue, built from a copy bundled in calc/data (never downloaded).

The file is tiktoken's `o200k_base.tiktoken`, gzipped (taken from the `bpe-openai` 0.1.4 wheel on
PyPI, bpe_openai/data/o200k_base.tiktoken.gz); it is checked on load against the sha256 tiktoken
publishes for it. It is read once, on the first count: `import calc` does not pay for it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError

if TYPE_CHECKING:
    import tiktoken

ENCODING_NAME = "o200k_base"  # every catalogue model (gpt-4o and later) uses it
ENCODING_PATH = Path(__file__).resolve().parents[1] / "data" / "o200k_base.tiktoken.gz"
# tiktoken_ext/openai_public.py: the sha256 of o200k_base.tiktoken (the text, not the .gz)
ENCODING_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
# The split pattern and special tokens of o200k_base, as tiktoken_ext/openai_public.py defines
# them (tests/engine/test_text_tokens.py checks them against tiktoken's own definition).
PAT_STR = "|".join([
    r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+"""
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
    r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*"""
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
    r"""\p{N}{1,3}""",
    r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
    r"""\s*[\r\n]+""",
    r"""\s+(?!\S)""",
    r"""\s+""",
])
SPECIAL_TOKENS = {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}


def read_ranks(path: Path | None = None) -> dict[bytes, int]:
    """The encoding's mergeable ranks from the bundled file, after checking its sha256."""
    import binascii  # here, not at the top: `import calc` does not pay for them
    import gzip
    import hashlib
    import zlib

    path = ENCODING_PATH if path is None else path
    damaged = f"the bundled token encoding {path.name} is damaged or missing"
    try:
        text = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as error:
        raise CalcError(f"{damaged} ({error}): reinstall Patchwork") from None
    digest = hashlib.sha256(text).hexdigest()
    if digest != ENCODING_SHA256:
        raise CalcError(f"{damaged}: its sha256 is {digest[:12]}…, not {ENCODING_SHA256[:12]}… "
                        "(tiktoken's published o200k_base) — reinstall Patchwork")
    # One "<base64 token> <rank>" per line; the hash already vouches for the format.
    parts = text.split()
    return dict(zip(map(binascii.a2b_base64, parts[0::2]), map(int, parts[1::2]), strict=True))


@cache
def encoding() -> tiktoken.Encoding:
    """The o200k_base Encoding, built once from the bundled file (tiktoken never fetches)."""
    import tiktoken  # here, not at the top: `import calc` stays fast

    return tiktoken.Encoding(ENCODING_NAME, pat_str=PAT_STR, mergeable_ranks=read_ranks(),
                             special_tokens=SPECIAL_TOKENS)


def count_text_tokens(text: str, model: str) -> int:
    """The tokens `text` is on `model`: the encoding's count, without any message framing.

    Text that looks like a special token (`<|endoftext|>`) is counted as the plain text it is,
    as the API treats user text. UnknownModelError for a model the catalogue does not know.
    """
    resolve_model(model)
    if not isinstance(text, str):
        raise CalcError(f"text to count must be a string, not {type(text).__name__}")
    return len(encoding().encode_ordinary(text))
