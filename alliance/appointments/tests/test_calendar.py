"""The therapist's week and day: working hours, free slots, one-off and recurring bookings from a
free slot, move requests; who may see and change what; query counts that do not grow."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.appointments.calendar import calendar_days, monday_of
from alliance.appointments.models import (
    Appointment,
    MoveRequest,
    MoveRequestStatus,
    PracticeCalendar,
    WorkingHours,
)
from alliance.appointments.selfservice import request_move, set_working_hours
from alliance.appointments.services import book_one, cancel
from alliance.appointments.tests.helpers import HELPER
from alliance.lib.errors import DomainError
from alliance.practice.services import assign_client, create_client
from alliance.testing.queries import measure


def next_monday() -> date:
    return monday_of(timezone.localdate()) + timedelta(weeks=1)


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def hours(personas) -> None:
    """Dana works Mondays 9–12 and 13–17, Wednesdays 10–13."""
    set_working_hours(
        actor=HELPER,
        therapist=personas.dana_profile,
        stretches=[(0, time(9), time(12)), (0, time(13), time(17)), (2, time(10), time(13))],
    )


def test_free_slots_come_from_working_hours_less_sessions(personas, hours):
    monday = next_monday()
    book_one(actor=HELPER, episode=personas.chris_episode, start=at(monday, 10))
    cancelled = book_one(actor=HELPER, episode=personas.chris_episode, start=at(monday, 14))
    cancel(actor=HELPER, appointment=cancelled, by="therapist")

    week = calendar_days(personas.dana_profile, monday, 7)

    free = [timezone.localtime(slot.start).hour for slot in week.days[0].free]
    assert free == [9, 11, 13, 14, 15, 16]  # 10:00 taken; a cancelled session frees its time
    assert [timezone.localtime(s.start).hour for s in week.days[2].free] == [10, 11, 12]
    assert week.days[1].free == [] and week.days[6].free == []
    assert {s.status for s in week.days[0].sessions} == {"scheduled", "cancelled"}


def test_no_free_slot_in_the_past(personas, hours):
    monday = next_monday() - timedelta(weeks=1)
    week = calendar_days(personas.dana_profile, monday, 7, now=at(monday, 13))
    assert [timezone.localtime(s.start).hour for s in week.days[0].free] == [14, 15, 16]


def test_the_calendar_uses_the_practice_time_zone(signed_in, personas, hours):
    PracticeCalendar.objects.create(practice=personas.practice, time_zone="America/New_York")
    page = signed_in("dana").get(
        reverse("appointments:calendar-week"), {"week": next_monday().isoformat()}
    )
    assert page.status_code == 200
    assert b"America/New_York" in page.content
    assert b"09:00 free" in page.content  # working hours are local to the practice
    slot = page.context["calendar"].days[0].free[0]
    assert slot.start.utcoffset() == timedelta(hours=-5)


def test_booking_one_session_from_a_free_slot_is_not_a_series(signed_in, personas, hours):
    dana = signed_in("dana")
    start = at(next_monday(), 9)
    form = dana.get(reverse("appointments:book-slot"), {"start": start.isoformat()})
    assert form.status_code == 200 and b"Chris Moreau" in form.content

    response = dana.post(
        reverse("appointments:book-slot"),
        {"start": start.isoformat(), "episode": personas.chris_episode.pk, "count": 1},
    )

    assert response.status_code == 302
    booked = Appointment.objects.get(episode=personas.chris_episode, scheduled_start=start)
    assert booked.series is None
    assert booked.scheduled_end - booked.scheduled_start == timedelta(minutes=50)
    week = dana.get(response["Location"])
    assert b"Chris Moreau" in week.content and b"09:00 free" not in week.content


def test_booking_a_weekly_series_from_a_free_slot(signed_in, personas, hours):
    start = at(next_monday(), 13)
    signed_in("dana").post(
        reverse("appointments:book-slot"),
        {"start": start.isoformat(), "episode": personas.chris_episode.pk, "count": 3},
    )
    series = Appointment.objects.filter(episode=personas.chris_episode, series__isnull=False)
    assert series.count() == 3
    assert len({a.series for a in series}) == 1
    assert series.order_by("scheduled_start")[0].scheduled_start == start


def test_booking_a_taken_slot_is_refused_with_a_message(signed_in, personas, hours):
    start = at(next_monday(), 9)
    book_one(actor=HELPER, episode=personas.chris_episode, start=start)
    response = signed_in("dana").post(
        reverse("appointments:book-slot"),
        {"start": start.isoformat(), "episode": personas.chris_episode.pk, "count": 1},
    )
    assert response.status_code == 400
    assert b"already a session at that time" in response.content


@pytest.mark.parametrize("start", ["9999-12-31T23:30:00+00:00", "2300-01-01T09:00:00+00:00"])
def test_booking_far_ahead_is_refused_with_a_message(signed_in, personas, start):
    for count in (1, 3):
        response = signed_in("dana").post(
            reverse("appointments:book-slot"),
            {"start": start, "episode": personas.chris_episode.pk, "count": count},
        )
        assert response.status_code == 400
        assert b"at most two years ahead" in response.content


def test_a_therapist_cannot_book_another_therapists_client(signed_in, personas, hours):
    response = signed_in("olga").post(
        reverse("appointments:book-slot"),
        {"start": at(next_monday(), 9).isoformat(), "episode": personas.chris_episode.pk},
    )
    assert response.status_code in (400, 404)
    assert not Appointment.objects.filter(scheduled_start=at(next_monday(), 9)).exists()


def test_a_therapist_sees_only_her_own_calendar(signed_in, personas):
    olga_week = signed_in("olga").get(reverse("appointments:calendar-week"))
    assert olga_week.status_code == 200
    assert b"Chris Moreau" not in olga_week.content
    dana_week = signed_in("dana").get(reverse("appointments:calendar-week"))
    assert b"Chris Moreau" in dana_week.content
    for name in ("chris", "alex", "sam"):
        assert signed_in(name).get(reverse("appointments:calendar-week")).status_code in (
            302,
            403,
            404,
        )


def test_working_hours_are_edited_by_the_therapist(signed_in, personas):
    dana = signed_in("dana")
    response = dana.post(
        reverse("appointments:working-hours"),
        {"start_1_0": "09:00", "end_1_0": "12:30", "start_3_1": "14:00", "end_3_1": "18:00"},
    )
    assert response.status_code == 302
    stretches = list(WorkingHours.objects.filter(therapist=personas.dana_profile))
    assert [(s.weekday, s.start, s.end) for s in stretches] == [
        (1, time(9), time(12, 30)),
        (3, time(14), time(18)),
    ]
    backwards = dana.post(
        reverse("appointments:working-hours"), {"start_1_0": "12:00", "end_1_0": "09:00"}
    )
    assert backwards.status_code == 400 and b"end after they start" in backwards.content


def test_day_view_shows_one_day(signed_in, personas, hours):
    monday = next_monday()
    page = signed_in("dana").get(reverse("appointments:calendar-day"), {"date": monday})
    assert page.status_code == 200 and len(page.context["calendar"].days) == 1
    for bad in ("not-a-day", "9999-12-31", "0001-01-01"):
        response = signed_in("dana").get(reverse("appointments:calendar-day"), {"date": bad})
        assert response.status_code == 404, bad
    far = signed_in("dana").get(reverse("appointments:calendar-week"), {"week": "9999-12-31"})
    assert far.status_code == 404


def test_accepting_a_move_request_moves_the_session_and_raises_its_sequence(
    signed_in, personas, hours
):
    appointment = personas.chris_next_appointment
    target = at(next_monday() + timedelta(weeks=1), 15)
    move = request_move(actor=HELPER, appointment=appointment, proposed_start=target)
    dana = signed_in("dana")
    assert b"asking to move" in dana.get(reverse("appointments:calendar-week")).content

    assert (
        signed_in("olga").post(reverse("appointments:move-accept", args=[move.pk])).status_code
        == 404
    )
    response = dana.post(reverse("appointments:move-accept", args=[move.pk]))

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.scheduled_start == target and appointment.sequence == 1
    assert MoveRequest.objects.get(pk=move.pk).status == MoveRequestStatus.ACCEPTED


def test_declining_a_move_request_keeps_the_session(signed_in, personas):
    appointment = personas.chris_next_appointment
    before = appointment.scheduled_start
    move = request_move(
        actor=HELPER, appointment=appointment, proposed_start=before + timedelta(days=1)
    )
    signed_in("dana").post(reverse("appointments:move-decline", args=[move.pk]))
    appointment.refresh_from_db()
    assert appointment.scheduled_start == before
    assert MoveRequest.objects.get(pk=move.pk).status == MoveRequestStatus.DECLINED
    mine = signed_in("chris").get(reverse("appointments:mine"))
    assert b"declined" in mine.content


def test_one_move_request_waits_per_session(personas):
    appointment = personas.chris_next_appointment
    later = appointment.scheduled_start + timedelta(days=1)
    request_move(actor=HELPER, appointment=appointment, proposed_start=later)
    with pytest.raises(DomainError, match="already asked"):
        request_move(actor=HELPER, appointment=appointment, proposed_start=later)


def test_the_week_view_queries_do_not_grow_with_appointments(signed_in, personas, hours):
    dana = signed_in("dana")
    monday = next_monday()
    url = f"{reverse('appointments:calendar-week')}?week={monday.isoformat()}"
    book_one(actor=HELPER, episode=personas.chris_episode, start=at(monday, 9))
    small = measure(dana, url)

    for number in range(8):
        client = create_client(
            actor=HELPER, practice=personas.practice, first_name=f"W{number}", last_name="Client"
        )
        episode = assign_client(actor=HELPER, client=client, therapist=personas.dana_profile)
        day = monday + timedelta(days=number % 5)
        first = book_one(actor=HELPER, episode=episode, start=at(day, 13 + number // 5))
        if number % 3 == 0:
            cancel(actor=HELPER, appointment=first, by="client")
        if number == 1:
            request_move(
                actor=HELPER, appointment=first, proposed_start=at(monday + timedelta(days=2), 11)
            )
    big = measure(dana, url)

    assert len(big.sql) == len(small.sql), "\n".join(big.sql)
    assert small.status == big.status == 200
    assert (
        Appointment.objects.filter(
            episode__therapist=personas.dana_profile,
            scheduled_start__gte=at(monday, 0),
            scheduled_start__lt=at(monday + timedelta(days=7), 0),
        ).count()
        >= 9
    )
