"""Signing in and out, and the landing page that sends each role to its own home."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django import forms
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from alliance.accounts import passwords
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


# --- Passwords: change while signed in, reset by an emailed link (accounts/passwords.py) -------


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change form (old password, new twice, the validators); the session stays valid
    (Django's view calls update_session_auth_hash), and the change is audited."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        assert isinstance(user, User)
        passwords.record_password_change(self.request, user, "password changed")
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


RESET_TEMPLATE = "accounts/password_reset.html"


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. Every well-formed address gets the same answer after the same
    work (one queued task); whether it has an account is decided by the worker, out of sight."""
    form = EmailAddressForm(request.POST or None)
    if request.method != "POST":
        return render(request, RESET_TEMPLATE, {"form": form})
    if passwords.over_reset_limit(request):
        return render(request, "accounts/password_reset_limited.html", status=429)
    if not form.is_valid():
        return render(request, RESET_TEMPLATE, {"form": form}, status=400)
    email = form.cleaned_data["email"]
    passwords.send_reset_link.enqueue(email)
    return redirect("accounts:password-reset-done")


class EmailAddressForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Your email address")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The emailed link: Django's view (the token moves from the URL into the session before
    the form is shown, so it does not leak through the Referer). An expired or used link shows
    what to do, with status 410; a successful reset lifts a sign-in lockout of the account."""

    template_name = "accounts/password_reset_confirm.html"
    token_generator = passwords.reset_tokens
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        assert isinstance(user, User)
        axes_reset(username=user.username)
        passwords.record_password_change(self.request, user, "password reset by emailed link")
        return response

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        if not context.get("validlink"):
            kwargs["status"] = 410
        return super().render_to_response(context, **kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
