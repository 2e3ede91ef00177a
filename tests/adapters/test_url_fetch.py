"""calc.adapters.url_fetch: the SSRF guard, redirects, size and time limits, on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import io
import socket
import ssl
import threading
import time

import pytest
from PIL import Image

from calc.adapters import images
from calc.adapters.url_fetch import (
    AddressPolicy,
    BlockedAddressError,
    FetchTimeoutError,
    HttpStatusError,
    NotAnImageResponseError,
    TooLargeError,
    TooManyRedirectsError,
    UnreachableError,
    UnsupportedUrlError,
    fetch_image,
)
from calc.engine.errors import CalcError, FetchError
from tests.fakes.http_server import (
    body,
    chunked,
    redirect,
    send,
    serve,
    stall,
    trickle,
    trickle_raw,
)

LOCAL = AddressPolicy.public().allowing("127.0.0.1/32")
MB = 2**20


def png(size=(24, 16)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "teal").save(buf, "PNG")
    return buf.getvalue()


PNG = png()


def mapping_resolver(table: dict[str, list[str]], calls: list[str] | None = None):
    """A getaddrinfo stand-in: host name → addresses."""

    def resolve(host, port, family=0, type=0, proto=0, flags=0):
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        out = []
        for a in table[host]:
            fam = socket.AF_INET6 if ":" in a else socket.AF_INET
            addr = (a, port, 0, 0) if fam == socket.AF_INET6 else (a, port)
            out.append((fam, socket.SOCK_STREAM, 6, "", addr))
        return out

    return resolve


def no_dns(*args, **kwargs):
    raise AssertionError(f"no lookup expected, got {args}")


# --- the happy path ----------------------------------------------------------------------


def test_fetches_a_png_from_an_allowed_address():
    with serve({"/cat.png": body(PNG, "image/png")}) as srv:
        got = fetch_image(srv.url("/cat.png"), policy=LOCAL, resolver=no_dns)
        assert got.data == PNG
        assert got.url == srv.url("/cat.png")
        assert got.content_type == "image/png"
        assert srv.requests[0].headers["Host"] == f"127.0.0.1:{srv.port}"
        assert images.probe(got.data).size == (24, 16)
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.data = b""  # type: ignore[misc]


def test_same_url_is_refused_under_the_public_policy_without_connecting():
    with serve({"/cat.png": body(PNG)}) as srv:
        with pytest.raises(BlockedAddressError) as err:
            fetch_image(srv.url("/cat.png"), policy=AddressPolicy.public())
        assert srv.requests == []
    assert str(err.value) == (
        "that address is loopback (127.0.0.1) — only public addresses can be fetched"
    )


def test_non_ascii_path_is_escaped():
    with serve({"/%C3%BC%20x.png": body(PNG)}) as srv:
        got = fetch_image(srv.url("/ü x.png"), policy=LOCAL)
        assert got.data == PNG
        assert srv.requests[0].path == "/%C3%BC%20x.png"


def test_falls_back_to_the_next_checked_address_when_one_refuses_connections():
    with serve({"/a.png": body(PNG)}) as srv:
        resolver = mapping_resolver({"img.example": ["127.0.0.3", "127.0.0.1"]})
        policy = AddressPolicy.public().allowing("127.0.0.0/8")
        got = fetch_image(f"http://img.example:{srv.port}/a.png", policy=policy, resolver=resolver)
        assert got.data == PNG


# --- DNS: every address checked, and the connection pinned to it --------------------------------


def test_name_resolving_to_loopback_is_refused():
    resolver = mapping_resolver({"evil.example": ["127.0.0.1"]})
    with pytest.raises(BlockedAddressError) as err:
        fetch_image("http://evil.example/x.png", policy=AddressPolicy.public(), resolver=resolver)
    assert str(err.value) == (
        "evil.example resolves to 127.0.0.1, which is loopback — only public addresses can be "
        "fetched"
    )


def test_one_private_address_among_public_ones_refuses_the_host():
    resolver = mapping_resolver({"mixed.example": ["8.8.8.8", "2606:4700::1111", "10.0.0.7"]})
    with pytest.raises(BlockedAddressError, match=r"10\.0\.0\.7, which is private"):
        fetch_image("http://mixed.example/", policy=AddressPolicy.public(), resolver=resolver)


def test_connection_goes_to_the_checked_address_with_the_original_host_header(monkeypatch):
    calls: list[str] = []
    resolver = mapping_resolver({"img.example": ["127.0.0.1"]}, calls)

    # Any second lookup (as a rebinding attack needs) would go through here and fail.
    def forbidden(*args, **kwargs):
        raise AssertionError(f"unexpected DNS lookup {args}")

    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    with serve({"/a.png": body(PNG)}) as srv:
        got = fetch_image(f"http://img.example:{srv.port}/a.png", policy=LOCAL, resolver=resolver)
        assert got.data == PNG
        assert srv.requests[0].headers["Host"] == f"img.example:{srv.port}"
    assert calls == ["img.example"]


def test_https_sends_the_url_host_name_as_sni_to_the_pinned_address():
    seen: list[str | None] = []
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def tls_server():
        conn, _ = listener.accept()
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.sni_callback = lambda sock, name, c: seen.append(name)
        try:  # no certificate: the handshake fails, after the client has said its SNI
            ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            pass
        finally:
            conn.close()

    thread = threading.Thread(target=tls_server, daemon=True)
    thread.start()
    resolver = mapping_resolver({"img.example": ["127.0.0.1"]})
    try:
        with pytest.raises(UnreachableError, match="img.example"):
            fetch_image(f"https://img.example:{port}/a.png", policy=LOCAL, resolver=resolver)
    finally:
        thread.join(5)
        listener.close()
    assert seen == ["img.example"]


def test_unknown_host_is_unreachable():
    with pytest.raises(UnreachableError, match="could not find the host nowhere.example"):
        fetch_image("http://nowhere.example/", policy=LOCAL, resolver=mapping_resolver({}))


def test_closed_port_is_unreachable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the fetch: nothing listens there
    with pytest.raises(UnreachableError, match="could not fetch from 127.0.0.1"):
        fetch_image(f"http://127.0.0.1:{port}/", policy=LOCAL)


# --- redirects ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target,reason",
    [
        ("http://10.0.0.1/", "private (10.0.0.1)"),
        ("http://192.168.1.20:8080/x.png", "private (192.168.1.20)"),
        ("http://[::ffff:127.0.0.1]:{port}/a.png", "loopback (::ffff:127.0.0.1 = 127.0.0.1)"),
        ("http://127.0.0.2:{port}/a.png", "loopback (127.0.0.2)"),
        ("http://169.254.169.254/latest/meta-data/", "link-local (169.254.169.254)"),
    ],
)
def test_redirect_to_a_refused_address_is_refused(target, reason):
    with serve({"/a.png": body(PNG), "/go": redirect(lambda: target.format(port=srv.port))}) as srv:
        with pytest.raises(BlockedAddressError) as err:
            fetch_image(srv.url("/go"), policy=LOCAL, resolver=no_dns)
        assert [r.path for r in srv.requests] == ["/go"]
    assert str(err.value) == f"that address is {reason} — only public addresses can be fetched"


def test_redirect_to_a_name_is_resolved_and_checked_too():
    resolver = mapping_resolver({"internal.example": ["172.16.5.5"]})
    refused = pytest.raises(BlockedAddressError, match="internal.example resolves to 172.16.5.5")
    with serve({"/go": redirect("http://internal.example/x.png")}) as srv, refused:
        fetch_image(srv.url("/go"), policy=LOCAL, resolver=resolver)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_each_redirect_status_is_followed(status):
    with serve({"/old": redirect("/new.png", status), "/new.png": body(PNG)}) as srv:
        got = fetch_image(srv.url("/old"), policy=LOCAL)
        assert got.url == srv.url("/new.png")
        assert got.data == PNG


def chain(n: int) -> dict:
    """/r0 → /r1 → … → /rN, which is the image: n redirects."""
    routes = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(n)}
    routes[f"/r{n}"] = body(PNG)
    return routes


def test_five_redirects_are_followed():
    with serve(chain(5)) as srv:
        assert fetch_image(srv.url("/r0"), policy=LOCAL).url == srv.url("/r5")


def test_six_redirects_are_refused():
    with serve(chain(6)) as srv:
        with pytest.raises(TooManyRedirectsError, match="more than 5 times"):
            fetch_image(srv.url("/r0"), policy=LOCAL)
        assert len(srv.requests) == 6


def test_max_redirects_zero_refuses_the_first_redirect():
    with serve(chain(1)) as srv, pytest.raises(TooManyRedirectsError):
        fetch_image(srv.url("/r0"), policy=LOCAL, max_redirects=0)


def test_redirect_loop_is_refused():
    with serve({"/loop": redirect("/loop")}) as srv, pytest.raises(TooManyRedirectsError):
        fetch_image(srv.url("/loop"), policy=LOCAL)


@pytest.mark.parametrize(
    "location,error",
    [
        ("file:///etc/passwd", UnsupportedUrlError),
        ("ftp://127.0.0.1/x.png", UnsupportedUrlError),
        ("http://user:pw@127.0.0.1:{port}/a.png", UnsupportedUrlError),
    ],
)
def test_redirect_to_a_refused_url_is_refused(location, error):
    with (
        serve(
            {"/a.png": body(PNG), "/go": redirect(lambda: location.format(port=srv.port))}
        ) as srv,
        pytest.raises(error),
    ):
        fetch_image(srv.url("/go"), policy=LOCAL)


def test_redirect_without_location_is_an_error():
    refused = pytest.raises(HttpStatusError, match="without saying where")
    with serve({"/go": lambda h: send(h, b"", status=302)}) as srv, refused:
        fetch_image(srv.url("/go"), policy=LOCAL)


# --- URLs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,message",
    [
        ("file:///etc/passwd", "not file: URLs"),
        ("ftp://example.com/x.png", "not ftp: URLs"),
        ("data:image/png;base64,iVBORw0KGgo=", "not data: URLs"),
        ("javascript:alert(1)", "not javascript: URLs"),
        ("gopher://example.com/", "not gopher: URLs"),
        ("example.com/x.png", "only http:// and https://"),
        ("//example.com/x.png", "only http:// and https://"),
        ("http:///x.png", "no host name"),
        ("http://example.com:99999/x.png", "not a valid URL"),
        ("http://user:pass@example.com/x.png", "user name or password"),
        ("https://user@example.com/x.png", "user name or password"),
    ],
)
def test_bad_urls_are_refused_before_any_lookup(url, message):
    with pytest.raises(UnsupportedUrlError, match=message):
        fetch_image(url, policy=LOCAL, resolver=no_dns)


# --- status, body and size --------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 403, 500])
def test_non_2xx_status_is_refused_with_the_status(status):
    route = body(b"nope", "text/plain", status=status)
    with serve({"/x.png": route}) as srv, pytest.raises(HttpStatusError) as err:
        fetch_image(srv.url("/x.png"), policy=LOCAL)
    assert err.value.status == status
    assert f"answered {status}" in str(err.value)


def test_non_image_body_is_refused():
    html = b"<!doctype html><title>cat</title><img src=cat.png>"
    route = body(html, "text/html; charset=utf-8")
    with serve({"/page": route}) as srv, pytest.raises(NotAnImageResponseError) as err:
        fetch_image(srv.url("/page"), policy=LOCAL)
    assert "did not return an image (it sent text/html; charset=utf-8)" in str(err.value)
    assert isinstance(err.value.__cause__, images.NotAnImageError)


def test_image_in_an_unaccepted_format_is_refused_with_its_reason():
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, "BMP")
    refused = pytest.raises(NotAnImageResponseError,
                            match=r"BMP, 4×4 px: the API refuses this format \(HTTP 400\): "
                                  r"convert to PNG or JPEG")
    with serve({"/x.bmp": body(buf.getvalue(), "image/bmp")}) as srv, refused:
        fetch_image(srv.url("/x.bmp"), policy=LOCAL)


def test_body_exactly_at_the_limit_is_accepted_and_one_byte_more_is_not():
    data = PNG + b"\0" * (MB - len(PNG))  # trailing bytes after IEND do not upset the probe
    with serve({"/x.png": body(data, content_length=None)}) as srv:
        assert fetch_image(srv.url("/x.png"), policy=LOCAL, max_bytes=MB).data == data
        with pytest.raises(TooLargeError, match="larger than 1,048,575 bytes"):
            fetch_image(srv.url("/x.png"), policy=LOCAL, max_bytes=MB - 1)


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(body(PNG + b"\0" * (2 * MB)), id="honest-content-length"),
        pytest.param(body(PNG + b"\0" * (2 * MB), content_length=None), id="no-content-length"),
        pytest.param(chunked(PNG + b"\0" * (2 * MB), claimed_length=100), id="lying-chunked"),
    ],
)
def test_oversized_body_is_refused(route):
    with serve({"/big.png": route}) as srv, pytest.raises(TooLargeError) as err:
        fetch_image(srv.url("/big.png"), policy=LOCAL, max_bytes=MB)
    assert str(err.value) == "the image is larger than 1 MB"


def test_large_content_length_is_refused_before_downloading():
    def claims_60_mb(h):
        h.send_response(200)
        h.send_header("Content-Length", str(60 * MB))
        h.end_headers()
        h.wfile.flush()
        time.sleep(5)  # a download would wait here; the refusal must not

    with serve({"/big.png": claims_60_mb}) as srv:
        start = time.monotonic()
        with pytest.raises(TooLargeError) as err:
            fetch_image(srv.url("/big.png"), policy=LOCAL)
        assert time.monotonic() - start < 2
    assert str(err.value) == "the image is larger than 50 MB"


# --- time -----------------------------------------------------------------------------------------


def test_trickling_server_is_cut_off_by_the_overall_deadline():
    # A byte every 0.1 s never trips a per-read timeout; only an overall deadline stops it.
    with serve({"/slow.png": trickle(PNG[:20], every=0.1)}) as srv:
        start = time.monotonic()
        with pytest.raises(FetchTimeoutError, match="longer than 1 s"):
            fetch_image(srv.url("/slow.png"), policy=LOCAL, timeout=1.0)
        assert time.monotonic() - start < 2.0


@pytest.mark.parametrize(
    "route",
    [
        # One readline() inside http.client makes many socket reads, each within a per-read
        # timeout: only the watchdog that shuts the socket stops these.
        pytest.param(trickle_raw(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a"), id="slow-header"),
        pytest.param(
            trickle_raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", b"0"),
            id="slow-chunk-size",
        ),
    ],
)
def test_trickle_inside_one_line_is_cut_off(route):
    with serve({"/slow.png": route}) as srv:
        start = time.monotonic()
        with pytest.raises(FetchTimeoutError):
            fetch_image(srv.url("/slow.png"), policy=LOCAL, timeout=1.0)
        assert time.monotonic() - start < 2.0


@pytest.mark.parametrize(
    "route",
    [
        trickle(PNG[:20], every=0.05),
        trickle_raw(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a", every=0.05),
        trickle_raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", b"0",
                    every=0.05),
        stall(5),
    ],
    ids=["body", "header", "chunk-size", "silent"],
)
def test_a_slow_server_is_said_to_be_too_slow_not_unreachable(route):
    with serve({"/slow.png": route}) as srv, pytest.raises(FetchTimeoutError) as info:
        fetch_image(srv.url("/slow.png"), policy=LOCAL, timeout=0.5)
    said = str(info.value)
    assert said.startswith("the server was too slow: it took longer than 0.5 s to send the image")
    assert "could not" not in said and "connect" not in said


def test_silent_server_is_cut_off():
    with serve({"/slow.png": stall(5)}) as srv:
        start = time.monotonic()
        with pytest.raises(FetchTimeoutError):
            fetch_image(srv.url("/slow.png"), policy=LOCAL, timeout=1.0)
        assert time.monotonic() - start < 2.0


def test_slow_dns_counts_against_the_deadline():
    def slow_resolver(*args, **kwargs):
        time.sleep(3)
        return []

    start = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        fetch_image("http://slow.example/", policy=LOCAL, timeout=0.5, resolver=slow_resolver)
    assert time.monotonic() - start < 1.5


def test_deadline_spans_redirect_hops():
    # Each hop is quick alone (0.4 s) but five of them exceed the 1 s budget.
    def slow_redirect(to):
        def route(h):
            time.sleep(0.4)
            redirect(to)(h)

        return route

    routes = {f"/r{i}": slow_redirect(f"/r{i + 1}") for i in range(5)}
    routes["/r5"] = body(PNG)
    with serve(routes) as srv:
        with pytest.raises(FetchTimeoutError):
            fetch_image(srv.url("/r0"), policy=LOCAL, timeout=1.0)
        assert len(srv.requests) < 5


# --- the address policy -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "100.64.0.1",
        "192.0.2.1",
        "198.18.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "::",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "2001:db8::1",
    ],
)
def test_public_policy_refuses(address):
    policy = AddressPolicy.public()
    assert not policy.allows(address)
    message = policy.refusal(address)
    assert message is not None
    assert message.startswith("that address is ")
    assert message.endswith(" — only public addresses can be fetched")
    assert address in message


@pytest.mark.parametrize(
    "address",
    [
        "93.184.215.14",
        "8.8.8.8",
        "1.1.1.1",
        "2606:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
    ],
)
def test_public_policy_allows(address):
    assert AddressPolicy.public().allows(address)
    assert AddressPolicy.public().refusal(address) is None


@pytest.mark.parametrize(
    "address,reason",
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "carrier-grade NAT (shared address space)"),
        ("fc00::1", "unique-local"),
        ("fec0::1", "site-local"),
        ("::ffff:10.0.0.1", "private"),
    ],
)
def test_refusal_names_the_kind_of_address(address, reason):
    assert AddressPolicy.public().refusal(address).startswith(f"that address is {reason} (")


def test_allowing_adds_networks_literally_and_leaves_the_original_alone():
    public = AddressPolicy.public()
    local = public.allowing("127.0.0.1/32")
    assert local.allows("127.0.0.1")
    assert not local.allows("127.0.0.2")
    assert not local.allows("::ffff:127.0.0.1")
    assert not public.allows("127.0.0.1")
    assert local.allowing("10.0.0.0/8").allows("10.9.9.9")
    assert not local.allows("10.9.9.9")
    with pytest.raises(ValueError):
        public.allowing("10.0.0.1/8")  # host bits set: a typo, not a network


def test_every_refusal_is_a_fetch_error():
    for cls in (
        UnsupportedUrlError,
        BlockedAddressError,
        UnreachableError,
        FetchTimeoutError,
        TooManyRedirectsError,
        TooLargeError,
        HttpStatusError,
        NotAnImageResponseError,
    ):
        assert issubclass(cls, FetchError) and issubclass(cls, CalcError)
