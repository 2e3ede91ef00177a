"""Measure what an image really costs, by asking an OpenAI-compatible API (metering.md §12).

The API reports only a request's *total* input tokens, which include the prompt text and the
message framing (docs/metering.md §14: about 7–8 tokens a short message). So every measurement
makes the same request twice, once with the image and once without it, and the image's tokens
are the difference.

The client is injected (build it with `make_client`), so tests point it at a local fake server.
Every failure of the API call comes back as an `ApiError` subclass whose message says what
happened and what to do, and never contains the API key.
"""

from __future__ import annotations

import base64
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import httpx2
import openai

from calc.adapters.deadline_http import DeadlineClient, too_slow
from calc.adapters.key_scrub import scrub
from calc.adapters.url_fetch import AddressPolicy
from calc.engine.counts import MAX_TOKENS, shown, token_count
from calc.engine.errors import ApiError, CalcError

if TYPE_CHECKING:
    from calc.engine.estimate import Estimate

DEFAULT_PROMPT = "What is in this image?"
# docs/metering.md §14: one short user message carries about 7–8 tokens of framing. A
# difference this small between estimate and measurement is framing the baseline did not
# cancel, not a rule.
FRAMING_TOLERANCE = 15

T = TypeVar("T")


# --- errors -------------------------------------------------------------------------------


class MeasureError(ApiError):
    """Base of the measurement errors: HTTP status and API error code when there was a reply."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


class MissingKeyError(MeasureError):
    """No API key was given."""


class KeyRejectedError(MeasureError):
    """401: the key is wrong, revoked or for another organisation."""


class AccessDeniedError(MeasureError):
    """403: the key is valid but may not use this model or endpoint."""


class ModelNotFoundError(MeasureError):
    """The API does not know the model, or this key cannot see it."""


class EndpointNotFoundError(MeasureError):
    """404 that is not about the model: the base URL does not serve this endpoint."""


class RequestRejectedError(MeasureError):
    """400/422: the API refused the request, usually the image or the detail level."""


class RateLimitedError(MeasureError):
    """429: too many requests or tokens; `retry_after` is the seconds the API asked to wait."""

    def __init__(self, message: str, *, status: int | None = 429, code: str | None = None,
                 retry_after: float | None = None):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class QuotaExceededError(RateLimitedError):
    """429 insufficient_quota: the account is out of credit; waiting will not help."""


class ServerError(MeasureError):
    """5xx: the API failed on its side."""


class ApiTimeoutError(MeasureError):
    """Too slow: silent past the client's timeout, or unfinished at the call's deadline."""


class ConnectionFailedError(MeasureError):
    """The endpoint could not be reached (refused, DNS, TLS, proxy)."""


class BadReplyError(MeasureError):
    """The endpoint answered 200 but not with the JSON object the endpoint promises."""


class BadCountError(BadReplyError):
    """A token count in the reply is not one: negative, not a whole number, or beyond
    MAX_TOKENS (calc.engine.counts). The endpoint's fault; nothing was measured."""


class UnexpectedApiError(MeasureError):
    """Any other failure of the API call."""


# --- keeping the key out of every message: calc.adapters.key_scrub -------------------------


def _key_of(client: Any) -> str | None:
    key = getattr(client, "api_key", None)
    return key if isinstance(key, str) else None


def endpoint_host(client: Any) -> str:
    """host[:port] of the client's base URL: never the path, query, user info or key."""
    parts = urlsplit(str(getattr(client, "base_url", "")))
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


# --- the client -----------------------------------------------------------------------------


# Seconds: a page waits for an answer, so a dead endpoint fails fast and a slow one in time.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0  # the longest silence within one call
CALL_DEADLINE = 60.0  # the longest one call may take, first byte to last, however it trickles


def make_client(api_key: str, base_url: str | None = None, timeout: float = READ_TIMEOUT, *,
                connect_timeout: float = CONNECT_TIMEOUT, deadline: float = CALL_DEADLINE,
                policy: AddressPolicy | None = None) -> openai.OpenAI:
    """The only place Patchwork builds a client.

    max_retries=0: a retry would silently double a billed run and hide a rate limit the user
    should see, so every failure is reported instead. base_url None means api.openai.com
    (or OPENAI_BASE_URL, as the SDK reads it). `timeout` bounds each wait for the endpoint,
    `deadline` each whole call (deadline_http). `policy`: the endpoint is one a visitor typed —
    every connection is checked against it and only the given key is sent (guarded_http).
    """
    if not isinstance(api_key, str) or not api_key.strip():
        raise MissingKeyError("no API key given — paste an OpenAI API key (it starts with sk-)")
    limits = httpx2.Timeout(timeout, connect=min(connect_timeout, timeout))
    if policy is None:
        http_client = DeadlineClient(deadline, timeout=limits)
    else:
        from calc.adapters.guarded_http import GuardedTransport

        http_client = DeadlineClient(
            deadline, transport=GuardedTransport(policy, api_key.strip(), deadline),
            timeout=limits, trust_env=False)
    return openai.OpenAI(
        api_key=api_key.strip(), base_url=base_url or None, timeout=limits, max_retries=0,
        http_client=http_client,
    )


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    """One image measured through the API.

    with_image: input tokens reported for the request with the image; baseline: the same request
    without it; image_tokens = with_image − baseline (computed, so it cannot disagree).
    cost_usd: what the measurement was billed, exact — 0 for the free count endpoint, None when
    the model's prices are unknown.
    """

    method: str  # "count" | "run" | "chat"
    model_requested: str
    model_returned: str
    detail: str
    with_image: int
    baseline: int
    output_tokens: int = 0
    reply_text: str = ""
    cost_usd: Decimal | None = None
    endpoint_host: str = ""
    image_tokens: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "image_tokens", self.with_image - self.baseline)


@dataclass(frozen=True)
class Comparison:
    estimate: int
    reported: int
    difference: int  # reported − estimate
    percent: float | None  # difference as % of the estimate; None when the estimate is 0
    verdict: str  # "exact" | "within framing overhead" | "off"
    explanation: str
    implied_multiplier: Decimal | None = None  # patch models, when the verdict is "off"


# --- the calls ------------------------------------------------------------------------------


def _call(client: Any, fn: Callable[..., T], **kwargs: Any) -> T:
    """Call the SDK; turn any failure into a MeasureError with the key scrubbed.

    The new error is raised outside the `except` block so it carries no __context__: the SDK's
    exception holds the request, headers included, and must not ride along in a traceback.
    """
    try:
        return fn(**kwargs)
    except openai.OpenAIError as exc:
        err = _translate(exc, client)
    except (ValueError, RecursionError):
        # The SDK raises the JSON decoder's error as is when a 200 reply with a JSON content
        # type does not parse — and so a number of more than 4,300 digits (ValueError) or
        # arrays nested thousands deep (RecursionError): a reply no parser should take.
        err = BadReplyError(
            f"{endpoint_host(client)} answered with a body that is not valid JSON — check the "
            "base URL points at an OpenAI-compatible API (it usually ends in /v1)",
            status=200,
        )
    raise err


def _reply(client: Any, fn: Callable[..., Any], **kwargs: Any) -> tuple[Any, Any]:
    """Call an SDK method in its `with_raw_response` form: the parsed reply, and the JSON the
    endpoint sent. Counts are read from the JSON: the SDK's models may coerce "12", 3.0 or
    true into the int a count should have been."""

    def both() -> tuple[Any, Any]:
        raw = fn(**kwargs)
        return raw.parse(), json.loads(raw.content)

    return _call(client, both)


def _api_message(exc: openai.APIError, key: str | None) -> str:
    body = exc.body
    msg = body.get("message") if isinstance(body, dict) else None
    if not isinstance(msg, str) or not msg:
        return ""
    return " The API said: " + scrub(msg.strip(), key)[:300]


def _retry_after(exc: openai.APIStatusError) -> float | None:
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is not None:
            try:
                seconds = float(value[:32]) / scale
            except ValueError:
                continue
            if math.isfinite(seconds) and 0 <= seconds <= 86_400:  # nan, inf, -1: no advice
                return seconds
    return None


# The endpoint was reached, then the connection failed: not a connection that never started.
_BROKEN_OFF = (httpx2.RemoteProtocolError, httpx2.ReadError, httpx2.WriteError)


def _translate(exc: openai.OpenAIError, client: Any) -> MeasureError:
    key = _key_of(client)
    host = endpoint_host(client)
    err: MeasureError
    if isinstance(exc, openai.APITimeoutError):  # before APIConnectionError: a subclass of it
        seconds = too_slow(exc)
        how = (f"it had not sent a complete answer after {seconds:g} s, the most one call may "
               "take" if seconds is not None else "it went quiet for longer than the timeout")
        err = ApiTimeoutError(
            f"{host} was too slow: {how} — try again later, or with a smaller image"
        )
    elif isinstance(exc, openai.APIConnectionError) and isinstance(exc.__cause__, _BROKEN_OFF):
        err = ConnectionFailedError(
            f"{host} broke off the connection before its answer was complete — try again; if "
            "it keeps happening, check the base URL and any proxy in between"
        )
    elif isinstance(exc, openai.APIConnectionError):
        cause = scrub(str(exc.__cause__ or ""), key)
        err = ConnectionFailedError(
            f"could not connect to {host}"
            + (f" ({cause[:200]})" if cause else "")
            + " — check the base URL and your network or proxy"
        )
    elif isinstance(exc, openai.APIResponseValidationError):
        err = BadReplyError(
            f"{host} answered, but not with the JSON object the API promises — check the "
            "base URL points at an OpenAI-compatible API", status=exc.status_code,
        )
    elif isinstance(exc, openai.APIStatusError):
        err = _translate_status(exc, key, host)
    else:
        err = UnexpectedApiError(
            f"the API call failed: {scrub(str(exc), key)[:300]}"
        )
    return err


def _translate_status(exc: openai.APIStatusError, key: str | None, host: str) -> MeasureError:
    status, code = exc.status_code, exc.code
    said = _api_message(exc, key)
    if code == "model_not_found" or (status == 404 and "model" in said.lower()):
        return ModelNotFoundError(
            f"{host} does not know this model, or this key cannot use it ({status}) — check the "
            f"model name and that your project has access to it.{said}", status=status, code=code
        )
    if status == 401:
        return KeyRejectedError(
            f"the API key was rejected (401) — check it, or create a new one at "
            f"platform.openai.com/api-keys.{said}", status=status, code=code
        )
    if status == 403:
        return AccessDeniedError(
            f"the API key is valid but not allowed to do this (403) — check the key's "
            f"permissions and the project's model access.{said}", status=status, code=code
        )
    if status == 404:
        return EndpointNotFoundError(
            f"{host} has no such endpoint (404) — check the base URL (it usually ends in "
            f"/v1).{said}", status=status, code=code
        )
    if status == 429:
        if code == "insufficient_quota":
            return QuotaExceededError(
                f"the account is out of credit (429 insufficient_quota) — add credit or raise "
                f"the usage limit on platform.openai.com; waiting will not help.{said}",
                code=code,
            )
        wait = _retry_after(exc)
        when = f"wait {wait:g} s" if wait is not None else "wait a little"
        return RateLimitedError(
            f"rate limited (429) — {when} and try again.{said}",
            code=code, retry_after=wait,
        )
    if status >= 500:
        return ServerError(
            f"{host} failed on its side ({status}) — try again in a minute; if it persists, "
            f"check status.openai.com.{said}", status=status, code=code
        )
    if status in (400, 422):
        return RequestRejectedError(
            f"the API refused the request ({status}) — usually the image: use a PNG, JPEG, "
            f"WEBP or GIF under 50 MB, and a detail level the model supports."
            f"{said}", status=status, code=code
        )
    return UnexpectedApiError(
        f"the API answered {status} — see its message and try again.{said}",
        status=status, code=code,
    )


def _bad_reply(client: Any, what: str) -> BadReplyError:
    return BadReplyError(
        f"{endpoint_host(client)} answered, but the reply has no {what} — check the base URL "
        "points at an OpenAI-compatible API (a proxy's login page looks like this)",
        status=200,
    )


def _from_api(client: Any, value: Any, limit: int = 200) -> str:
    """Text the API sent back, as kept and shown: a string, bounded, with key-like runs hidden."""
    if not isinstance(value, str):
        return ""
    return scrub(value[: limit + 400], _key_of(client))[:limit].strip()


def _tokens(client: Any, body: Any, path: str) -> int:
    """The token count at `path` (e.g. "usage.input_tokens") of a reply's JSON; BadCountError
    when it is missing or not a count (calc.engine.counts): the endpoint's fault."""
    value = body
    for name in path.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    n = token_count(value)
    if value is None:
        raise BadCountError(
            f"{endpoint_host(client)} answered, but the reply has no {path} (null or missing), "
            "so nothing was measured or logged — check the base URL points at an "
            "OpenAI-compatible API (a proxy's login page looks like this)", status=200,
        )
    if n is None:
        raise BadCountError(
            f"{endpoint_host(client)} reported {path} = {_from_api(client, shown(value), 60)}, "
            f"which is not a token count (a whole number from 0 to {MAX_TOKENS:,}) — the "
            "endpoint is at fault, so nothing was measured or logged; try again, or check the "
            "base URL points at an OpenAI-compatible API", status=200,
        )
    return n


def _image_difference(client: Any, with_image: int, baseline: int) -> None:
    """An image adds tokens: fewer with it than without is the endpoint's fault."""
    if with_image < baseline:
        raise BadCountError(
            f"{endpoint_host(client)} reported fewer input tokens with the image "
            f"({with_image:,}) than without it ({baseline:,}) — the endpoint is at fault, so "
            "nothing was measured or logged", status=200,
        )


# --- request bodies -------------------------------------------------------------------------


def _responses_input(prompt: str, image_url: str | None, detail: str) -> list[dict]:
    content: list[dict] = [{"type": "input_text", "text": prompt}]
    if image_url is not None:
        content.append({"type": "input_image", "image_url": image_url, "detail": detail})
    return [{"role": "user", "content": content}]


def _chat_messages(prompt: str, image_url: str | None, detail: str) -> list[dict]:
    content: list[dict] = [{"type": "text", "text": prompt}]
    if image_url is not None:
        content.append({"type": "image_url", "image_url": {"url": image_url, "detail": detail}})
    return [{"role": "user", "content": content}]


def _count(client: Any, model: str, input_: list[dict]) -> int:
    _, body = _reply(client, client.responses.input_tokens.with_raw_response.count, model=model,
                     input=input_)
    return _tokens(client, body, "input_tokens")


@dataclass(frozen=True)
class ListedModel:
    """One model of GET /v1/models. `shutdown_date` as the API sent it (metering.md §12: optional,
    "YYYY-MM-DD" or null — or anything a faulty endpoint sends); `has_shutdown_date` says
    whether the field was there at all (absent is not null: null means none announced)."""

    id: str
    shutdown_date: Any = None
    has_shutdown_date: bool = False


def _field(obj: Any, name: str) -> tuple[bool, Any]:
    """(present, value) of a field of an SDK object: one the SDK declares, or an extra one."""
    extra = getattr(obj, "model_extra", None) or {}
    if name in extra:
        return True, extra[name]
    if name in (getattr(obj, "model_fields_set", None) or ()):
        return True, getattr(obj, name, None)
    return False, None


def list_models(client: Any) -> tuple[ListedModel, ...]:
    """GET /v1/models (client.models.list(), free): what this key can use, in the API's order,
    each id once, with its shutdown_date."""
    page = _call(client, client.models.list)
    try:
        listed = [(m.id, *_field(m, "shutdown_date")) for m in page]
    except (AttributeError, TypeError):
        raise _bad_reply(client, "model list") from None
    if not all(isinstance(i, str) for i, _, _ in listed):
        raise _bad_reply(client, "model list")
    first: dict[str, ListedModel] = {}
    for model_id, present, value in listed:
        first.setdefault(model_id, ListedModel(model_id, value, present))
    return tuple(first.values())


def _cost(model_names: tuple[str, ...], input_tokens: int, output_tokens: int
          ) -> Decimal | None:
    """Exact USD at the catalogue's input and output prices; None for a model it cannot price."""
    from calc.engine.catalogue import resolve_model  # late: keeps this module importable on its own

    for name in model_names:
        try:
            m = resolve_model(name)
        except CalcError:
            continue
        if m.price_input is None or (output_tokens and m.price_output is None):
            return None
        usd = Decimal(input_tokens) * m.price_input
        if output_tokens:
            usd += Decimal(output_tokens) * m.price_output
        return usd / 1_000_000
    return None


def count_text_tokens(client: Any, model: str, text: str) -> int:
    """Free: POST /v1/responses/input_tokens for `text` sent as one user message — the input
    tokens a request carrying that prompt is billed for (its message framing included)."""
    if not isinstance(text, str) or not text.strip():
        raise CalcError("there is no prompt to count: paste it first")
    return _count(client, model, _responses_input(text, None, "auto"))


# --- the three ways to measure --------------------------------------------------------------


def count_image_tokens(client: Any, *, model: str, image_url: str, detail: str,
                       prompt: str = DEFAULT_PROMPT) -> Measurement:
    """Free: POST /v1/responses/input_tokens with and without the image (metering.md §12).

    The count endpoint runs no model and returns no model name, so model_returned is the
    requested name.
    """
    with_image = _count(client, model, _responses_input(prompt, image_url, detail))
    baseline = _count(client, model, _responses_input(prompt, None, detail))
    _image_difference(client, with_image, baseline)
    return Measurement(
        method="count", model_requested=model, model_returned=model, detail=detail,
        with_image=with_image, baseline=baseline, cost_usd=Decimal(0),
        endpoint_host=endpoint_host(client),
    )


def run_image(client: Any, *, model: str, image_url: str, detail: str,
              prompt: str = DEFAULT_PROMPT, max_output_tokens: int = 16) -> Measurement:
    """Billed: runs the model once with the image (POST /v1/responses) and reads usage back.

    The baseline — the same input without the image — comes from the free count endpoint, so
    only the run with the image is paid for. max_output_tokens 16 is the API's minimum; a
    reasoning model may spend it all thinking and reply with no text, which is fine here.
    """
    # The free baseline first: if it fails (a 429, say), nothing has been paid for yet.
    baseline = _count(client, model, _responses_input(prompt, None, detail))
    reply, body = _reply(
        client, client.responses.with_raw_response.create, model=model,
        input=_responses_input(prompt, image_url, detail), max_output_tokens=max_output_tokens,
    )
    with_image = _tokens(client, body, "usage.input_tokens")
    output = _tokens(client, body, "usage.output_tokens")
    _image_difference(client, with_image, baseline)
    returned = getattr(reply, "model", None)
    returned = _from_api(client, returned) or model
    text = getattr(reply, "output_text", "")
    return Measurement(
        method="run", model_requested=model, model_returned=returned, detail=detail,
        with_image=with_image, baseline=baseline, output_tokens=output,
        reply_text=_from_api(client, text, 2_000),
        cost_usd=_cost((returned, model), with_image, output),
        endpoint_host=endpoint_host(client),
    )


def _chat_once(client: Any, model: str, messages: list[dict], max_tokens: int
               ) -> tuple[Any, int, int]:
    """One chat call: the reply, its prompt tokens and its completion tokens."""
    reply, body = _reply(client, client.chat.completions.with_raw_response.create, model=model,
                         messages=messages, max_completion_tokens=max_tokens)
    return (reply, _tokens(client, body, "usage.prompt_tokens"),
            _tokens(client, body, "usage.completion_tokens"))


def chat_image(client: Any, *, model: str, image_url: str, detail: str,
               prompt: str = DEFAULT_PROMPT, max_output_tokens: int = 16) -> Measurement:
    """Billed, twice: POST /v1/chat/completions with the image, then again without it.

    Chat Completions has no free counting endpoint, and its framing differs from the Responses
    API's, so the count endpoint cannot serve as the baseline: the baseline is a second, billed
    chat call with the same prompt and no image. It costs a few dozen tokens. cost_usd covers
    both calls.
    """
    first, with_image, out1 = _chat_once(client, model, _chat_messages(prompt, image_url, detail),
                                         max_output_tokens)
    _, baseline, out2 = _chat_once(client, model, _chat_messages(prompt, None, detail),
                                   max_output_tokens)
    _image_difference(client, with_image, baseline)
    returned = getattr(first, "model", None)
    returned = _from_api(client, returned) or model
    try:
        text = first.choices[0].message.content or ""
    except (AttributeError, IndexError, TypeError):
        text = ""
    return Measurement(
        method="chat", model_requested=model, model_returned=returned, detail=detail,
        with_image=with_image, baseline=baseline, output_tokens=out1,
        reply_text=_from_api(client, text, 2_000),
        cost_usd=_cost((returned, model), with_image + baseline, out1 + out2),
        endpoint_host=endpoint_host(client),
    )


# --- a whole request, as pasted ---------------------------------------------------------------


@dataclass(frozen=True)
class RequestUsage:
    """What the API reported for one whole request sent as given (calc.views.verify_request
    decides what is sent). input_tokens: `usage.input_tokens` (Responses) or
    `usage.prompt_tokens` (Chat Completions): images, text and message framing together."""

    api: str  # "responses" | "chat.completions"
    model_requested: str
    model_returned: str
    input_tokens: int
    output_tokens: int
    reply_text: str = ""
    cost_usd: Decimal | None = None  # exact, at the catalogue's prices; None: no price known
    endpoint_host: str = ""


# Where each API puts the input and output tokens of a reply (docs/metering.md §12).
USAGE_PATHS = {"responses": ("usage.input_tokens", "usage.output_tokens"),
               "chat.completions": ("usage.prompt_tokens", "usage.completion_tokens")}


def send_request(client: Any, api: str, body: dict[str, Any]) -> RequestUsage:
    """Billed: POST the body to /v1/responses or /v1/chat/completions once, and read usage back.

    The body goes as given: the caller has already limited it (its fields, its output cap).
    """
    if api not in USAGE_PATHS:
        raise ValueError(f"unknown API {api!r}: use one of {', '.join(USAGE_PATHS)}")
    create = (client.responses.with_raw_response.create if api == "responses"
              else client.chat.completions.with_raw_response.create)
    reply, raw = _reply(client, create, **body)
    input_path, output_path = USAGE_PATHS[api]
    n_in, n_out = _tokens(client, raw, input_path), _tokens(client, raw, output_path)
    model = str(body.get("model", ""))
    returned = _from_api(client, getattr(reply, "model", None)) or model
    if api == "responses":
        text = getattr(reply, "output_text", "")
    else:
        try:
            text = reply.choices[0].message.content or ""
        except (AttributeError, IndexError, TypeError):
            text = ""
    return RequestUsage(
        api=api, model_requested=model, model_returned=returned, input_tokens=n_in,
        output_tokens=n_out, reply_text=_from_api(client, text, 2_000),
        cost_usd=_cost((returned, model), n_in, n_out), endpoint_host=endpoint_host(client),
    )


METHODS: dict[str, Callable[..., Measurement]] = {
    "count": count_image_tokens,
    "run": run_image,
    "chat": chat_image,
}


def solid_png_data_url(width: int, height: int, rgb: tuple[int, int, int] = (128, 128, 128)
                       ) -> str:
    """A solid-colour PNG of exactly width×height as a data URL: the calibration image.

    Solid colour because only the size is metered, and it compresses to a few hundred bytes.
    """
    from PIL import Image  # late: only calibration needs Pillow here

    buf = io.BytesIO()
    Image.new("RGB", (width, height), rgb).save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# --- estimate versus measurement ------------------------------------------------------------


def compare(estimate_tokens: int | Estimate, measurement: Measurement, *,
            tolerance: int = FRAMING_TOLERANCE) -> Comparison:
    """How the measured image tokens compare with an estimate.

    Pass the `Estimate` itself (not just its `.tokens`) to get, for a patch model whose
    measurement is off, the multiplier the measurement implies (reported / patches).
    """
    est_obj = None if isinstance(estimate_tokens, int) else estimate_tokens
    est = estimate_tokens if isinstance(estimate_tokens, int) else estimate_tokens.tokens
    reported = measurement.image_tokens
    diff = reported - est
    percent = None if est == 0 else diff * 100 / est
    pct = "" if percent is None else f" ({percent:+.1f} %)"
    implied = None
    if diff == 0:
        verdict = "exact"
        text = f"the API reported exactly the {est:,} image tokens estimated"
    elif abs(diff) <= tolerance:
        verdict = "within framing overhead"
        text = (f"the API reported {reported:,} image tokens, {abs(diff)} "
                f"{'more' if diff > 0 else 'fewer'} than the {est:,} estimated — within the "
                f"message framing (about 7–8 tokens a message) the baseline subtraction can leave")
    else:
        verdict = "off"
        text = (f"the API reported {reported:,} image tokens, {abs(diff):,} "
                f"{'more' if diff > 0 else 'fewer'} than the {est:,} estimated{pct}")
        if est_obj is not None and est_obj.family == "patch" and est_obj.units:
            implied = (Decimal(reported) / Decimal(est_obj.units)).quantize(Decimal("0.01"))
            if est_obj.multiplier is None or implied != est_obj.multiplier:
                have = "none" if est_obj.multiplier is None else f"×{est_obj.multiplier}"
                text += (f"; if only the multiplier were off, {reported:,} / {est_obj.units:,} "
                         f"patches implies ×{implied} (the catalogue has {have})")
    return Comparison(
        estimate=est, reported=reported, difference=diff, percent=percent, verdict=verdict,
        explanation=text, implied_multiplier=implied,
    )
