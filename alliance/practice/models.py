"""The practice, its therapists and clients, and the care episode that joins a therapist and a client.

A care episode is the therapeutic relationship itself: one therapist and one client, moving through
phases (rapport building, exploring issues and patterns, fostering lasting change, ending).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Practice(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Modality(models.TextChoices):
    CBT = "cbt", "CBT"
    HUMANISTIC = "humanistic", "Humanistic / person-centred"
    PSYCHODYNAMIC = "psychodynamic", "Psychodynamic"
    DBT = "dbt", "DBT"
    OTHER = "other", "Other"


class Style(models.TextChoices):
    COLLABORATIVE = "collaborative", "Collaborative"
    SUPPORTIVE = "supportive", "Supportive"
    DIRECTIVE = "directive", "Directive"


class Phase(models.TextChoices):
    RAPPORT = "rapport", "Building rapport"
    EXPLORING = "exploring", "Exploring issues and patterns"
    LASTING_CHANGE = "lasting_change", "Fostering lasting change"
    ENDING = "ending", "Ending"


class EpisodeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


class EndReason(models.TextChoices):
    COMPLETED = "completed", "Completed as planned"
    CLIENT_WITHDREW = "client_withdrew", "Client stopped attending"
    MUTUAL = "mutual", "Ended by mutual agreement"
    REFERRED = "referred", "Referred elsewhere"
    TRANSFERRED = "transferred", "Transferred to another therapist"
    OTHER = "other", "Other"


class TherapistProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapist_profile"
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="therapists")
    modalities = models.JSONField(default=list, blank=True)
    styles = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    bio = models.TextField(blank=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="supervisees", blank=True
    )
    # "Let my supervisors see my conversation reports" (alliance/conversation): off until the
    # therapist turns it on; supervisors then read them, never change or delete them.
    share_conversation_reports = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def modality_labels(self) -> list[str]:
        return [Modality(value).label for value in self.modalities if value in Modality.values]

    @property
    def style_labels(self) -> list[str]:
        return [Style(value).label for value in self.styles if value in Style.values]


class Client(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="client_record",
        null=True,
        blank=True,
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    # Some clients prefer a link by email to signing in: forms due are then also emailed.
    form_links_by_email = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()


class CareEpisodeQuerySet(models.QuerySet["CareEpisode"]):
    def open(self) -> CareEpisodeQuerySet:
        return self.exclude(status=EpisodeStatus.ENDED)

    def for_therapist(self, therapist: TherapistProfile) -> CareEpisodeQuerySet:
        return self.filter(therapist=therapist)


class CareEpisode(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="episodes")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="episodes")
    therapist = models.ForeignKey(
        TherapistProfile, on_delete=models.PROTECT, related_name="episodes"
    )
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.RAPPORT)
    modality = models.CharField(max_length=20, choices=Modality.choices, default=Modality.OTHER)
    style = models.CharField(max_length=20, choices=Style.choices, default=Style.COLLABORATIVE)
    status = models.CharField(
        max_length=10, choices=EpisodeStatus.choices, default=EpisodeStatus.ACTIVE
    )
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    objects = CareEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "therapist"],
                condition=~models.Q(status="ended"),
                name="one_open_episode_per_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(status="ended", ended_on__isnull=False)
                | (~models.Q(status="ended") & models.Q(ended_on__isnull=True, end_reason="")),
                name="ended_episode_has_end_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} with {self.therapist}"

    @property
    def is_open(self) -> bool:
        return self.status != EpisodeStatus.ENDED

    @property
    def next_phase(self) -> Phase | None:
        """The phase the phase form offers first (alliance/practice/phases.py)."""
        from alliance.practice.phases import next_phase

        return next_phase(self.phase)


class PhaseChange(models.Model):
    """One step in an episode's phase history; the first row records the starting phase."""

    episode = models.ForeignKey(CareEpisode, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=20, choices=Phase.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_phase or 'start'} -> {self.to_phase}"
