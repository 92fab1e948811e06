"""The session page, private notes, the client's preparation and the shared summary, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.lib.errors import DomainError
from alliance.sessions.models import PrivateNote, SessionPreparation, SessionRecord
from alliance.sessions.selectors import agenda_suggestions
from alliance.sessions.services import save_session_record, submit_preparation
from alliance.sessions.tests.helpers import (
    NEXT_STEPS,
    NOTE_TEXT,
    SUMMARY,
    chris_note,
    chris_shared_record,
)


def _session_url(appointment_id: int) -> str:
    return reverse("sessions:page", args=[appointment_id])


def _prepare(personas, talk_about: str = "My sister's visit\nSleep") -> SessionPreparation:
    return submit_preparation(
        actor=Actor(personas.chris),
        appointment=personas.chris_next_appointment,
        talk_about=talk_about,
        since_last_time="A hard week at work.",
        feeling_today=4,
    )


def test_the_clients_preparation_shows_on_the_therapists_session_page(signed_in, personas):
    _prepare(personas)
    page = signed_in("dana").get(_session_url(personas.chris_next_appointment.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert "A hard week at work." in html
    assert "4 out of 10" in html
    # The agenda starts from what chris wants to talk about.
    assert "My sister&#x27;s visit\nSleep" in html


def test_the_agenda_suggestions_come_from_the_preparation_and_last_next_steps(personas):
    chris_shared_record(personas)
    _prepare(personas, "- Sleep\n\n* Sleep\nMoney")
    assert agenda_suggestions(personas.chris_next_appointment) == [
        "Sleep",
        "Money",
        "Review the next steps from last time",
    ]


def test_the_client_prepares_in_the_portal(signed_in, personas):
    browser = signed_in("chris")
    url = reverse("sessions:prepare", args=[personas.chris_next_appointment.pk])
    response = browser.post(url, {"talk_about": "Sleep", "feeling_today": "7"})
    assert response.status_code == 302
    preparation = SessionPreparation.objects.get(appointment=personas.chris_next_appointment)
    assert (preparation.talk_about, preparation.feeling_today) == ("Sleep", 7)
    assert preparation.submitted_by == personas.chris
    # Sent again: the same preparation, changed.
    browser.post(url, {"talk_about": "Sleep and money"})
    assert SessionPreparation.objects.get().talk_about == "Sleep and money"
    assert AuditEvent.objects.filter(target="session preparation").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"feeling_today": "11"}, "less than or equal to 10"),
        ({"feeling_today": "lots"}, "Enter a whole number"),
        ({"talk_about": "", "since_last_time": ""}, "Please write something"),
        ({"talk_about": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_a_wrong_preparation_is_answered_with_400_and_why(signed_in, personas, data, message):
    url = reverse("sessions:prepare", args=[personas.chris_next_appointment.pk])
    response = signed_in("chris").post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SessionPreparation.objects.exists()


def test_a_session_that_has_started_cannot_be_prepared(signed_in, personas):
    url = reverse("sessions:prepare", args=[personas.chris_past_appointment.pk])
    response = signed_in("chris").post(url, {"talk_about": "Too late"})
    assert response.status_code == 400
    assert "already started" in response.content.decode()


def test_the_therapist_saves_agenda_summary_and_next_steps(signed_in, personas):
    appointment = personas.chris_past_appointment
    response = signed_in("dana").post(
        reverse("sessions:record", args=[appointment.pk]),
        {"agenda": "Sleep\n\n - Work ", "summary": SUMMARY, "next_steps": NEXT_STEPS},
    )
    assert response.status_code == 302
    session_record = SessionRecord.objects.get(appointment=appointment)
    assert session_record.agenda == ["Sleep", "Work"]
    assert session_record.summary_shared_at is None
    assert AuditEvent.objects.filter(target="session record", actor=personas.dana).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"agenda": "\n".join(f"item {n}" for n in range(16))}, "at most 15 items"),
        ({"agenda": "x" * 201}, "under 200 characters"),
        ({"summary": "", "next_steps": "", "share": "on"}, "before sharing them"),
        ({"summary": "s" * 4001}, "at most 4000 characters"),
    ],
)
def test_a_wrong_session_record_is_answered_with_400_and_why(signed_in, personas, data, message):
    url = reverse("sessions:record", args=[personas.chris_past_appointment.pk])
    response = signed_in("dana").post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SessionRecord.objects.exists()


def test_a_summary_cannot_be_shared_before_the_session(personas):
    with pytest.raises(DomainError, match="once the session has started"):
        save_session_record(
            actor=Actor(personas.dana),
            appointment=personas.chris_next_appointment,
            agenda=[],
            summary="Too soon",
            next_steps="",
            share=True,
        )


def test_an_empty_note_is_answered_with_400(signed_in, personas):
    url = reverse("sessions:note-add", args=[personas.chris_past_appointment.pk])
    response = signed_in("dana").post(url, {"body": "   "})
    assert response.status_code == 400
    assert "The note is empty." in response.content.decode()
    assert not PrivateNote.objects.exists()


def test_the_client_sees_the_summary_only_once_it_is_shared(signed_in, personas):
    appointment = personas.chris_past_appointment
    save_session_record(
        actor=Actor(personas.dana),
        appointment=appointment,
        agenda=["Sleep"],
        summary=SUMMARY,
        next_steps=NEXT_STEPS,
        share=False,
    )
    chris = signed_in("chris")
    agreed_url = reverse("sessions:agreed", args=[appointment.pk])
    assert chris.get(agreed_url).status_code == 404
    assert SUMMARY not in chris.get(reverse("portal:home")).content.decode()

    chris_shared_record(personas)
    home = chris.get(reverse("portal:home")).content.decode()
    assert agreed_url in home and "What we agreed" in home
    page = chris.get(agreed_url).content.decode()
    assert SUMMARY in page and NEXT_STEPS in page
    assert AuditEvent.objects.filter(target="session summary", actor=personas.chris).exists()
    # Another client never sees it.
    assert signed_in("casey").get(agreed_url).status_code == 404


def test_a_note_is_shown_to_the_therapist_and_audited(signed_in, personas):
    note = chris_note(personas)
    page = signed_in("dana").get(_session_url(personas.chris_past_appointment.pk))
    assert NOTE_TEXT in page.content.decode()
    read = AuditEvent.objects.filter(target="session page", actor=personas.dana).get()
    assert read.client_id == personas.chris_client.pk
    created = AuditEvent.objects.get(target="private note", object_id=str(note.pk))
    assert NOTE_TEXT not in str(created.detail)


def test_the_therapist_changes_a_note(signed_in, personas):
    note = chris_note(personas)
    dana = signed_in("dana")
    url = reverse("sessions:note", args=[note.pk])
    assert NOTE_TEXT in dana.get(url).content.decode()
    assert dana.post(url, {"body": "Rewritten."}).status_code == 302
    page = dana.get(_session_url(personas.chris_past_appointment.pk)).content.decode()
    assert "Rewritten." in page and NOTE_TEXT not in page


def test_the_supervisor_reads_the_session_but_never_the_notes(signed_in, personas):
    note = chris_note(personas)
    chris_shared_record(personas)
    sam = signed_in("sam")
    page = sam.get(_session_url(personas.chris_past_appointment.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert SUMMARY in html
    assert NOTE_TEXT not in html and "brother" not in html
    assert reverse("sessions:note", args=[note.pk]) not in html
    assert "<form" not in html.split("<main", 1)[1]
    assert sam.get(reverse("sessions:note", args=[note.pk])).status_code == 404
    assert (
        sam.post(
            reverse("sessions:note-add", args=[personas.chris_past_appointment.pk]), {"body": "x"}
        ).status_code
        == 404
    )


def test_the_client_never_sees_a_note_anywhere(signed_in, personas):
    note = chris_note(personas)
    chris_shared_record(personas)
    chris = signed_in("chris")
    appointment_id = personas.chris_past_appointment.pk
    for url in [
        reverse("portal:home"),
        reverse("sessions:agreed", args=[appointment_id]),
        reverse("sessions:prepare", args=[personas.chris_next_appointment.pk]),
    ]:
        response = chris.get(url)
        assert response.status_code == 200, url
        assert NOTE_TEXT not in response.content.decode(), url
    for url in [
        _session_url(appointment_id),
        reverse("sessions:note", args=[note.pk]),
    ]:
        assert chris.get(url).status_code == 404, url
        assert chris.post(url, {"body": "x"}).status_code in {404, 405}, url
    assert (
        chris.post(reverse("sessions:note-add", args=[appointment_id]), {"body": "x"}).status_code
        == 404
    )
    assert PrivateNote.objects.count() == 1


def test_another_therapist_cannot_reach_a_note(signed_in, personas):
    note = chris_note(personas)
    olga = signed_in("olga")
    assert olga.get(reverse("sessions:note", args=[note.pk])).status_code == 404
    assert olga.get(_session_url(personas.chris_past_appointment.pk)).status_code == 404


def test_a_note_written_under_a_removed_key_says_so_instead_of_failing(
    signed_in, personas, settings
):
    from cryptography.fernet import Fernet

    chris_note(personas)
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    page = signed_in("dana").get(_session_url(personas.chris_past_appointment.pk))
    assert page.status_code == 200
    assert "cannot be read with the configured keys" in page.content.decode()


def test_the_session_page_queries_do_not_grow_with_the_notes(signed_in, personas):
    appointment = personas.chris_past_appointment
    _prepare(personas)
    chris_shared_record(personas)
    chris_note(personas)
    dana = signed_in("dana")
    url = _session_url(appointment.pk)
    dana.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert dana.get(url).status_code == 200
        return len(captured)

    few = count()
    for number in range(10):
        chris_note(personas, f"note {number}")
    assert count() == few
    assert few <= 10 + 2  # +2: the background-work banner (alliance/runtime/health.py)


def test_a_session_link_is_on_each_appointment_row(signed_in, personas):
    html = signed_in("dana").get(reverse("clinic:client", args=[personas.chris_client.pk]))
    assert _session_url(personas.chris_past_appointment.pk) in html.content.decode()


def test_the_portal_offers_to_prepare_for_the_next_session(signed_in, personas):
    html = signed_in("chris").get(reverse("portal:home")).content.decode()
    assert "Prepare for your next session" in html
    assert timezone.now() - timedelta(days=1) < personas.chris_next_appointment.scheduled_start


def test_the_agenda_suggests_the_goals_due_for_review(personas):
    from alliance.audit.services import Actor
    from alliance.goals.services import propose_goal
    from alliance.sessions.selectors import agenda_suggestions

    goal = propose_goal(
        actor=Actor(personas.dana), episode=personas.chris_episode, words="Sleep through the night"
    )
    # chris has attended three sessions; make the goal older than all of them, never rated
    assert not any(
        "Sleep through" in s for s in agenda_suggestions(personas.chris_next_appointment)
    )
    type(goal).objects.filter(pk=goal.pk).update(
        status_changed_at=personas.chris_episode.started_on.isoformat() + "T00:00:00Z",
        review_every_sessions=2,
    )
    suggestions = agenda_suggestions(personas.chris_next_appointment)
    assert "Review goal: “Sleep through the night”" in suggestions
