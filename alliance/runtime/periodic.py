"""Periodic jobs, run by the background worker without cron.

An app registers a job in its ``AppConfig.ready`` (``periodic.every(timedelta(hours=1),
"signals.reevaluate", "alliance.signals.tasks.reevaluate_open_episodes")``). Every worker looks
for due jobs now and then; a due job is claimed with one conditional UPDATE of its row and its
task queued in the same transaction, so however many workers run, each run is queued once.
A job that is due while no worker runs is queued once when one starts again, not once per
missed interval.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from alliance.runtime.models import PeriodicJob

logger = logging.getLogger("alliance.worker")


@dataclass(frozen=True)
class Job:
    name: str
    interval: timedelta
    # Dotted path to a ``django.tasks`` task taking no arguments; imported when it is queued,
    # so registering a job imports nothing from the app that runs it.
    task_path: str
    # How long after a worker first sees the job it is first due.
    first_after: timedelta = timedelta(0)


_JOBS: dict[str, Job] = {}


def every(
    interval: timedelta, name: str, task_path: str, *, first_after: timedelta = timedelta(0)
) -> None:
    if interval <= timedelta(0):
        raise ValueError(f"the periodic job {name!r} needs a positive interval")
    _JOBS[name] = Job(name, interval, task_path, first_after)


def jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def register_housekeeping() -> None:
    every(timedelta(days=1), "runtime.prune", "alliance.runtime.tasks.prune_finished_tasks")


def queue_due_jobs(now: datetime | None = None) -> list[str]:
    """Queue every job that is due; returns the names of those queued by this call."""
    now = now or timezone.now()
    queued = []
    for job in jobs():
        _ensure_row(job, now)
        if _claim_and_queue(job, now):
            queued.append(job.name)
    if queued:
        logger.info("Queued periodic job(s): %s", ", ".join(queued))
    return queued


def _ensure_row(job: Job, now: datetime) -> None:
    if PeriodicJob.objects.filter(name=job.name).exists():
        return
    try:
        with transaction.atomic():
            PeriodicJob.objects.create(name=job.name, next_run_at=now + job.first_after)
    except IntegrityError:
        pass  # another worker created it first


@transaction.atomic
def _claim_and_queue(job: Job, now: datetime) -> bool:
    claimed = PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=now + job.interval, last_queued_at=now
    )
    if not claimed:
        return False
    task = import_string(job.task_path)
    if not isinstance(task, Task):
        raise TypeError(f"the periodic job {job.name!r} names {job.task_path}, which is no task")
    task.enqueue()
    return True
