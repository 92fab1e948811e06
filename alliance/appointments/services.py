"""Appointments: scheduling one, recording whether (and when) it happened, booking recurring
sessions, moving and cancelling them, and the therapist's calendar feed.

The agreement's terms (``agreements.terms.terms_for``) set the rhythm and length of sessions and
how close to the start a client's cancellation becomes a late cancellation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alliance.agreements.terms import terms_for
from alliance.appointments.access import hash_token
from alliance.appointments.events import session_attended
from alliance.appointments.models import (
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    MoveRequest,
    MoveRequestStatus,
)
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.encryption import InvalidToken
from alliance.lib.errors import DomainError
from alliance.practice.models import CareEpisode, TherapistProfile


@transaction.atomic
def schedule_appointment(
    *,
    actor: Actor,
    episode: CareEpisode,
    start: datetime,
    end: datetime,
    series: uuid.UUID | None = None,
) -> Appointment:
    if end <= start:
        raise DomainError("An appointment must end after it starts.", field="end")
    if not episode.is_open:
        raise DomainError("This care episode has ended; no new appointments can be made.")
    appointment = Appointment.objects.create(
        practice_id=episode.practice_id,
        episode=episode,
        scheduled_start=start,
        scheduled_end=end,
        series=series,
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="appointment",
        obj=appointment,
        client=episode.client,
    )
    return appointment


@transaction.atomic
def record_attendance(
    *,
    actor: Actor,
    appointment: Appointment,
    status: AppointmentStatus,
    actual_start: datetime | None = None,
) -> Appointment:
    if status in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW) and (
        appointment.scheduled_start > timezone.now()
    ):
        raise DomainError(
            "An appointment that has not started yet cannot be marked attended or missed.",
            field="status",
        )
    if status == AppointmentStatus.ATTENDED:
        if actual_start is None:
            actual_start = appointment.scheduled_start
        if abs((actual_start - appointment.scheduled_start).total_seconds()) > 6 * 3600:
            raise DomainError(
                "The actual start must be within six hours of the scheduled start.",
                field="actual_start",
            )
    else:
        actual_start = None
    previous = appointment.status
    appointment.status = status
    appointment.actual_start = actual_start
    appointment.save(update_fields=["status", "actual_start"])
    if status == AppointmentStatus.ATTENDED and previous != AppointmentStatus.ATTENDED:
        session_attended.send(sender=Appointment, appointment=appointment)
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="attendance",
        obj=appointment,
        client=appointment.episode.client,
        detail={"from": previous, "to": str(status)},
    )
    return appointment


CancelledBy = Literal["client", "therapist"]
CANCELLED_BY: tuple[CancelledBy, ...] = ("client", "therapist")
MAX_RECURRING = 52
# How far ahead a session can be booked or moved to (also keeps date arithmetic in range).
MAX_AHEAD = timedelta(days=2 * 366)
TOKEN_PREFIX_LENGTH = 6


@dataclass(frozen=True)
class Booking:
    booked: list[Appointment] = field(default_factory=list)
    # Start times left out because the therapist already has a session then.
    skipped: list[datetime] = field(default_factory=list)


def _busy_times(
    therapist_id: int, start: datetime, end: datetime, *, exclude: int | None = None
) -> list[tuple[datetime, datetime]]:
    """The therapist's scheduled sessions (in any episode) that overlap ``start``–``end``."""
    overlapping = Appointment.objects.filter(
        episode__therapist_id=therapist_id,
        status=AppointmentStatus.SCHEDULED,
        scheduled_start__lt=end,
        scheduled_end__gt=start,
    )
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude)
    return list(overlapping.values_list("scheduled_start", "scheduled_end"))


def _lock_therapist(therapist_id: int) -> None:
    """Bookings for one therapist are made one after the other: the clash check and the insert
    are atomic against a second request booking the same hour (no double booking)."""
    TherapistProfile.objects.select_for_update().filter(pk=therapist_id).first()


def _overlaps(busy: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    return any(taken_start < end and taken_end > start for taken_start, taken_end in busy)


@transaction.atomic
def book_recurring(
    *,
    actor: Actor,
    episode: CareEpisode,
    first_start: datetime,
    count: int,
    now: datetime | None = None,
) -> Booking:
    """``count`` sessions every ``frequency_days`` from ``first_start``, at the same local time,
    each ``session_minutes`` long; times that clash with the therapist's other scheduled
    sessions are skipped and reported, not moved."""
    now = now or timezone.now()
    if not 1 <= count <= MAX_RECURRING:
        raise DomainError(f"Book between 1 and {MAX_RECURRING} sessions at a time.", field="count")
    if first_start <= now:
        raise DomainError("The first session must be in the future.", field="first_start")
    require_within_reach(first_start, now, "first_start")
    if not episode.is_open:
        raise DomainError("This care episode has ended; no new appointments can be made.")
    _lock_therapist(episode.therapist_id)
    terms = terms_for(episode)
    length = timedelta(minutes=terms.session_minutes)
    # Wall-clock arithmetic in the local zone keeps sessions at 10:00 across a DST change.
    local_first = timezone.localtime(first_start)
    starts = [local_first + timedelta(days=terms.frequency_days * n) for n in range(count)]
    busy = _busy_times(episode.therapist_id, starts[0], starts[-1] + length)
    # A single session is a one-off booking, not a series of one.
    series = uuid.uuid4() if count > 1 else None
    booking = Booking()
    for start in starts:
        end = start + length
        if _overlaps(busy, start, end):
            booking.skipped.append(start)
            continue
        booking.booked.append(
            schedule_appointment(actor=actor, episode=episode, start=start, end=end, series=series)
        )
        busy.append((start, end))
    return booking


@transaction.atomic
def book_one(
    *, actor: Actor, episode: CareEpisode, start: datetime, now: datetime | None = None
) -> Appointment:
    """One session (a one-off booking: no series), ``session_minutes`` long, at a time the
    therapist has free."""
    now = now or timezone.now()
    if start <= now:
        raise DomainError("The session must be in the future.", field="start")
    require_within_reach(start, now, "start")
    if not episode.is_open:
        raise DomainError("This care episode has ended; no new appointments can be made.")
    _lock_therapist(episode.therapist_id)
    end = start + timedelta(minutes=terms_for(episode).session_minutes)
    if _busy_times(episode.therapist_id, start, end):
        raise DomainError("There is already a session at that time.", field="start")
    return schedule_appointment(actor=actor, episode=episode, start=start, end=end)


def _changed(appointment: Appointment, now: datetime) -> list[str]:
    """Raise the event's SEQUENCE (calendar apps replace their copy of a changed event only
    when it goes up) and withdraw a move request the change overtakes; the fields to save."""
    appointment.sequence += 1
    appointment.changed_at = now
    MoveRequest.objects.filter(appointment=appointment, status=MoveRequestStatus.PENDING).update(
        status=MoveRequestStatus.WITHDRAWN, decided_at=now
    )
    return ["sequence", "changed_at"]


def require_within_reach(start: datetime, now: datetime, field: str) -> None:
    if start > now + MAX_AHEAD:
        raise DomainError("Sessions can be booked at most two years ahead.", field=field)


def _require_future_scheduled(appointment: Appointment, now: datetime, verb: str) -> None:
    if appointment.status == AppointmentStatus.ATTENDED:
        raise DomainError(f"This session was attended; it cannot be {verb}.")
    if appointment.status != AppointmentStatus.SCHEDULED:
        label = AppointmentStatus(appointment.status).label.lower()
        raise DomainError(f"Only a scheduled session can be {verb}; this one is {label}.")
    if appointment.scheduled_start <= now:
        raise DomainError(
            f"This session has already started or passed, so it cannot be {verb}; "
            "record its attendance instead."
        )


@transaction.atomic
def reschedule(
    *,
    actor: Actor,
    appointment: Appointment,
    new_start: datetime,
    now: datetime | None = None,
) -> Appointment:
    """Move a future scheduled session to another future time, keeping its length."""
    now = now or timezone.now()
    _require_future_scheduled(appointment, now, "rescheduled")
    if not appointment.episode.is_open:
        raise DomainError("This care episode has ended; its sessions cannot be moved.")
    if new_start <= now:
        raise DomainError("The new time must be in the future.", field="new_start")
    require_within_reach(new_start, now, "new_start")
    new_end = new_start + (appointment.scheduled_end - appointment.scheduled_start)
    _lock_therapist(appointment.episode.therapist_id)
    busy = _busy_times(appointment.episode.therapist_id, new_start, new_end, exclude=appointment.pk)
    if busy:
        raise DomainError("There is already a session at that time.", field="new_start")
    previous = appointment.scheduled_start
    appointment.scheduled_start = new_start
    appointment.scheduled_end = new_end
    changed = _changed(appointment, now)
    appointment.save(update_fields=["scheduled_start", "scheduled_end", *changed])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="appointment time",
        obj=appointment,
        client=appointment.episode.client,
        detail={"from": previous.isoformat(), "to": new_start.isoformat()},
    )
    return appointment


def is_late_cancellation(appointment: Appointment, *, now: datetime, by: CancelledBy) -> bool:
    """A client's cancellation less than ``late_cancellation_hours`` before the start is late;
    a therapist's cancellation never counts against the client."""
    if by != "client":
        return False
    window = timedelta(hours=terms_for(appointment.episode).late_cancellation_hours)
    return appointment.scheduled_start - now < window


@transaction.atomic
def cancel(
    *,
    actor: Actor,
    appointment: Appointment,
    now: datetime | None = None,
    by: CancelledBy = "client",
) -> Appointment:
    now = now or timezone.now()
    if by not in CANCELLED_BY:
        raise DomainError("Say who cancelled: the client or the therapist.", field="by")
    _require_future_scheduled(appointment, now, "cancelled")
    late = is_late_cancellation(appointment, now=now, by=by)
    status = AppointmentStatus.LATE_CANCELLED if late else AppointmentStatus.CANCELLED
    appointment.status = status
    changed = _changed(appointment, now)
    appointment.save(update_fields=["status", *changed])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="attendance",
        obj=appointment,
        client=appointment.episode.client,
        detail={"from": AppointmentStatus.SCHEDULED.value, "to": status.value, "by": by},
    )
    return appointment


def feed_token_for(submission: uuid.UUID) -> str:
    """The secret token of the feed a form submission creates: derived from the submission's
    key with the server's secret, so that the same submission sent twice makes the same feed
    (and the page can show its URL again), while nobody without the secret can work it out."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"calendar-feed:" + submission.bytes, hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def create_feed(
    *, actor: Actor, therapist: TherapistProfile, token: str | None = None
) -> tuple[CalendarFeed, str]:
    """A new feed and its token; any active feed is revoked (replacing a feed revokes the
    old address). The token is kept encrypted, so that the therapist can see the address
    again; it is encrypted here, before the write transaction opens."""
    token = token or secrets.token_urlsafe(32)
    feed = CalendarFeed(
        practice_id=therapist.practice_id,
        therapist=therapist,
        token_hash=hash_token(token),
        token_prefix=token[:TOKEN_PREFIX_LENGTH],
        token=token,
    )
    return _store_feed(actor=actor, therapist=therapist, feed=feed), token


@transaction.atomic
def _store_feed(*, actor: Actor, therapist: TherapistProfile, feed: CalendarFeed) -> CalendarFeed:
    """The therapist's row is locked first, so two requests at once make one active feed
    after the other, never two; the same token sent twice makes one feed."""
    TherapistProfile.objects.select_for_update().filter(pk=therapist.pk).first()
    existing = CalendarFeed.objects.filter(token_hash=feed.token_hash).first()
    if existing is not None:
        return existing
    for active in CalendarFeed.objects.active().filter(therapist=therapist):
        revoke_feed(actor=actor, feed=active)
    feed.save()
    record(actor=actor, action=AuditAction.CREATE, target="calendar feed", obj=feed)
    return feed


def feed_token_of(feed: CalendarFeed) -> str:
    """The feed's token, to show its address again ("" for a feed made before tokens were
    kept, or one whose key is gone)."""
    if not feed.is_active:
        return ""
    try:
        return str(feed.token or "")
    except InvalidToken:
        return ""


@transaction.atomic
def revoke_feed(*, actor: Actor, feed: CalendarFeed, now: datetime | None = None) -> CalendarFeed:
    if feed.revoked_at is not None:
        raise DomainError("This calendar feed was already revoked.")
    feed.revoked_at = now or timezone.now()
    feed.save(update_fields=["revoked_at"])
    record(actor=actor, action=AuditAction.CHANGE, target="calendar feed revoked", obj=feed)
    return feed
