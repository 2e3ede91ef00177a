"""A fake OpenAI API: a real HTTP server on 127.0.0.1 that meters images like the real one.

Why a real server and not a mock: the code under test builds a real `openai.OpenAI` client,
so requests go through the SDK's serialisation, headers, status-code mapping and response
parsing exactly as they would against api.openai.com.

Why its own token arithmetic: the fake computes image tokens with a small independent
implementation of the patch and tile rules (it never imports `calc`), so a test that compares
calc's estimate with what the fake "bills" can actually fail.

Use it from pytest:

    with FakeOpenAI(multiplier=1.2) as fake:
        client = openai.OpenAI(api_key=fake.keys[0], base_url=fake.base_url)

or standalone, so a browser test can point the app at it:

    python -m tests.fakes.fake_openai --port 8765 --multiplier 1.2 --key sk-fake-key

and steer it while the app runs: POST /_fake/fail_next {"mode": "rate_limit", "times": 1},
POST /_fake/fail_always {"mode": null}, POST /_fake/tamper_next {"path": "input_tokens",
"raw": "-5", "times": 1}, POST /_fake/reset (control requests are not recorded).

Text is metered one token per word, plus `framing` tokens per message (Responses
`instructions` count as one message): a whole pasted request (Verify's "Send the request") gets a
usage the test can state — framing × messages + words + each image's tokens. A Responses image
given by `file_id` is answered 404, as a file this key does not have.

`tamper_next` replaces one value of the next replies with raw JSON text, sent as is, so a test can
send counts no real API should (negative, fractional, strings, 5,000-digit numbers, ...).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import io
import json
import math
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image, ImageOps

DEFAULT_KEY = "sk-fake-0123456789abcdefABCDEF"

# Every failure mode `fail_next` / `fail_always` accept.
FAILURE_MODES = (
    "auth",  # 401 invalid_api_key, as if the key had been revoked
    "permission",  # 403: the key's project may not use this model or endpoint
    "model_not_found",  # 404 model_not_found
    "invalid_image",  # 400 invalid_image_format
    "rate_limit",  # 429 with a retry-after header
    "server_error",  # 500
    "unavailable",  # 503
    "timeout",  # sleeps longer than any sane client timeout before answering
    "garbage",  # 200, content-type application/json, body not JSON
    "garbage_html",  # 200, content-type text/html, an HTML page (a proxy's login page, say)
    "wrong_shape",  # 200, valid JSON, but not the object the endpoint promises
    "trickle",  # 200 headers at once, then the body one byte at a time, slower than any deadline
    "trickle_head",  # the status line and headers one byte at a time
    "cut_off",  # 200 headers and half the body, then the connection closes
)


# What GET /v1/models says of shutdowns (docs/metering.md §10 has the announced dates): gpt-5-mini
# as announced (2026-12-11), gpt-4o a day later than announced (2027-01-14), gpt-4.1 with none
# announced (2027-01-14), o3 with a value that is no date, the unknown gpt-7-preview with a date,
# and the dated gpt-6.1-sol id with none. Ids not named here leave the field out.
SHUTDOWN_DATES: dict[str, Any] = {
    "gpt-5-mini": "2026-12-11",
    "gpt-5-mini-2025-08-07": "2026-12-11",
    "gpt-4o": "2027-01-15",
    "gpt-4.1": None,
    "o3": "next spring",
    "gpt-7-preview": "2027-06-30",
    "gpt-6.1-sol-2026-09-29": None,
}


@dataclass(frozen=True)
class PatchRule:
    """A patch-family model: ceil(patches x multiplier) after fitting the 32px patch budget."""

    multiplier: float
    dated: str
    budget: int = 1536
    max_side: int = 2048


@dataclass(frozen=True)
class TileRule:
    """A tile-family model: base + tile x 512px tiles after fit-2048 and short side to 768."""

    base: int
    tile: int
    dated: str
    short_side: int = 768
    # gpt-image models have no detail parameter, so "low" must not collapse to the base.
    has_detail: bool = True


Rule = PatchRule | TileRule


def default_models(multiplier: float | None = None) -> dict[str, Rule]:
    """The fake's model table; `multiplier` replaces every patch model's multiplier."""
    patch = {
        "gpt-5-mini": (1.2, "gpt-5-mini-2025-08-07"),
        "gpt-5-nano": (1.5, "gpt-5-nano-2025-08-07"),
        "gpt-4.1-mini": (1.62, "gpt-4.1-mini-2025-04-14"),
        "gpt-4.1-nano": (2.46, "gpt-4.1-nano-2025-04-14"),
        "o4-mini": (1.72, "o4-mini-2025-04-16"),
    }
    table: dict[str, Rule] = {
        name: PatchRule(multiplier if multiplier is not None else m, dated)
        for name, (m, dated) in patch.items()
    }
    table.update(
        {
            "gpt-4.1": TileRule(85, 170, "gpt-4.1-2025-04-14"),
            "gpt-4o": TileRule(85, 170, "gpt-4o-2024-08-06"),
            "gpt-4o-mini": TileRule(2833, 5667, "gpt-4o-mini-2024-07-18"),
            "gpt-5": TileRule(70, 140, "gpt-5-2025-08-07"),
            "o3": TileRule(75, 150, "o3-2025-04-16"),
            "gpt-image-1": TileRule(65, 129, "gpt-image-1", short_side=512, has_detail=False),
        }
    )
    return table


# --- the fake's own metering arithmetic (deliberately independent of calc) -------------------


def _fit_long_side(w: int, h: int, limit: int) -> tuple[int, int]:
    """Scale so the long side is at most `limit`; the short side rounds half up."""
    long_side, short_side = max(w, h), min(w, h)
    if long_side <= limit:
        return w, h
    # Integer round-half-up of short * limit / long.
    scaled = max(1, (2 * short_side * limit + long_side) // (2 * long_side))
    return (limit, scaled) if w >= h else (scaled, limit)


def patch_tokens(w: int, h: int, rule: PatchRule, detail: str) -> int:
    if detail == "low":
        w, h = _fit_long_side(w, h, 512)
    else:
        w, h = _fit_long_side(w, h, rule.max_side)
    patches = math.ceil(w / 32) * math.ceil(h / 32)
    if patches > rule.budget:
        r = math.sqrt(32 * 32 * rule.budget / (w * h))
        r *= min(math.floor(w * r / 32) / (w * r / 32), math.floor(h * r / 32) / (h * r / 32))
        # The epsilon keeps float noise from dropping e.g. 1248.0 to 1247.
        w2, h2 = math.floor(w * r + 1e-9), math.floor(h * r + 1e-9)
        patches = min(math.ceil(w2 / 32) * math.ceil(h2 / 32), rule.budget)
    # Round the product to 6 places first so 150 x 1.62 does not become 243.00000000000003.
    return math.ceil(round(patches * rule.multiplier, 6))


def tile_tokens(w: int, h: int, rule: TileRule, detail: str) -> int:
    if detail == "low" and rule.has_detail:
        return rule.base
    w, h = _fit_long_side(w, h, 2048)
    short_side = min(w, h)
    if short_side > rule.short_side:
        long_side = max(w, h) * rule.short_side // short_side
        w, h = (long_side, rule.short_side) if w >= h else (rule.short_side, long_side)
    tiles = math.ceil(w / 512) * math.ceil(h / 512)
    return rule.base + rule.tile * tiles


def image_tokens(w: int, h: int, rule: Rule, detail: str) -> int:
    if isinstance(rule, PatchRule):
        return patch_tokens(w, h, rule, detail)
    return tile_tokens(w, h, rule, detail)


# --- request parsing ----------------------------------------------------------------------


class _ApiFailure(Exception):
    """An error reply: HTTP status plus the real API's error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
        self.headers = headers or {}


@dataclass(frozen=True)
class SeenImage:
    url: str
    detail: str
    width: int
    height: int
    tokens: int


def _decode_data_url(url: str) -> tuple[int, int]:
    """Width and height of a base64 data URL image, after EXIF orientation."""
    invalid = _ApiFailure(
        400,
        "You uploaded an unsupported image. Please make sure your image is valid.",
        code="invalid_image_format",
    )
    if not url.startswith("data:"):
        raise _ApiFailure(
            400,
            f"Error while downloading {url[:100]}. The fake server does not fetch URLs.",
            code="invalid_image_url",
        )
    header, _, payload = url.partition(",")
    if ";base64" not in header:
        raise invalid
    try:
        raw = base64.b64decode(payload, validate=True)
        with Image.open(io.BytesIO(raw)) as img:
            img.load()
            oriented = ImageOps.exif_transpose(img)
            return oriented.size
    except (binascii.Error, ValueError, OSError):
        raise invalid from None


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    raw_body: bytes
    body: Any  # parsed JSON, or None when it did not parse


@dataclass
class _Settings:
    keys: set[str]
    models: dict[str, Rule]
    framing: int
    retry_after: int
    timeout_sleep: float
    echo_key: bool
    reply_text: str = "A single flat colour fills the whole image."
    failures: list[str] = field(default_factory=list)
    fail_always: str | None = None
    # GET /v1/models also lists ids the fake does not meter: a model newer than any catalogue,
    # and a dated id of a model it does not meter (docs/metering.md §12).
    extra_model_ids: tuple[str, ...] = ("gpt-7-preview", "text-embedding-3-small",
                                        "gpt-6.1-sol-2026-09-29")
    # shutdown_date per listed id (docs/metering.md §12): an id named here carries the field (a
    # date, null, or whatever a test puts); others leave it out. Literal dates, not the
    # catalogue's.
    shutdown_dates: dict[str, Any] = field(default_factory=lambda: dict(SHUTDOWN_DATES))
    tampers: list[tuple[str, str]] = field(default_factory=list)  # (dotted path, raw JSON)
    trickle_every: float = 0.05  # seconds between two bytes of a trickled reply


class FakeOpenAI:
    """The fake API server. Thread-safe; requests are recorded in `.requests`."""

    def __init__(
        self,
        *,
        port: int = 0,
        keys: tuple[str, ...] = (DEFAULT_KEY,),
        multiplier: float | None = None,
        models: dict[str, Rule] | None = None,
        framing: int = 9,
        retry_after: int = 7,
        timeout_sleep: float = 30.0,
        echo_key: bool = True,
    ) -> None:
        """`framing`: tokens added per message for role/format framing (docs/metering.md §14
        measures about 7–8 for one short message). `echo_key`: put the full rejected key in 401
        messages (the real API shows a masked one) so tests prove the client side scrubs it.
        `multiplier` overrides every patch model's multiplier; `models` replaces the whole
        table."""
        self.keys = tuple(keys)
        self._settings = _Settings(
            keys=set(keys),
            models=models if models is not None else default_models(multiplier),
            framing=framing,
            retry_after=retry_after,
            timeout_sleep=timeout_sleep,
            echo_key=echo_key,
        )
        self._port = port
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[RecordedRequest] = []
        self.images: list[SeenImage] = []
        self._connections: set[socket.socket] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def start(self) -> FakeOpenAI:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        self._stopping.clear()
        # A short poll interval keeps stop() (and so each test's teardown) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; the port then refuses connections. A sleeping 'timeout' wakes up."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        # Close kept-alive connections too, or a client's pooled connection would still be
        # served by its handler thread after "stop".
        with self._lock:
            open_connections, self._connections = list(self._connections), set()
        for conn in open_connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    # --- configuration ---

    def fail_next(self, mode: str, times: int = 1) -> None:
        """Answer the next `times` requests with failure `mode` (see FAILURE_MODES)."""
        _check_mode(mode)
        with self._lock:
            self._settings.failures.extend([mode] * times)

    def fail_always(self, mode: str | None) -> None:
        """Answer every request with `mode` until called with None."""
        if mode is not None:
            _check_mode(mode)
        with self._lock:
            self._settings.fail_always = mode

    def reset(self) -> None:
        """Forget recorded requests and pending failures (to share one server across tests)."""
        with self._lock:
            self.requests.clear()
            self.images.clear()
            self._settings.failures.clear()
            self._settings.fail_always = None
            self._settings.tampers.clear()
            self._settings.shutdown_dates = dict(SHUTDOWN_DATES)

    def tamper_next(self, path: str, raw: str, times: int = 1) -> None:
        """In the next `times` replies that hold `path` (dotted: "usage.input_tokens"), send
        `raw` there instead — JSON text written into the body as is, valid or not."""
        with self._lock:
            self._settings.tampers.extend([(path, raw)] * times)

    def set_shutdown_dates(self, dates: dict[str, Any]) -> None:
        """What GET /v1/models says each id's shutdown_date is (ids not named leave it out)."""
        with self._lock:
            self._settings.shutdown_dates = dict(dates)

    def set_model(self, name: str, rule: Rule) -> None:
        with self._lock:
            self._settings.models[name] = rule

    def image_tokens_for(self, w: int, h: int, model: str, detail: str = "high") -> int:
        """What this fake bills for one image, so tests can state the expected answer."""
        return image_tokens(w, h, self._settings.models[model], _effective_detail(detail))

    @property
    def framing(self) -> int:
        return self._settings.framing

    # --- internals used by the handler ---

    def _take_failure(self) -> str | None:
        with self._lock:
            if self._settings.failures:
                return self._settings.failures.pop(0)
            return self._settings.fail_always

    def _body(self, obj: Any) -> bytes:
        """The reply's JSON, with the first pending tamper of each path it holds applied."""
        raw_at: dict[str, str] = {}
        with self._lock:
            for path, raw in list(self._settings.tampers):
                *parents, last = path.split(".")
                node = obj
                for name in parents:
                    node = node.get(name) if isinstance(node, dict) else None
                if path not in raw_at and isinstance(node, dict) and last in node:
                    self._settings.tampers.remove((path, raw))
                    node[last] = placeholder = f"\x00tampered {len(raw_at)}\x00"
                    raw_at[json.dumps(placeholder)] = raw
        text = json.dumps(obj)
        for placeholder, raw in raw_at.items():
            text = text.replace(placeholder, raw)
        return text.encode()

    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(req)

    def _record_image(self, img: SeenImage) -> None:
        with self._lock:
            self.images.append(img)


def _check_mode(mode: str) -> None:
    if mode not in FAILURE_MODES:
        raise ValueError(f"unknown failure mode {mode!r}; choose from {FAILURE_MODES}")


def _effective_detail(detail: str | None) -> str:
    # auto, original and a missing detail are billed as high by this fake.
    return "low" if detail == "low" else "high"


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


# --- the request handler ------------------------------------------------------------------


def _make_handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    settings = fake._settings

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY: without it, Nagle plus delayed ACKs add ~40 ms to every small reply.
        disable_nagle_algorithm = True

        def setup(self) -> None:
            super().setup()
            with fake._lock:
                fake._connections.add(self.connection)

        def finish(self) -> None:
            with fake._lock:
                fake._connections.discard(self.connection)
            super().finish()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # keep test output quiet

        def do_GET(self) -> None:  # noqa: N802
            self._handle()

        def do_POST(self) -> None:  # noqa: N802
            self._handle()

        # --- plumbing ---

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(body)))
            self.send_header("x-request-id", "req_" + uuid.uuid4().hex[:24])
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, obj: Any, headers: dict | None = None) -> None:
            self._send(status, json.dumps(obj).encode(), "application/json", headers)

        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            if self.path.startswith("/_fake/"):
                self._control(body if isinstance(body, dict) else {})
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake._record(RecordedRequest(self.command, self.path, headers, raw, body))
            try:
                self._check_auth()
                failure = fake._take_failure()
                if failure is not None:
                    self._fail(failure, body)
                    return
                obj = self._route(body)
            except _ApiFailure as f:
                self._json(f.status, f.body, f.headers)
                return
            self._send(200, fake._body(obj), "application/json")

        def _control(self, body: dict) -> None:
            """Steer a standalone fake from a browser test: POST /_fake/fail_next
            {"mode", "times"}, /_fake/fail_always {"mode": null or a mode}, /_fake/reset."""
            action = self.path.split("?")[0].removeprefix("/_fake/")
            try:
                if action == "fail_next":
                    fake.fail_next(str(body.get("mode")), int(body.get("times", 1)))
                elif action == "fail_always":
                    fake.fail_always(body.get("mode"))
                elif action == "tamper_next":
                    fake.tamper_next(str(body.get("path")), str(body.get("raw")),
                                     int(body.get("times", 1)))
                elif action == "reset":
                    fake.reset()
                else:
                    raise ValueError(f"unknown control {action!r}")
            except ValueError as exc:
                self._json(400, {"error": str(exc)})
                return
            self._json(200, {"ok": True})

        def _check_auth(self) -> None:
            auth = self.headers.get("authorization", "")
            if not auth.startswith("Bearer ") or not auth[7:].strip():
                raise _ApiFailure(
                    401,
                    "You didn't provide an API key. You need to provide your API key in an "
                    "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                )
            key = auth[7:].strip()
            if key not in settings.keys:
                raise self._bad_key(key)

        def _bad_key(self, key: str) -> _ApiFailure:
            # The real API shows the key masked; echo_key shows it whole, the worst case.
            shown = key if settings.echo_key else key[:3] + "*" * 8 + key[-4:]
            return _ApiFailure(
                401,
                f"Incorrect API key provided: {shown}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )

        def _fail(self, mode: str, body: Any) -> None:
            model = body.get("model") if isinstance(body, dict) else None
            if mode == "timeout":
                # Sleep past the client's timeout; stop() wakes us so shutdown stays quick.
                fake._stopping.wait(settings.timeout_sleep)
                if fake._stopping.is_set():
                    return
                mode = "server_error"
            if mode in ("trickle", "trickle_head"):
                self._trickle(mode == "trickle_head")
                return
            if mode == "cut_off":
                self.wfile.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                                 b"content-length: 40\r\n\r\n" + b'{"input_tokens": 1')
                self.close_connection = True
                return
            if mode == "garbage":
                self._send(200, b'{"id": "resp_1", "usage": {"input_tok', "application/json")
                return
            if mode == "garbage_html":
                page = b"<html><body>Please sign in to the proxy</body></html>"
                self._send(200, page, "text/html; charset=utf-8")
                return
            if mode == "wrong_shape":
                self._json(200, {"object": "list", "data": []})
                return
            failures = {
                "auth": self._bad_key(self.headers.get("authorization", "")[7:].strip()),
                "permission": _ApiFailure(
                    403,
                    "You have insufficient permissions for this operation. Missing scopes: "
                    "api.model.request.",
                    code="insufficient_permissions",
                ),
                "model_not_found": _model_not_found(model or "?"),
                "invalid_image": _ApiFailure(
                    400,
                    "You uploaded an unsupported image. Please make sure your image is valid.",
                    code="invalid_image_format",
                ),
                "rate_limit": _ApiFailure(
                    429,
                    f"Rate limit reached for {model} on tokens per min (TPM): Limit 30000, "
                    f"Used 29950, Requested 400. Please try again in {settings.retry_after}s.",
                    type_="tokens",
                    code="rate_limit_exceeded",
                    headers={"retry-after": str(settings.retry_after)},
                ),
                "server_error": _ApiFailure(
                    500, "The server had an error while processing your request.",
                    type_="server_error",
                ),
                "unavailable": _ApiFailure(
                    503, "The engine is currently overloaded, please try again later.",
                    type_="server_error",
                ),
            }
            f = failures[mode]
            self._json(f.status, f.body, f.headers)

        def _trickle(self, head_too: bool) -> None:
            """A reply sent one byte at a time (no read ever waits long), for timeout_sleep
            seconds at most; stop() ends it at once."""
            body = b'{"input_tokens": 12' + b" " * 100_000 + b"}"
            head = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b"content-length: " + str(len(body)).encode() + b"\r\n\r\n")
            if not head_too:
                self.wfile.write(head)
                head = b""
            drip = head + body
            end = time.monotonic() + settings.timeout_sleep
            try:
                for i in range(len(drip)):
                    if fake._stopping.wait(settings.trickle_every) or time.monotonic() > end:
                        break
                    self.wfile.write(drip[i : i + 1])
                    self.wfile.flush()
            except OSError:
                pass  # the client gave up, as it should
            self.close_connection = True

        def _route(self, body: Any) -> dict:
            path = self.path.split("?")[0]
            if self.command == "GET" and path == "/v1/models":
                return self._models()
            if self.command != "POST":
                raise _ApiFailure(404, f"Invalid URL ({self.command} {path})")
            if not isinstance(body, dict):
                raise _ApiFailure(400, "We could not parse the JSON body of your request.")
            routes = {
                "/v1/responses": self._responses,
                "/v1/responses/input_tokens": self._input_tokens,
                "/v1/chat/completions": self._chat,
            }
            if path not in routes:
                raise _ApiFailure(404, f"Invalid URL (POST {path})")
            return routes[path](body)

        # --- endpoints ---

        def _models(self) -> dict:
            """GET /v1/models: every model the key can use, as the real API lists them."""
            ids = [i for name, rule in settings.models.items() for i in (name, rule.dated)]
            ids += list(settings.extra_model_ids)
            data = []
            for i in dict.fromkeys(ids):
                model = {"id": i, "object": "model", "created": 1_700_000_000,
                         "owned_by": "openai"}
                if i in settings.shutdown_dates:
                    model["shutdown_date"] = settings.shutdown_dates[i]
                data.append(model)
            return {"object": "list", "data": data}

        def _rule(self, body: dict) -> tuple[str, Rule]:
            model = body.get("model")
            if not isinstance(model, str) or not model:
                raise _ApiFailure(400, "Missing required parameter: 'model'.", param="model")
            if model not in settings.models:
                raise _model_not_found(model)
            return model, settings.models[model]

        def _responses_input_tokens(self, body: dict, rule: Rule) -> int:
            items = body.get("input")
            if isinstance(items, str):
                items = [{"role": "user", "content": items}]
            if not isinstance(items, list):
                raise _ApiFailure(
                    400, "Invalid 'input': expected a string or a list.", param="input"
                )
            total = 0
            instructions = body.get("instructions")
            if isinstance(instructions, str):
                total += settings.framing + len(instructions.split())
            for item in items:
                total += settings.framing
                content = item.get("content") if isinstance(item, dict) else None
                if isinstance(content, str):
                    total += len(content.split())
                    continue
                for part in content or []:
                    kind = part.get("type")
                    if kind in ("input_text", "output_text"):  # output_text: earlier turns
                        total += len(str(part.get("text", "")).split())
                    elif kind == "input_image" and part.get("file_id") is not None:
                        raise _ApiFailure(404, f"No such File object: {part.get('file_id')}",
                                          param="file_id")
                    elif kind == "input_image":
                        total += self._image(part.get("image_url"), part.get("detail"), rule)
                    else:
                        raise _ApiFailure(
                            400, f"Invalid value: '{kind}'.", param="input[0].content[0].type"
                        )
            return total

        def _image(self, url: Any, detail: Any, rule: Rule) -> int:
            if detail is not None and detail not in ("low", "high", "auto", "original"):
                raise _ApiFailure(
                    400,
                    f"Invalid value: '{detail}'. Supported values are: 'low', 'high', 'auto' "
                    "and 'original'.",
                    code="invalid_value",
                    param="detail",
                )
            if not isinstance(url, str):
                raise _ApiFailure(400, "Missing required parameter: 'image_url'.")
            w, h = _decode_data_url(url)
            tokens = image_tokens(w, h, rule, _effective_detail(detail))
            fake._record_image(SeenImage(url, str(detail), w, h, tokens))
            return tokens

        def _input_tokens(self, body: dict) -> dict:
            _, rule = self._rule(body)
            n = self._responses_input_tokens(body, rule)
            return {"object": "response.input_tokens", "input_tokens": n}

        def _responses(self, body: dict) -> dict:
            model, rule = self._rule(body)
            n_in = self._responses_input_tokens(body, rule)
            max_out = body.get("max_output_tokens")
            words = settings.reply_text.split()
            if isinstance(max_out, int):
                words = words[:max_out]
            text = " ".join(words)
            now = int(time.time())
            return {
                "id": "resp_" + uuid.uuid4().hex,
                "object": "response",
                "created_at": now,
                "status": "completed",
                "completed_at": now,
                "error": None,
                "incomplete_details": None,
                "instructions": body.get("instructions"),
                "max_output_tokens": max_out,
                "model": rule.dated,
                "output": [
                    {
                        "id": "msg_" + uuid.uuid4().hex,
                        "type": "message",
                        "status": "completed",
                        "role": "assistant",
                        "content": [{"type": "output_text", "annotations": [], "text": text}],
                    }
                ],
                "parallel_tool_calls": True,
                "previous_response_id": None,
                "reasoning": {"effort": None, "summary": None},
                "store": True,
                "temperature": 1.0,
                "text": {"format": {"type": "text"}},
                "tool_choice": "auto",
                "tools": [],
                "top_p": 1.0,
                "truncation": "disabled",
                "usage": {
                    "input_tokens": n_in,
                    "input_tokens_details": {"cached_tokens": 0},
                    "output_tokens": len(words),
                    "output_tokens_details": {"reasoning_tokens": 0},
                    "total_tokens": n_in + len(words),
                },
                "user": None,
                "metadata": {},
            }

        def _chat(self, body: dict) -> dict:
            model, rule = self._rule(body)
            messages = body.get("messages")
            if not isinstance(messages, list) or not messages:
                raise _ApiFailure(400, "Missing required parameter: 'messages'.", param="messages")
            n_in = 0
            for msg in messages:
                n_in += settings.framing
                content = msg.get("content") if isinstance(msg, dict) else None
                if isinstance(content, str):
                    n_in += len(content.split())
                    continue
                for part in content or []:
                    if part.get("type") == "text":
                        n_in += len(str(part.get("text", "")).split())
                    elif part.get("type") == "image_url":
                        image = part.get("image_url") or {}
                        n_in += self._image(image.get("url"), image.get("detail"), rule)
            limit = body.get("max_completion_tokens") or body.get("max_tokens")
            words = settings.reply_text.split()
            finish = "stop"
            if isinstance(limit, int) and limit < len(words):
                words, finish = words[:limit], "length"
            return {
                "id": "chatcmpl-" + uuid.uuid4().hex[:29],
                "object": "chat.completion",
                "created": int(time.time()),
                "model": rule.dated,
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": " ".join(words),
                            "refusal": None,
                            "annotations": [],
                        },
                        "logprobs": None,
                        "finish_reason": finish,
                    }
                ],
                "usage": {
                    "prompt_tokens": n_in,
                    "completion_tokens": len(words),
                    "total_tokens": n_in + len(words),
                    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                    "completion_tokens_details": {
                        "reasoning_tokens": 0,
                        "audio_tokens": 0,
                        "accepted_prediction_tokens": 0,
                        "rejected_prediction_tokens": 0,
                    },
                },
                "service_tier": "default",
                "system_fingerprint": "fp_fake",
            }

    return Handler


def _model_not_found(model: str) -> _ApiFailure:
    return _ApiFailure(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        code="model_not_found",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the fake OpenAI API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--multiplier", type=float, default=None,
                        help="multiplier for every patch model (default: per-model table)")
    parser.add_argument("--framing", type=int, default=9, help="framing tokens per message")
    parser.add_argument("--key", action="append", default=None,
                        help=f"a valid API key (repeatable; default {DEFAULT_KEY})")
    parser.add_argument("--fail", choices=FAILURE_MODES, default=None,
                        help="answer every request with this failure")
    args = parser.parse_args(argv)
    fake = FakeOpenAI(
        port=args.port,
        keys=tuple(args.key or [DEFAULT_KEY]),
        multiplier=args.multiplier,
        framing=args.framing,
    )
    fake.start()
    fake.fail_always(args.fail)
    print(f"fake OpenAI API at {fake.base_url} (keys: {', '.join(fake.keys)})", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
