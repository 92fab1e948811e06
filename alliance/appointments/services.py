"""Scheduling appointments and recording whether (and when) they happened."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.measures.services import create_forms_after_session
from alliance.practice.models import CareEpisode


@transaction.atomic
def schedule_appointment(
    *, actor: Actor, episode: CareEpisode, start: datetime, end: datetime
) -> Appointment:
    if end <= start:
        raise DomainError("An appointment must end after it starts.", field="end")
    if not episode.is_open:
        raise DomainError("This care episode has ended; no new appointments can be made.")
    appointment = Appointment.objects.create(
        practice_id=episode.practice_id, episode=episode, scheduled_start=start, scheduled_end=end
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="appointment",
        obj=appointment,
        client=episode.client,
    )
    return appointment


@transaction.atomic
def record_attendance(
    *,
    actor: Actor,
    appointment: Appointment,
    status: AppointmentStatus,
    actual_start: datetime | None = None,
) -> Appointment:
    if status in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW) and (
        appointment.scheduled_start > timezone.now()
    ):
        raise DomainError(
            "An appointment that has not started yet cannot be marked attended or missed.",
            field="status",
        )
    if status == AppointmentStatus.ATTENDED:
        if actual_start is None:
            actual_start = appointment.scheduled_start
        if abs((actual_start - appointment.scheduled_start).total_seconds()) > 6 * 3600:
            raise DomainError(
                "The actual start must be within six hours of the scheduled start.",
                field="actual_start",
            )
    else:
        actual_start = None
    previous = appointment.status
    appointment.status = status
    appointment.actual_start = actual_start
    appointment.save(update_fields=["status", "actual_start"])
    if status == AppointmentStatus.ATTENDED and previous != AppointmentStatus.ATTENDED:
        create_forms_after_session(appointment=appointment)
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="attendance",
        obj=appointment,
        client=appointment.episode.client,
        detail={"from": previous, "to": str(status)},
    )
    return appointment
