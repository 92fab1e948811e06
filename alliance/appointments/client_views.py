"""A client's own sessions (portal self-service): upcoming sessions, cancelling one (told first
whether it falls inside the agreement's late-cancellation window), and asking to move one."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.appointments.access import get_appointment_for_user
from alliance.appointments.calendar import free_slots_ahead
from alliance.appointments.calendar_views import in_practice_zone
from alliance.appointments.forms import MoveRequestForm
from alliance.appointments.models import (
    Appointment,
    AppointmentStatus,
    MoveRequest,
    MoveRequestStatus,
)
from alliance.appointments.selfservice import cancellation_preview, request_move
from alliance.appointments.services import cancel
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.domain_errors import cleaned, problems_lead_back_to, show_problems_on
from alliance.once.decorators import once_per_submission
from alliance.practice.access import episodes_for_user, get_own_client_record

MOVE_TEMPLATE = "appointments/my_move.html"


@role_required(Role.CLIENT)
@in_practice_zone
def my_sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = get_own_client_record(request.user)
    episodes = episodes_for_user(request.user)
    now = timezone.now()
    upcoming = list(
        Appointment.objects.upcoming(now)
        .filter(episode__in=episodes)
        .select_related("episode__therapist__user")
    )
    waiting = {
        move.appointment_id: move
        for move in MoveRequest.objects.filter(
            appointment__in=[a.pk for a in upcoming], status=MoveRequestStatus.PENDING
        )
    }
    answered = list(
        MoveRequest.objects.filter(
            appointment__episode__in=episodes,
            status__in=[MoveRequestStatus.ACCEPTED, MoveRequestStatus.DECLINED],
            decided_at__gte=now - timedelta(days=14),
        ).select_related("appointment")
    )
    late = Appointment.objects.filter(
        episode__in=episodes.open(), status=AppointmentStatus.LATE_CANCELLED
    ).count()
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="my sessions",
        obj=client,
        client=client,
    )
    rows = [(appointment, waiting.get(appointment.pk)) for appointment in upcoming]
    return render(
        request,
        "appointments/my_sessions.html",
        {"rows": rows, "answered": answered, "late_cancellations": late},
    )


def _own_future_session(request: AuthenticatedHttpRequest, appointment_id: int) -> Appointment:
    """One of the signed-in client's own sessions (another's is a 404)."""
    appointment = get_appointment_for_user(request.user, appointment_id)
    problems_lead_back_to(request, reverse("appointments:mine"), "Back to my sessions")
    if request.method != "POST":
        record(
            actor=Actor.from_request(request),
            action=AuditAction.READ,
            target="my session",
            obj=appointment,
            client=appointment.episode.client,
        )
    return appointment


@role_required(Role.CLIENT)
@in_practice_zone
@once_per_submission
def my_cancel(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    """GET: what cancelling means now (inside the window or not); POST: cancel it."""
    appointment = _own_future_session(request, appointment_id)
    if request.method != "POST":
        return render(
            request,
            "appointments/my_cancel.html",
            {"appointment": appointment, "preview": cancellation_preview(appointment)},
        )
    cancel(actor=Actor.from_request(request), appointment=appointment, by="client")
    if appointment.status == AppointmentStatus.LATE_CANCELLED:
        counted = cancellation_preview(appointment).late_so_far
        messages.warning(
            request,
            "Your session is cancelled. It was inside the late-cancellation window, so it counts "
            f"as a late cancellation ({counted} so far).",
        )
    else:
        messages.success(request, "Your session is cancelled. It does not count as late.")
    return redirect("appointments:mine")


@role_required(Role.CLIENT)
@in_practice_zone
@once_per_submission
def my_move(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    """Ask to move a session to one of the therapist's free times; she accepts or declines."""
    appointment = _own_future_session(request, appointment_id)
    slots = [slot.start for slot in free_slots_ahead(appointment.episode.therapist)]
    form = MoveRequestForm(request.POST or None, slots=slots)
    context = {"form": form, "appointment": appointment}
    if request.method != "POST":
        return render(request, MOVE_TEMPLATE, context)
    show_problems_on(request, form, MOVE_TEMPLATE, context)
    data = cleaned(form)
    request_move(
        actor=Actor.from_request(request),
        appointment=appointment,
        proposed_start=data["proposed_start"],
    )
    messages.success(request, "Asked. Your therapist will accept or decline; you will see it here.")
    return redirect("appointments:mine")
