"""What the background side of Alliance keeps about itself: which workers are alive, and when
each periodic job is next due. Neither table holds clinical data."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running background worker, touched every few seconds while it lives (also
    while it runs a long task). A worker whose row has gone stale is dead: its running task is
    put back in the queue, and staff are told that background work has stopped."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} (pid {self.pid} on {self.hostname})"


class PeriodicJob(models.Model):
    """When a periodic job is next due. A worker claims a due job with one conditional UPDATE
    of ``next_run_at``, so with many workers each run is queued exactly once."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M})"
