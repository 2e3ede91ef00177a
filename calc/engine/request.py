"""A whole request before it is sent: each image estimated, the text counted, the request limits
of metering.md §17 checked, and the input priced on a tier and a day.

Takes the JSON body of `responses.create` (`input` a string or a list of messages with
`input_text` / `input_image` parts, `instructions`) or of `chat.completions.create` (`messages`
with `text` / `image_url` parts). Pure: reading an image's header (`probe`) and fetching a remote
URL (`fetch`) are callables the caller injects; without `fetch` a remote image is unknown, as is
a `file_id` (its size is on OpenAI's side).
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from calc.engine.catalogue import Model, catalogue, resolve_model, shorten
from calc.engine.clock import day
from calc.engine.errors import CalcError, RefusedFormatError
from calc.engine.estimate import Estimate, estimate
from calc.engine.pricing import canonical_tier, cost_usd, format_usd, offers, tier_label, tier_note
from calc.engine.rules import DETAILS
from calc.engine.text_tokens import count_text_tokens

APIS = ("responses", "chat.completions")
# base64 characters read for an image's header: 192 KiB of bytes, past any header a camera
# writes (EXIF is at most 64 KiB a segment); the whole payload is read only if that fails.
HEADER_CHARS = 1 << 18
_TEXT_PARTS = {"responses": ("input_text", "output_text"), "chat.completions": ("text",)}
_CONTROLS = bytes(range(0x20)) + b"\x7f"  # JSON escapes these (and " and \\) in ASCII
_IMAGE_PART = {"responses": "input_image", "chat.completions": "image_url"}


class Header(Protocol):
    """What an image's header says (calc.adapters.images.ImageInfo is one)."""

    width: int  # as the model sees it: EXIF orientation applied
    height: int
    format: str
    animated: bool
    frames: int


Probe = Callable[[bytes], Header]  # raises CalcError (RefusedFormatError for BMP, …)
Fetch = Callable[[str], bytes]  # raises CalcError (FetchError) when refused or unreachable


@dataclass(frozen=True)
class RequestImage:
    """One image of the request, in request order."""

    number: int  # 1, 2, … in the order the model reads them
    where: str  # its place in the body, e.g. "input[0].content[1]"
    source: str  # "data" (a data: URL), "url" (http/https) or "file_id"
    reference: str  # the URL or file id as given (a data URL whole: see `label`)
    detail: str  # as asked ("auto" when the part names none)
    status: str  # "accepted", "rejected" or "unknown"
    size: tuple[int, int] | None = None  # as the model receives it (EXIF applied)
    format: str | None = None
    tokens: int | None = None  # accepted images only
    usd: Decimal | None = None  # its tokens at the request's tier and day (None: no price)
    reason: str | None = None  # why it is rejected, or why its size is unknown
    largest_accepted: tuple[int, int] | None = None  # the way out of a patch rejection
    notes: tuple[str, ...] = ()
    estimate: Estimate | None = None  # the steps and grid, where the size is known

    @property
    def label(self) -> str:
        """The reference, short enough to show: a data URL by its media type and length."""
        if self.source == "data":
            head = self.reference.split(",", 1)[0]
            return f"{shorten(head, 40)},… ({len(self.reference):,} characters)"
        return shorten(self.reference, 120)

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "where": self.where, "source": self.source,
                "reference": self.label, "detail": self.detail,
                "effective_detail": self.estimate.effective_detail if self.estimate else None,
                "status": self.status, "size": _pair(self.size), "format": self.format,
                "tokens": self.tokens,
                "usd": None if self.usd is None else format(self.usd, "f"),
                "reason": self.reason,
                "largest_accepted": _pair(self.largest_accepted), "notes": list(self.notes)}


@dataclass(frozen=True)
class RequestEstimate:
    """A request as the model will see it: its images, its text, whether the API takes it, and
    what its input costs (image + text tokens at the model's input rate, at the tier, on the day;
    message framing, tools and output are not in it)."""

    api: str  # "responses" or "chat.completions"
    model: str  # the catalogue name
    requested_model: str
    tier: str
    on: date
    images: tuple[RequestImage, ...]
    image_tokens: int  # the accepted images
    text_tokens: int  # the encoding's count of every text (instructions, inputs, messages)
    texts: int  # how many text pieces that is
    messages: int  # messages, instructions included (the API frames each: metering.md §14)
    payload_bytes: int
    accepted: bool  # False: the API refuses the whole request (see `problems`)
    problems: tuple[str, ...]
    usd: Decimal | None  # the accepted images and the text; None where no price is known
    notes: tuple[str, ...]

    @property
    def input_tokens(self) -> int:
        return self.image_tokens + self.text_tokens

    @property
    def rejected(self) -> int:
        return sum(i.status == "rejected" for i in self.images)

    @property
    def unknown(self) -> int:
        return sum(i.status == "unknown" for i in self.images)

    def to_dict(self) -> dict[str, Any]:
        return {"api": self.api, "model": self.model, "requested_model": self.requested_model,
                "tier": self.tier, "on": self.on.isoformat(), "accepted": self.accepted,
                "problems": list(self.problems), "image_tokens": self.image_tokens,
                "text_tokens": self.text_tokens, "input_tokens": self.input_tokens,
                "images": len(self.images), "rejected": self.rejected, "unknown": self.unknown,
                "messages": self.messages, "payload_bytes": self.payload_bytes,
                "usd": None if self.usd is None else format(self.usd, "f"),
                "notes": list(self.notes), "image_list": [i.to_dict() for i in self.images]}


def _pair(size: tuple[int, int] | None) -> list[int] | None:
    return None if size is None else list(size)


# --- reading the body --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Image:
    where: str
    source: str
    reference: str
    detail: str


@dataclass
class _Parts:
    texts: list[str]
    images: list[_Image]
    messages: int = 0


def parse_body(body: str | Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """The body as a dict, and its size in bytes as sent (compact JSON for a dict)."""
    if isinstance(body, str):
        try:
            parsed = json.loads(body)
        except json.JSONDecodeError as error:
            raise CalcError(f"the request is not JSON: {error.msg} at line {error.lineno}, "
                            f"column {error.colno}") from None
        size = len(body) if body.isascii() else len(body.encode("utf-8"))
    elif isinstance(body, Mapping):
        parsed = dict(body)
        size = json_size(parsed)
    else:
        raise CalcError(f"a request is a JSON text or a dict, not {type(body).__name__}")
    if not isinstance(parsed, dict):
        raise CalcError("the request must be a JSON object (the body of responses.create or "
                        f"chat.completions.create), not {_kind(parsed)}")
    return parsed, size


def json_size(value: Any) -> int:
    """Bytes of `value` as compact JSON (json.dumps with separators ",", ":"), without writing
    it out: an ASCII string without control characters is len + 2 + one per quote or backslash
    (a few fast scans of a long base64 string, where json.dumps escapes it character by
    character)."""
    if isinstance(value, str):
        if value.isascii():
            raw = value.encode("ascii")
            if len(raw.translate(None, _CONTROLS)) == len(raw):  # no control character, no DEL
                return len(value) + 2 + value.count('"') + value.count("\\")  # \" and \\
        return len(json.dumps(value))
    if isinstance(value, dict):
        return 2 + sum(json_size(str(k)) + 1 + json_size(v) for k, v in value.items()) \
            + max(len(value) - 1, 0)
    if isinstance(value, (list, tuple)):
        return 2 + sum(json_size(v) for v in value) + max(len(value) - 1, 0)
    try:
        return len(json.dumps(value))
    except (TypeError, ValueError) as error:
        raise CalcError(f"the request cannot be written as JSON: {error}") from None


def _kind(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "true or false", type(None): "null",
             int: "a number", float: "a number", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _api(body: dict[str, Any]) -> str:
    has_input, has_messages = "input" in body, "messages" in body
    if has_input and has_messages:
        raise CalcError("the request has both `input` (Responses) and `messages` (Chat "
                        "Completions): send one")
    if not (has_input or has_messages):
        raise CalcError("the request has neither `input` (responses.create) nor `messages` "
                        "(chat.completions.create): nothing to estimate")
    return "responses" if has_input else "chat.completions"


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise CalcError(f"{where} must be a string, not {_kind(value)}")
    return value


def _detail(value: Any, where: str) -> str:
    if value is None:
        return "auto"  # omitted = auto on both APIs (metering.md §6)
    if value not in DETAILS:
        raise CalcError(f"{where}.detail is {shorten(str(value), 40)!r}: use one of "
                        f"{', '.join(DETAILS)}")
    return value


def _image(api: str, part: dict[str, Any], where: str) -> _Image:
    """Chat: {"image_url": {"url": …, "detail": …}}; Responses: {"image_url": "…" or
    "file_id": "…", "detail": …}. Each API's other shape is read too."""
    url, file_id, detail, at = part.get("image_url"), part.get("file_id"), part.get("detail"), \
        where
    if isinstance(url, dict):
        url, detail, at = url.get("url"), url.get("detail", detail), f"{where}.image_url"
    detail = _detail(detail, at)
    if url is None and (file_id is None or api == "chat.completions"):
        need = "image_url.url" if api == "chat.completions" else "image_url or file_id"
        raise CalcError(f"{where} is an image part without a URL: it needs {need}")
    if url is None:
        return _Image(where, "file_id", _text(file_id, f"{where}.file_id"), detail)
    url = _text(url, f"{at}.url" if at != where else f"{where}.image_url").strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return _Image(where, "data", url, detail)
    if scheme in ("http", "https"):
        return _Image(where, "url", url, detail)
    shown = f"{scheme}: URL" if scheme else f"{shorten(url, 40)!r}"
    raise CalcError(f"{where}: an image URL is an http(s) or data: URL, not {shown}")


def _content(api: str, content: Any, where: str, parts: _Parts) -> None:
    if content is None:  # e.g. an assistant message that only calls tools
        return
    if isinstance(content, str):
        parts.texts.append(content)
        return
    if not isinstance(content, list):
        raise CalcError(f"{where} must be a string or a list of parts, not {_kind(content)}")
    for j, part in enumerate(content):
        at = f"{where}[{j}]"
        if not isinstance(part, dict):
            raise CalcError(f"{at} must be an object with a `type`, not {_kind(part)}")
        kind = part.get("type")
        if kind in _TEXT_PARTS[api]:
            parts.texts.append(_text(part.get("text"), f"{at}.text"))
        elif kind == _IMAGE_PART[api]:
            parts.images.append(_image(api, part, at))
        else:
            known = ", ".join((*_TEXT_PARTS[api], _IMAGE_PART[api]))
            raise CalcError(f"{at} is a {shorten(str(kind), 40)!r} part: only text and image "
                            f"parts can be estimated ({known})")


def _messages(api: str, items: Any, name: str, parts: _Parts) -> None:
    if not isinstance(items, list):
        raise CalcError(f"`{name}` must be a list of messages, not {_kind(items)}")
    if not items:
        raise CalcError(f"`{name}` is empty: nothing to estimate")
    for i, item in enumerate(items):
        at = f"{name}[{i}]"
        if not isinstance(item, dict):
            raise CalcError(f"{at} must be a message object, not {_kind(item)}")
        if "role" not in item or item.get("type", "message") != "message":
            kind = item.get("type", "an item without a role")
            raise CalcError(f"{at} is {shorten(str(kind), 40)!r}: only messages (with a role) "
                            "can be estimated")
        parts.messages += 1
        _content(api, item.get("content"), f"{at}.content", parts)


def read_parts(body: dict[str, Any], api: str) -> _Parts:
    """Every text and image of the body, in order, with where each one is."""
    parts = _Parts([], [])
    if api == "responses":
        instructions = body.get("instructions")
        if instructions is not None:
            parts.texts.append(_text(instructions, "`instructions`"))
            parts.messages += 1
        if isinstance(body["input"], str):
            parts.texts.append(body["input"])
            parts.messages += 1
        else:
            _messages(api, body["input"], "input", parts)
    else:
        _messages(api, body["messages"], "messages", parts)
    return parts


# --- reading the images ------------------------------------------------------------------------


def data_url_bytes(url: str) -> bytes:
    """The bytes of a base64 image data: URL (all of them)."""
    return _decode(_payload(url))


def _payload(url: str) -> str:
    head, comma, payload = url.partition(",")
    if not comma:
        raise CalcError("the data URL has no comma before its data")
    media, *params = head[5:].split(";")
    if "base64" not in (p.strip().lower() for p in params):
        raise CalcError("the data URL is not base64 (`;base64,` is missing)")
    if not media.strip().lower().startswith("image/"):
        raise CalcError(f"the data URL is {shorten(media.strip() or 'untyped', 40)}, not an "
                        "image")
    return payload


def _decode(payload: str) -> bytes:
    try:
        return binascii.a2b_base64(payload)
    except (binascii.Error, ValueError) as error:
        raise CalcError(f"the data URL's base64 is damaged ({error})") from None


def _probe_data(payload: str, probe: Probe) -> Header:
    """The header from the first HEADER_CHARS of base64; the whole payload only if that fails
    (a header further in) or the image is a GIF (its frames are counted through the file)."""
    if len(payload) > HEADER_CHARS:
        try:
            head = binascii.a2b_base64(payload[:HEADER_CHARS])
            if not head.startswith(b"GIF8"):
                return probe(head)
        except (binascii.Error, ValueError, CalcError):
            pass  # read it all, below: that decides
    data = _decode(payload)
    try:
        return probe(data)
    except RefusedFormatError:
        raise
    except CalcError as error:
        raise CalcError(f"the data URL holds no image the API takes: {error}") from None


def _header(image: _Image, probe: Probe, fetch: Fetch | None,
            fetched: dict[str, Header | str]) -> Header | str:
    """The image's header, or (a string) why its size is unknown. A data URL that is no image
    the API takes raises CalcError; a refused format raises RefusedFormatError."""
    if image.source == "file_id":
        return (f"a file uploaded to OpenAI ({shorten(image.reference, 40)}): its size is not "
                "known here")
    if image.source == "data":
        try:
            return _probe_data(_payload(image.reference), probe)
        except RefusedFormatError:
            raise
        except CalcError as error:
            raise CalcError(f"{image.where}: {error}") from None
    if fetch is None:
        return "a remote URL, not fetched: its size is read only when it is fetched"
    if image.reference not in fetched:
        try:
            fetched[image.reference] = probe(fetch(image.reference))
        except CalcError as error:
            fetched[image.reference] = f"could not be read: {error}"
    return fetched[image.reference]


def _read_image(number: int, image: _Image, probe: Probe, fetch: Fetch | None,
                fetched: dict[str, Header | str]) -> RequestImage:
    """The image as read: its size where it can be known (not yet estimated on a model)."""
    common = dict(number=number, where=image.where, source=image.source,
                  reference=image.reference, detail=image.detail)
    try:
        header = _header(image, probe, fetch, fetched)
    except RefusedFormatError as error:
        return RequestImage(**common, status="rejected", reason=f"the API refuses it: {error}")
    if isinstance(header, str):
        return RequestImage(**common, status="unknown", reason=header)
    notes = ()
    if header.animated:
        notes = (f"animated ({header.frames} frames): the API reads the first frame (measured "
                 "on gpt-5.5 and gpt-5.6); priced as that",)
    return RequestImage(**common, status="unknown", size=(header.width, header.height),
                        format=header.format, notes=notes)


def _on_model(image: RequestImage, m: Model, tier: str, when: date) -> RequestImage:
    """The image estimated on model `m`; one whose size is not known stays as it is."""
    if image.size is None:
        return image
    e = estimate(*image.size, m.name, image.detail, on=when)
    if not e.accepted:
        return replace(image, status="rejected", tokens=None, usd=None, reason=e.reason,
                       largest_accepted=e.largest_accepted, estimate=e)
    usd = cost_usd(e.tokens, m.name, tier, when) if offers(m, tier) else None
    return replace(image, status="accepted", tokens=e.tokens, usd=usd, reason=None,
                   largest_accepted=None, estimate=e)


# --- the request -------------------------------------------------------------------------------


def estimate_request(body: str | Mapping[str, Any], *, probe: Probe, fetch: Fetch | None = None,
                     tier: str = "standard", on: date | str | None = None) -> RequestEstimate:
    """Estimate a request body (JSON text or dict) of responses.create or
    chat.completions.create: images one by one, text tokens, request limits, price.

    `probe` reads an image's header from bytes; `fetch` downloads a remote URL (None: remote
    images stay unknown). A body that is not such a request raises CalcError saying what is
    wrong.
    """
    when, tier = day(on), canonical_tier(tier)
    parsed, size = parse_body(body)
    api = _api(parsed)
    requested = parsed.get("model")
    if not isinstance(requested, str) or not requested.strip():
        raise CalcError("the request names no `model`")
    m = _chat_model(requested)
    parts = read_parts(parsed, api)
    fetched: dict[str, Header | str] = {}
    images = tuple(_read_image(n, image, probe, fetch, fetched)
                   for n, image in enumerate(parts.images, 1))
    read = RequestEstimate(
        api=api, model=m.name, requested_model=requested, tier=tier, on=when, images=images,
        image_tokens=0, text_tokens=sum(count_text_tokens(t, m.name) for t in parts.texts),
        texts=len(parts.texts), messages=parts.messages, payload_bytes=size, accepted=False,
        problems=(), usd=None, notes=())
    return on_model(read, m.name)


def on_model(est: RequestEstimate, model: str) -> RequestEstimate:
    """The same request sent to `model` (same tier and day): every image of known size estimated
    again, the text as counted (every catalogue model has the same encoding), checked, priced."""
    m = _chat_model(model)
    images = tuple(_on_model(i, m, est.tier, est.on) for i in est.images)
    image_tokens = sum(i.tokens for i in images if i.tokens is not None)
    problems = _problems(m, est.on, images, est.payload_bytes)
    usd, notes = _price(m, image_tokens + est.text_tokens, est.tier, est.on)
    return replace(est, model=m.name, images=images, image_tokens=image_tokens,
                   accepted=not problems, problems=problems, usd=usd, notes=notes)


def _chat_model(name: str) -> Model:
    m = resolve_model(name)
    if m.family in ("image", "image2"):
        raise CalcError(f"{m.name} makes images (the Images API, or an image_generation tool): "
                        "a Responses or Chat Completions request names a chat model")
    return m


def _problems(m: Model, when: date, images: tuple[RequestImage, ...], size: int) -> tuple[str, ...]:
    """Why the API would refuse the whole request (§17, §5, §10); () when it would not."""
    limits = catalogue().limits
    problems = []
    if m.status(when) == "shut down":
        problems.append(f"{m.name} was shut down on {m.shutdown}: the API no longer serves it")
    rejected = [i.number for i in images if i.status == "rejected"]
    if rejected:
        which = ", ".join(map(str, rejected[:10])) + (", …" if len(rejected) > 10 else "")
        problems.append(f"{len(rejected):,} image{'s' * (len(rejected) != 1)} rejected (image "
                        f"{which}): the API answers HTTP 400 and bills nothing")
    if len(images) > limits["images_per_request"]:
        problems.append(f"{len(images):,} images: the API takes at most "
                        f"{limits['images_per_request']:,} per request — split it")
    if size > limits["request_payload_mb"] * 2**20:
        problems.append(f"{size / 2**20:,.1f} MB: over the API's {limits['request_payload_mb']} "
                        "MB payload limit — link the images by URL instead")
    return tuple(problems)


def _price(m: Model, tokens: int, tier: str, when: date) -> tuple[Decimal | None, tuple[str, ...]]:
    """The input's dollars at the tier on the day, the long-context rate where it applies."""
    if not offers(m, tier):
        return None, (f"{m.name} does not offer the {tier_label(tier)} tier: no price",)
    usd = cost_usd(tokens, m.name, tier, when)
    notes = []
    caveat = tier_note(m, tier, when)
    if caveat:
        notes.append(f"{caveat}: priced at the general rate of that tier")
    price = m.price_on(when)
    lc = price.long_context if price is not None else None
    if usd is not None and lc is not None and tokens > lc.above:
        usd *= lc.input_factor
        notes.append(f"long context: {tokens:,} input tokens > {lc.above:,}, so the request pays "
                     f"{lc.input_factor}× input ({format_usd(usd)})")
    if usd is None:
        notes.append(f"no input price is known for {m.name} on {when.isoformat()}")
    return usd, tuple(notes)
