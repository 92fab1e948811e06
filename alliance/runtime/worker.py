"""The background worker: runs queued tasks and periodic jobs, and does not die.

It is django-tasks-db's worker (claiming a task row under a lock, running it, storing its
result) with what a practice needs on top:

- a transient database error (SQLite's "database is locked", a lost PostgreSQL connection, a
  serialization failure) is waited out with growing pauses; the worker never exits on one;
- a task that raises is tried again after a pause, up to ``MAX_ATTEMPTS`` in all, and then
  recorded as failed with its reason;
- a heartbeat row, refreshed from a thread so that it stays fresh while a long task runs, tells
  the health check and the other workers that this one lives;
- tasks left running by a worker that died are put back in the queue (``queue.py``);
- periodic jobs are queued when due (``periodic.py``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from alliance.runtime import periodic, queue
from alliance.runtime.queue import TaskRow

logger = logging.getLogger("alliance.worker")

# Errors that say "the database cannot answer right now", not "this is wrong".
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# Pauses after consecutive transient errors: 0.5 s, 1 s, 2 s ... at most 30 s.
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 30.0
# How often the worker looks for orphaned tasks and for due periodic jobs.
ORPHAN_CHECK_SECONDS = 10.0
PERIODIC_CHECK_SECONDS = 30.0
# Storing a finished task's outcome is tried this often (pauses as above: about a minute).
STORE_TRIES = 8


class ResilientWorker(Worker):
    def __init__(self, *, beat_in_thread: bool = True, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.started_at = timezone.now()
        self.beat_in_thread = beat_in_thread
        self._heartbeat: _HeartbeatThread | None = None
        self._next_orphan_check = 0.0
        self._next_periodic_check = 0.0
        self._pause = 0.0

    # --- The loop --------------------------------------------------------------------------

    def run(self) -> None:
        logger.info("Background worker %s started (pid %d)", self.worker_id, os.getpid())
        try:
            while self.running:
                try:
                    ran = self.step()
                except TRANSIENT_ERRORS as error:
                    self._wait_out(error)
                    continue
                self._pause = 0.0
                if self.batch and not ran:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                if self.running and not ran:
                    time.sleep(self.interval)
        finally:
            self._stop_heartbeat()
            logger.info("Background worker %s stopped", self.worker_id)

    def step(self) -> bool:
        """One turn of the loop: housekeeping when due, then at most one task. Returns whether
        a task ran."""
        close_old_connections()
        self._keep_heartbeat()
        self._housekeeping()
        task = self._claim_next()
        if task is None:
            return False
        self.run_task(task)
        return True

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if now >= self._next_orphan_check:
            # Tasks still marked as ours are orphans too: this worker runs one at a time and
            # is between tasks now (storing a result may have failed).
            queue.requeue_orphaned_tasks(also_worker_ids={self.worker_id})
            self._next_orphan_check = now + ORPHAN_CHECK_SECONDS
        if now >= self._next_periodic_check and not self.batch:
            periodic.queue_due_jobs()
            self._next_periodic_check = now + PERIODIC_CHECK_SECONDS

    def _claim_next(self) -> TaskRow | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task = tasks.get_locked()
            if task is not None:
                task.claim(self.worker_id)
        return task

    def _wait_out(self, error: Exception) -> None:
        self._pause = min(LONGEST_PAUSE, self._pause * 2 or FIRST_PAUSE)
        logger.warning(
            "The database did not answer (%s); the worker tries again in %.1f s",
            _describe(error),
            self._pause,
        )
        # A connection that failed mid-transaction is unusable: start afresh.
        connections.close_all()
        time.sleep(self._pause)

    def _keep_heartbeat(self) -> None:
        """The first beat is written here, before any task is claimed, so that no other worker
        takes this one's first task for an orphan; then the thread keeps it fresh (or, without
        the thread, every turn of the loop does)."""
        if self._heartbeat is not None:
            return
        queue.beat(self.worker_id, started_at=self.started_at, pid=os.getpid())
        if self.beat_in_thread:
            self._heartbeat = _HeartbeatThread(self.worker_id, self.started_at)
            self._heartbeat.start()

    def _stop_heartbeat(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.stop()
        with contextlib.suppress(*TRANSIENT_ERRORS):  # else the row goes stale instead
            queue.forget_worker(self.worker_id)

    # --- One task ----------------------------------------------------------------------------

    def run_task(self, db_task_result: TaskRow) -> None:
        self.running_task = True
        try:
            value = self._call(db_task_result)
        except BaseException as error:
            self._after_failure(db_task_result, error)
            if isinstance(error, KeyboardInterrupt | SystemExit):
                raise
        else:
            self._store(lambda: db_task_result.set_successful(value))
            task_finished.send(
                sender=type(db_task_result.task.get_backend()),
                task_result=db_task_result.task_result,
            )
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _call(self, db_task_result: TaskRow) -> object:
        task = db_task_result.task
        task_result = db_task_result.task_result
        task_started.send(sender=type(task.get_backend()), task_result=task_result)
        if task.takes_context:
            return task.call(
                TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
            )
        return task.call(*task_result.args, **task_result.kwargs)

    def _after_failure(self, db_task_result: TaskRow, error: BaseException) -> None:
        tried = queue.attempts(db_task_result)
        name = db_task_result.task_path.rsplit(".", 1)[-1]
        if tried < queue.MAX_ATTEMPTS:
            delay = queue.retry_delay(tried).total_seconds()
            logger.warning(
                "Task %s (%s) failed with %s, attempt %d of %d; trying again in %.0f s",
                db_task_result.id,
                name,
                type(error).__name__,
                tried,
                queue.MAX_ATTEMPTS,
                delay,
            )
            self._store(lambda: queue.retry_later(db_task_result, error))
            return
        logger.error(
            "Task %s (%s) failed with %s after %d attempts; recorded as failed",
            db_task_result.id,
            name,
            type(error).__name__,
            tried,
        )
        self._store(lambda: db_task_result.set_failed(error))

    def _store(self, store: Callable[[], None]) -> None:
        """Store a task's outcome, waiting out a busy database for a while (the work is done:
        running it again would only repeat it). If the database still refuses, the task stays
        marked as this worker's and the next orphan check puts it back in the queue."""
        pause = FIRST_PAUSE
        for _ in range(STORE_TRIES):
            try:
                store()
                return
            except TRANSIENT_ERRORS as error:
                logger.warning(
                    "Could not store a task's outcome (%s); trying again in %.1f s",
                    _describe(error),
                    pause,
                )
                connections.close_all()
                time.sleep(pause)
                pause = min(LONGEST_PAUSE, pause * 2)
        self._next_orphan_check = 0.0


def _describe(error: BaseException) -> str:
    """The kind of error and its first line: "OperationalError: database is locked". A
    database error names no client; a task's own errors are not described this way."""
    first_line = str(error).splitlines()[0][:200] if str(error) else ""
    return f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__


class _HeartbeatThread(threading.Thread):
    """Touches the worker's heartbeat row every few seconds, on its own connection."""

    def __init__(self, worker_id: str, started_at: datetime) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = started_at
        self._stopping = threading.Event()

    def run(self) -> None:
        while True:
            try:
                queue.beat(self.worker_id, started_at=self.started_at, pid=os.getpid())
            except Exception as error:
                logger.warning("Heartbeat not stored (%s); trying again", _describe(error))
            finally:
                connections.close_all()
            if self._stopping.wait(queue.HEARTBEAT_SECONDS):
                return

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=queue.HEARTBEAT_SECONDS + 1)
