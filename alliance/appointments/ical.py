"""The iCalendar document of a therapist's feed: her sessions from the start of today (in the
practice's time zone) to ``FEED_DAYS`` ahead, clients named by initials only.

A session stays in the feed after it starts (today's sessions are all there, whatever their
status). A cancelled session stays too, as ``STATUS:CANCELLED`` with its ``SEQUENCE`` raised, so
that a calendar app that already copied it marks it cancelled instead of keeping a ghost.

Calendar apps copy events to phones and third-party servers, so an event carries nothing clinical
and no name: the summary is "Session with C.M.", with no description, location or attendees.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from alliance.appointments.calendar import local_midnight, practice_zone
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.practice.models import Client, TherapistProfile

FEED_DAYS = 90
PRODID = "-//Alliance//Calendar feed//EN"


def initials(client: Client) -> str:
    """ "C.M." for Chris Moreau."""
    return "".join(f"{letter}." for letter in client.initials) or "?"


CANCELLED = (AppointmentStatus.CANCELLED, AppointmentStatus.LATE_CANCELLED)


def upcoming_for_feed(therapist: TherapistProfile, now: datetime) -> list[Appointment]:
    """Every session of the therapist from the start of today to ``FEED_DAYS`` ahead."""
    zone = practice_zone(therapist.practice_id)
    today = local_midnight(now.astimezone(zone).date(), zone)
    return list(
        Appointment.objects.filter(
            episode__therapist=therapist,
            scheduled_start__gte=today,
            scheduled_start__lt=now + timedelta(days=FEED_DAYS),
        )
        .select_related("episode__client")
        .order_by("scheduled_start", "id")
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
        event.add("dtstamp", appointment.changed_at.astimezone(UTC))
        event.add("last-modified", appointment.changed_at.astimezone(UTC))
        event.add("sequence", appointment.sequence)
        event.add("status", "CANCELLED" if appointment.status in CANCELLED else "CONFIRMED")
        event.add("dtstart", appointment.scheduled_start.astimezone(UTC))
        event.add("dtend", appointment.scheduled_end.astimezone(UTC))
        event.add("summary", f"Session with {initials(appointment.episode.client)}")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    document: bytes = calendar.to_ical()
    return document
