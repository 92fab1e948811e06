"""The therapy agreement of a care episode: its versions, the client's acknowledgements, and
its reviews. The practice's template is the starting text of every new agreement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.lib.encrypted_fields import EncryptedTextField
from alliance.practice.models import CareEpisode, Practice


class AgreementTemplate(models.Model):
    """One per practice: the sections ({key: text}) and terms a new agreement is drafted from."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="agreement_template"
    )
    sections = models.JSONField(default=dict)
    frequency_days = models.PositiveSmallIntegerField(default=7)
    session_minutes = models.PositiveSmallIntegerField(default=50)
    late_cancellation_hours = models.PositiveSmallIntegerField(default=24)
    review_every_weeks = models.PositiveSmallIntegerField(default=12)

    def __str__(self) -> str:
        return f"agreement template of {self.practice}"


class Agreement(models.Model):
    episode = models.OneToOneField(CareEpisode, on_delete=models.CASCADE, related_name="agreement")
    review_every_weeks = models.PositiveSmallIntegerField(default=12)
    created_at = models.DateTimeField(default=timezone.now)
    # The last review: a new version, or a "reviewed, no change" event.
    reviewed_at = models.DateTimeField(default=timezone.now)
    # A draft until the therapist shares it: the client sees nothing of it before then, and
    # every version saved after that is shown to the client at once (services.share_agreement).
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_every_weeks__gte=1), name="agreement_review_interval"
            )
        ]

    def __str__(self) -> str:
        return f"agreement for {self.episode}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    sections = models.JSONField()  # {section key: text}
    frequency_days = models.PositiveSmallIntegerField()
    session_minutes = models.PositiveSmallIntegerField()
    late_cancellation_hours = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="one_version_number"),
            models.CheckConstraint(
                condition=models.Q(frequency_days__gte=1, session_minutes__gte=1),
                name="version_terms_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"version {self.number} of {self.agreement}"


class Acknowledgement(models.Model):
    """A client's "I have read and agree" for one version: a new version needs a new one."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_acknowledgement_each")
        ]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.version}"


class AgreementReview(models.Model):
    """A review that changed nothing; a review that changed something is a new version."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["reviewed_at", "id"]

    def __str__(self) -> str:
        return f"review of {self.agreement} on {self.reviewed_at:%Y-%m-%d}"
