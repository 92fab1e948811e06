"""Recurring booking follows the agreed frequency and length, and skips the therapist's clashes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.agreements.terms import SessionTerms
from alliance.appointments.models import Appointment
from alliance.appointments.services import book_recurring, schedule_appointment
from alliance.appointments.tests.helpers import HELPER, days_ahead
from alliance.lib.errors import DomainError
from alliance.practice.models import EndReason
from alliance.practice.services import assign_client, create_client, end_episode


def wall_clock(appointment: Appointment):
    return timezone.localtime(appointment.scheduled_start).replace(tzinfo=None)


@pytest.fixture
def robin(personas):
    client = create_client(
        actor=HELPER, practice=personas.practice, first_name="Robin", last_name="Hale"
    )
    return assign_client(actor=HELPER, client=client, therapist=personas.dana_profile)


def test_sessions_are_booked_every_agreed_interval_at_the_same_local_time(robin):
    first = days_ahead(30, hour=9)

    booking = book_recurring(actor=HELPER, episode=robin, first_start=first, count=4)

    assert booking.skipped == []
    assert [wall_clock(a) - wall_clock(booking.booked[0]) for a in booking.booked] == [
        timedelta(days=7 * n) for n in range(4)
    ]
    assert all(a.scheduled_end - a.scheduled_start == timedelta(minutes=50) for a in booking.booked)
    assert Appointment.objects.filter(episode=robin).count() == 4


def test_the_agreements_frequency_and_length_are_used(robin, monkeypatch):
    monkeypatch.setattr(
        "alliance.appointments.services.terms_for",
        lambda episode: SessionTerms(frequency_days=14, session_minutes=60),
    )

    booking = book_recurring(
        actor=HELPER, episode=robin, first_start=days_ahead(5, hour=11), count=3
    )

    assert [wall_clock(a) - wall_clock(booking.booked[0]) for a in booking.booked] == [
        timedelta(days=0),
        timedelta(days=14),
        timedelta(days=28),
    ]
    assert all(a.scheduled_end - a.scheduled_start == timedelta(minutes=60) for a in booking.booked)


def test_times_when_the_therapist_already_has_a_session_are_skipped_and_reported(robin, personas):
    first = days_ahead(30, hour=9)
    clash_start = timezone.localtime(first) + timedelta(days=7, minutes=30)
    schedule_appointment(
        actor=HELPER,
        episode=personas.chris_episode,
        start=clash_start,
        end=clash_start + timedelta(minutes=50),
    )

    booking = book_recurring(actor=HELPER, episode=robin, first_start=first, count=3)

    assert booking.skipped == [timezone.localtime(first) + timedelta(days=7)]
    assert len(booking.booked) == 2


def test_another_therapists_sessions_do_not_clash(robin, personas):
    first = days_ahead(30, hour=9)
    schedule_appointment(
        actor=HELPER,
        episode=personas.casey_episode,
        start=first,
        end=first + timedelta(minutes=50),
    )

    booking = book_recurring(actor=HELPER, episode=robin, first_start=first, count=1)

    assert booking.skipped == [] and len(booking.booked) == 1


@pytest.mark.parametrize("count", [0, 53])
def test_the_number_of_sessions_is_bounded(robin, count):
    with pytest.raises(DomainError, match="between 1 and 52"):
        book_recurring(actor=HELPER, episode=robin, first_start=days_ahead(3), count=count)


def test_the_first_session_must_be_in_the_future(robin):
    with pytest.raises(DomainError, match="first session must be in the future"):
        book_recurring(
            actor=HELPER, episode=robin, first_start=timezone.now() - timedelta(hours=1), count=2
        )


def test_an_ended_episode_books_nothing(robin):
    end_episode(actor=HELPER, episode=robin, reason=EndReason.COMPLETED)
    with pytest.raises(DomainError, match="ended"):
        book_recurring(actor=HELPER, episode=robin, first_start=days_ahead(3), count=2)
    assert not Appointment.objects.filter(episode=robin).exists()
