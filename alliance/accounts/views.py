"""Signing in and out, and the landing page that sends each role to its own home."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from alliance.accounts.models import Role, User

HOME_BY_ROLE = {
    Role.THERAPIST: "clinic:dashboard",
    Role.SUPERVISOR: "clinic:supervision",
    Role.CLIENT: "portal:home",
    Role.ADMIN: "administration:home",
}


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return redirect(HOME_BY_ROLE[Role(user.role)])


@never_cache
@require_GET
@login_required
def keepalive(request: HttpRequest) -> HttpResponse:
    """Called by the page while the person types or asks to stay signed in: any request counts
    as activity for the idle sign-out (accounts/middleware.py). Once signed out, the page is
    sent to sign in, which its script takes as the sign that the session has ended."""
    return JsonResponse({"signed_in": True})
