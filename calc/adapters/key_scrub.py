"""Keeping API keys out of every message: the key itself, key-shaped strings, bearer tokens.

Plain regular expressions, no client library: the views scrub text with it on every page without
loading the OpenAI SDK.
"""

from __future__ import annotations

import re

# OpenAI keys: sk-…, sk-proj-…, sk-admin-…, possibly shown masked with *.
_KEY_LIKE = re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-*.]{4,}")
_BEARER = re.compile(r"(?i)bearer\s+\S+")
# Other providers' keys and tokens: a long unbroken run of token characters mixing letters and
# digits (no word, model name or host label is that long).
_TOKEN_LIKE = re.compile(
    r"(?<![A-Za-z0-9_\-])(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,}"
)


def scrub(text: str, key: str | None = None) -> str:
    """`text` with the key, anything shaped like an API key and any bearer token hidden."""
    if key and key.strip():
        text = text.replace(key.strip(), "[API key hidden]")
    text = _BEARER.sub("Bearer [hidden]", text)
    text = _KEY_LIKE.sub("sk-[hidden]", text)
    return _TOKEN_LIKE.sub("[token hidden]", text)
