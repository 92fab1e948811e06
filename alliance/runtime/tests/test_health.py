"""``/healthz`` and the staff banner tell when background work is stopped or behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alliance.runtime.tests.helpers import live_worker
from alliance.runtime.tests.tasks_for_tests import note

pytestmark = pytest.mark.django_db


def _queued_minutes_ago(minutes: int) -> None:
    result = note.enqueue("/dev/null")
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_healthz_is_ok_while_a_worker_lives_and_the_queue_moves(client):
    live_worker()
    _queued_minutes_ago(1)

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["background"]["workers_alive"] == 1
    assert body["background"]["tasks_waiting"] == 1


def test_healthz_says_when_no_worker_runs(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "behind"
    assert body["background"]["no_worker"] is True
    assert "no background worker is running" in body["problem"]


def test_healthz_says_when_the_queue_is_stalled(client, settings):
    settings.QUEUE_STALL_MINUTES = 3
    live_worker()  # alive, but not getting through the queue
    _queued_minutes_ago(10)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["background"]["oldest_waiting_seconds"] >= 600
    assert "waited 10 minutes" in body["problem"]


def test_a_retry_waits_from_when_it_was_due_not_from_when_it_was_first_queued(client):
    live_worker()
    result = note.enqueue("/dev/null")
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(hours=1),
        run_after=timezone.now() - timedelta(seconds=30),
    )

    body = client.get(reverse("healthz")).json()

    assert body["status"] == "ok"
    assert body["background"]["oldest_waiting_seconds"] < 60


def test_the_web_scope_ignores_background_work(client):
    response = client.get(reverse("healthz"), {"scope": "web"})

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_names_no_client(client, personas):
    text = client.get(reverse("healthz")).content.decode()

    assert personas.chris_client.last_name not in text


@pytest.mark.parametrize("name", ["dana", "sam", "alex"])
def test_staff_see_a_banner_when_no_worker_runs(signed_in, name):
    page = signed_in(name).get(reverse("home"), follow=True)

    assert page.status_code == 200
    assert 'id="background-behind"' in page.content.decode()
    assert "No background worker is running" in page.content.decode()


def test_staff_see_how_far_behind_the_queue_is(signed_in, settings):
    settings.QUEUE_STALL_MINUTES = 3
    live_worker()
    _queued_minutes_ago(12)

    text = signed_in("dana").get(reverse("clinic:dashboard")).content.decode()

    assert "Background work is behind" in text
    assert "1 task waiting, the oldest for 12 minutes" in text


def test_no_banner_while_background_work_is_done(signed_in):
    live_worker()

    text = signed_in("dana").get(reverse("clinic:dashboard")).content.decode()

    assert 'id="background-behind"' not in text


def test_clients_never_see_the_banner(signed_in):
    text = signed_in("chris").get(reverse("portal:home")).content.decode()

    assert 'id="background-behind"' not in text
