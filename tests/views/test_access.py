"""calc.views.access: whose key is used and where it goes (the one path: `resolve`), where a
setting came from in words, and what a session has spent against its cap."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calc.views import access as va

KEY = "sk-proj-AccessTestKey0123456789abcdef"
OTHER = "sk-env-Zyx9876543210fedcba"
OP = va.KEY_NAME

# --- where the key comes from ---------------------------------------------------------------


@pytest.mark.parametrize(("secrets", "environ", "typed", "key", "source", "owner"), [
    ({OP: KEY}, {OP: OTHER}, None, KEY, va.FROM_SECRETS, va.OPERATOR),  # secrets first
    ({}, {OP: OTHER}, None, OTHER, va.FROM_ENV, va.OPERATOR),  # then the environment
    ({OP: "   "}, {OP: OTHER}, None, OTHER, va.FROM_ENV, va.OPERATOR),  # blank: skipped
    ({OP: KEY}, {OP: OTHER}, " typed ", "typed", va.FROM_FIELD, va.VISITOR),  # a typed key
    ({OP: "   "}, {OP: ""}, KEY, KEY, va.FROM_FIELD, va.VISITOR),
    ({}, {}, None, None, va.NOWHERE, None),
    ({}, {}, "  ", None, va.NOWHERE, None),  # a blank field is no key
])
def test_whose_key(secrets, environ, typed, key, source, owner):
    access = va.resolve(secrets, environ, typed, None)
    assert (access.key, access.key_source, access.owner) == (key, source, owner)


@pytest.mark.parametrize("where", ["secrets", "env", "typed"])
def test_no_label_or_repr_shows_the_key(where):
    args = {"secrets": ({OP: KEY}, {}, None), "env": ({}, {OP: KEY}, None),
            "typed": ({}, {}, KEY)}[where]
    access = va.resolve(*args, None)
    assert access.key == KEY
    for text in (access.key_source, repr(access), str(access), access.host,
                 va.where(access.key_source, OP)):
        assert KEY not in text and "sk-" not in text


def test_where_names_the_variable_never_the_value():
    assert va.where(va.FROM_ENV, OP) == "the environment variable OPENAI_API_KEY"
    assert va.where(va.FROM_SECRETS, OP) == \
        "OPENAI_API_KEY in Streamlit secrets (.streamlit/secrets.toml)"
    assert va.where(va.FROM_FIELD, OP) == va.FROM_FIELD


def test_a_typed_endpoint_needs_a_typed_key():
    env = {OP: OTHER, va.BASE_URL_NAME: "http://127.0.0.1:8765/v1"}
    operator = va.resolve({}, env, None, "https://typed.example/v1")
    assert (operator.base_url, operator.base_source) == (env[va.BASE_URL_NAME], va.FROM_ENV)
    visitor = va.resolve({}, env, KEY, "https://typed.example/v1")
    assert (visitor.base_url, visitor.base_source) == ("https://typed.example/v1", va.FROM_FIELD)
    assert va.resolve({}, {}, None, None).base_url == va.DEFAULT_BASE_URL


@pytest.mark.parametrize(("url", "said"), [
    ("localhost:8080/v1", "must start with http:// or https://"),
    ("ftp://x.example/v1", "must start with http:// or https://"),
    ("https://me:pw@x.example/v1", "put no user name or password"),
    ("https://x.example/v1 extra", "spaces or control characters"),
    ("https://x.example/" + "a" * 2048, "at most 2,048 are used"),
])
def test_a_base_url_that_cannot_be_one_is_a_problem(url, said):
    access = va.resolve({}, {}, KEY, url)
    assert said in access.problem and not access.ready


@pytest.mark.parametrize(("base", "host"), [
    (None, "api.openai.com"),
    ("http://127.0.0.1:8765/v1", "127.0.0.1:8765"),
    ("https://proxy.example/openai/v1?token=abc", "proxy.example"),  # never a path or query
])
def test_the_host_is_all_a_label_shows_of_the_endpoint(base, host):
    assert va.resolve({}, {}, KEY, base, base).host == host


# --- what a session has spent ---------------------------------------------------------------

CAP = Decimal("0.10")


@pytest.mark.parametrize(("spent", "cost", "allowed"), [
    ("0", "0.10", True),  # exactly the cap
    ("0.09", "0.01", True),  # lands exactly on it
    ("0.0999", "0.0001", True),
    ("0.09", "0.02", False),  # a cent over
    ("0.0999", "0.00011", False),  # a hundredth of a cent over
    ("0.10", "0.000000001", False),  # any amount over
    ("0.10", "0", True),  # a free check at the cap
    ("0", "0.1000000001", False),
])
def test_a_check_may_land_exactly_on_the_cap_and_not_a_cent_over(spent, cost, allowed):
    assert va.Spending(CAP, Decimal(spent)).allows(Decimal(cost)) is allowed


def test_no_cap_allows_anything_and_counts_nothing():
    free = va.Spending(None)
    assert free.allows(Decimal("1000")) and free.allows(None)
    assert free.counted(Decimal("5")).spent == 0 and free.settled(Decimal(5), Decimal(1)) == free


def test_an_unknown_cost_cannot_be_kept_under_a_cap():
    assert not va.Spending(CAP).allows(None)
    assert va.Spending(CAP).counted(None).spent == 0


def test_a_check_is_counted_before_and_settled_at_its_real_cost():
    s = va.Spending(CAP).counted(Decimal("0.0001165"))  # the bound, before the call
    assert s.spent == Decimal("0.0001165")
    s = s.settled(Decimal("0.0001165"), Decimal("0.0000975"))  # what the reply says it cost
    assert s.spent == Decimal("0.0000975")
    assert s.settled(Decimal("0.0001"), None).spent == Decimal("0.0000975")  # unknown: kept


def test_billed_block_says_why(monkeypatch):
    on = va.resolve({OP: KEY, va.ALLOW_BILLED: "1", va.SESSION_CAP: "0.0002"}, {}, None, None)
    assert on.cap_usd == Decimal("0.0002")
    assert va.billed_block(on, Decimal("0.0002"), Decimal(0)) is None  # exactly the cap
    said = va.billed_block(on, Decimal("0.00012"), Decimal("0.00012"))
    assert said == ("this check (about $0.00012) would take this session past its spending cap "
                    "on the app's key ($0.0002; spent so far $0.00012)")
    assert "no price" in va.billed_block(on, None, Decimal(0))
    off = va.resolve({OP: KEY}, {}, None, None)
    assert va.ALLOW_BILLED in va.billed_block(off, Decimal(0), Decimal(0))
    own = va.resolve({OP: KEY}, {}, KEY, None)  # a visitor's own key: no cap
    assert va.billed_block(own, Decimal("99"), Decimal("99")) is None


MONEY = st.decimals(min_value=0, max_value=Decimal("0.05"), places=7)


@given(cap=st.decimals(min_value=0, max_value=1, places=4), costs=st.lists(MONEY, max_size=40))
def test_the_checks_allowed_never_add_up_past_the_cap(cap, costs):
    s, allowed = va.Spending(cap), []
    for cost in costs:
        if s.allows(cost):
            s = s.counted(cost)
            allowed.append(cost)
    assert sum(allowed, Decimal(0)) == s.spent <= cap


@given(cap=st.decimals(min_value=0, max_value=1, places=4),
       checks=st.lists(st.tuples(MONEY, st.integers(0, 100)), max_size=40))
def test_settling_at_no_more_than_the_bound_stays_under_the_cap(cap, checks):
    s = va.Spending(cap)
    for bound, percent in checks:
        if s.allows(bound):
            actual = bound * percent / 100  # a reply costs at most its bound
            s = s.counted(bound).settled(bound, actual)
    assert 0 <= s.spent <= cap
