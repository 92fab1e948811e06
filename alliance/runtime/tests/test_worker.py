"""The worker runs a task once, retries a failing one a bounded number of times with pauses,
records the failure with its reason, and puts back tasks whose worker died."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alliance.runtime import queue
from alliance.runtime.models import WorkerHeartbeat
from alliance.runtime.queue import TaskRow
from alliance.runtime.tests.helpers import live_worker, only_task, run_worker_batch
from alliance.runtime.tests.tasks_for_tests import fail_always, note

pytestmark = pytest.mark.django_db


def test_a_task_runs_once_and_the_worker_leaves_no_heartbeat_behind(tmp_path, monkeypatch):
    marker = tmp_path / "marker"
    note.enqueue(str(marker))

    run_worker_batch(monkeypatch)
    run_worker_batch(monkeypatch)

    assert marker.read_text().count("done") == 1
    task = only_task()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == "done"
    assert not WorkerHeartbeat.objects.exists()


def test_a_failing_task_is_tried_three_times_with_pauses_then_recorded_failed(
    tmp_path, monkeypatch
):
    marker = tmp_path / "marker"
    fail_always.enqueue(str(marker))
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        run_worker_batch(monkeypatch)
    task = only_task()
    assert task.status == TaskResultStatus.READY
    assert task.run_after == start + queue.RETRY_DELAYS[0]
    assert "this task always fails" in task.traceback

    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        run_worker_batch(monkeypatch)  # not due yet
    assert _tries(marker) == 1

    with time_machine.travel(start + timedelta(seconds=11), tick=False):
        run_worker_batch(monkeypatch)
    assert _tries(marker) == 2
    assert only_task().status == TaskResultStatus.READY

    with time_machine.travel(start + timedelta(seconds=11 + 61), tick=False):
        run_worker_batch(monkeypatch)
    task = only_task()
    assert _tries(marker) == queue.MAX_ATTEMPTS == 3
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "builtins.RuntimeError"
    assert "this task always fails" in task.traceback

    with time_machine.travel(start + timedelta(hours=2), tick=False):
        run_worker_batch(monkeypatch)
    assert _tries(marker) == 3


def _tries(marker: Path) -> int:
    return marker.read_text().count("tried")


def _running_task(worker_ids: list[str]) -> TaskRow:
    result = note.enqueue("/dev/null")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=worker_ids, started_at=timezone.now()
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_a_task_whose_worker_died_goes_back_to_the_queue():
    orphan = _running_task(["gone-worker"])

    assert queue.requeue_orphaned_tasks() == 1

    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.READY
    assert orphan.run_after <= timezone.now()


def test_a_task_whose_worker_lives_is_left_alone():
    task = _running_task([live_worker("alive")])

    assert queue.requeue_orphaned_tasks() == 0

    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_a_worker_silent_for_longer_than_the_limit_is_taken_for_dead():
    task = _running_task([live_worker("went-quiet")])

    later = timezone.now() + queue.DEAD_AFTER + timedelta(seconds=1)
    assert queue.requeue_orphaned_tasks(now=later) == 1

    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY


def test_a_task_that_lost_its_worker_every_time_is_failed_not_retried_forever():
    task = _running_task(["first", "second", "third"])

    queue.requeue_orphaned_tasks()

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "alliance.runtime.queue.WorkerLost"
    assert "3 times" in task.traceback


def test_the_worker_takes_back_a_task_still_marked_as_its_own():
    # Storing the outcome failed earlier: the row still says this worker runs it, but the
    # worker is between tasks, so it is an orphan all the same.
    task = _running_task([live_worker("me")])

    assert queue.requeue_orphaned_tasks(also_worker_ids={"me"}) == 1

    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
