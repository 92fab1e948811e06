"""The task queue's own bookkeeping, shared by the worker, the supervisor and the health check:
which workers are alive, which running tasks lost their worker, and putting a task back.

Tasks are rows of django-tasks-db's ``DBTaskResult``. A worker claims a row (status RUNNING,
its id appended to ``worker_ids``), so ``len(worker_ids)`` is the number of attempts so far.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Collection
from datetime import datetime, timedelta
from traceback import format_exception
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alliance.runtime.models import WorkerHeartbeat

logger = logging.getLogger("alliance.worker")

# One row of the task queue (the generic parameters are the task's arguments and result).
type TaskRow = DBTaskResult[..., Any]

# A worker touches its heartbeat every HEARTBEAT_SECONDS; after DEAD_AFTER without one it is
# taken for dead (six missed beats: a busy SQLite lock or a slow disk is not death).
HEARTBEAT_SECONDS = 5
DEAD_AFTER = timedelta(seconds=30)
# A task is tried this many times in all (a failure or its worker dying each count once).
MAX_ATTEMPTS = 3
# How long to wait before the second and third attempt.
RETRY_DELAYS = (timedelta(seconds=10), timedelta(seconds=60))
# Heartbeat rows of workers gone this long are deleted (they only matter while recent).
FORGET_AFTER = timedelta(days=1)


def beat(worker_id: str, *, started_at: datetime, pid: int) -> None:
    """Say that this worker is alive (one UPDATE, or an INSERT the first time)."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": pid,
                "started_at": started_at,
                "last_seen": now,
            },
        )


def forget_worker(worker_id: str) -> None:
    """A worker that stopped (cleanly, or seen dead by its supervisor) is no longer alive."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_worker_ids(now: datetime | None = None) -> set[str]:
    now = now or timezone.now()
    return set(
        WorkerHeartbeat.objects.filter(last_seen__gte=now - DEAD_AFTER).values_list(
            "worker_id", flat=True
        )
    )


def attempts(task: TaskRow) -> int:
    return len(task.worker_ids or [])


def retry_delay(attempts_so_far: int) -> timedelta:
    return RETRY_DELAYS[min(attempts_so_far, len(RETRY_DELAYS)) - 1]


def requeue_orphaned_tasks(
    *, also_worker_ids: Collection[str] = (), now: datetime | None = None
) -> int:
    """Put back in the queue every running task whose worker is dead (no fresh heartbeat) or
    named in ``also_worker_ids`` (a worker that knows it is not running it any more). A task
    that has used all its attempts is recorded as failed instead. Returns how many were
    requeued or failed."""
    now = now or timezone.now()
    live = live_worker_ids(now) - set(also_worker_ids)
    settled = 0
    for task in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        last_worker = task.worker_ids[-1] if task.worker_ids else None
        if last_worker in live:
            continue
        reason = f"its worker ({last_worker}) stopped while running it"
        if _settle_orphan(task, reason=reason, now=now):
            settled += 1
    if settled:
        logger.warning("Put %d task(s) back after their worker stopped", settled)
    return settled


def _settle_orphan(task: TaskRow, *, reason: str, now: datetime) -> bool:
    """Requeue (or fail, when out of attempts) one orphan, unless another process already
    did: the UPDATE only applies while the row is still running under the same claim."""
    still_running = Q(pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at)
    if attempts(task) >= MAX_ATTEMPTS:
        changed = DBTaskResult.objects.filter(still_running).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path="alliance.runtime.queue.WorkerLost",
            traceback=f"WorkerLost: {reason}, {attempts(task)} times; not tried again.\n",
        )
    else:
        changed = DBTaskResult.objects.filter(still_running).update(
            status=TaskResultStatus.READY, run_after=now, exception_class_path="", traceback=""
        )
    return bool(changed)


@transaction.atomic
def retry_later(task: TaskRow, error: BaseException, *, now: datetime | None = None) -> None:
    """Back to the queue after a failed attempt, to run again after a pause; the error is kept
    on the row (shown to the operator) until the task succeeds or fails for good."""
    now = now or timezone.now()
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.READY,
        run_after=now + retry_delay(attempts(task)),
        exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
        traceback="".join(format_exception(error)),
    )


def forget_stale_workers(now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = WorkerHeartbeat.objects.filter(last_seen__lt=now - FORGET_AFTER).delete()
    return deleted
