"""The therapist's calendar pages: her week and her day (sessions and free slots), her working
hours, booking from a free slot, and answering clients' requests to move a session.

Every page works in the practice's time zone (``in_practice_zone``): what it shows, and what a
form's times mean."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.appointments.calendar import (
    DAYS_IN_WEEK,
    CalendarRange,
    calendar_days,
    monday_of,
    practice_zone,
)
from alliance.appointments.forms import BookSlotForm, WorkingHoursForm
from alliance.appointments.models import MoveRequest
from alliance.appointments.selfservice import accept_move, decline_move, set_working_hours
from alliance.appointments.services import book_one, book_recurring
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.domain_errors import cleaned, problems_lead_back_to, show_problems_on
from alliance.once.decorators import once_per_submission
from alliance.practice.access import (
    episodes_for_user,
    get_episode_for_user,
    get_own_therapist_profile,
)


def in_practice_zone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run the view (and draw its page) in the time zone of the signed-in person's practice."""

    @functools.wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with timezone.override(practice_zone(request.user.practice_id)):
            return view(request, *args, **kwargs)

    return wrapped


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2200, 12, 31)


def _day_from(request: AuthenticatedHttpRequest, name: str) -> date:
    raw = request.GET.get(name, "")
    if not raw:
        return timezone.localdate()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise Http404("No such day.") from None
    if not FIRST_DAY <= day <= LAST_DAY:  # and no date arithmetic overflows near year 9999
        raise Http404("No such day.")
    return day


def _calendar_page(
    request: AuthenticatedHttpRequest, first: date, count: int, *, mode: str
) -> HttpResponse:
    therapist = get_own_therapist_profile(request.user)
    calendar: CalendarRange = calendar_days(therapist, first, count)
    record(actor=Actor.from_request(request), action=AuditAction.READ, target=f"calendar {mode}")
    step = timedelta(days=count)
    return render(
        request,
        "appointments/calendar.html",
        {
            "calendar": calendar,
            "mode": mode,
            "first": first,
            "last": first + timedelta(days=count - 1),
            "previous": first - step,
            "next": first + step,
            "today": timezone.localdate(),
            "has_hours": therapist.working_hours.exists(),
        },
    )


@role_required(Role.THERAPIST)
@in_practice_zone
def week(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _calendar_page(request, monday_of(_day_from(request, "week")), DAYS_IN_WEEK, mode="week")


@role_required(Role.THERAPIST)
@in_practice_zone
def day(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _calendar_page(request, _day_from(request, "date"), 1, mode="day")


@role_required(Role.THERAPIST)
@in_practice_zone
@once_per_submission
def working_hours(request: AuthenticatedHttpRequest) -> HttpResponse:
    therapist = get_own_therapist_profile(request.user)
    form = WorkingHoursForm(request.POST or None, current=list(therapist.working_hours.all()))
    context = {"form": form}
    if request.method != "POST":
        return render(request, "appointments/working_hours.html", context)
    show_problems_on(request, form, "appointments/working_hours.html", context)
    cleaned(form)
    set_working_hours(
        actor=Actor.from_request(request), therapist=therapist, stretches=form.stretches()
    )
    messages.success(request, "Saved your working hours.")
    return redirect("appointments:calendar-week")


@role_required(Role.THERAPIST)
@in_practice_zone
@once_per_submission
def book_slot(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Book from a free slot: one session, or a weekly series starting there."""
    therapist = get_own_therapist_profile(request.user)
    episodes = (
        episodes_for_user(request.user, for_change=True)
        .for_therapist(therapist)
        .open()
        .select_related("client")
        .order_by("client__last_name", "client__first_name")
    )
    initial = {"start": request.GET.get("start", ""), "count": 1}
    form = BookSlotForm(request.POST or None, episodes=episodes, initial=initial)
    context = {"form": form, "start": _slot_start(request)}
    if request.method != "POST":
        record(actor=Actor.from_request(request), action=AuditAction.READ, target="booking form")
        return render(request, "appointments/book_slot.html", context)
    show_problems_on(request, form, "appointments/book_slot.html", context)
    data = cleaned(form)
    episode = get_episode_for_user(request.user, int(data["episode"]), for_change=True)
    actor = Actor.from_request(request)
    if data["count"] == 1:
        book_one(actor=actor, episode=episode, start=data["start"])
        messages.success(request, f"Booked a session with {episode.client}.")
    else:
        booking = book_recurring(
            actor=actor, episode=episode, first_start=data["start"], count=data["count"]
        )
        messages.success(request, f"Booked {len(booking.booked)} sessions with {episode.client}.")
        if booking.skipped:
            skipped = ", ".join(f"{start:%a %d %b %H:%M}" for start in booking.skipped)
            messages.warning(
                request, f"Skipped because you already have a session then: {skipped}."
            )
    week_of = timezone.localtime(data["start"]).date().isoformat()
    return redirect(f"{reverse('appointments:calendar-week')}?week={week_of}")


def _slot_start(request: AuthenticatedHttpRequest) -> datetime | None:
    """The free slot the therapist clicked (``?start=`` an ISO time), to say it in words."""
    try:
        return datetime.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        return None


def _own_move_request(request: AuthenticatedHttpRequest, move_id: int) -> MoveRequest:
    move = (
        MoveRequest.objects.select_related("appointment__episode__client")
        .filter(
            pk=move_id,
            appointment__episode__in=episodes_for_user(request.user, for_change=True),
        )
        .first()
    )
    if move is None:
        raise Http404("No such request.")
    problems_lead_back_to(request, reverse("appointments:calendar-week"), "Back to your week")
    return move


@require_POST
@role_required(Role.THERAPIST)
@in_practice_zone
@once_per_submission
def move_accept(request: AuthenticatedHttpRequest, move_id: int) -> HttpResponse:
    move = _own_move_request(request, move_id)
    appointment = accept_move(actor=Actor.from_request(request), move=move)
    moved_to = timezone.localtime(appointment.scheduled_start)
    messages.success(request, f"Session moved to {moved_to:%a %d %b %H:%M}.")
    return redirect(f"{reverse('appointments:calendar-week')}?week={moved_to.date().isoformat()}")


@require_POST
@role_required(Role.THERAPIST)
@in_practice_zone
@once_per_submission
def move_decline(request: AuthenticatedHttpRequest, move_id: int) -> HttpResponse:
    move = _own_move_request(request, move_id)
    decline_move(actor=Actor.from_request(request), move=move)
    messages.success(request, "Declined: the session stays where it was.")
    return redirect("appointments:calendar-week")
