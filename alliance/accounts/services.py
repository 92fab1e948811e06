"""Creating, deactivating and reactivating accounts. Every write records who did it in the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alliance.accounts.models import Role, User
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError

if TYPE_CHECKING:  # practice builds on accounts: named here, never imported
    from alliance.practice.models import Practice


def create_account(
    *,
    actor: Actor,
    practice: Practice,
    role: Role,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    password: str | None = None,
    validate: bool = True,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"The username {username!r} is already taken.", field="username")
    user = User(
        practice=practice,
        role=role,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if password is None:
        user.set_unusable_password()
    else:
        if validate:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise DomainError(" ".join(error.messages), field="password") from None
        user.set_password(password)
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the other request's insert came first
                user.save()
        except IntegrityError:
            raise DomainError(
                f"The username {username!r} is already taken.", field="username"
            ) from None
        record(
            actor=actor,
            action=AuditAction.CREATE,
            target=f"{role} account",
            obj=user,
            detail={"username": username},
        )
    return user


@transaction.atomic
def deactivate_account(*, actor: Actor, user: User, reason: str = "") -> User:
    """The person can no longer sign in; everything they wrote or that was written about them
    stays. Reversed by ``reactivate_account``."""
    if actor.user is not None and actor.user.pk == user.pk:
        raise DomainError("You cannot deactivate your own account.")
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    _record_account_state(actor, user, "account deactivated", reason)
    return user


@transaction.atomic
def reactivate_account(*, actor: Actor, user: User, reason: str = "") -> User:
    """Undo a deactivation: the person can sign in again with their old password."""
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    _record_account_state(actor, user, "account reactivated", reason)
    return user


def _record_account_state(actor: Actor, user: User, target: str, reason: str) -> None:
    client = getattr(user, "client_record", None) if user.role == Role.CLIENT else None
    detail = {"username": user.username}
    if reason.strip():
        detail["reason"] = reason.strip()[:500]
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=target,
        obj=user,
        client=client,
        detail=detail,
    )
