"""The address of the person making a request, for the audit trail and the sign-in lockout.

Behind ``ALLIANCE_PROXY_COUNT`` reverse proxies, ``REMOTE_ADDR`` is the nearest proxy's address.
Each proxy appends the address it received the request from to ``X-Forwarded-For``, so the
person's address is the entry that many places from the right; entries further left were sent
by the client itself and are not trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote_addr: str | None = request.META.get("REMOTE_ADDR") or None
    proxies: int = settings.ALLIANCE_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if len(forwarded) < proxies:
        return remote_addr
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote_addr
