"""Whose address goes into the audit trail and the lockout, with and without reverse proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from alliance.lib.client_ip import client_ip

PROXY = "10.0.0.1"


def request(forwarded_for: str | None = None, remote_addr: str = PROXY):
    headers = {} if forwarded_for is None else {"X-Forwarded-For": forwarded_for}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


def test_without_a_proxy_the_address_is_the_connection_address(settings):
    settings.ALLIANCE_PROXY_COUNT = 0

    assert client_ip(request(remote_addr="203.0.113.7")) == "203.0.113.7"


def test_without_a_proxy_a_forwarded_header_is_ignored_as_the_client_could_forge_it(settings):
    settings.ALLIANCE_PROXY_COUNT = 0

    assert client_ip(request("198.51.100.66", remote_addr="203.0.113.7")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        # Whatever the client put in the header itself stays to the left and is not believed.
        (1, "198.51.100.66, 203.0.113.7", "203.0.113.7"),
        (2, "198.51.100.66, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, "2001:db8::7", "2001:db8::7"),
        # A header shorter than the proxy chain, or garbage: fall back to the connection.
        (2, "203.0.113.7", PROXY),
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
    ],
)
def test_behind_proxies_the_address_is_the_one_the_outermost_proxy_saw(
    settings, proxies, forwarded_for, expected
):
    settings.ALLIANCE_PROXY_COUNT = proxies

    assert client_ip(request(forwarded_for)) == expected
