"""A therapist's calendar feed: a secret URL that calendar apps poll for upcoming sessions.

Only a SHA-256 hash of the token is stored (plus a short prefix to tell feeds apart), so a copy
of the database does not hand out working feed URLs. The full URL is shown once, on creation.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.practice.models import Practice, TherapistProfile


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
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
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
