"""Writes for structured sessions: the client's preparation, the session record and private
notes (encrypted by their field, alliance/lib/encrypted_fields.py). Each change leaves an audit
row (never with a note's text in it)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.sessions.models import PrivateNote, SessionPreparation, SessionRecord


def _author(actor: Actor) -> User:
    if actor.user is None:
        raise DomainError("Only a signed-in person can write this.")
    return actor.user


@transaction.atomic
def submit_preparation(
    *,
    actor: Actor,
    appointment: Appointment,
    talk_about: str,
    since_last_time: str,
    feeling_today: int | None,
) -> SessionPreparation:
    if appointment.status != AppointmentStatus.SCHEDULED or (
        appointment.scheduled_start <= timezone.now()
    ):
        raise DomainError("This session has already started, so it can no longer be prepared.")
    preparation, created = SessionPreparation.objects.update_or_create(
        appointment=appointment,
        defaults={
            "talk_about": talk_about.strip(),
            "since_last_time": since_last_time.strip(),
            "feeling_today": feeling_today,
            "submitted_by": _author(actor),
            "submitted_at": timezone.now(),
        },
    )
    record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        target="session preparation",
        obj=preparation,
        client_id=appointment.episode.client_id,
    )
    return preparation


@transaction.atomic
def save_session_record(
    *,
    actor: Actor,
    appointment: Appointment,
    agenda: list[str],
    summary: str,
    next_steps: str,
    share: bool,
) -> SessionRecord:
    """Agenda, summary and next steps; ``share`` shows the last two to the client (or stops)."""
    summary, next_steps = summary.strip(), next_steps.strip()
    if share and appointment.scheduled_start > timezone.now():
        raise DomainError("A summary can be shared once the session has started.", field="share")
    if share and not (summary or next_steps):
        raise DomainError("Write a summary or next steps before sharing them.", field="share")
    # The appointment's row is locked first: two saves at once (a double click, two tabs) take
    # turns, and the first creates the record the second then changes.
    Appointment.objects.select_for_update().filter(pk=appointment.pk).first()
    session_record = (
        SessionRecord.objects.select_for_update().filter(appointment=appointment).first()
    ) or SessionRecord(appointment=appointment)
    created = session_record.pk is None
    was_shared = session_record.is_shared
    session_record.agenda = agenda
    session_record.summary = summary
    session_record.next_steps = next_steps
    if not share:
        session_record.summary_shared_at = None
    elif not was_shared:
        session_record.summary_shared_at = timezone.now()
    session_record.updated_by = _author(actor)
    session_record.updated_at = timezone.now()
    session_record.save()
    record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        target="session record",
        obj=session_record,
        client_id=appointment.episode.client_id,
        detail={"shared": share, "agenda_items": len(agenda)},
    )
    return session_record


@transaction.atomic
def add_private_note(*, actor: Actor, appointment: Appointment, body: str) -> PrivateNote:
    if not body.strip():
        raise DomainError("The note is empty.", field="body")
    now = timezone.now()
    note = PrivateNote.objects.create(
        appointment=appointment,
        body=body.strip(),
        created_by=_author(actor),
        created_at=now,
        updated_at=now,
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="private note",
        obj=note,
        client_id=appointment.episode.client_id,
    )
    return note


@transaction.atomic
def change_private_note(*, actor: Actor, note: PrivateNote, body: str) -> PrivateNote:
    if not body.strip():
        raise DomainError("The note is empty.", field="body")
    note.body = body.strip()
    note.updated_at = timezone.now()
    note.save(update_fields=["body", "updated_at"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="private note",
        obj=note,
        client_id=note.appointment.episode.client_id,
    )
    return note
