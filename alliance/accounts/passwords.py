"""Changing a password, and resetting a forgotten one by an emailed one-time link.

A reset request never tells whether the address belongs to an account: the answer page is
the same, and so is the work done while the person waits. The request only queues a task
(``send_reset_link``) for every well-formed address; the background worker looks the address
up and emails a link to each active account with a usable password that has it. The link is
made by Django's password-reset token machinery (its own salt, so an invitation link is no
reset link and the other way round); it works once (the token hashes the password and the last
sign-in) and for ``ALLIANCE_PASSWORD_RESET_HOURS`` (shorter than an invitation's days).

Requests are limited per address (the person's IP) with the sign-in lockout's numbers
(``AXES_FAILURE_LIMIT`` per ``AXES_COOLOFF_TIME``): the limit counts requests, never
accounts, so reaching it tells nothing about any address.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import HttpRequest
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from alliance.accounts.models import User
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.client_ip import client_ip

RESET_EMAIL_TEMPLATE = "accounts/password_reset_email.txt"


class ResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token, under a salt of its own and with a shorter life."""

    key_salt = "alliance.accounts.passwords.ResetTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not super().check_token(user, token) or token is None:
            return False
        try:
            made = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - made
        return bool(age <= settings.ALLIANCE_PASSWORD_RESET_HOURS * 3600)


reset_tokens = ResetTokenGenerator()


def reset_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password-reset-confirm", args=[uid, reset_tokens.make_token(user)])


def _accounts_for(email: str) -> list[User]:
    return [user for user in PasswordResetForm().get_users(email) if isinstance(user, User)]


@task
def send_reset_link(email: str) -> int:
    """Email a reset link to every active account of ``email`` that has a password; returns
    how many were sent (the worker's record only, never shown to the person who asked)."""
    sent = 0
    for user in _accounts_for(email):
        practice_name = user.practice.name if user.practice else "Alliance"
        context = {
            "user": user,
            "practice_name": practice_name,
            "link": f"{settings.BASE_URL}{reset_path(user)}",
            "hours": settings.ALLIANCE_PASSWORD_RESET_HOURS,
        }
        send_mail(
            subject=f"Resetting your password with {practice_name}",
            message=render_to_string(RESET_EMAIL_TEMPLATE, context),
            from_email=None,
            recipient_list=[user.email],
        )
        record(
            actor=Actor.system("password reset"),
            action=AuditAction.CHANGE,
            target="password reset link sent",
            obj=user,
            detail={"username": user.username},
        )
        sent += 1
    return sent


def _limit_key(request: HttpRequest) -> str:
    return f"accounts:password-reset:{client_ip(request)}"


def over_reset_limit(request: HttpRequest) -> bool:
    """Count this request against its address; True once the address has asked more often
    than the sign-in lockout allows wrong passwords."""
    key = _limit_key(request)
    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds())
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        count = 1
    return bool(count > settings.AXES_FAILURE_LIMIT)


def record_password_change(request: HttpRequest, user: User, how: str) -> None:
    record(
        actor=Actor.from_request(request) if request.user.is_authenticated else _as(request, user),
        action=AuditAction.CHANGE,
        target=how,
        obj=user,
        detail={"username": user.username},
    )


def _as(request: HttpRequest, user: User) -> Actor:
    """A reset is made by the account's owner, who is not signed in yet."""
    return Actor(user=user, ip_address=client_ip(request), path=request.path)
