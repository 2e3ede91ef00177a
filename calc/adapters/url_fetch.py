"""Fetching an image URL on the server without letting a URL reach private networks (SSRF guard).

Every hop is checked the same way: the URL must be http(s) without credentials, every address
its host resolves to must pass the `AddressPolicy`, and the connection goes to the address that
was checked (pinned), so DNS cannot change between check and connect. Redirects are followed
here, one checked hop at a time. One deadline covers DNS, connect, TLS and the whole body.

Built on http.client (stdlib) rather than urllib: urllib follows redirects and honours
HTTP(S)_PROXY on its own, both of which would bypass the checks.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from calc.adapters import images
from calc.engine.errors import FetchError, ImageError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[..., Sequence[tuple[Any, ...]]]

MAX_URL_LENGTH = 2048  # what browsers and servers reliably accept
_SHOWN_URL = 120  # characters of a URL quoted in a message
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_READ_SIZE = 64 * 1024
# quote() leaves printable ASCII alone and escapes spaces, controls and non-ASCII.
_URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))
_HEADERS = {
    "User-Agent": "Patchwork image fetch",
    "Accept": "image/png,image/jpeg,image/webp,image/gif;q=0.9,*/*;q=0.1",
    "Accept-Encoding": "identity",
    "Connection": "close",
}


class UnsupportedUrlError(FetchError):
    """A URL that is malformed, not http(s), or carries credentials."""


class BlockedAddressError(FetchError):
    """A host that is, or resolves to, an address the policy refuses."""


class UnreachableError(FetchError):
    """A host that cannot be found or connected to."""


class FetchTimeoutError(FetchError):
    """The whole fetch (DNS, connect, download) took longer than the timeout."""


class TooManyRedirectsError(FetchError):
    """More redirects than max_redirects."""


class TooLargeError(FetchError):
    """A body larger than max_bytes."""


class HttpStatusError(FetchError):
    """A status that is neither 2xx nor a redirect."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class NotAnImageResponseError(FetchError):
    """A body that is not an image the API accepts (the ImageError is its __cause__)."""


@dataclass(frozen=True)
class FetchedImage:
    data: bytes
    url: str  # after redirects
    content_type: str  # as the server sent it ("" if absent)


# --- address policy ---------------------------------------------------------------------


@dataclass(frozen=True)
class AddressPolicy:
    """Which IP addresses may be contacted: public ones, plus any networks explicitly allowed.

    `allowed` matches the address literally (127.0.0.1/32 does not allow ::ffff:127.0.0.1).
    """

    allowed: tuple[IPNetwork, ...] = ()

    @classmethod
    def public(cls) -> AddressPolicy:
        """The app's policy: public addresses only."""
        return cls()

    def allowing(self, *networks: str) -> AddressPolicy:
        """A copy that also allows these networks, e.g. "127.0.0.1/32" (for tests)."""
        return AddressPolicy(self.allowed + tuple(ipaddress.ip_network(n) for n in networks))

    def allows(self, address: str | IPAddress) -> bool:
        return self.refusal(address) is None

    def refusal(self, address: str | IPAddress) -> str | None:
        """Why this address may not be contacted (a sentence), or None if it may."""
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        found = self._why_not(ip)
        return None if found is None else _refusal_message(None, ip, *found)

    def _why_not(self, ip: IPAddress) -> tuple[str, ipaddress.IPv4Address | None] | None:
        if any(ip in net for net in self.allowed):
            return None
        return _non_public(ip)


def _refusal_message(
    host: str | None, ip: IPAddress, reason: str, inner: ipaddress.IPv4Address | None
) -> str:
    """The sentence a person reads; `host` is the name that resolved to `ip`, if any."""
    shown = str(ip)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        shown = f"::ffff:{ip.ipv4_mapped}"  # Python 3.11 would print ::ffff:7f00:1
    if inner is not None:
        shown = f"{shown} = {inner}"
    only = "only public addresses can be fetched"
    if host is None:
        return f"that address is {reason} ({shown}) — {only}"
    return f"{host} resolves to {shown}, which is {reason} — {only}"


def _non_public(ip: IPAddress) -> tuple[str, ipaddress.IPv4Address | None] | None:
    """(reason, wrapped IPv4 if any) when `ip` is not a public unicast address, else None."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address reach that IPv4 host: judge the IPv4 one.
        inner = ip.ipv4_mapped or ip.sixtofour
        if ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            found = _non_public(inner)
            if found is not None:
                return found[0], inner
            if ip.ipv4_mapped is not None or ip in _NAT64:
                return None  # Python calls these ranges reserved; the IPv4 host is public
        if ip.teredo is not None:
            return "a Teredo tunnel address", None
    checks = [
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
    ]
    if isinstance(ip, ipaddress.IPv6Address):
        checks += [("site-local", ip.is_site_local), ("unique-local", ip in _UNIQUE_LOCAL)]
    else:
        checks += [("carrier-grade NAT (shared address space)", ip in _CGNAT)]
    checks += [
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("not publicly routable", not ip.is_global),
    ]
    for reason, hit in checks:
        if hit:
            return reason, None
    return None


# --- fetching -------------------------------------------------------------------------------


def fetch_image(
    url: str,
    *,
    policy: AddressPolicy,
    timeout: float = 10.0,
    max_bytes: int = 50 * 2**20,
    max_redirects: int = 5,
    resolver: Resolver = socket.getaddrinfo,
) -> FetchedImage:
    """Download an image URL, checking every hop against `policy`.

    Raises a FetchError subclass for every refusal; the body must be an image `probe` accepts.
    """
    deadline = _Deadline(timeout)
    try:
        current = url.strip()
        for _ in range(max_redirects + 1):
            target = _parse_url(current)
            addresses = _resolve(target, policy, resolver, deadline)
            with _network_errors(target.host, deadline):
                conn, response = _request(target, addresses, deadline)
                try:
                    if response.status in _REDIRECT_STATUSES:
                        current = _next_url(current, response)
                        continue
                    if not 200 <= response.status < 300:
                        raise _status_error(response, current)
                    data = _read_body(conn, response, deadline, max_bytes)
                    content_type = response.getheader("Content-Type") or ""
                finally:
                    response.close()
                    conn.close()
            _check_image(data, current, content_type)
            return FetchedImage(data=data, url=current, content_type=content_type)
        raise TooManyRedirectsError(
            f"{_shown(url)} redirects more than {max_redirects} times — "
            "use the final address of the image instead"
        )
    finally:
        deadline.cancel()


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII, no brackets
    port: int
    path: str  # path and query, escaped
    host_header: str


def _shown(url: str) -> str:
    """A URL as quoted in a message: long ones shortened, so no message is swamped."""
    return url if len(url) <= _SHOWN_URL else url[: _SHOWN_URL - 1] + "…"


def _parse_url(url: str) -> _Target:
    if len(url) > MAX_URL_LENGTH:
        raise UnsupportedUrlError(
            f"that URL is {len(url):,} characters long; at most {MAX_URL_LENGTH:,} are fetched — "
            "use the image's direct, shorter address"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise UnsupportedUrlError(f"that is not a valid URL ({e})") from e
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "this kind of"
        raise UnsupportedUrlError(
            f"only http:// and https:// URLs can be fetched, not {shown} URLs"
        )
    if parts.username is not None or parts.password is not None:
        raise UnsupportedUrlError(
            "URLs with a user name or password (user:pass@) are not fetched — "
            "use a link that works without logging in"
        )
    host = parts.hostname
    if not host:
        raise UnsupportedUrlError(f"the URL {_shown(url)!r} has no host name")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as e:
            raise UnsupportedUrlError(f"the host name {_shown(host)!r} is not valid") from e
    default = 443 if scheme == "https" else 80
    port = port or default
    path = quote(parts.path or "/", safe=_URL_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_URL_SAFE)
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if port == default else f"{shown_host}:{port}"
    return _Target(scheme, host, port, path, host_header)


def _resolve(
    target: _Target, policy: AddressPolicy, resolver: Resolver, deadline: _Deadline
) -> list[IPAddress]:
    """Every address of the host, all checked against the policy (one bad one refuses all)."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(target.host)
    except ValueError:
        literal = None
    addresses = [literal] if literal is not None else _lookup(target, resolver, deadline)
    for ip in addresses:
        found = policy._why_not(ip)
        if found is not None:
            name = None if literal is not None else target.host
            raise BlockedAddressError(_refusal_message(name, ip, *found))
    return addresses


def _lookup(target: _Target, resolver: Resolver, deadline: _Deadline) -> list[IPAddress]:
    # getaddrinfo cannot be cancelled: run it in a thread so the deadline still holds.
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["infos"] = resolver(target.host, target.port, 0, socket.SOCK_STREAM)
        except Exception as e:  # handed to the calling thread below
            outcome["error"] = e

    thread = threading.Thread(target=run, name="fetch-dns", daemon=True)
    thread.start()
    thread.join(deadline.remaining())
    if thread.is_alive():
        raise deadline.timeout_error()
    error = outcome.get("error")
    if error is not None and not isinstance(error, (OSError, UnicodeError, ValueError)):
        raise error  # a bug in an injected resolver, not a lookup failure
    addresses: list[IPAddress] = []
    for info in outcome.get("infos") or ():
        ip = ipaddress.ip_address(info[4][0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise UnreachableError(
            f"could not find the host {target.host} — check the address for typos"
        ) from error
    return addresses


def _request(
    target: _Target, addresses: list[IPAddress], deadline: _Deadline
) -> tuple[_PinnedConnection, http.client.HTTPResponse]:
    """GET the target from the first checked address that accepts a connection."""
    last_error: OSError | None = None
    for ip in addresses:
        conn = _pinned_connection(target, str(ip), deadline)
        try:
            conn.connect()
        except ssl.SSLError:
            conn.close()
            raise  # a TLS failure is about the host, not this address
        except OSError as e:
            conn.close()
            deadline.check()
            last_error = e
            continue
        try:
            conn.request("GET", target.path, headers={"Host": target.host_header, **_HEADERS})
            conn.set_timeout(deadline.remaining())
            return conn, conn.getresponse()
        except BaseException:
            conn.close()
            raise
    assert last_error is not None
    raise last_error


def _read_body(
    conn: _PinnedConnection,
    response: http.client.HTTPResponse,
    deadline: _Deadline,
    max_bytes: int,
) -> bytes:
    claimed = response.getheader("Content-Length")
    if claimed and claimed.strip().isdigit() and int(claimed) > max_bytes:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    total = 0
    while True:
        conn.set_timeout(deadline.remaining())
        # read1 makes at most one read from the socket, so the deadline is seen between reads.
        chunk = response.read1(_READ_SIZE)
        deadline.check()  # the watchdog may have cut the stream short
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)


def _next_url(current: str, response: http.client.HTTPResponse) -> str:
    location = response.getheader("Location")
    if not location:
        raise HttpStatusError(
            f"{_shown(current)} answered {response.status} (a redirect) without saying where to",
            response.status,
        )
    return urljoin(current, location.strip())


def _status_error(response: http.client.HTTPResponse, url: str) -> HttpStatusError:
    hint = ""
    if response.status in (401, 403, 404, 410):
        hint = " — check that the link is public and points straight at the image"
    return HttpStatusError(
        f"the server answered {response.status} {_shown(str(response.reason))} for "
        f"{_shown(url)}{hint}",
        response.status,
    )


def _check_image(data: bytes, url: str, content_type: str) -> None:
    try:
        images.probe(data)
    except images.NotAnImageError as e:
        sent = f"it sent {content_type}" if content_type else "it sent no content type"
        raise NotAnImageResponseError(
            f"{_shown(url)} did not return an image ({_shown(sent)}) — use a direct link to a "
            "PNG, JPEG, "
            "WEBP or GIF file"
        ) from e
    except ImageError as e:
        raise NotAnImageResponseError(f"the image at {_shown(url)} cannot be used: {e}") from e


def _too_large(max_bytes: int) -> TooLargeError:
    return TooLargeError(f"the image is larger than {_size_text(max_bytes)}")


def _size_text(n: int) -> str:
    for unit, size in (("MB", 2**20), ("KB", 2**10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,} bytes"


@contextmanager
def _network_errors(host: str, deadline: _Deadline) -> Iterator[None]:
    """Turn socket, TLS and HTTP-parsing exceptions into FetchErrors."""
    try:
        yield
    except FetchError:
        raise
    except TimeoutError as e:
        raise deadline.timeout_error() from e
    except ssl.SSLCertVerificationError as e:
        raise UnreachableError(
            f"the HTTPS certificate of {host} could not be verified ({e.verify_message})"
        ) from e
    except (OSError, http.client.HTTPException, ValueError) as e:
        if deadline.expired:
            raise deadline.timeout_error() from e
        detail = str(e) or type(e).__name__
        raise UnreachableError(f"could not fetch from {host} ({detail})") from e


# --- pinned connections and the deadline ----------------------------------------------------


class _Deadline:
    """One time limit for the whole fetch, enforced even on a server that trickles bytes.

    Socket timeouts alone bound each read, not the sum; a watchdog timer shuts the current
    socket down when time is up, which wakes any blocked read.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._fired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def expired(self) -> bool:
        return self._fired or time.monotonic() >= self._end

    def remaining(self) -> float:
        self.check()
        return max(self._end - time.monotonic(), 0.001)

    def check(self) -> None:
        if self.expired:
            raise self.timeout_error()

    def timeout_error(self) -> FetchTimeoutError:
        return FetchTimeoutError(
            f"the server was too slow: it took longer than {self.seconds:g} s to send the image "
            "— try again, or download it and upload the file instead"
        )

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            fired = self._fired
        if fired:
            _shutdown(sock)

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self._fired = True
            sock = self._sock
        if sock is not None:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    # The plain-socket method, also for TLS sockets: it only wakes the blocked reader.
    with suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _settimeout(sock: socket.socket | None, seconds: float) -> None:
    if sock is not None:
        with suppress(OSError):
            sock.settimeout(seconds)


def _dial(ip: str, port: int, deadline: _Deadline) -> socket.socket:
    """Connect to exactly this IP (no name lookup happens here)."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    deadline.watch(sock)
    try:
        sock.settimeout(deadline.remaining())
        sock.connect((ip, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a checked IP; `host` is kept for the Host header only."""

    def __init__(self, host: str, port: int, ip: str, deadline: _Deadline) -> None:
        super().__init__(host, port, timeout=deadline.remaining())
        # http.client drops conn.sock once a "Connection: close" response starts; the body is
        # still read from this socket, so keep our own handle to set its timeout.
        self.pinned_sock: socket.socket | None = None
        self._pinned_ip = ip
        self._deadline = deadline

    def connect(self) -> None:
        self.sock = self.pinned_sock = _dial(self._pinned_ip, self.port, self._deadline)

    def set_timeout(self, seconds: float) -> None:
        _settimeout(self.pinned_sock, seconds)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked IP, with SNI and certificate checked for the URL's host name."""

    def __init__(self, host: str, port: int, ip: str, deadline: _Deadline) -> None:
        self._tls_context = ssl.create_default_context()
        super().__init__(host, port, timeout=deadline.remaining(), context=self._tls_context)
        self.pinned_sock: socket.socket | None = None
        self._pinned_ip = ip
        self._deadline = deadline

    def connect(self) -> None:
        raw = _dial(self._pinned_ip, self.port, self._deadline)
        try:
            tls = self._tls_context.wrap_socket(
                raw, server_hostname=self.host, do_handshake_on_connect=False
            )
        except BaseException:
            raw.close()
            raise
        self._deadline.watch(tls)  # the raw socket is detached now; watch its replacement
        self.sock = self.pinned_sock = tls
        tls.settimeout(self._deadline.remaining())
        tls.do_handshake()

    def set_timeout(self, seconds: float) -> None:
        _settimeout(self.pinned_sock, seconds)


_PinnedConnection = _PinnedHTTPConnection | _PinnedHTTPSConnection


def _pinned_connection(target: _Target, ip: str, deadline: _Deadline) -> _PinnedConnection:
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    return cls(target.host, target.port, ip, deadline)
