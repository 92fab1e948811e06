"""Stored measures: what is due from whom (form requests), what came back (responses) and when
forms are due (schedules).

Instruments themselves are files (see ``alliance.measures.registry``); rows refer to them by id and
keep the instrument version they were answered with, so scores can be recomputed from raw answers.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.practice.models import CareEpisode, Client, Practice


class MeasureSchedule(models.Model):
    """When forms are due. One row per practice (episode is null), optionally one per episode
    that overrides the practice's."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="schedules")
    episode = models.OneToOneField(
        CareEpisode, on_delete=models.CASCADE, null=True, blank=True, related_name="schedule"
    )
    checkin_after_every_session = models.BooleanField(default=True)
    review_every_sessions = models.PositiveSmallIntegerField(default=4)
    outcome_instruments = models.JSONField(default=list)  # e.g. ["phq9", "gad7"]
    outcome_at_intake = models.BooleanField(default=True)
    outcome_every_sessions = models.PositiveSmallIntegerField(default=4)
    self_rating_after_every_session = models.BooleanField(default=True)
    link_valid_days = models.PositiveSmallIntegerField(default=7)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice"],
                condition=models.Q(episode__isnull=True),
                name="one_default_schedule_per_practice",
            ),
            models.CheckConstraint(
                condition=models.Q(review_every_sessions__gte=1, outcome_every_sessions__gte=1),
                name="schedule_intervals_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"schedule for {self.episode or self.practice}"


class FormRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class FormRequestQuerySet(models.QuerySet["FormRequest"]):
    def open(self, now: datetime | None = None) -> FormRequestQuerySet:
        return self.filter(status=FormRequestStatus.PENDING, expires_at__gt=now or timezone.now())


class FormRequest(models.Model):
    """One form due from one person: a client's check-in after a session, a therapist's
    self-rating, an outcome measure. Answering it completes it exactly once."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(CareEpisode, on_delete=models.PROTECT, related_name="form_requests")
    # The episode's client, kept here too so that answering a form needs no join.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    instrument_id = models.CharField(max_length=64)
    respondent_role = models.CharField(max_length=16)  # "client" or "therapist"
    # The account the form is addressed to (the client's, or the therapist's for a self-rating);
    # empty for a client without an account, who answers by emailed link.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="form_requests",
    )
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="form_requests",
    )
    status = models.CharField(
        max_length=12, choices=FormRequestStatus.choices, default=FormRequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = FormRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["episode", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "instrument_id", "respondent_role"],
                condition=models.Q(appointment__isnull=False),
                name="one_form_per_instrument_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} for {self.episode} ({self.status})"

    def is_open(self, now: datetime | None = None) -> bool:
        return self.status == FormRequestStatus.PENDING and self.expires_at > (
            now or timezone.now()
        )


class ResponseSource(models.TextChoices):
    PORTAL = "portal", "Client portal"
    LINK = "link", "Emailed link"
    CLINIC = "clinic", "Therapist"
    FHIR = "fhir", "FHIR API"
    DEMO = "demo", "Demo data"


class MeasureResponseQuerySet(models.QuerySet["MeasureResponse"]):
    def for_instrument(self, instrument_id: str) -> MeasureResponseQuerySet:
        return self.filter(instrument_id=instrument_id)

    def chronological(self) -> MeasureResponseQuerySet:
        return self.order_by("submitted_at", "id")


class MeasureResponse(models.Model):
    """The answers to one form, as given, with the scores computed when they were stored."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(CareEpisode, on_delete=models.PROTECT, related_name="responses")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="responses")
    form_request = models.OneToOneField(
        FormRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
    )
    instrument_id = models.CharField(max_length=64)
    instrument_version = models.CharField(max_length=32)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respondent_role = models.CharField(max_length=16)
    source = models.CharField(max_length=10, choices=ResponseSource.choices)
    # A caller-supplied key (FHIR QuestionnaireResponse.identifier) so a retried POST stores once.
    external_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    answers = models.JSONField()  # {link_id: value}; free text included
    submitted_at = models.DateTimeField(default=timezone.now)
    # Scores at the time of storing (recomputable from answers + instrument version).
    total = models.FloatField(null=True, blank=True)
    subscale_scores = models.JSONField(default=dict, blank=True)
    band = models.CharField(max_length=64, blank=True)
    concern = models.BooleanField(default=False)  # crosses the instrument's clinical cut-off
    safety_items = models.JSONField(default=list, blank=True)  # link ids that raised a flag
    comment = models.TextField(blank=True)  # the free-text answer(s), joined

    objects = MeasureResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["episode", "instrument_id", "submitted_at"])]

    def __str__(self) -> str:
        return (
            f"{self.instrument_id} {self.total} for {self.client} on {self.submitted_at:%Y-%m-%d}"
        )

    @property
    def safety_flag(self) -> bool:
        return bool(self.safety_items)
