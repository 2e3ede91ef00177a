"""A throwaway threaded HTTP server on 127.0.0.1 for fetch tests.

Each route is a function of the request handler that writes the whole response. Helpers below
build the common ones (bytes, redirects, trickling, stalling).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class LocalServer:
    host: str
    port: int
    requests: list[Request] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"


@contextmanager
def serve(routes: dict[str, Route], host: str = "127.0.0.1") -> Iterator[LocalServer]:
    """Serve `routes` (by exact path, query ignored) on a random port; 404 for anything else."""
    info = LocalServer(host, 0)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.split("?", 1)[0]
            info.requests.append(Request(self.path, dict(self.headers.items())))
            route = routes.get(path)
            try:
                if route is None:
                    send(self, b"not found", "text/plain", status=404)
                else:
                    route(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as several tests intend

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    info.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield info
    finally:
        server.shutdown()
        server.server_close()


def send(
    h: BaseHTTPRequestHandler,
    body: bytes,
    content_type: str = "application/octet-stream",
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    content_length: int | None = -1,
) -> None:
    """A whole response. content_length=-1 sends the true length, None sends none."""
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    if content_length == -1:
        h.send_header("Content-Length", str(len(body)))
    elif content_length is not None:
        h.send_header("Content-Length", str(content_length))
    for name, value in (headers or {}).items():
        h.send_header(name, value)
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(body)
    h.wfile.flush()
    h.close_connection = True


def body(data: bytes, content_type: str = "image/png", **kwargs) -> Route:
    return lambda h: send(h, data, content_type, **kwargs)


def redirect(location: str | Callable[[], str], status: int = 302) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        where = location() if callable(location) else location
        send(h, b"", "text/plain", status=status, headers={"Location": where})

    return route


def chunked(data: bytes, *, claimed_length: int | None = None, piece: int = 64 * 1024) -> Route:
    """Transfer-Encoding: chunked, optionally with a (lying) Content-Length alongside."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.send_header("Transfer-Encoding", "chunked")
        if claimed_length is not None:
            h.send_header("Content-Length", str(claimed_length))
        h.send_header("Connection", "close")
        h.end_headers()
        for i in range(0, len(data), piece):
            part = data[i : i + piece]
            h.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")
        h.close_connection = True

    return route


def trickle(prefix: bytes, *, every: float = 0.1, for_at_most: float = 8.0) -> Route:
    """Headers and `prefix` at once, then one byte every `every` seconds (no Content-Length)."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(prefix)
        h.wfile.flush()
        end = time.monotonic() + for_at_most
        while time.monotonic() < end:
            time.sleep(every)
            h.wfile.write(b"\0")
            h.wfile.flush()
        h.close_connection = True

    return route


def trickle_raw(head: bytes, drip: bytes, *, every: float = 0.1, for_at_most: float = 8.0) -> Route:
    """Raw bytes `head` at once, then `drip` one byte at a time: for slow headers or chunks."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(head)
        h.wfile.flush()
        end = time.monotonic() + for_at_most
        i = 0
        while time.monotonic() < end:
            time.sleep(every)
            h.wfile.write(drip[i % len(drip) : i % len(drip) + 1])
            h.wfile.flush()
            i += 1
        h.close_connection = True

    return route


def stall(seconds: float) -> Route:
    """Say nothing at all for `seconds`, then answer 200 with an empty body."""

    def route(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(h, b"", "text/plain")

    return route
