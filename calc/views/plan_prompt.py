"""Plan's "paste the prompt and count it": the free count endpoint, under Verify's key rules.

Whose key goes where is decided by calc.views.access, exactly as on Verify: the operator's key
(secrets or environment) only to the operator's endpoint; a key the visitor typed on Verify
(kept in their session) to the endpoint they typed there, if any. Without a usable key the
prompt tokens are a number the user types, and `why_not` says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calc.adapters import openai_usage
from calc.engine.errors import CalcError
from calc.views import access as va

MAX_PROMPT_CHARS = 200_000  # a pasted prompt; far beyond any instruction, well within a request
TIMEOUT_S = 20.0  # the page waits for the answer: seconds, not minutes


def resolve(secrets: Mapping[str, Any], environ: Mapping[str, str],
            session: Mapping[str, Any]) -> va.Access:
    """The same decision as Verify's, from the same session keys (its typed key and URL)."""
    return va.resolve(secrets, environ, session.get("verify_key_typed"),
                      session.get("verify_base_typed"), session.get("verify_http_confirmed"))


def why_not(access: va.Access, models: tuple[str, ...]) -> str | None:
    """Why "Count it (free)" is disabled now, or None when it may be pressed."""
    if access.key is None:
        return ("no API key: the prompt tokens are the number you type (with the app's key in "
                "secrets or the environment, or your own key pasted on Verify, the prompt can be "
                "counted exactly, for free)")
    if access.problem:
        return f"the endpoint cannot be used: {access.problem}"
    if access.unencrypted:
        return f"confirm on Verify first: {access.unencrypted}"
    if not models:
        return "choose a model to count on"
    return None


def count_prompt(access: va.Access, model: str, text: str) -> int:
    """Prompt tokens of `text` on `model`, from the free count endpoint (never billed).

    Raises CalcError (ApiError subclasses from the adapter, key already scrubbed) on failure.
    """
    if not access.ready:
        raise CalcError(why_not(access, (model,)) or "no usable key")
    client = openai_usage.make_client(access.key, access.base_url, timeout=TIMEOUT_S,
                                      policy=access.policy)
    return openai_usage.count_text_tokens(client, model, text[:MAX_PROMPT_CHARS])


def scrub(text: str, access: va.Access) -> str:
    """An error's text with the key (and anything key-like) hidden, before it is shown."""
    return openai_usage.scrub(text, access.key)
