"""Mutual goals of a care episode, in the client's own words, and the progress ratings on them.

A goal moves proposed → active → achieved, revised (a new active goal carries the new wording
and points back to this one) or dropped (with a reason). Client and therapist rate progress on
an active goal from 0 to 10, as in goal-based outcome measures.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.appointments.models import Appointment
from alliance.lib.encrypted_fields import EncryptedTextField
from alliance.practice.models import CareEpisode, Practice

DEFAULT_REVIEW_EVERY_SESSIONS = 4
SCORE_MIN, SCORE_MAX = 0, 10


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    REVISED = "revised", "Revised"
    DROPPED = "dropped", "Dropped"


class GoalRole(models.TextChoices):
    CLIENT = "client", "Client"
    THERAPIST = "therapist", "Therapist"


class GoalQuerySet(models.QuerySet["Goal"]):
    def active(self) -> GoalQuerySet:
        return self.filter(status=GoalStatus.ACTIVE)

    def current(self) -> GoalQuerySet:
        """What is still being worked on or waiting to be agreed."""
        return self.filter(status__in=[GoalStatus.PROPOSED, GoalStatus.ACTIVE])


class Goal(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="goals")
    episode = models.ForeignKey(CareEpisode, on_delete=models.PROTECT, related_name="goals")
    client_words = EncryptedTextField()
    therapist_framing = EncryptedTextField(blank=True)
    status = models.CharField(
        max_length=10, choices=GoalStatus.choices, default=GoalStatus.PROPOSED
    )
    # The goal this one replaces: its wording was revised into this one.
    revised_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions"
    )
    drop_reason = EncryptedTextField(blank=True)
    proposed_by = models.CharField(max_length=10, choices=GoalRole.choices)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    review_every_sessions = models.PositiveSmallIntegerField(default=DEFAULT_REVIEW_EVERY_SESSIONS)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="dropped") | ~models.Q(drop_reason=""),
                name="dropped_goal_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(review_every_sessions__gte=1),
                name="goal_review_every_at_least_one_session",
            ),
        ]

    def __str__(self) -> str:
        words: str = self.client_words
        return words[:60]


class GoalRating(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="ratings")
    rated_by_role = models.CharField(max_length=10, choices=GoalRole.choices)
    score = models.PositiveSmallIntegerField()
    rated_at = models.DateTimeField(default=timezone.now)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="goal_ratings"
    )
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["rated_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="goal_rating_score_0_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rated_by_role} {self.score}/10"
