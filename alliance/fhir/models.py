"""API tokens: how a program (an EHR, a script) signs in to the FHIR API as one person.

Only a SHA-256 hash of each token is stored; the token itself is shown once, when issued.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)  # what it is for: "EHR sync", "export script"
    # The token's first characters: shown in lists so a person can tell tokens apart, and the
    # index a presented token is looked up by.
    prefix = models.CharField(max_length=8, unique=True)
    secret_hash = models.CharField(max_length=64)  # hex SHA-256 of the whole token
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def practice_id(self) -> int | None:
        # Lets audit rows written by system actors (the command) be filed under the practice.
        practice_id: int | None = self.user.practice_id
        return practice_id

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
