"""Inviting a person to their account: an emailed one-time link to set a password.

Staff never set a client's password. The account is made without a usable password and the
client gets a link built by Django's password-reset token machinery under a salt of its own
(an invitation token is no reset token, and the other way round). The link expires after
``PASSWORD_RESET_TIMEOUT`` (``ALLIANCE_INVITATION_DAYS``, settings) and works once: the token
hashes the password and the last sign-in, so setting the password spends it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from alliance.accounts.models import User
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "alliance.accounts.invitations.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:invitation", args=[uid, invitation_tokens.make_token(user)])


def invited_user(uidb64: str, token: str) -> User | None:
    """The account the link was made for, while its token still holds; else None."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not invitation_tokens.check_token(user, token):
        return None
    return user


def _email(user: User, practice_name: str) -> None:
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    send_mail(
        subject=f"Your account with {practice_name}",
        message=(
            f"Hello {user.first_name},\n\n"
            f"{practice_name} has made an account for you. Choose your password here:\n"
            f"{settings.BASE_URL}{invitation_path(user)}\n\n"
            f"The link works once and for {days} days. You sign in with: {user.username}\n"
            "If you did not expect this email, you can ignore it.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def invite(*, actor: Actor, user: User, client_id: int | None = None) -> None:
    """Email ``user`` a link to set a password, once the transaction commits (a failure to send
    is logged, never undoes the account); audited."""
    if not user.email:
        raise DomainError("The account has no email address to send the invitation to.")
    if not user.is_active:
        raise DomainError("The account is deactivated.")
    if user.has_usable_password():
        raise DomainError(f"{user.display_name} has already set a password.")
    practice_name = user.practice.name if user.practice else "Alliance"
    transaction.on_commit(lambda: _email(user, practice_name), robust=True)
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="account invitation sent",
        obj=user,
        client_id=client_id,
        detail={"username": user.username},
    )
