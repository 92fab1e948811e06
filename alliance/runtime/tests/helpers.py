"""Shared pieces of the runtime tests: run the worker in this process, read the queue."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from alliance.runtime import queue
from alliance.testing.tasks import run_queued_tasks


def run_worker_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    run_queued_tasks(monkeypatch)


def only_task() -> DBTaskResult[..., Any]:
    [task] = DBTaskResult.objects.all()
    return task


def live_worker(worker_id: str = "tests-live-worker") -> str:
    """A worker that says it is alive, as a running ``alliance worker`` would."""
    from django.utils import timezone

    queue.beat(worker_id, started_at=timezone.now(), pid=1)
    return worker_id
