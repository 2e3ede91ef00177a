"""A visitor's key over plain http:// to a public address waits for their confirming click
(calc.views.access); loopback and private endpoints the operator allows do not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calc.adapters.url_fetch import AddressPolicy
from calc.views import access as va

KEY = "sk-proj-VisitorPlainHttp0123456789"
ALLOW_PRIVATE = {va.ALLOW_PRIVATE: "true"}


@pytest.mark.parametrize(("url", "warned"), [
    ("http://93.184.215.14/v1", True),  # a public address
    ("http://93.184.215.14:8080/v1", True),
    ("HTTP://93.184.215.14/v1", True),  # the scheme in capitals is still http
    ("http://[2606:4700::1111]/v1", True),  # public IPv6
    ("http://api.example.com/v1", True),  # a name: not looked up, so it may be public
    ("http://llm.internal/v1", True),
    ("https://93.184.215.14/v1", False),  # encrypted
    ("https://api.example.com/v1", False),
    ("http://localhost:8080/v1", False),  # RFC 6761: always this machine
    ("http://proxy.localhost/v1", False),
    ("http://127.0.0.1:8080/v1", False),  # loopback
    ("http://[::1]:8080/v1", False),
    ("http://10.1.2.3/v1", False),  # private
    ("http://192.168.0.5/v1", False),
    ("http://172.16.9.9/v1", False),
    ("http://169.254.169.254/v1", False),  # link-local
    ("http://100.64.0.1/v1", False),  # carrier-grade NAT: not publicly routable
    ("http://[fd00::5]/v1", False),  # unique local
])
def test_which_endpoints_carry_the_key_unencrypted_where_others_may_read_it(url, warned):
    said = va.plain_http_warning(url)
    assert (said is not None) == warned
    if warned:
        assert said.startswith("this endpoint is plain http://, so your API key would travel "
                               "unencrypted")


def resolve(base: str, secrets: dict | None = None, confirmed: str | None = None) -> va.Access:
    return va.resolve(secrets or {}, {}, KEY, base, confirmed)


def test_a_public_plain_http_endpoint_is_not_ready_until_confirmed():
    base = "http://93.184.215.14/v1"
    waiting = resolve(base)
    assert waiting.problem is None and waiting.unencrypted and not waiting.ready
    confirmed = resolve(base, confirmed=base)
    assert confirmed.unencrypted is None and confirmed.ready
    # A confirmation is for that endpoint only: another one asks again.
    other = resolve("http://93.184.215.15/v1", confirmed=base)
    assert other.unencrypted and not other.ready


@pytest.mark.parametrize("base", ["http://127.0.0.1:8080/v1", "http://10.0.0.7/v1",
                                  "http://localhost:8080/v1", "http://[::1]/v1"])
def test_a_private_endpoint_the_operator_allows_needs_no_click(base):
    allowed = resolve(base, ALLOW_PRIVATE)
    assert allowed.unencrypted is None and allowed.ready


def test_a_private_literal_address_not_allowed_is_refused_not_warned():
    refused = resolve("http://127.0.0.1:8080/v1")
    assert "loopback" in refused.problem and refused.unencrypted is None and not refused.ready


def test_https_and_the_operators_own_endpoint_need_no_click():
    assert resolve("https://93.184.215.14/v1").ready
    # The operator chose their endpoint; the rule is about a visitor's key going elsewhere.
    operator = va.resolve({va.KEY_NAME: "sk-op-key-0123456789",
                           va.BASE_URL_NAME: "http://93.184.215.14/v1"}, {}, None, None)
    assert operator.owner == va.OPERATOR and operator.unencrypted is None and operator.ready


ADDRESSES = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6))


@given(ip=ADDRESSES, scheme=st.sampled_from(["http", "https"]), allow_private=st.booleans(),
       confirmed=st.booleans())
def test_no_key_is_ever_ready_for_plain_http_to_a_public_address_unconfirmed(
        ip, scheme, allow_private, confirmed):
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    base = f"{scheme}://{host}:8080/v1"
    access = resolve(base, ALLOW_PRIVATE if allow_private else None,
                     base if confirmed else None)
    public = AddressPolicy.public().allows(ip)
    if scheme == "http" and public and not confirmed:
        assert not access.ready and access.unencrypted
    else:
        assert access.unencrypted is None
    if not public:  # loopback, private, reserved: refused unless the operator allows them
        assert access.ready == allow_private
