"""Reminder emails: each sent once however often the job runs, the client's opt-out respected,
the practice's timing applied, the therapist's daily digest; the settings and choices pages."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alliance.appointments.models import Appointment, PracticeCalendar
from alliance.audit.services import Actor
from alliance.reminders.models import ReminderPreference, ReminderSettings, SentReminder
from alliance.reminders.sending import send_due
from alliance.reminders.tasks import send_due_reminders
from alliance.testing.tasks import run_queued_tasks

HELPER = Actor.system("reminders-test")


@pytest.fixture
def emails(personas) -> None:
    personas.chris_client.email = "chris@example.org"
    personas.chris_client.save(update_fields=["email"])
    personas.dana.email = "dana@example.org"
    personas.dana.save(update_fields=["email"])


def soon(personas, hours: float) -> Appointment:
    start = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return Appointment.objects.create(
        practice=personas.practice,
        episode=personas.chris_episode,
        scheduled_start=start,
        scheduled_end=start + timedelta(minutes=50),
    )


def to(address: str, subject: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address] and m.subject == subject]


def test_a_session_reminder_is_sent_once_however_often_the_job_runs(personas, emails):
    appointment = soon(personas, 5)

    first = send_due()
    second = send_due()

    reminders = to("chris@example.org", "Your next session")
    assert len(reminders) == 1
    assert first.sessions == 1 and second.sessions == 0
    local = timezone.localtime(appointment.scheduled_start)
    assert f"{local:%H:%M}" in reminders[0].body
    assert "Moreau" not in reminders[0].body or "Chris" in reminders[0].body
    assert SentReminder.objects.filter(kind="session").count() == 1


def test_the_periodic_job_runs_in_the_worker_and_sends_once(personas, emails, monkeypatch):
    soon(personas, 3)
    send_due_reminders.enqueue()
    send_due_reminders.enqueue()
    run_queued_tasks(monkeypatch)
    assert len(to("chris@example.org", "Your next session")) == 1


def test_a_session_outside_the_practices_timing_is_not_reminded_yet(personas, emails):
    ReminderSettings.objects.create(practice=personas.practice, session_hours_before=2)
    appointment = soon(personas, 5)
    assert send_due().sessions == 0
    assert send_due(now=appointment.scheduled_start - timedelta(hours=1)).sessions == 1


def test_a_moved_session_is_reminded_again(personas, emails):
    from alliance.appointments.services import reschedule

    appointment = soon(personas, 5)
    send_due()
    reschedule(
        actor=HELPER,
        appointment=appointment,
        new_start=appointment.scheduled_start + timedelta(hours=2),
    )
    send_due()
    assert len(to("chris@example.org", "Your next session")) == 2


def test_a_client_who_opted_out_gets_no_session_reminder(signed_in, personas, emails):
    soon(personas, 5)
    response = signed_in("chris").post(reverse("reminders:mine"), {"forms": "on"})
    assert response.status_code == 302
    assert ReminderPreference.objects.get(client=personas.chris_client).sessions is False

    send_due()

    assert to("chris@example.org", "Your next session") == []


def test_a_form_still_open_is_reminded_once_and_opt_out_respected(personas, emails):
    later = timezone.now() + timedelta(hours=25)
    assert send_due(now=later).forms == 1
    assert send_due(now=later + timedelta(hours=1)).forms == 0
    body = to("chris@example.org", "A form is waiting for you")[0].body
    assert "alliance" not in body.lower() or "/portal/" in body  # a sign-in link, no form name

    ReminderPreference.objects.filter(client=personas.chris_client).delete()
    SentReminder.objects.all().delete()
    ReminderPreference.objects.create(client=personas.chris_client, forms=False)
    mail.outbox.clear()
    assert send_due(now=later).forms == 0


def test_a_client_who_prefers_links_gets_each_forms_own_link(personas, emails):
    from alliance.measures.access import form_link_token

    personas.chris_client.form_links_by_email = True
    personas.chris_client.save(update_fields=["form_links_by_email"])
    send_due(now=timezone.now() + timedelta(hours=25))
    body = to("chris@example.org", "A form is waiting for you")[0].body
    assert form_link_token(personas.chris_checkin) in body
    assert "/portal/" not in body


def test_the_digest_counts_move_requests(personas, emails):
    from alliance.appointments.selfservice import request_move
    from alliance.reminders.sending import digest_body

    appointment = personas.chris_next_appointment
    request_move(
        actor=HELPER,
        appointment=appointment,
        proposed_start=appointment.scheduled_start + timedelta(1),
    )
    body = digest_body(personas.dana_profile, timezone.now())
    assert body is not None and "Clients asking to move a session: 1" in body


def test_the_therapists_daily_digest_goes_once_a_day_at_the_practices_hour(personas, emails):
    PracticeCalendar.objects.create(practice=personas.practice, time_zone="Europe/London")
    ReminderSettings.objects.create(practice=personas.practice, digest_hour=7)
    day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(1)
    Appointment.objects.create(
        practice=personas.practice,
        episode=personas.chris_episode,
        scheduled_start=day.replace(hour=15),
        scheduled_end=day.replace(hour=15, minute=50),
    )

    assert send_due(now=day.replace(hour=6)).digests == 0  # before the hour
    assert send_due(now=day.replace(hour=7, minute=5)).digests == 1
    assert send_due(now=day.replace(hour=9)).digests == 0  # once a day
    digest = to("dana@example.org", "Alliance: your day")
    assert len(digest) == 1
    assert "15:00 CM" in digest[0].body and "Moreau" not in digest[0].body
    assert send_due(now=day.replace(hour=7) + timedelta(days=1)).digests == 0  # nothing to say
    Appointment.objects.create(
        practice=personas.practice,
        episode=personas.chris_episode,
        scheduled_start=day.replace(hour=16) + timedelta(days=2),
        scheduled_end=day.replace(hour=16, minute=50) + timedelta(days=2),
    )
    assert send_due(now=day.replace(hour=8) + timedelta(days=2)).digests == 1  # a new day


def test_the_admin_sets_the_timing_and_others_cannot(signed_in, personas):
    alex = signed_in("alex")
    response = alex.post(
        reverse("reminders:settings"),
        {
            "time_zone": "Europe/Berlin",
            "session_hours_before": "48",
            "form_hours_after": "0",
            "digest_hour": "",
        },
    )
    assert response.status_code == 302
    rules = ReminderSettings.objects.get(practice=personas.practice)
    assert (rules.session_hours_before, rules.form_hours_after, rules.digest_hour) == (48, 0, None)
    assert PracticeCalendar.objects.get(practice=personas.practice).time_zone == "Europe/Berlin"
    bad = alex.post(
        reverse("reminders:settings"), {"time_zone": "Mars/Base", "session_hours_before": "x"}
    )
    assert bad.status_code == 400
    for name in ("dana", "chris"):
        assert signed_in(name).get(reverse("reminders:settings")).status_code in (302, 403, 404)
    assert signed_in("dana").get(reverse("reminders:mine")).status_code in (302, 403, 404)


@pytest.mark.django_db(transaction=True)
def test_workers_running_the_job_at_the_same_moment_send_each_reminder_once(personas, emails):
    soon(personas, 5)
    runners = 4
    barrier = threading.Barrier(runners)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            send_due()
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    assert len(to("chris@example.org", "Your next session")) == 1
    assert SentReminder.objects.filter(kind="session").count() == 1
