"""Signing in and out, and the landing page that sends each role to its own home."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

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
