"""A client's own sessions in the portal: cancel (told first whether it is late), ask to move;
and the calendar feed's cancelled and started sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from alliance.appointments.models import Appointment, AppointmentStatus, MoveRequest
from alliance.appointments.services import book_one, cancel, create_feed
from alliance.appointments.tests.helpers import HELPER


def soon(personas, hours: float) -> Appointment:
    start = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return Appointment.objects.create(
        practice=personas.practice,
        episode=personas.chris_episode,
        scheduled_start=start,
        scheduled_end=start + timedelta(minutes=50),
    )


def test_the_client_is_told_before_confirming_that_a_cancellation_is_late(signed_in, personas):
    appointment = soon(personas, 10)
    chris = signed_in("chris")

    page = chris.get(reverse("appointments:my-cancel", args=[appointment.pk]))

    assert page.status_code == 200
    assert (
        b"This is inside the 24-hour window and will count as a late cancellation" in page.content
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.SCHEDULED  # nothing happens before confirming

    done = chris.post(reverse("appointments:my-cancel", args=[appointment.pk]), follow=True)

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.LATE_CANCELLED
    assert b"counts as a late cancellation (1 so far)" in done.content
    assert b"Late cancellations so far: <strong>1</strong>" in done.content


def test_a_cancellation_outside_the_window_is_not_late(signed_in, personas):
    appointment = personas.chris_next_appointment  # a week ahead
    chris = signed_in("chris")
    page = chris.get(reverse("appointments:my-cancel", args=[appointment.pk]))
    assert b"will not count as a late cancellation" in page.content

    chris.post(reverse("appointments:my-cancel", args=[appointment.pk]))

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_the_agreements_window_is_the_one_applied(signed_in, personas):
    from alliance.agreements.services import current_version, draft_agreement, save_version
    from alliance.agreements.terms import SessionTerms

    appointment = soon(personas, 30)
    chris = signed_in("chris")
    url = reverse("appointments:my-cancel", args=[appointment.pk])
    assert b"will not count" in chris.get(url).content  # outside the default 24 hours
    agreement = draft_agreement(actor=HELPER, episode=personas.chris_episode)
    save_version(
        actor=HELPER,
        agreement=agreement,
        sections=current_version(agreement).sections,
        terms=SessionTerms(late_cancellation_hours=48),
    )

    assert b"inside the 48-hour window" in chris.get(url).content
    chris.post(url)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.LATE_CANCELLED


def test_a_client_cannot_cancel_or_move_anothers_session(signed_in, personas):
    danas = personas.chris_next_appointment
    casey = signed_in("casey")
    assert casey.get(reverse("appointments:my-cancel", args=[danas.pk])).status_code == 404
    assert casey.post(reverse("appointments:my-cancel", args=[danas.pk])).status_code == 404
    assert casey.post(reverse("appointments:my-move", args=[danas.pk])).status_code == 404
    danas.refresh_from_db()
    assert danas.status == AppointmentStatus.SCHEDULED
    # A therapist uses her own pages, not the client's.
    assert signed_in("dana").get(reverse("appointments:mine")).status_code in (302, 403, 404)


def test_a_past_session_cannot_be_cancelled(signed_in, personas):
    past = personas.chris_past_appointment
    response = signed_in("chris").post(reverse("appointments:my-cancel", args=[past.pk]))
    assert response.status_code == 400
    assert b"attended" in response.content


def test_the_client_asks_to_move_to_a_free_slot(signed_in, personas):
    from alliance.appointments.selfservice import set_working_hours

    now = timezone.localtime()
    set_working_hours(
        actor=HELPER,
        therapist=personas.dana_profile,
        stretches=[
            (day, now.replace(hour=9).time(), now.replace(hour=17).time()) for day in range(5)
        ],
    )
    appointment = personas.chris_next_appointment
    chris = signed_in("chris")
    page = chris.get(reverse("appointments:my-move", args=[appointment.pk]))
    choices = page.context["form"].fields["proposed_start"].choices
    assert choices

    done = chris.post(
        reverse("appointments:my-move", args=[appointment.pk]),
        {"proposed_start": choices[0][0]},
        follow=True,
    )

    move = MoveRequest.objects.get(appointment=appointment)
    assert move.proposed_start.isoformat() == choices[0][0]
    assert b"waiting for your therapist" in done.content
    bogus = chris.post(
        reverse("appointments:my-move", args=[appointment.pk]), {"proposed_start": "tomorrow"}
    )
    assert bogus.status_code == 400


def feed_events(client, personas) -> dict[str, Any]:
    _, token = create_feed(actor=HELPER, therapist=personas.dana_profile)
    body = client.get(reverse("appointments:calendar-feed-ics", args=[token])).content
    return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def test_the_feed_keeps_a_cancelled_session_as_cancelled_with_a_raised_sequence(client, personas):
    appointment = personas.chris_next_appointment
    before = feed_events(client, personas)[f"appointment-{appointment.pk}@alliance"]
    assert int(before["SEQUENCE"]) == 0 and str(before["STATUS"]) == "CONFIRMED"

    cancel(actor=HELPER, appointment=appointment, by="client")

    after = feed_events(client, personas)[f"appointment-{appointment.pk}@alliance"]
    assert str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) == 1
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_moving_a_session_raises_its_sequence(client, personas):
    from alliance.appointments.services import reschedule

    appointment = personas.chris_next_appointment
    reschedule(
        actor=HELPER, appointment=appointment, new_start=appointment.scheduled_start + timedelta(1)
    )
    event = feed_events(client, personas)[f"appointment-{appointment.pk}@alliance"]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == appointment.scheduled_start


def test_the_feed_keeps_todays_session_after_it_starts(client, personas):
    today = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(today - timedelta(hours=3)):
        session = book_one(actor=HELPER, episode=personas.chris_episode, start=today)
    yesterday = Appointment.objects.create(
        practice=personas.practice,
        episode=personas.chris_episode,
        scheduled_start=today - timedelta(days=1),
        scheduled_end=today - timedelta(days=1) + timedelta(minutes=50),
    )
    with time_machine.travel(today + timedelta(minutes=20)):  # the session has started
        uids = set(feed_events(client, personas))
    assert f"appointment-{session.pk}@alliance" in uids
    assert f"appointment-{yesterday.pk}@alliance" not in uids
