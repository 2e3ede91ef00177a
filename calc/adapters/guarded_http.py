"""The HTTP transport for an endpoint a visitor typed: checked addresses, only the visitor's key.

A visitor may point Patchwork at their own OpenAI-compatible server, with their own key. The
server then makes requests to a host the visitor chose, so the same SSRF rules apply as to image
URLs (`url_fetch.AddressPolicy`), on every connection — redirects and DNS changes included:
the host is resolved, every address is checked, and the socket goes to a checked address
(pinned; TLS still verifies the host name). And whatever the SDK picked up from the operator's
environment (OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_CUSTOM_HEADERS, proxies), only an
allow-list of headers leaves, with the visitor's own key as the only credential.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore2
import httpx2

from calc.adapters.deadline_http import DeadlineTransport
from calc.adapters.url_fetch import AddressPolicy, _non_public, _refusal_message

# What an OpenAI request needs; everything else the SDK might add is dropped.
_KEEP = ("accept", "accept-encoding", "content-type", "content-length", "host", "user-agent",
         "connection")
_KEEP_PREFIX = "x-stainless-"  # the SDK's own client and retry-count headers


class BlockedEndpointError(httpcore2.ConnectError):
    """The endpoint's host is, or resolves to, an address the policy refuses."""


def endpoint_refusal(host: str, port: int, policy: AddressPolicy) -> str | None:
    """Why the policy refuses `host` (a sentence), or None when every address it has may be used.

    A name that does not resolve is not refused here: connecting will say it cannot be found.
    """
    try:
        return _refusal(host, _addresses(host, port), policy)
    except OSError:
        return None


def literal_refusal(host: str, policy: AddressPolicy) -> str | None:
    """For a host written as an IP address, why the policy refuses it; None for a host name
    (names are resolved and checked on every connection instead)."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    return _refusal(host, [ip], policy)


def _refusal(host: str, addresses: list, policy: AddressPolicy) -> str | None:
    for ip in addresses:  # one refused address refuses the host, as for image URLs
        found = None if any(ip in net for net in policy.allowed) else _non_public(ip)
        if found is not None:
            literal = host.strip("[]") == str(ip)
            message = _refusal_message(None if literal else host, ip, *found)
            return message.replace("can be fetched", "can be used as an endpoint")
    return None


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    found = []
    for info in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
        ip = ipaddress.ip_address(info[4][0])
        if ip not in found:
            found.append(ip)
    return found


class _CheckedBackend(httpcore2.SyncBackend):
    """Connects only to addresses the policy allows, to the very address it checked."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore2.NetworkStream:
        try:
            addresses = _addresses(host, port)  # resolved once: what is checked is what is used
        except OSError as exc:
            raise httpcore2.ConnectError(f"could not find the host {host} ({exc})") from exc
        refusal = _refusal(host, addresses, self._policy)
        if refusal is not None:
            raise BlockedEndpointError(refusal)
        last: Exception | None = None
        for ip in addresses:  # every one was checked above
            try:
                return super().connect_tcp(str(ip), port, timeout, local_address, socket_options)
            except httpcore2.ConnectError as exc:
                last = exc
        raise last or httpcore2.ConnectError(f"could not connect to {host}")


class GuardedTransport(DeadlineTransport):
    """httpx transport for a visitor's endpoint: checked connections, allow-listed headers, and
    one deadline per request (deadline_http)."""

    def __init__(self, policy: AddressPolicy, api_key: str, deadline: float) -> None:
        # trust_env=False: no proxy or certificate settings from the server's environment.
        super().__init__(deadline, backend=_CheckedBackend(policy), trust_env=False)
        self._authorization = f"Bearer {api_key}"

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        kept = [(k, v) for k, v in request.headers.items()
                if k.lower() in _KEEP or k.lower().startswith(_KEEP_PREFIX)]
        request.headers = httpx2.Headers(kept + [("authorization", self._authorization)])
        return super().handle_request(request)
