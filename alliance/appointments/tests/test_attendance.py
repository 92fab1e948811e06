from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.appointments.models import AppointmentStatus
from alliance.appointments.services import record_attendance
from alliance.audit.services import Actor
from alliance.lib.errors import DomainError


def test_attended_session_keeps_how_late_it_started(personas):
    appointment = personas.chris_past_appointment
    record_attendance(
        actor=Actor(personas.dana),
        appointment=appointment,
        status=AppointmentStatus.ATTENDED,
        actual_start=appointment.scheduled_start + timedelta(minutes=12),
    )
    appointment.refresh_from_db()
    assert appointment.minutes_late == 12
    assert appointment.started_on_time is False


def test_a_future_appointment_cannot_be_marked_attended_or_missed(personas):
    appointment = personas.chris_next_appointment
    assert appointment.scheduled_start > timezone.now()
    for status in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
        with pytest.raises(DomainError):
            record_attendance(actor=Actor(personas.dana), appointment=appointment, status=status)


def test_a_future_appointment_can_be_cancelled(personas):
    appointment = personas.chris_next_appointment
    record_attendance(
        actor=Actor(personas.dana), appointment=appointment, status=AppointmentStatus.CANCELLED
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.actual_start is None
