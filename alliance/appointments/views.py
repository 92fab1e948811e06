"""Therapist actions on sessions (book, move, cancel), the calendar feed page and the feed itself."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.appointments.access import (
    get_appointment_for_user,
    get_feed_by_token,
    get_feed_for_user,
    hash_token,
)
from alliance.appointments.forms import BookRecurringForm, CancelForm, RescheduleForm
from alliance.appointments.ical import feed_calendar, upcoming_for_feed
from alliance.appointments.models import CalendarFeed
from alliance.appointments.services import (
    book_recurring,
    cancel,
    create_feed,
    feed_token_for,
    feed_token_of,
    reschedule,
    revoke_feed,
)
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.client_ip import client_ip
from alliance.lib.domain_errors import cleaned, problems_lead_back_to
from alliance.lib.form_problems import problems_lead_back_to_client
from alliance.once.decorators import once_per_submission, submission_key
from alliance.practice.access import get_episode_for_user, get_own_therapist_profile


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def book_sessions(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_id, for_change=True)
    problems_lead_back_to_client(request, episode.client_id)
    data = cleaned(BookRecurringForm(request.POST))
    booking = book_recurring(
        actor=Actor.from_request(request),
        episode=episode,
        first_start=data["first_start"],
        count=data["count"],
    )
    messages.success(request, f"Booked {len(booking.booked)} sessions.")
    if booking.skipped:
        skipped = ", ".join(f"{start:%a %d %b %H:%M}" for start in booking.skipped)
        messages.warning(request, f"Skipped because you already have a session then: {skipped}.")
    return redirect("clinic:client", client_id=episode.client_id)


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def reschedule_appointment(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_appointment_for_user(request.user, appointment_id, for_change=True)
    client_id = appointment.episode.client_id
    problems_lead_back_to_client(request, client_id)
    data = cleaned(RescheduleForm(request.POST))
    reschedule(
        actor=Actor.from_request(request), appointment=appointment, new_start=data["new_start"]
    )
    moved_to = timezone.localtime(appointment.scheduled_start)
    messages.success(request, f"Session moved to {moved_to:%a %d %b %H:%M}.")
    return redirect("clinic:client", client_id=client_id)


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def cancel_appointment(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_appointment_for_user(request.user, appointment_id, for_change=True)
    client_id = appointment.episode.client_id
    problems_lead_back_to_client(request, client_id)
    data = cleaned(CancelForm(request.POST))
    cancel(actor=Actor.from_request(request), appointment=appointment, by=data["by"])
    messages.success(request, f"Session {appointment.get_status_display().lower()}.")
    return redirect("clinic:client", client_id=client_id)


# How long after creating a feed its URL can be shown again (the page right after the form).
NEW_FEED_SHOWN_FOR = timedelta(minutes=10)


def _feed_page(
    request: AuthenticatedHttpRequest, new_url: str = "", *, status: int = 200
) -> HttpResponse:
    therapist = get_own_therapist_profile(request.user)
    feeds = list(CalendarFeed.objects.filter(therapist=therapist)[:10])
    active = next((f for f in feeds if f.is_active), None)
    token = feed_token_of(active) if active is not None else ""
    response = render(
        request,
        "appointments/calendar_feed.html",
        {
            "feeds": feeds,
            "active": active,
            "new_url": new_url,
            "active_url": (
                request.build_absolute_uri(reverse("appointments:calendar-feed-ics", args=[token]))
                if token
                else ""
            ),
        },
        status=status,
    )
    # The page may show the secret URL: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(Role.THERAPIST)
def calendar_feed_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _feed_page(request, new_url=_just_created_url(request))


def _just_created_url(request: AuthenticatedHttpRequest) -> str:
    """The URL of the feed this therapist created moments ago with the submission named in
    ``?created=``; "" otherwise (it is shown for a few minutes, then never again)."""
    try:
        submission = uuid.UUID(request.GET.get("created", ""))
    except ValueError:
        return ""
    token = feed_token_for(submission)
    shown_until = timezone.now() - NEW_FEED_SHOWN_FOR
    if (
        not CalendarFeed.objects.active()
        .filter(
            therapist__user=request.user, token_hash=hash_token(token), created_at__gte=shown_until
        )
        .exists()
    ):
        return ""
    return request.build_absolute_uri(reverse("appointments:calendar-feed-ics", args=[token]))


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def calendar_feed_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Creates the feed, then shows its URL on the feed page (``?created=`` names the
    submission, from which the page derives the URL again: sent twice, it shows the same)."""
    therapist = get_own_therapist_profile(request.user)
    submission = submission_key(request) or uuid.uuid4()
    create_feed(
        actor=Actor.from_request(request), therapist=therapist, token=feed_token_for(submission)
    )
    return redirect(f"{reverse('appointments:calendar-feed')}?created={submission}")


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def calendar_feed_revoke(request: AuthenticatedHttpRequest, feed_id: int) -> HttpResponse:
    feed = get_feed_for_user(request.user, feed_id)
    problems_lead_back_to(
        request, reverse("appointments:calendar-feed"), "Back to the calendar feed"
    )
    revoke_feed(actor=Actor.from_request(request), feed=feed)
    messages.success(request, "The calendar feed was revoked; its URL no longer works.")
    return redirect("appointments:calendar-feed")


@require_GET
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The public feed: no sign-in, the secret token is the key."""
    feed = get_feed_by_token(token)
    now = timezone.now()
    appointments = upcoming_for_feed(feed.therapist, now)
    record(
        # The path would carry the secret token: the trail keeps only its prefix.
        actor=Actor(
            user=None,
            ip_address=client_ip(request),
            path=f"/calendar/{feed.token_prefix}….ics",
            role_hint="calendar feed",
        ),
        action=AuditAction.READ,
        target="calendar feed",
        obj=feed,
        detail={"events": len(appointments)},
    )
    response = HttpResponse(
        feed_calendar(appointments), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="alliance.ics"'
    return response
