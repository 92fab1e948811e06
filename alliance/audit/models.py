"""The audit trail: who read or changed which client's record, when and from where.

Rows are append-only as far as the application is concerned: saving an existing row, deleting
one, or bulk-updating or -deleting through the ORM raises ``AuditTrailIsAppendOnly``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditTrailIsAppendOnly(Exception):
    pass


class AuditAction(models.TextChoices):
    READ = "read", "Read"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly("audit rows cannot be changed")

    def delete(self) -> NoReturn:
        raise AuditTrailIsAppendOnly("audit rows cannot be deleted")

    def for_client(self, client_id: int) -> AuditEventQuerySet:
        return self.filter(client_id=client_id).select_related("actor").order_by("-at", "-id")


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    practice = models.ForeignKey(
        "practice.Practice", on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    # What was read or changed, in words a reviewer understands ("client page", "phase").
    target = models.CharField(max_length=100)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    client = models.ForeignKey(
        "practice.Client", on_delete=models.PROTECT, null=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True)
    path = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_role} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AuditTrailIsAppendOnly("audit rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly("audit rows cannot be deleted")
