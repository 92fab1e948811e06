"""Email reminders: when the practice sends them, who opted out, and what was already sent.

``SentReminder`` is the sent-log: one row per reminder, unique by kind and key, written before
the email goes out. However many workers run the job, and however often, each reminder is sent
once (a second claim of the same key fails on the unique constraint).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.practice.models import Client, Practice


class ReminderSettings(models.Model):
    """The practice's timing (set by its admin); a practice without a row uses the defaults."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="reminders")
    # A session reminder goes this many hours before the session (0: no session reminders).
    session_hours_before = models.PositiveSmallIntegerField(default=24)
    # A form still unanswered this many hours after it became due is reminded once (0: never).
    form_hours_after = models.PositiveSmallIntegerField(default=24)
    # The therapists' daily digest goes at this local hour (empty: no digest).
    digest_hour = models.PositiveSmallIntegerField(null=True, blank=True, default=7)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(session_hours_before__lte=168), name="reminder_at_most_a_week"
            ),
            models.CheckConstraint(
                condition=models.Q(form_hours_after__lte=336), name="form_reminder_two_weeks"
            ),
            models.CheckConstraint(
                condition=models.Q(digest_hour__isnull=True) | models.Q(digest_hour__lte=23),
                name="digest_hour_of_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminders of {self.practice_id}"


class ReminderPreference(models.Model):
    """A client's choice; without a row, a client gets both kinds of reminder."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="reminders")
    sessions = models.BooleanField(default=True)
    forms = models.BooleanField(default=True)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reminder choices of {self.client_id}"


class ReminderKind(models.TextChoices):
    SESSION = "session", "Session reminder"
    FORM = "form", "Form reminder"
    DIGEST = "digest", "Daily digest"


class SentReminder(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    # What the reminder is about: "appointment 12 at <start>", "form 40", "therapist 3 on <date>".
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="each_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
