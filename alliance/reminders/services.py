"""Changing the practice's reminder timing (its admin) and a client's reminder choices."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.appointments.models import PracticeCalendar
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.practice.models import Client, Practice
from alliance.reminders.models import ReminderPreference, ReminderSettings


@transaction.atomic
def update_settings(
    *,
    actor: Actor,
    practice: Practice,
    time_zone: str,
    session_hours_before: int,
    form_hours_after: int,
    digest_hour: int | None,
) -> ReminderSettings:
    PracticeCalendar.objects.update_or_create(practice=practice, defaults={"time_zone": time_zone})
    rules, _ = ReminderSettings.objects.update_or_create(
        practice=practice,
        defaults={
            "session_hours_before": session_hours_before,
            "form_hours_after": form_hours_after,
            "digest_hour": digest_hour,
        },
    )
    record(actor=actor, action=AuditAction.CHANGE, target="reminder settings", obj=rules)
    return rules


@transaction.atomic
def update_preference(
    *, actor: Actor, client: Client, sessions: bool, forms: bool
) -> ReminderPreference:
    preference, _ = ReminderPreference.objects.update_or_create(
        client=client,
        defaults={"sessions": sessions, "forms": forms, "changed_at": timezone.now()},
    )
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="reminder choices",
        obj=preference,
        client=client,
        detail={"sessions": sessions, "forms": forms},
    )
    return preference
