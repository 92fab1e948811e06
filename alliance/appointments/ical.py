"""The iCalendar document of a therapist's feed: upcoming sessions, clients named by initials only.

Calendar apps copy events to phones and third-party servers, so an event carries nothing clinical
and no name: the summary is "Session with C.M.", with no description, location or attendees.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from alliance.appointments.models import Appointment
from alliance.practice.models import Client, TherapistProfile

FEED_DAYS = 90
PRODID = "-//Alliance//Calendar feed//EN"


def initials(client: Client) -> str:
    """ "C.M." for Chris Moreau."""
    return "".join(f"{letter}." for letter in client.initials) or "?"


def upcoming_for_feed(therapist: TherapistProfile, now: datetime) -> list[Appointment]:
    return list(
        Appointment.objects.upcoming(now)
        .filter(episode__therapist=therapist, scheduled_start__lt=now + timedelta(days=FEED_DAYS))
        .select_related("episode__client")
    )


def event_uid(appointment: Appointment) -> str:
    return f"appointment-{appointment.pk}@alliance"


def feed_calendar(appointments: list[Appointment]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Alliance sessions")
    for appointment in appointments:
        event = Event()
        event.add("uid", event_uid(appointment))
        event.add("dtstamp", appointment.created_at.astimezone(UTC))
        event.add("dtstart", appointment.scheduled_start.astimezone(UTC))
        event.add("dtend", appointment.scheduled_end.astimezone(UTC))
        event.add("summary", f"Session with {initials(appointment.episode.client)}")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    document: bytes = calendar.to_ical()
    return document
