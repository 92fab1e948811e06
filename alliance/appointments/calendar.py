"""A therapist's calendar: her days and weeks in the practice's time zone, with her sessions and
the free slots her working hours leave.

A free slot is a stretch of ``SLOT_MINUTES`` inside her working hours, starting on the hour grid
from the start of those hours (``SLOT_STEP``), not yet passed, overlapping no scheduled session.
Cancelled sessions are shown (struck through) but free their time. A fixed number of queries for
any number of sessions: the sessions, the working hours, the waiting move requests.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.utils import timezone

from alliance.agreements.terms import DEFAULT_TERMS
from alliance.appointments.models import (
    Appointment,
    AppointmentStatus,
    MoveRequest,
    MoveRequestStatus,
    PracticeCalendar,
    WorkingHours,
)
from alliance.practice.models import TherapistProfile

SLOT_MINUTES = DEFAULT_TERMS.session_minutes
SLOT_STEP = timedelta(hours=1)
DAYS_IN_WEEK = 7


def practice_zone(practice_id: int | None) -> tzinfo:
    """The practice's time zone (its calendar settings), else the installation's."""
    name = None
    if practice_id is not None:
        name = (
            PracticeCalendar.objects.filter(practice_id=practice_id)
            .values_list("time_zone", flat=True)
            .first()
        )
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    is_free = True


@dataclass
class CalendarDay:
    day: date
    sessions: list[Appointment] = field(default_factory=list)
    free: list[Slot] = field(default_factory=list)
    hours: list[WorkingHours] = field(default_factory=list)

    @property
    def items(self) -> list[Appointment | Slot]:
        """Sessions and free slots together, in the order of the day."""
        timed: list[tuple[datetime, int, Appointment | Slot]] = [
            (s.scheduled_start, 0, s) for s in self.sessions
        ]
        timed += [(slot.start, 1, slot) for slot in self.free]
        return [item for _, _, item in sorted(timed, key=lambda entry: entry[:2])]


@dataclass(frozen=True)
class CalendarRange:
    days: list[CalendarDay]
    move_requests: list[MoveRequest]
    zone: tzinfo


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def free_slots(
    day: date,
    hours: Iterable[WorkingHours],
    busy: list[tuple[datetime, datetime]],
    *,
    zone: tzinfo,
    now: datetime,
) -> list[Slot]:
    """The free slots of one day: wall-clock times in ``zone`` (a 09:00 slot stays 09:00 across
    a clock change)."""
    length = timedelta(minutes=SLOT_MINUTES)
    slots = []
    for stretch in hours:
        start = datetime.combine(day, stretch.start, tzinfo=zone)
        close = datetime.combine(day, stretch.end, tzinfo=zone)
        while start + length <= close:
            end = start + length
            if start > now and not any(b_start < end and b_end > start for b_start, b_end in busy):
                slots.append(Slot(start, end))
            start += SLOT_STEP
    return slots


def calendar_days(
    therapist: TherapistProfile, first: date, count: int, *, now: datetime | None = None
) -> CalendarRange:
    """``count`` days from ``first`` of the therapist's calendar (three queries, four with the
    time zone)."""
    now = now or timezone.now()
    zone = practice_zone(therapist.practice_id)
    begin, finish = local_midnight(first, zone), local_midnight(first + timedelta(count), zone)
    sessions = list(
        Appointment.objects.filter(
            episode__therapist=therapist, scheduled_start__lt=finish, scheduled_end__gt=begin
        )
        .select_related("episode__client")
        .order_by("scheduled_start", "id")
    )
    hours = list(WorkingHours.objects.filter(therapist=therapist))
    days = [CalendarDay(first + timedelta(offset)) for offset in range(count)]
    busy = [
        (s.scheduled_start, s.scheduled_end)
        for s in sessions
        if s.status == AppointmentStatus.SCHEDULED
    ]
    for day in days:
        day.hours = [stretch for stretch in hours if stretch.weekday == day.day.weekday()]
        day.free = free_slots(day.day, day.hours, busy, zone=zone, now=now)
        day.sessions = [
            s for s in sessions if timezone.localtime(s.scheduled_start, zone).date() == day.day
        ]
    return CalendarRange(days, waiting_move_requests(therapist), zone)


def waiting_move_requests(therapist: TherapistProfile) -> list[MoveRequest]:
    return list(
        MoveRequest.objects.filter(
            appointment__episode__therapist=therapist, status=MoveRequestStatus.PENDING
        ).select_related("appointment__episode__client")
    )


def free_slots_ahead(
    therapist: TherapistProfile, *, days: int = 14, now: datetime | None = None
) -> list[Slot]:
    """The therapist's free slots in the next ``days`` days (what a client may ask to move to)."""
    now = now or timezone.now()
    zone = practice_zone(therapist.practice_id)
    first = timezone.localtime(now, zone).date()
    calendar = calendar_days(therapist, first, days, now=now)
    return [slot for day in calendar.days for slot in day.free]
