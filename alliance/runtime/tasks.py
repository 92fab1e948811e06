"""Housekeeping of the queue itself, run as a periodic job."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alliance.runtime.queue import forget_stale_workers

# Finished task rows are kept this long (the health check counts recent failures from them).
KEEP_FINISHED = timedelta(days=30)


@task
def prune_finished_tasks() -> int:
    """Delete task rows that finished long ago, and heartbeats of long-gone workers."""
    cutoff = timezone.now() - KEEP_FINISHED
    deleted, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=cutoff,
    ).delete()
    forget_stale_workers()
    return deleted
