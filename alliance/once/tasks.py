"""Submission keys matter for minutes (a double click, a retry); a day later they are noise."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from alliance.once.models import Submission

KEEP = timedelta(days=2)


@task
def prune_submissions() -> int:
    deleted, _ = Submission.objects.filter(received_at__lt=timezone.now() - KEEP).delete()
    return deleted
