"""Sign-ins and sign-outs go into the audit trail as well."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record

if TYPE_CHECKING:
    from alliance.accounts.models import User


@receiver(user_logged_in)
def record_sign_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    actor = Actor.from_request(request)
    record(
        actor=Actor(user, actor.ip_address, actor.path),
        action=AuditAction.SIGN_IN,
        target="sign-in",
    )


@receiver(user_logged_out)
def record_sign_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    actor = Actor.from_request(request)
    record(
        actor=Actor(user, actor.ip_address, actor.path),
        action=AuditAction.SIGN_OUT,
        target="sign-out",
    )
