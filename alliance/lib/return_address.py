"""Where to come back to after signing in again: never to an address that only takes POST.

A form sent after the session ended (the idle sign-out, an expired cookie) cannot be replayed
after signing in: its address answers GET with 405. The page the form was on can be shown
again, and the text typed into it comes back from the browser's draft (static/alliance/keep.js).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

SAFE_METHODS = frozenset({"GET", "HEAD"})


def return_address(request: HttpRequest) -> str:
    """This address for a GET; for a POST, the same-site page it was sent from (or "")."""
    if request.method in SAFE_METHODS:
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")
