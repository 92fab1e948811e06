"""Flags raised by the signals engine, rupture episodes and their repair, replies to feedback.

A ``Flag`` is one finding of one rule about one care episode: its kind, severity, the evidence it
rests on and the rule and parameters that fired, in the words a therapist reads. Its ``key`` names
what it is anchored to (a check-in, an instrument, the episode), so evaluating the same evidence
twice finds the same flag and changes nothing.

A ``RuptureEpisode`` groups the rupture flags of one strain in the relationship: the therapist
acknowledges it, records the repair (``RepairStep``) and confirms it resolved once the client's
following check-ins are back at their own baseline (the engine suggests when that happens).

A ``FeedbackReply`` answers a client's free-text feedback: the portal shows "You told us … — what
we changed: …".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.lib.encrypted_fields import EncryptedTextField
from alliance.measures.models import MeasureResponse
from alliance.practice.models import CareEpisode, Client, Practice


class FlagKind(models.TextChoices):
    RUPTURE = "rupture", "Rupture"
    LOW_ALLIANCE = "low_alliance", "Weak alliance"
    NOT_ON_TRACK = "not_on_track", "Not on track"
    DROPOUT_RISK = "dropout_risk", "Dropout risk"
    CRISIS = "crisis", "Crisis"


class Severity(models.IntegerChoices):
    INFO = 1, "For information"
    WARNING = 2, "Needs attention"
    URGENT = 3, "Urgent"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLEARED = "cleared", "Cleared"  # the condition no longer holds (never for a crisis)


class RuptureType(models.TextChoices):
    WITHDRAWAL = "withdrawal", "Withdrawal"
    CONFRONTATION = "confrontation", "Confrontation"
    UNCLEAR = "", "Not yet clear"


class FlagQuerySet(models.QuerySet["Flag"]):
    def unresolved(self) -> FlagQuerySet:
        return self.filter(status=FlagStatus.OPEN)


class Flag(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(CareEpisode, on_delete=models.PROTECT, related_name="flags")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=FlagKind.choices)
    rule = models.CharField(max_length=64)  # e.g. "rupture.drop_from_previous"
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    # What the finding is anchored to, unique within the episode ("checkin:123:drop_from_previous").
    key = models.CharField(max_length=200)
    subtype = models.CharField(max_length=16, choices=RuptureType.choices, blank=True)
    explanation = models.TextField()  # plain words for the therapist
    evidence = models.JSONField(default=list)  # [{"what", "value", "at", "ref"}]
    parameters = models.JSONField(default=dict)  # the rule's parameters when it fired
    observed_at = models.DateTimeField()  # when the evidence happened
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = EncryptedTextField(blank=True)  # the therapist's note when acknowledging
    rupture = models.ForeignKey(
        "RuptureEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "-observed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "key"], name="one_flag_per_finding"),
            models.CheckConstraint(
                condition=~models.Q(kind="crisis", status="cleared"),
                name="crisis_flag_never_cleared",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="crisis", status="acknowledged", note=""),
                name="crisis_acknowledged_with_note",
            ),
        ]
        indexes = [models.Index(fields=["episode", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.rule}) for episode {self.episode_id}"

    @property
    def is_open(self) -> bool:
        return self.status == FlagStatus.OPEN


class RuptureStatus(models.TextChoices):
    OPEN = "open", "Not yet acknowledged"
    ACKNOWLEDGED = "acknowledged", "Acknowledged, repair under way"
    RESOLVED = "resolved", "Resolved"
    UNRESOLVED = "unresolved", "Closed without recovery"


class RuptureEpisode(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(CareEpisode, on_delete=models.PROTECT, related_name="ruptures")
    key = models.CharField(max_length=200)  # the first flag's key, or "manual:<timestamp>"
    status = models.CharField(
        max_length=16, choices=RuptureStatus.choices, default=RuptureStatus.OPEN
    )
    rupture_type = models.CharField(max_length=16, choices=RuptureType.choices, blank=True)
    description = EncryptedTextField(blank=True)  # why it was opened, in plain words
    began_at = models.DateTimeField()  # when the evidence appeared
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(  # null: opened by the signals engine
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The client's own mean check-in before the rupture: recovery means returning to it.
    baseline = models.FloatField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set by the engine when the following check-ins are back at baseline (the "V" shape).
    recovery_suggested_at = models.DateTimeField(null=True, blank=True)
    recovery_evidence = models.JSONField(default=list, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-began_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "key"], name="one_rupture_per_key"),
        ]

    def __str__(self) -> str:
        return f"Rupture in episode {self.episode_id} from {self.began_at:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return self.status in (RuptureStatus.RESOLVED, RuptureStatus.UNRESOLVED)


class RepairStrategy(models.TextChoices):
    VALIDATE_FEELINGS = "validate_feelings", "Validate feelings"
    REVISIT_GOALS = "revisit_goals", "Revisit goals"
    CLARIFY_EXPECTATIONS = "clarify_expectations", "Clarify expectations"
    ACKNOWLEDGE_MISTAKE = "acknowledge_mistake", "Acknowledge a mistake"
    ADJUST_APPROACH = "adjust_approach", "Adjust the approach"
    DISCUSS_RELATIONSHIP = "discuss_relationship", "Talk about the relationship directly"


class RepairStep(models.Model):
    rupture = models.ForeignKey(RuptureEpisode, on_delete=models.PROTECT, related_name="repairs")
    strategies = models.JSONField(default=list)  # RepairStrategy values
    what_was_said = EncryptedTextField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Repair step for rupture {self.rupture_id}"

    def strategy_labels(self) -> list[str]:
        labels = dict(RepairStrategy.choices)
        return [labels.get(value, value) for value in self.strategies]


class FeedbackReply(models.Model):
    """What the practice changed in answer to a client's free-text feedback (closing the loop)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    response = models.OneToOneField(
        MeasureResponse, on_delete=models.PROTECT, related_name="feedback_reply"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    what_we_changed = EncryptedTextField()
    written_at = models.DateTimeField(default=timezone.now)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"Reply to response {self.response_id}"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


class EpisodeRisk(models.Model):
    """The latest dropout-risk assessment of an open care episode, with each factor explained."""

    episode = models.OneToOneField(CareEpisode, on_delete=models.CASCADE, related_name="risk")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()  # the percent again, for ordering
    # Probability of leaving without a planned ending, in percent (the dropout model's).
    percent = models.FloatField(default=0.0)
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    # [{"factor", "points" (percentage points), "odds", "words"}], largest first
    factors = models.JSONField(default=list)
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Dropout risk {self.level} for episode {self.episode_id}"


class SignalSettings(models.Model):
    """A practice's own rule parameters and switched-off rules, over the documented defaults."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="signal_settings"
    )
    overrides = models.JSONField(default=dict, blank=True)  # {rule_id: {parameter: value}}
    disabled_rules = models.JSONField(default=list, blank=True)
    # Dropout-model coefficients the practice adopted from its own endings (None: the shipped
    # ones); see alliance/signals/reestimate.py.
    dropout_model = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Signal settings of practice {self.practice_id}"


class Reestimation(models.Model):
    """Dropout-model coefficients and rupture thresholds re-estimated on a practice's own ended
    episodes, shrunk towards the defaults: a proposal the practice admin may adopt."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    episodes = models.PositiveIntegerField()  # ended episodes with a planned or dropout ending
    dropouts = models.PositiveIntegerField()
    prior_episodes = models.FloatField()  # the defaults weigh as much as this many episodes
    # {"dropout_model": {...}, "thresholds": {rule_id: {parameter: value}}}
    proposal = models.JSONField(default=dict)
    basis = models.JSONField(default=dict)  # what the estimates rest on, for the page
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"Re-estimation for practice {self.practice_id} on {self.computed_at:%Y-%m-%d}"
