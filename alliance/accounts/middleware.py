"""Signs clinicians and admins out after a period without activity.

The page itself warns a minute before and keeps the session alive while the person types
(static/alliance/keep.js, through ``accounts:keepalive``): only a screen left alone is signed
out, and what was typed in it is kept as a draft in the browser.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers, patch_cache_control

from alliance.accounts.models import IDLE_LOGOUT_ROLES
from alliance.lib.return_address import return_address

LAST_SEEN_KEY = "alliance_last_seen"


def idle_timeout_seconds() -> float:
    return float(settings.IDLE_TIMEOUT_MINUTES) * 60


class IdleLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.role in IDLE_LOGOUT_ROLES:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - float(last_seen) > idle_timeout_seconds():
                logout(request)
                messages.info(
                    request,
                    f"You were signed out after {settings.IDLE_TIMEOUT_MINUTES:g} minutes "
                    "without activity, to keep client records private. Anything you were "
                    "typing is kept on this device: it comes back when you open the page again.",
                )
                return redirect_to_login(
                    return_address(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
                )
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Every answer to a signed-in person says ``Cache-Control: no-store, private``: the back
    button or a shared machine must not show a client's page after sign-out. Whether the person
    was signed in is decided before the view runs (the sign-out answer is covered too); static
    files (served by WhiteNoise, earlier in the chain) and anonymous pages are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
