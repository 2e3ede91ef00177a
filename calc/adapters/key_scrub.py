"""Keeping API keys out of every message: the key itself, key-shaped strings, bearer tokens.

`scrub` is the one function that hides a key in text shown or logged (pages reach it as
calc.views.inert.scrub); `looks_like_key` is the calibration log's gate, on the same shapes.
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


# A value the calibration log keeps (a host, a model name) may be a long dashed name, such as
# my-company-openai-proxy-eastus2-production01: the gate takes only dash-free runs for tokens.
_LONG_TOKEN = re.compile(r"(?=[A-Za-z0-9_]*[0-9])(?=[A-Za-z0-9_]*[A-Za-z])[A-Za-z0-9_]{40,}")


def looks_like_key(text: str) -> bool:
    """Whether `text` holds anything shaped like an API key or a bearer token."""
    return any(p.search(text) for p in (_KEY_LIKE, _BEARER, _LONG_TOKEN))
