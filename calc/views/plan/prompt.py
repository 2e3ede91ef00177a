"""Plan's "paste the prompt and count it": counted here, offline and exactly, with the o200k_base
encoding every current model uses (calc.count_text_tokens). No key, nothing sent.

The count is the prompt's own tokens. A request also carries message framing, a few tokens per
message (metering.md §14, measured); Verify's free count endpoint is the check against the API.
"""

from __future__ import annotations

from calc.engine.errors import CalcError
from calc.engine.text_tokens import count_text_tokens
from calc.views.model_choice import DEFAULT_MODEL

MAX_PROMPT_CHARS = 200_000  # a pasted prompt; far beyond any instruction, well within a request
FRAMING = ("The API adds message framing on top: about 7 tokens on Responses and 8 on Chat "
           "Completions for one short user message (measured); Verify checks a request against "
           "the API.")


def count_prompt(text: str, models: tuple[str, ...] = ()) -> int:
    """The prompt's tokens on the first model compared (every current model counts the same)."""
    if not text.strip():
        raise CalcError("there is no prompt to count: paste it first")
    return count_text_tokens(text[:MAX_PROMPT_CHARS], models[0] if models else DEFAULT_MODEL)
