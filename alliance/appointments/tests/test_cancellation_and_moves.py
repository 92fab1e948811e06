"""Cancelling follows the agreement's late-cancellation window; moving keeps a session's length."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.agreements.terms import SessionTerms
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.appointments.services import cancel, reschedule, schedule_appointment
from alliance.appointments.tests.helpers import HELPER
from alliance.audit.models import AuditEvent
from alliance.lib.errors import DomainError


@pytest.fixture
def two_day_window(monkeypatch):
    monkeypatch.setattr(
        "alliance.appointments.services.terms_for",
        lambda episode: SessionTerms(late_cancellation_hours=48),
    )


def session_in(personas, hours: float) -> Appointment:
    start = timezone.now() + timedelta(hours=hours)
    return schedule_appointment(
        actor=HELPER, episode=personas.chris_episode, start=start, end=start + timedelta(minutes=50)
    )


def test_a_client_cancelling_47_hours_ahead_of_a_48_hour_window_cancels_late(
    personas, two_day_window
):
    appointment = cancel(actor=HELPER, appointment=session_in(personas, 47), by="client")
    assert appointment.status == AppointmentStatus.LATE_CANCELLED


def test_a_client_cancelling_49_hours_ahead_of_a_48_hour_window_cancels_in_time(
    personas, two_day_window
):
    appointment = cancel(actor=HELPER, appointment=session_in(personas, 49), by="client")
    assert appointment.status == AppointmentStatus.CANCELLED


def test_a_therapists_cancellation_is_never_late_for_the_client(personas, two_day_window):
    appointment = cancel(actor=HELPER, appointment=session_in(personas, 1), by="therapist")
    assert appointment.status == AppointmentStatus.CANCELLED


def test_the_default_window_is_the_agreements_24_hours(personas):
    assert cancel(actor=HELPER, appointment=session_in(personas, 23), by="client").status == (
        AppointmentStatus.LATE_CANCELLED
    )
    assert cancel(actor=HELPER, appointment=session_in(personas, 25), by="client").status == (
        AppointmentStatus.CANCELLED
    )


def test_a_cancellation_is_audited_with_who_cancelled(personas):
    appointment = cancel(actor=HELPER, appointment=session_in(personas, 30), by="therapist")
    event = AuditEvent.objects.filter(object_id=str(appointment.pk), target="attendance").get()
    assert event.detail == {"from": "scheduled", "to": "cancelled", "by": "therapist"}
    assert event.client_id == personas.chris_client.pk


def test_an_attended_session_cannot_be_cancelled_or_moved(personas):
    appointment = personas.chris_past_appointment
    assert appointment.status == AppointmentStatus.ATTENDED
    with pytest.raises(DomainError, match="attended"):
        cancel(actor=HELPER, appointment=appointment, by="therapist")
    with pytest.raises(DomainError, match="attended"):
        reschedule(
            actor=HELPER, appointment=appointment, new_start=timezone.now() + timedelta(days=3)
        )


def test_a_cancelled_session_cannot_be_cancelled_again(personas):
    appointment = cancel(actor=HELPER, appointment=session_in(personas, 30), by="client")
    with pytest.raises(DomainError, match="Only a scheduled session"):
        cancel(actor=HELPER, appointment=appointment, by="client")


def test_rescheduling_moves_a_future_session_and_keeps_its_length(personas):
    appointment = session_in(personas, 30)
    new_start = (timezone.now() + timedelta(days=9)).replace(microsecond=0)

    reschedule(actor=HELPER, appointment=appointment, new_start=new_start)

    appointment.refresh_from_db()
    assert appointment.scheduled_start == new_start
    assert appointment.scheduled_end - appointment.scheduled_start == timedelta(minutes=50)
    event = AuditEvent.objects.get(object_id=str(appointment.pk), target="appointment time")
    assert event.detail["to"] == new_start.isoformat()


def test_a_session_cannot_be_moved_into_the_past(personas):
    with pytest.raises(DomainError, match="new time must be in the future"):
        reschedule(
            actor=HELPER,
            appointment=session_in(personas, 30),
            new_start=timezone.now() - timedelta(hours=1),
        )


def test_a_past_session_cannot_be_moved(personas):
    past = session_in(personas, -30)
    with pytest.raises(DomainError, match="already started or passed"):
        reschedule(actor=HELPER, appointment=past, new_start=timezone.now() + timedelta(days=2))


def test_a_session_cannot_be_moved_onto_another_session_of_the_therapist(personas):
    other = session_in(personas, 60)
    moving = session_in(personas, 30)
    with pytest.raises(DomainError, match="already a session at that time"):
        reschedule(
            actor=HELPER,
            appointment=moving,
            new_start=other.scheduled_start + timedelta(minutes=20),
        )


def test_a_session_may_move_by_a_few_minutes_overlapping_only_itself(personas):
    moving = session_in(personas, 30)
    reschedule(
        actor=HELPER, appointment=moving, new_start=moving.scheduled_start + timedelta(minutes=10)
    )
    assert moving.status == AppointmentStatus.SCHEDULED


def test_an_unrecorded_past_session_is_for_attendance_not_cancellation(personas):
    past = session_in(personas, -2)
    with pytest.raises(DomainError, match="record its attendance instead"):
        cancel(actor=HELPER, appointment=past, by="client")


def test_the_window_comes_from_the_episodes_current_agreement_version(personas):
    """No patching: the agreement's own version sets the window the cancellation follows."""
    from alliance.agreements.services import current_version, draft_agreement, save_version

    agreement = draft_agreement(actor=HELPER, episode=personas.chris_episode)
    sections = dict(current_version(agreement).sections)
    save_version(
        actor=HELPER,
        agreement=agreement,
        sections=sections,
        terms=SessionTerms(frequency_days=7, session_minutes=50, late_cancellation_hours=48),
        note="Two days' notice, as agreed together",
    )
    assert cancel(actor=HELPER, appointment=session_in(personas, 47), by="client").status == (
        AppointmentStatus.LATE_CANCELLED
    )
    assert cancel(actor=HELPER, appointment=session_in(personas, 49), by="client").status == (
        AppointmentStatus.CANCELLED
    )
