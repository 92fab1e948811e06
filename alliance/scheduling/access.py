"""Fetching calendar feeds: a therapist's own feeds by id, or any active feed by its secret token."""

from __future__ import annotations

import hashlib

from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.scheduling.models import CalendarFeed


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
