"""The session itself: the client's preparation, the record of the session (agenda, summary,
next steps) and the therapist's private notes. Each belongs to one appointment.

The tables keep the names they had when these models lived in the appointments app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.appointments.models import Appointment
from alliance.lib.encrypted_fields import EncryptedTextField

FEELING_SCALE_MAX = 10


class SessionPreparation(models.Model):
    """What the client wrote in the portal before the session, for the therapist to read."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="preparation"
    )
    talk_about = models.TextField(blank=True)
    since_last_time = models.TextField(blank=True)
    # 0 (very low) to 10 (very good); empty when the client would rather not say.
    feeling_today = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "appointments_sessionpreparation"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(feeling_today__lte=FEELING_SCALE_MAX),
                name="preparation_feeling_on_scale",
            )
        ]

    def __str__(self) -> str:
        return f"Preparation for {self.appointment_id}"

    def talk_about_items(self) -> list[str]:
        return [
            line.strip(" -•*\t") for line in self.talk_about.splitlines() if line.strip(" -•*\t")
        ]


class SessionRecord(models.Model):
    """The agenda set at the start and the summary and next steps agreed at the end.

    The summary and next steps are written for the client: they see them once they are shared.
    """

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="session_record"
    )
    agenda = models.JSONField(default=list, blank=True)  # list of short strings, in order
    summary = EncryptedTextField(blank=True)
    next_steps = EncryptedTextField(blank=True)
    summary_shared_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "appointments_sessionrecord"

    def __str__(self) -> str:
        return f"Session record for {self.appointment_id}"

    @property
    def is_shared(self) -> bool:
        return self.summary_shared_at is not None


class PrivateNoteQuerySet(models.QuerySet["PrivateNote"]):
    def for_appointment(self, appointment: Appointment) -> PrivateNoteQuerySet:
        return (
            self.filter(appointment=appointment)
            .select_related("created_by")
            .order_by("created_at", "id")
        )


class PrivateNote(models.Model):
    """A therapist's private note on a session. Only the episode's therapist ever reads it.

    ``body`` is encrypted at rest (alliance/lib/encrypted_fields.py): the database, its backups
    and its dumps hold a Fernet token, nothing readable without the encryption keys.
    """

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="private_notes"
    )
    # The column keeps the name it had when the model stored the token by hand.
    body = EncryptedTextField(editable=False, db_column="body_token")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PrivateNoteQuerySet.as_manager()

    class Meta:
        db_table = "appointments_privatenote"

    def __str__(self) -> str:
        return f"Private note {self.pk} on appointment {self.appointment_id}"
