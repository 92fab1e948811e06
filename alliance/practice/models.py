"""The practice, its therapists and clients, and the care episode that joins a therapist and a client.

A care episode is the therapeutic relationship itself: one therapist and one client, moving through
phases (rapport building, exploring issues and patterns, fostering lasting change, ending).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.lib.encrypted_fields import EncryptedTextField


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
    # "Ended by mutual agreement" (``mutual``) was folded into the planned ending (migration
    # practice 0005): both said the ending was planned and agreed.
    COMPLETED = "completed", "Planned and agreed ending"
    CLIENT_WITHDREW = "client_withdrew", "Client stopped attending"
    CLIENT_CHOSE_TO_STOP = "client_chose_stop", "Client chose to stop"
    REFERRED = "referred", "Referred on"
    TRANSFERRED = "transferred", "Transferred to another therapist"
    OTHER = "other", "Other"


# What a therapist picks when she ends an episode (a transfer happens by assigning the client to
# another therapist, never from this list).
CHOSEN_END_REASONS = (
    EndReason.COMPLETED,
    EndReason.CLIENT_WITHDREW,
    EndReason.CLIENT_CHOSE_TO_STOP,
    EndReason.REFERRED,
    EndReason.OTHER,
)


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
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    preferred_language = models.CharField(max_length=60, blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    emergency_contact_relation = models.CharField(max_length=100, blank=True)
    # What the therapist notes about when and how to use the emergency contact: clinical.
    emergency_contact_notes = EncryptedTextField(blank=True, default="")
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

    @property
    def called(self) -> str:
        """The name to address the client by: the preferred name if they gave one."""
        return self.preferred_name or self.first_name


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Treatment"
    MEASUREMENT = "measurement", "Outcome measures and check-in forms"
    TRANSCRIPT_ANALYSIS = "transcript_analysis", "Analysis of session transcripts"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self) -> ConsentQuerySet:
        return self.filter(revoked_at__isnull=True)


class Consent(models.Model):
    """One consent a client gave, to one version of its text; revoking it keeps the row (the
    history is every row of the client, given and revoked). At most one in force per kind."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=24, choices=ConsentKind.choices)
    version = models.CharField(max_length=20)
    given_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_consent_in_force_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.version} for client {self.client_id}"


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
    # Written by the therapist for the client when the episode ends, shown in the portal.
    ending_summary = EncryptedTextField(blank=True, default="")

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
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_phase or 'start'} -> {self.to_phase}"
