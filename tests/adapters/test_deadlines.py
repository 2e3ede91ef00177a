"""A slow endpoint is a slow endpoint: one deadline per call, however the reply trickles.

A byte every 50 ms never trips a per-read timeout (here 5 s): only the call's deadline (1 s,
injected) ends it — through the real openai client to FakeOpenAI, on the app's own endpoint and
on a visitor's (guarded_http), and for plain httpx through an environment proxy. The message says
the endpoint was too slow, never that it could not connect.
"""

from __future__ import annotations

import time

import httpx2
import pytest

from calc.adapters import openai_usage as ou
from calc.adapters.deadline_http import CallTooSlow, DeadlineClient, DeadlineTransport, too_slow
from calc.adapters.url_fetch import AddressPolicy
from tests.fakes.fake_openai import FakeOpenAI
from tests.fakes.http_server import body, serve, trickle, trickle_raw

KEY = "sk-proj-SlowEndpoint0123456789abcdef"
LOCAL = AddressPolicy.public().allowing("127.0.0.1/32")
DEADLINE = 1.0
IMAGE = ou.solid_png_data_url(64, 64)


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI(keys=(KEY,), multiplier=1.2, timeout_sleep=10) as f:
        yield f


@pytest.fixture
def fake(server):
    server.reset()
    return server


def client(fake, guarded: bool, deadline: float = DEADLINE, timeout: float = 5.0):
    policy = LOCAL if guarded else None
    return ou.make_client(KEY, fake.base_url, timeout=timeout, deadline=deadline, policy=policy)


def measure(c, method: str) -> ou.Measurement:
    return ou.METHODS[method](c, model="gpt-5-mini", image_url=IMAGE, detail="high")


@pytest.mark.parametrize("guarded", [False, True], ids=["app-endpoint", "visitor-endpoint"])
@pytest.mark.parametrize("method", ["count", "run", "chat"])
@pytest.mark.parametrize("mode", ["trickle", "trickle_head"], ids=["body", "headers"])
def test_a_trickling_endpoint_is_cut_off_at_the_deadline_as_too_slow(fake, guarded, method,
                                                                        mode):
    fake.fail_next(mode)
    start = time.monotonic()
    with pytest.raises(ou.ApiTimeoutError) as info:
        measure(client(fake, guarded), method)
    took = time.monotonic() - start
    said = str(info.value)
    assert said.startswith(f"127.0.0.1:{fake.port} was too slow: it had not sent a complete "
                           "answer after 1 s, the most one call may take")
    assert "connect" not in said
    assert DEADLINE <= took < DEADLINE + 2, took  # the trickle itself lasts 10 s


def test_the_deadline_not_the_read_timeout_ends_a_trickle(fake):
    # Read timeout 0.3 s, a byte every 50 ms, deadline 2 s: only the deadline can end it.
    fake.fail_next("trickle")
    start = time.monotonic()
    with pytest.raises(ou.ApiTimeoutError, match="after 2 s, the most one call may take"):
        measure(client(fake, False, deadline=2.0, timeout=0.3), "count")
    assert 2.0 <= time.monotonic() - start < 4.0  # the trickle lasts 10 s


def test_a_silent_endpoint_is_too_slow_by_the_read_timeout(fake):
    fake.fail_next("timeout")
    with pytest.raises(ou.ApiTimeoutError,
                       match="was too slow: it went quiet for longer than the timeout"):
        measure(client(fake, False, deadline=30.0, timeout=0.5), "count")


def test_an_answer_broken_off_half_way_is_not_a_failure_to_connect(fake):
    fake.fail_next("cut_off")
    with pytest.raises(ou.ConnectionFailedError,
                       match="broke off the connection before its answer was complete") as info:
        measure(client(fake, False), "count")
    assert "could not connect" not in str(info.value)


@pytest.mark.parametrize("guarded", [False, True], ids=["app-endpoint", "visitor-endpoint"])
def test_each_call_has_its_own_deadline(fake, guarded):
    c = client(fake, guarded, deadline=0.6)
    for _ in range(4):  # 4 calls × ~5 ms, on one client, pooled connection and all
        assert measure(c, "count").image_tokens == 5
    fake.fail_next("trickle")
    with pytest.raises(ou.ApiTimeoutError):
        measure(c, "count")
    assert measure(c, "count").image_tokens == 5  # the next call starts a fresh deadline


def test_make_client_keeps_the_sdk_defaults_and_both_limits(fake):
    c = ou.make_client(KEY, fake.base_url)
    assert c.max_retries == 0
    assert (c.timeout.connect, c.timeout.read) == (ou.CONNECT_TIMEOUT, ou.READ_TIMEOUT)
    assert ou.CALL_DEADLINE == 60.0 and ou.READ_TIMEOUT < ou.CALL_DEADLINE


# --- the transport on its own, with plain httpx --------------------------------------------------


def test_a_trickle_through_httpx_ends_in_a_timeout_naming_the_deadline():
    with serve({"/slow": trickle(b"x" * 10, every=0.05)}) as srv, \
            httpx2.Client(transport=DeadlineTransport(DEADLINE), timeout=5.0) as http:
        start = time.monotonic()
        with pytest.raises(httpx2.ReadTimeout) as info:
            http.get(srv.url("/slow"))
        assert DEADLINE <= time.monotonic() - start < DEADLINE + 2
    assert too_slow(info.value) == DEADLINE
    assert isinstance(info.value.__cause__, CallTooSlow)


def test_slow_status_line_through_httpx_is_cut_off_too():
    route = trickle_raw(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a", every=0.05)
    with serve({"/slow": route}) as srv, \
            httpx2.Client(transport=DeadlineTransport(DEADLINE), timeout=5.0) as http, \
            pytest.raises(httpx2.ReadTimeout) as info:
        http.get(srv.url("/slow"))
    assert too_slow(info.value) == DEADLINE


def test_a_quick_answer_is_untouched():
    with serve({"/ok": body(b"fine", "text/plain")}) as srv, \
            httpx2.Client(transport=DeadlineTransport(DEADLINE)) as http:
        assert http.get(srv.url("/ok")).content == b"fine"


def test_a_proxy_from_the_environment_is_used_and_kept_to_the_deadline(monkeypatch):
    # The proxy is the trickling server itself: a proxied GET asks it for the absolute URL.
    target = "http://patchwork-proxied.invalid/slow"
    with serve({target: trickle(b"x", every=0.05)}) as proxy:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url())
        with DeadlineClient(DEADLINE, timeout=5.0) as http, pytest.raises(httpx2.ReadTimeout):
            http.get(target)
        assert [r.path for r in proxy.requests] == [target]
