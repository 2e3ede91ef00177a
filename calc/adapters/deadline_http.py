"""One deadline for each whole HTTP request to an OpenAI-compatible endpoint.

httpx's timeouts bound each socket operation, not the request: an endpoint that sends a byte
every second never trips a 30-second read timeout and holds the page for as long as it likes.
Here each request gets one deadline — connecting, sending, the headers and the whole body —
and every socket operation may wait only for what is left of it. Past it, the request ends in
`CallTooSlow` (an httpx timeout, so the openai SDK raises APITimeoutError), however the endpoint
trickles. (A host name's DNS lookup is the one step it does not cover.)
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore2
import httpx2
import openai

_WRITE_PIECE = 64 * 1024  # a large upload is sent in pieces, each within what is left


class CallTooSlow(httpcore2.ReadTimeout):  # noqa: N818 (an httpx timeout, named for what it says)
    """The endpoint did not finish within the request's deadline (`seconds`)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no complete answer within {seconds:g} s")
        self.seconds = seconds


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self._end

    def bound(self, timeout: float | None) -> float:
        """`timeout`, cut to what is left; CallTooSlow when nothing is."""
        left = self._end - time.monotonic()
        if left <= 0:
            raise CallTooSlow(self.seconds)
        return left if timeout is None else min(timeout, left)


# The deadline of the request this thread is making (each Streamlit session runs on its own).
_current: ContextVar[_Deadline | None] = ContextVar("patchwork_request_deadline", default=None)


def _bound(timeout: float | None) -> float | None:
    deadline = _current.get()
    return timeout if deadline is None else deadline.bound(timeout)


@contextmanager
def _deadline_errors() -> Iterator[None]:
    """A socket timeout that struck because the deadline passed is the deadline's."""
    try:
        yield
    except httpcore2.TimeoutException as exc:
        deadline = _current.get()
        if deadline is not None and deadline.expired and not isinstance(exc, CallTooSlow):
            raise CallTooSlow(deadline.seconds) from exc
        raise


@contextmanager
def _within(deadline: _Deadline) -> Iterator[None]:
    token = _current.set(deadline)
    try:
        yield
    finally:
        _current.reset(token)


class _Stream(httpcore2.NetworkStream):
    """A connection whose every read, write and TLS handshake waits at most what is left."""

    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _deadline_errors():
            return self._inner.read(max_bytes, _bound(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        view = memoryview(buffer)
        for start in range(0, len(view), _WRITE_PIECE):
            with _deadline_errors():
                self._inner.write(view[start : start + _WRITE_PIECE], _bound(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore2.NetworkStream:
        with _deadline_errors():
            return _Stream(self._inner.start_tls(ssl_context, server_hostname, _bound(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore2.NetworkBackend):
    """Opens connections (through `inner`) that keep to the current request's deadline."""

    def __init__(self, inner: httpcore2.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore2.NetworkStream:
        with _deadline_errors():
            return _Stream(self._inner.connect_tcp(host, port, _bound(timeout), local_address,
                                                   socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None
                            ) -> httpcore2.NetworkStream:
        with _deadline_errors():
            return _Stream(self._inner.connect_unix_socket(path, _bound(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _Body(httpx2.SyncByteStream):
    """A response body read under its request's deadline, however long the caller takes."""

    def __init__(self, inner: httpx2.SyncByteStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._inner)
        while True:
            with _within(self._deadline):
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk

    def close(self) -> None:
        self._inner.close()


class DeadlineTransport(httpx2.HTTPTransport):
    """httpx's transport, each request bounded by `deadline` seconds from start to last byte.

    `backend`: how connections are opened (guarded_http passes its address-checking one).
    """

    def __init__(self, deadline: float, *, backend: httpcore2.NetworkBackend | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deadline = deadline
        # httpx has no public hook for the network backend; the pool reads this attribute.
        self._pool._network_backend = _Backend(backend or self._pool._network_backend)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        deadline = _Deadline(self.deadline)
        with _within(deadline):
            response = super().handle_request(request)
        response.stream = _Body(response.stream, deadline)
        return response


class DeadlineClient(openai.DefaultHttpxClient):
    """The SDK's own HTTP client (its limits and redirects, the environment's proxies and
    NO_PROXY), with every transport it makes a DeadlineTransport."""

    def __init__(self, deadline: float, **kwargs: Any) -> None:
        self.deadline = deadline
        super().__init__(**kwargs)

    def _init_transport(self, *, transport: Any = None, **kwargs: Any) -> Any:
        return transport or DeadlineTransport(self.deadline, **kwargs)

    def _init_proxy_transport(self, proxy: Any, **kwargs: Any) -> Any:
        return DeadlineTransport(self.deadline, proxy=proxy, **kwargs)


def too_slow(exc: BaseException) -> float | None:
    """The deadline (seconds) behind an exception, when CallTooSlow is among its causes."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, CallTooSlow):
            return exc.seconds
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None
