"""Wrong input on the clinician forms answers 400 with a message a person can act on, never a 500."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.audit.models import AuditAction, AuditEvent
from alliance.practice.models import CareEpisode, EndReason, Phase
from alliance.practice.services import end_episode
from alliance.testing.personas import SETUP


def phase_url(personas) -> str:
    return reverse("clinic:episode-phase", kwargs={"episode_id": personas.chris_episode.pk})


def attendance_url(personas) -> str:
    return reverse(
        "clinic:appointment-attendance",
        kwargs={"appointment_id": personas.chris_past_appointment.pk},
    )


def changes() -> int:
    return AuditEvent.objects.filter(action=AuditAction.CHANGE).count()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phase": "banana"}, "Select a valid choice. banana is not one of the available choices."),
        ({}, "This field is required."),
        ({"phase": Phase.RAPPORT}, "The episode is already in the phase 'Building rapport'."),
    ],
    ids=["unknown phase", "no phase", "same phase"],
)
def test_a_bad_phase_change_answers_400_with_the_reason(signed_in, personas, data, message):
    before = changes()

    response = signed_in("dana").post(phase_url(personas), data)

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "That could not be saved" in page
    assert message in page
    assert "Back to the client page" in page
    assert CareEpisode.objects.get(pk=personas.chris_episode.pk).phase == Phase.RAPPORT
    assert changes() == before


def test_the_phase_of_an_ended_episode_cannot_change(signed_in, personas):
    end_episode(actor=SETUP, episode=personas.chris_episode, reason=EndReason.COMPLETED)

    response = signed_in("dana").post(phase_url(personas), {"phase": Phase.EXPLORING})

    assert response.status_code == 400
    assert "its phase can no longer change" in response.content.decode()


def test_input_is_shown_back_escaped(signed_in, personas):
    response = signed_in("dana").post(phase_url(personas), {"phase": "<script>alert(1)</script>"})

    assert response.status_code == 400
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "attended", "minutes_late": "ten"}, "Enter a whole number."),
        ({"status": "attended", "minutes_late": "2.5"}, "Enter a whole number."),
        ({"status": "attended", "minutes_late": "-3"}, "greater than or equal to 0"),
        ({"status": "attended", "minutes_late": "500"}, "less than or equal to 180"),
        ({"status": "maybe"}, "Select a valid choice. maybe is not one of the available choices."),
        ({"minutes_late": "3"}, "This field is required."),
    ],
    ids=["words", "fraction", "negative", "too late", "unknown status", "no status"],
)
def test_a_bad_attendance_answers_400_with_the_reason(signed_in, personas, data, message):
    before = changes()

    response = signed_in("dana").post(attendance_url(personas), data)

    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    appointment = Appointment.objects.get(pk=personas.chris_past_appointment.pk)
    assert appointment.status == AppointmentStatus.ATTENDED
    assert appointment.minutes_late == 0
    assert changes() == before


def test_a_good_attendance_with_minutes_late_is_saved(signed_in, personas):
    response = signed_in("dana").post(
        attendance_url(personas), {"status": "attended", "minutes_late": "12"}
    )

    assert response.status_code == 302
    appointment = Appointment.objects.get(pk=personas.chris_past_appointment.pk)
    assert appointment.minutes_late == 12
    assert appointment.started_on_time is False


def test_minutes_late_on_a_no_show_are_ignored(signed_in, personas):
    response = signed_in("dana").post(
        attendance_url(personas), {"status": "no_show", "minutes_late": "12"}
    )

    assert response.status_code == 302
    appointment = Appointment.objects.get(pk=personas.chris_past_appointment.pk)
    assert (appointment.status, appointment.actual_start) == (AppointmentStatus.NO_SHOW, None)


def test_an_htmx_attendance_answers_with_the_updated_row(signed_in, personas):
    response = signed_in("dana").post(
        attendance_url(personas), {"status": "no_show"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith(f'<tr id="appointment-{personas.chris_past_appointment.pk}"')
    assert "No-show" in page
