"""Whose key, which endpoint, what may be billed: the rules for an app hosted for a team.

The operator puts a key in Streamlit secrets or the environment; visitors open the app in their
browsers. So:

- the operator's key goes only to the operator's endpoint (OPENAI_BASE_URL in secrets or the
  environment, else the OpenAI API) — nothing a visitor types can change where it goes;
- a visitor may type their own key, and only with it, their own endpoint; that endpoint must
  pass the address policy image URLs pass (public addresses only, unless the operator sets
  PATCHWORK_ALLOW_PRIVATE_ENDPOINTS), checked again on every connection (guarded_http);
- billed calls on the operator's key are off unless the operator sets PATCHWORK_ALLOW_BILLED,
  and then each browser session may spend at most PATCHWORK_SESSION_CAP_USD;
- a visitor's endpoint on plain http:// that may be a public address would carry their key
  unencrypted: nothing is sent there until they confirm it (`Access.unencrypted` says why).
  Loopback and private addresses the operator allows stay on this machine or network: no click.

Settings are read from Streamlit secrets first, then the environment.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from calc.adapters.url_fetch import AddressPolicy
from calc.engine.pricing import format_usd
from calc.views import inert

KEY_NAME = "OPENAI_API_KEY"
BASE_URL_NAME = "OPENAI_BASE_URL"
ALLOW_BILLED = "PATCHWORK_ALLOW_BILLED"
SESSION_CAP = "PATCHWORK_SESSION_CAP_USD"
ALLOW_PRIVATE = "PATCHWORK_ALLOW_PRIVATE_ENDPOINTS"
SHARED_LOG = "PATCHWORK_SHARED_LOG"
SETTING_NAMES = (KEY_NAME, BASE_URL_NAME, ALLOW_BILLED, SESSION_CAP, ALLOW_PRIVATE, SHARED_LOG)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_CAP_USD = Decimal("0.10")
MAX_URL_LENGTH = 2048
OPERATOR, VISITOR = "operator", "visitor"

# Where a setting came from. Fixed strings: a label is never built from the value it labels.
FROM_SECRETS = "Streamlit secrets (.streamlit/secrets.toml)"
FROM_ENV = "environment variable"
FROM_FIELD = "typed on this page (kept for this browser session only)"
NOWHERE = "not set"

_TRUE = ("1", "true", "yes", "on")


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def operator_setting(name: str, secrets: Mapping[str, Any], environ: Mapping[str, str]
                     ) -> tuple[str | None, str]:
    """(value, source) of an operator setting: Streamlit secrets first, then the environment."""
    for source, value in ((FROM_SECRETS, secrets.get(name)), (FROM_ENV, environ.get(name))):
        text = _text(value)
        if text is not None:
            return text, source
    return None, NOWHERE


def switch(name: str, secrets: Mapping[str, Any], environ: Mapping[str, str]) -> bool:
    """An on/off setting: on only for 1, true, yes or on."""
    value, _ = operator_setting(name, secrets, environ)
    return value is not None and value.lower() in _TRUE


def session_cap(secrets: Mapping[str, Any], environ: Mapping[str, str]) -> Decimal:
    """The most one browser session may spend on the operator's key, in USD."""
    value, _ = operator_setting(SESSION_CAP, secrets, environ)
    if value is None or len(value) > 20:  # an absurd value is no value: the default holds
        return DEFAULT_CAP_USD
    try:
        cap = Decimal(value)
    except InvalidOperation:
        return DEFAULT_CAP_USD
    return cap if cap.is_finite() and cap >= 0 else DEFAULT_CAP_USD


def address_policy(secrets: Mapping[str, Any], environ: Mapping[str, str]) -> AddressPolicy:
    """What a typed endpoint may be: public addresses, or any when the operator allows private."""
    if switch(ALLOW_PRIVATE, secrets, environ):
        return AddressPolicy.public().allowing("0.0.0.0/0", "::/0")
    return AddressPolicy.public()


def base_url_problem(url: str, policy: AddressPolicy | None = None) -> str | None:
    """Why `url` cannot be an API base URL, or None when it can. With a policy, a literal IP
    address is checked at once (a host name is checked when connecting, every time)."""
    if len(url) > MAX_URL_LENGTH:
        return f"the base URL is {len(url):,} characters long; at most {MAX_URL_LENGTH:,} are used"
    if any(c.isspace() or ord(c) < 0x20 for c in url):
        return "the base URL contains spaces or control characters"
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError:
        return "the base URL is not a valid URL, e.g. https://api.openai.com/v1"
    if parts.scheme not in ("http", "https") or not host:
        return ("the base URL must start with http:// or https:// and name a host, e.g. "
                "https://api.openai.com/v1")
    if parts.username or parts.password:
        return "put no user name or password in the base URL; the API key is sent separately"
    if policy is not None:
        from calc.adapters.guarded_http import literal_refusal

        return literal_refusal(host, policy)
    return None


@dataclass(frozen=True)
class Access:
    """Where calls go and with whose key. `key` is left out of repr so a printout shows none."""

    key: str | None = field(repr=False)
    key_source: str
    base_url: str  # what the client is built with
    base_source: str  # where base_url came from (NOWHERE: the default)
    owner: str | None  # OPERATOR, VISITOR, or None without a key
    policy: AddressPolicy | None  # set for a visitor's own endpoint: checked per connection
    problem: str | None = None  # why the endpoint cannot be used
    billed_allowed: bool = False
    billed_why: str = ""  # why billed calls are off (empty when on)
    cap_usd: Decimal | None = None  # this session's spending cap; None: no cap (own key)
    unencrypted: str | None = None  # why the key may not go yet: plain http, not confirmed

    @property
    def ready(self) -> bool:
        return self.key is not None and self.problem is None and self.unencrypted is None

    @property
    def host(self) -> str:
        try:
            parts = urlsplit(self.base_url)
            host, port = parts.hostname, parts.port
        except ValueError:
            return "?"
        label = inert.short(host or "?", 80)
        return f"{label}:{port}" if port else label


def plain_http_warning(base_url: str) -> str | None:
    """Why a key sent to `base_url` would travel unencrypted where others may read it, or None.

    Plain http:// only, to a host that may be public: any host name (it is not looked up here)
    but localhost, and any literal address the public-address policy accepts. Loopback,
    private and link-local addresses are left out: the address policy has already refused
    them unless the operator allows private endpoints, and then they stay on this machine or
    network.
    """
    try:
        parts = urlsplit(base_url)
        host = parts.hostname or ""
    except ValueError:
        return None
    if parts.scheme != "http":
        return None
    if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: always loopback
        return None
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None and not AddressPolicy.public().allows(ip):
        return None
    return ("this endpoint is plain http://, so your API key would travel unencrypted: anyone "
            "on the network path could read it and use it. Use https:// if the endpoint offers "
            "it, or confirm that the key may go there unencrypted")


def resolve(secrets: Mapping[str, Any], environ: Mapping[str, str], typed_key: str | None,
            typed_base: str | None, confirmed_http: str | None = None) -> Access:
    """Decide whose key is used and where it goes (see the module's docstring).

    `confirmed_http`: the plain-http endpoint the visitor confirmed their key may go to.
    """
    op_key, op_key_source = operator_setting(KEY_NAME, secrets, environ)
    op_base, op_base_source = operator_setting(BASE_URL_NAME, secrets, environ)
    base = op_base or DEFAULT_BASE_URL
    problem = None if op_base is None else base_url_problem(op_base)
    typed_key = _text(typed_key)
    if typed_key is not None:  # the visitor's own key: their own endpoint, if they typed one
        policy = None
        base_source = op_base_source
        typed_base = _text(typed_base)
        unencrypted = None
        if typed_base is not None:
            policy = address_policy(secrets, environ)
            base, base_source = typed_base, FROM_FIELD
            problem = base_url_problem(typed_base, policy)
            if problem is None and typed_base != confirmed_http:
                unencrypted = plain_http_warning(typed_base)
        return Access(typed_key, FROM_FIELD, base, base_source, VISITOR, policy, problem,
                      billed_allowed=True, unencrypted=unencrypted)
    if op_key is None:
        return Access(None, NOWHERE, base, op_base_source, None, None, problem,
                      billed_why="no API key yet")
    if switch(ALLOW_BILLED, secrets, environ):
        return Access(op_key, op_key_source, base, op_base_source, OPERATOR, None, problem,
                      billed_allowed=True, cap_usd=session_cap(secrets, environ))
    return Access(op_key, op_key_source, base, op_base_source, OPERATOR, None, problem,
                  billed_why=(f"billed checks on the app's own key are off (the operator can "
                              f"turn them on with {ALLOW_BILLED}); Count stays free, or paste "
                              "your own key to pay for checks yourself"))


def where(source: str, name: str) -> str:
    """Where a setting came from, in words, e.g. 'the environment variable OPENAI_API_KEY'.
    Built from the source and the variable's name only, never from the value."""
    return {
        FROM_SECRETS: f"{name} in Streamlit secrets (.streamlit/secrets.toml)",
        FROM_ENV: f"the environment variable {name}",
        FROM_FIELD: FROM_FIELD,
        NOWHERE: NOWHERE,
    }[source]


# --- what a session has spent on the operator's key -----------------------------------------


@dataclass(frozen=True)
class Spending:
    """What one browser session has spent on billed checks against its cap, in exact dollars.

    `cap` None: nothing to keep (a visitor's own key). A check is counted before its call (a
    call that fails half-way may still be billed) and settled at its real cost once known.
    """

    cap: Decimal | None
    spent: Decimal = Decimal(0)

    def allows(self, cost: Decimal | None) -> bool:
        """Whether a check costing at most `cost` may run: landing exactly on the cap may; an
        unknown cost may not be kept under a cap."""
        if self.cap is None:
            return True
        return cost is not None and self.spent + cost <= self.cap

    def counted(self, cost: Decimal | None) -> Spending:
        """Spent once a check costing at most `cost` is under way."""
        if self.cap is None or cost is None:
            return self
        return replace(self, spent=self.spent + cost)

    def settled(self, counted: Decimal | None, actual: Decimal | None) -> Spending:
        """The check's real cost in place of what was counted for it (kept when unknown)."""
        if self.cap is None or counted is None or actual is None:
            return self
        return replace(self, spent=self.spent - counted + actual)


def spending(access: Access, spent: Decimal) -> Spending:
    """The session's spending on `access`: capped only on the operator's key."""
    return Spending(access.cap_usd, spent)


def billed_block(access: Access, cost_usd: Decimal | None, spent_usd: Decimal) -> str | None:
    """Why a billed call costing `cost_usd` may not be made now, or None when it may."""
    if not access.billed_allowed:
        return access.billed_why
    if access.cap_usd is None:
        return None
    if cost_usd is None:
        return ("the catalogue has no price for this model, so a billed check on the app's key "
                "cannot be kept within this session's spending cap")
    if not spending(access, spent_usd).allows(cost_usd):
        return (f"this check (about {format_usd(cost_usd)}) would take this session past its "
                f"spending cap on the app's key (${access.cap_usd}; spent so far "
                f"{format_usd(spent_usd)})")
    return None
