"""Appointments of a care episode: when they were planned, whether they happened, and on time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.lib.encrypted_fields import EncryptedTextField
from alliance.practice.models import CareEpisode, Practice, TherapistProfile

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
    # Recurring bookings share a series; a one-off booking has none (it is not a series of 1).
    series = models.UUIDField(null=True, blank=True, db_index=True)
    # The iCalendar SEQUENCE: raised on every change a calendar app must see (moved, cancelled),
    # with the time of that change (the event's LAST-MODIFIED).
    sequence = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_start", "id"]
        indexes = [
            models.Index(fields=["episode", "scheduled_start"]),
            models.Index(fields=["practice", "scheduled_start"]),
        ]
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


# --- A therapist's calendar feed: a secret URL that calendar apps poll for upcoming sessions ---
# Only a SHA-256 hash of the token is stored (plus a short prefix to tell feeds apart), so a copy
# of the database does not hand out working feed URLs.


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def active(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        TherapistProfile, on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=8)
    # The token itself, encrypted at rest (alliance/lib/encryption.py), so that the therapist
    # can see her feed address again; a copy of the database without the keys opens no feed.
    # Empty for feeds made before it was kept: those are shown by prefix only.
    token = EncryptedTextField(editable=False, blank=True, default="", db_column="token_token")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        db_table = "scheduling_calendarfeed"  # made by the former scheduling app
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_calendar_feed_per_therapist",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed {self.token_prefix}… of {self.therapist_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# --- The therapist's calendar: working hours, the practice's time zone, move requests ---------


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """One stretch of a therapist's working week (local time of the practice): free slots are
    the parts of these stretches that no scheduled session takes. A day may have several."""

    therapist = models.ForeignKey(
        TherapistProfile, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["therapist", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="working_hours_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="working_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.start:%H:%M}–{self.end:%H:%M}"


class PracticeCalendar(models.Model):
    """The practice's calendar settings: the time zone its calendar pages and bookings use."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="calendar")
    time_zone = models.CharField(max_length=64, default=settings.TIME_ZONE)

    def __str__(self) -> str:
        return f"Calendar of {self.practice_id} ({self.time_zone})"


class MoveRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the therapist"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "No longer needed"


class MoveRequest(models.Model):
    """A client's request to move a session to another time; the therapist accepts (the session
    moves) or declines (it stays). At most one request waits per session."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="move_requests"
    )
    proposed_start = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=MoveRequestStatus.choices, default=MoveRequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment"],
                condition=models.Q(status="pending"),
                name="one_pending_move_request_per_appointment",
            )
        ]

    def __str__(self) -> str:
        return f"Move of {self.appointment_id} to {self.proposed_start:%Y-%m-%d %H:%M}"
