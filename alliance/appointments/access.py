"""The only way to fetch an appointment for a signed-in person (same rules as care episodes),
and a therapist's calendar feeds: their own by id, or any active feed by its secret token."""

from __future__ import annotations

import hashlib

from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.appointments.models import Appointment, CalendarFeed
from alliance.practice.access import episodes_for_user


def get_appointment_for_user(
    user: User, appointment_id: int, *, for_change: bool = False
) -> Appointment:
    appointment = (
        Appointment.objects.select_related("episode__client", "episode__therapist__user")
        .filter(pk=appointment_id, episode__in=episodes_for_user(user, for_change=for_change))
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment.")
    return appointment


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_feed_for_user(user: User, feed_id: int) -> CalendarFeed:
    """One of the signed-in therapist's own feeds, or 404."""
    if user.role != Role.THERAPIST or not user.is_active or user.practice_id is None:
        raise Http404("No such calendar feed.")
    feed = CalendarFeed.objects.filter(
        pk=feed_id, practice_id=user.practice_id, therapist__user=user
    ).first()
    if feed is None:
        raise Http404("No such calendar feed.")
    return feed


def get_feed_by_token(token: str) -> CalendarFeed:
    """The active feed the token opens; an unknown or revoked token is a 404.

    The lookup is by hash, so the comparison never touches the secret itself.
    """
    feed = (
        CalendarFeed.objects.active()
        .select_related("therapist__user")
        .filter(token_hash=hash_token(token), therapist__user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("No such calendar feed.")
    return feed
