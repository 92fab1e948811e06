"""The scheduling forms on the client page, and the figures shown to therapists and supervisors."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.appointments.tests.helpers import days_ahead, local_input


def client_page(personas) -> str:
    return reverse("clinic:client", kwargs={"client_id": personas.chris_client.pk})


def test_the_therapist_books_sessions_from_the_client_page(signed_in, personas):
    before = Appointment.objects.filter(episode=personas.chris_episode).count()
    url = reverse("appointments:book-recurring", args=[personas.chris_episode.pk])

    response = signed_in("dana").post(
        url, {"first_start": local_input(days_ahead(40, hour=8)), "count": "4"}, follow=True
    )

    assert response.status_code == 200
    assert "Booked 4 sessions." in response.content.decode()
    assert Appointment.objects.filter(episode=personas.chris_episode).count() == before + 4


def test_the_therapist_reschedules_and_cancels_from_the_client_page(signed_in, personas):
    dana = signed_in("dana")
    appointment = personas.chris_next_appointment
    new_start = days_ahead(12, hour=16)

    dana.post(
        reverse("appointments:reschedule", args=[appointment.pk]),
        {"new_start": local_input(new_start)},
    )
    dana.post(reverse("appointments:cancel", args=[appointment.pk]), {"by": "therapist"})

    appointment.refresh_from_db()
    assert appointment.scheduled_start == new_start
    assert appointment.status == AppointmentStatus.CANCELLED


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("book", {"first_start": "banana", "count": "3"}, "Enter a valid date/time."),
        ("book", {"first_start": "", "count": "3"}, "This field is required."),
        ("book", {"first_start": "2030-01-01T10:00", "count": "0"}, "greater than or equal to 1"),
        ("book", {"first_start": "2001-01-01T10:00", "count": "3"}, "must be in the future"),
        ("reschedule", {"new_start": "tomorrow-ish"}, "Enter a valid date/time."),
        ("reschedule", {"new_start": "2001-01-01T10:00"}, "new time must be in the future"),
        ("cancel", {"by": "the cat"}, "Select a valid choice."),
        ("cancel-past", {"by": "client"}, "was attended"),
    ],
)
def test_bad_input_answers_400_with_the_reason(signed_in, personas, name, data, message):
    url = {
        "book": reverse("appointments:book-recurring", args=[personas.chris_episode.pk]),
        "reschedule": reverse("appointments:reschedule", args=[personas.chris_next_appointment.pk]),
        "cancel": reverse("appointments:cancel", args=[personas.chris_next_appointment.pk]),
        "cancel-past": reverse("appointments:cancel", args=[personas.chris_past_appointment.pk]),
    }[name]

    response = signed_in("dana").post(url, data)

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page
    assert "Back to the client page" in page


def test_the_client_page_shows_consistency_and_the_scheduling_forms(signed_in, personas):
    page = signed_in("dana").get(client_page(personas)).content.decode()

    assert "Consistency" in page
    assert "Started on time" in page
    assert "Book recurring sessions" in page
    assert reverse("appointments:cancel", args=[personas.chris_next_appointment.pk]) in page
    assert reverse("appointments:cancel", args=[personas.chris_past_appointment.pk]) not in page


def test_a_supervisor_sees_the_figures_but_no_scheduling_forms(signed_in, personas):
    page = signed_in("sam").get(client_page(personas)).content.decode()

    assert "At the agreed frequency" in page
    assert "Book recurring sessions" not in page
    assert "Reschedule" not in page


def test_the_supervision_overview_shows_each_therapists_consistency(signed_in, personas):
    page = signed_in("sam").get(reverse("clinic:supervision")).content.decode()
    assert "Started on time" in page
    assert "At agreed frequency" in page


def test_the_dashboard_links_to_the_calendar_feed(signed_in, personas):
    page = signed_in("dana").get(reverse("clinic:dashboard")).content.decode()
    assert reverse("appointments:calendar-feed") in page


def test_a_rescheduled_session_keeps_its_length(signed_in, personas):
    appointment = personas.chris_next_appointment
    length = appointment.scheduled_end - appointment.scheduled_start
    signed_in("dana").post(
        reverse("appointments:reschedule", args=[appointment.pk]),
        {"new_start": local_input(timezone.now() + timedelta(days=15))},
    )
    appointment.refresh_from_db()
    assert appointment.scheduled_end - appointment.scheduled_start == length
