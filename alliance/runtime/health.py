"""Is background work being done? Read by ``/healthz`` and by the banner staff see.

Two queries: the live workers (fresh heartbeats), and the queue (how many tasks are ready to
run, since when, and how many failed for good in the last day). Background work is *behind*
when a ready task has waited longer than ``ALLIANCE_QUEUE_STALL_MINUTES`` or no worker lives:
then flags, transcript reports and emailed form links wait, and somebody must be told.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from alliance.runtime.queue import live_worker_ids


@dataclass(frozen=True)
class BackgroundHealth:
    workers_alive: int
    tasks_waiting: int
    oldest_waiting_seconds: int | None
    failed_last_day: int
    stall_after_seconds: int

    @property
    def no_worker(self) -> bool:
        return self.workers_alive == 0

    @property
    def queue_stalled(self) -> bool:
        return (
            self.oldest_waiting_seconds is not None
            and self.oldest_waiting_seconds > self.stall_after_seconds
        )

    @property
    def behind(self) -> bool:
        return self.no_worker or self.queue_stalled

    @property
    def oldest_waiting_minutes(self) -> int:
        return (self.oldest_waiting_seconds or 0) // 60

    def as_dict(self) -> dict[str, object]:
        return asdict(self) | {"behind": self.behind, "no_worker": self.no_worker}


def stall_after() -> timedelta:
    return timedelta(minutes=settings.QUEUE_STALL_MINUTES)


def background_health(now: datetime | None = None) -> BackgroundHealth:
    now = now or timezone.now()
    never = get_date_max()
    figures = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY, run_after__lte=now)
        | Q(status=TaskResultStatus.READY, run_after=never)
        | Q(status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(days=1))
    ).aggregate(
        waiting=Count("id", filter=Q(status=TaskResultStatus.READY)),
        # A task queued to run at once has waited since it was queued; a deferred one (a retry)
        # since the time it was due.
        oldest_queued=Min("enqueued_at", filter=Q(status=TaskResultStatus.READY, run_after=never)),
        oldest_due=Min("run_after", filter=Q(status=TaskResultStatus.READY, run_after__lt=never)),
        failed=Count("id", filter=Q(status=TaskResultStatus.FAILED)),
    )
    since = [at for at in (figures["oldest_queued"], figures["oldest_due"]) if at is not None]
    oldest = int((now - min(since)).total_seconds()) if since else None
    return BackgroundHealth(
        workers_alive=len(live_worker_ids(now)),
        tasks_waiting=figures["waiting"],
        oldest_waiting_seconds=max(0, oldest) if oldest is not None else None,
        failed_last_day=figures["failed"],
        stall_after_seconds=int(stall_after().total_seconds()),
    )
