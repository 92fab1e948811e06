"""One row per form submission a person made: its key (a random value the form carried) and
where the first answer sent them. A second arrival of the same submission (a double click, a
browser retrying after a dropped connection) finds the row and is sent to the same place."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Submission(models.Model):
    key = models.UUIDField(primary_key=True, default=uuid.uuid4)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Where the first answer sent the person ("" when it answered with a page or a fragment).
    location = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"submission {self.key}"
