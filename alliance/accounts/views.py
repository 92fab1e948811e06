"""Signing in and out, and the landing page that sends each role to its own home."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from alliance.accounts.invitations import invited_user
from alliance.accounts.models import Role, User
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.domain_errors import cleaned, show_problems_on
from alliance.once.decorators import once_per_submission

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


INVITATION_TEMPLATE = "accounts/invitation.html"


@never_cache
@require_http_methods(["GET", "POST"])
@once_per_submission
def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The emailed one-time link: choose a password (Django's validators), then the person is
    signed in and sent home. An expired or used link answers 410 and says what to do."""
    user = invited_user(uidb64, token)
    if user is None:
        return render(request, "accounts/invitation_expired.html", status=410)
    form = SetPasswordForm(user, request.POST or None)
    context = {"form": form, "invited": user}
    if request.method != "POST":
        return render(request, INVITATION_TEMPLATE, context)
    show_problems_on(request, form, INVITATION_TEMPLATE, context)
    cleaned(form)
    form.save()
    record(
        actor=Actor.from_request(request),
        action=AuditAction.CHANGE,
        target="password set from invitation",
        obj=user,
        detail={"username": user.username},
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(HOME_BY_ROLE[Role(user.role)])
