"""Appointments of a care episode: when they were planned, whether they happened, and on time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.practice.models import CareEpisode, Practice

# A session that starts within this many minutes of its scheduled time counts as on time.
ON_TIME_GRACE = timedelta(minutes=5)


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ATTENDED = "attended", "Attended"
    CANCELLED = "cancelled", "Cancelled"
    LATE_CANCELLED = "late_cancelled", "Cancelled late"
    NO_SHOW = "no_show", "No-show"


# Statuses that count in an attendance rate: a cancellation with notice is not a missed session.
COUNTED_FOR_ATTENDANCE = (
    AppointmentStatus.ATTENDED,
    AppointmentStatus.LATE_CANCELLED,
    AppointmentStatus.NO_SHOW,
)


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def upcoming(self, now: datetime | None = None) -> AppointmentQuerySet:
        return self.filter(
            status=AppointmentStatus.SCHEDULED, scheduled_start__gte=now or timezone.now()
        ).order_by("scheduled_start")

    def past(self, now: datetime | None = None) -> AppointmentQuerySet:
        return self.filter(scheduled_start__lt=now or timezone.now()).order_by("-scheduled_start")


class Appointment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="appointments")
    episode = models.ForeignKey(CareEpisode, on_delete=models.PROTECT, related_name="appointments")
    scheduled_start = models.DateTimeField()
    scheduled_end = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED
    )
    actual_start = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_start", "id"]
        indexes = [models.Index(fields=["episode", "scheduled_start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scheduled_end__gt=models.F("scheduled_start")),
                name="appointment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_start__isnull=True) | models.Q(status="attended"),
                name="only_attended_has_actual_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.episode} at {self.scheduled_start:%Y-%m-%d %H:%M}"

    @property
    def minutes_late(self) -> int | None:
        if self.actual_start is None:
            return None
        return max(0, int((self.actual_start - self.scheduled_start).total_seconds() // 60))

    @property
    def started_on_time(self) -> bool | None:
        if self.actual_start is None:
            return None
        return self.actual_start - self.scheduled_start <= ON_TIME_GRACE


# --- The session itself: the client's preparation, the record of the session, private notes ---

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
    summary = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    summary_shared_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

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

    ``body_token`` is a Fernet token (alliance/lib/encryption.py), never the text itself: the
    database, its backups and its dumps hold nothing readable without the note keys.
    """

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="private_notes"
    )
    body_token = models.TextField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PrivateNoteQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Private note {self.pk} on appointment {self.appointment_id}"
