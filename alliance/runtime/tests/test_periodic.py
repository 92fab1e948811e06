"""Periodic jobs are queued when due, once per interval, however many workers look."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from alliance.runtime import periodic
from alliance.runtime.models import PeriodicJob

pytestmark = pytest.mark.django_db

JOB = periodic.Job("tests.note", timedelta(hours=1), "alliance.runtime.tasks.prune_finished_tasks")


@pytest.fixture
def only_this_job(monkeypatch):
    monkeypatch.setattr(periodic, "_JOBS", {JOB.name: JOB})


def test_a_due_job_is_queued_once_per_interval(only_this_job):
    now = timezone.now()

    assert periodic.queue_due_jobs(now) == ["tests.note"]
    assert periodic.queue_due_jobs(now) == []  # a second worker looking at the same moment
    assert periodic.queue_due_jobs(now + timedelta(minutes=59)) == []
    assert periodic.queue_due_jobs(now + timedelta(minutes=61)) == ["tests.note"]

    assert DBTaskResult.objects.filter(task_path=JOB.task_path).count() == 2


def test_missed_runs_are_not_queued_one_by_one(only_this_job):
    now = timezone.now()
    periodic.queue_due_jobs(now)

    # The worker was stopped for a day: one run when it comes back, not 24.
    assert periodic.queue_due_jobs(now + timedelta(days=1)) == ["tests.note"]
    assert periodic.queue_due_jobs(now + timedelta(days=1, minutes=1)) == []


def test_a_job_can_wait_before_its_first_run(monkeypatch):
    later = periodic.Job("tests.later", timedelta(hours=1), JOB.task_path, timedelta(minutes=5))
    monkeypatch.setattr(periodic, "_JOBS", {later.name: later})
    now = timezone.now()

    assert periodic.queue_due_jobs(now) == []
    assert periodic.queue_due_jobs(now + timedelta(minutes=6)) == ["tests.later"]


def test_the_product_registers_its_periodic_jobs():
    names = {job.name for job in periodic.jobs()}

    assert {
        "signals.reevaluate_open_episodes",
        "measures.expire_overdue_forms",
        "reminders.send_due",
        "runtime.prune",
    } <= names
    for job in periodic.jobs():
        assert isinstance(import_string(job.task_path), Task), job


def test_a_path_that_is_no_task_is_refused(monkeypatch):
    wrong = periodic.Job("tests.wrong", timedelta(hours=1), "alliance.runtime.queue.beat")
    monkeypatch.setattr(periodic, "_JOBS", {wrong.name: wrong})

    with pytest.raises(TypeError, match="no task"):
        periodic.queue_due_jobs()
    assert PeriodicJob.objects.get(name="tests.wrong").last_queued_at is None
