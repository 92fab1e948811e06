"""Writing audit rows. Every service that reads or changes clinical data calls ``record``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.http import HttpRequest

from alliance.audit.models import AuditAction, AuditEvent
from alliance.lib.client_ip import client_ip

if TYPE_CHECKING:  # audit sits below accounts and practice: it names them, never imports them
    from alliance.accounts.models import User
    from alliance.practice.models import Client


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from where: what an audit row needs besides the object."""

    user: User | None
    ip_address: str | None = None
    path: str = ""
    # What to call an actor with no account in the trail (e.g. "client via link").
    role_hint: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        return cls(
            user=cast("User", user) if signed_in else None,
            ip_address=client_ip(request),
            path=request.get_full_path()[:500],
        )

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(user=None, path=f"system:{label}")


def record(
    *,
    actor: Actor,
    action: AuditAction,
    target: str,
    obj: models.Model | None = None,
    client: Client | None = None,
    client_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one row. Name the client by object or, where only its id is at hand, by id."""
    user = actor.user
    practice_id = user.practice_id if user is not None else None
    if practice_id is None and client is not None:
        practice_id = client.practice_id
    if practice_id is None and obj is not None:
        # System actors (createadmin, the demo) have no practice: take the object's.
        practice_id = getattr(obj, "practice_id", None)
    return AuditEvent.objects.create(
        practice_id=practice_id,
        actor=user,
        actor_role=user.role if user is not None else (actor.role_hint or "system"),
        action=action,
        target=target,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        client_id=client.pk if client is not None else client_id,
        ip_address=actor.ip_address,
        path=actor.path,
        detail=detail or {},
    )
