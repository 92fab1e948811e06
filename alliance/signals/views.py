"""Clinician pages for signals: the rupture page, and the forms that acknowledge flags, record
repair, close ruptures, open one by hand and reply to a client's feedback.

Every form posts and redirects (POST-redirect-GET, no JavaScript needed); a request the rules do
not allow answers the 400 "form problem" page with the reason. Changes go through
``signals.services``; only the episode's therapist may make them (``for_change=True``), and a
supervisor reads the rupture page without forms.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.domain_errors import problems_lead_back_to
from alliance.lib.form_problems import problems_lead_back_to_client
from alliance.once.decorators import once_per_submission
from alliance.practice.access import get_episode_for_user
from alliance.signals import services
from alliance.signals.access import (
    get_flag_for_user,
    get_response_for_user,
    get_rupture_for_user,
)
from alliance.signals.models import RepairStrategy, RuptureEpisode, RuptureType
from alliance.signals.selectors import rupture_view


def _rupture_url(rupture: RuptureEpisode) -> str:
    return reverse("signals:rupture", kwargs={"rupture_id": rupture.pk})


def _client_url(client_id: int, anchor: str) -> str:
    return reverse("clinic:client", kwargs={"client_id": client_id}) + f"#{anchor}"


def _back_to_rupture(
    request: AuthenticatedHttpRequest, rupture: RuptureEpisode, message: str
) -> HttpResponse:
    messages.success(request, message)
    return redirect(_rupture_url(rupture))


@role_required(Role.THERAPIST, Role.SUPERVISOR)
def rupture_detail(request: AuthenticatedHttpRequest, rupture_id: int) -> HttpResponse:
    rupture = get_rupture_for_user(request.user, rupture_id)
    now = timezone.now()
    view = rupture_view(rupture, now)
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="rupture",
        obj=rupture,
        client_id=rupture.episode.client_id,
    )
    is_therapist = request.user.role == Role.THERAPIST
    return render(
        request,
        "signals/rupture.html",
        {
            "view": view,
            "rupture": rupture,
            "episode": rupture.episode,
            "client": rupture.episode.client,
            "can_change": is_therapist and not rupture.is_closed,
            "is_therapist": is_therapist,
            "strategies": RepairStrategy.choices,
            "now": now,
        },
    )


def _change_rupture(
    request: AuthenticatedHttpRequest,
    rupture_id: int,
    done: str,
    change: Callable[[Actor, RuptureEpisode], object],
) -> HttpResponse:
    """The shape of every rupture form: the therapist's rupture, the service, back to the page
    (a problem the rules name leads back to the rupture: alliance/lib/domain_errors.py)."""
    rupture = get_rupture_for_user(request.user, rupture_id, for_change=True)
    problems_lead_back_to(request, _rupture_url(rupture), "Back to the rupture")
    change(Actor.from_request(request), rupture)
    return _back_to_rupture(request, rupture, done)


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def rupture_acknowledge(request: AuthenticatedHttpRequest, rupture_id: int) -> HttpResponse:
    return _change_rupture(
        request,
        rupture_id,
        "Rupture acknowledged.",
        lambda actor, rupture: services.acknowledge_rupture(actor=actor, rupture=rupture),
    )


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def rupture_repair(request: AuthenticatedHttpRequest, rupture_id: int) -> HttpResponse:
    return _change_rupture(
        request,
        rupture_id,
        "Repair step recorded.",
        lambda actor, rupture: services.record_repair(
            actor=actor,
            rupture=rupture,
            strategies=request.POST.getlist("strategies"),
            what_was_said=request.POST.get("what_was_said", ""),
        ),
    )


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def rupture_resolve(request: AuthenticatedHttpRequest, rupture_id: int) -> HttpResponse:
    return _change_rupture(
        request,
        rupture_id,
        "Rupture resolved.",
        lambda actor, rupture: services.close_rupture(actor=actor, rupture=rupture, resolved=True),
    )


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def rupture_close(request: AuthenticatedHttpRequest, rupture_id: int) -> HttpResponse:
    return _change_rupture(
        request,
        rupture_id,
        "Rupture closed without recovery.",
        lambda actor, rupture: services.close_rupture(
            actor=actor, rupture=rupture, resolved=False, note=request.POST.get("note", "")
        ),
    )


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def rupture_open(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_id, for_change=True)
    problems_lead_back_to_client(request, episode.client_id)
    rupture = services.open_rupture(
        actor=Actor.from_request(request),
        episode=episode,
        rupture_type=request.POST.get("rupture_type", RuptureType.UNCLEAR),
        description=request.POST.get("description", ""),
    )
    return _back_to_rupture(request, rupture, "Rupture opened. Record the repair when you can.")


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def flag_acknowledge(request: AuthenticatedHttpRequest, flag_id: int) -> HttpResponse:
    flag = get_flag_for_user(request.user, flag_id, for_change=True)
    problems_lead_back_to_client(request, flag.client_id)
    services.acknowledge_flag(
        actor=Actor.from_request(request), flag=flag, note=request.POST.get("note", "")
    )
    messages.success(request, f"{flag.get_kind_display()} flag acknowledged.")
    return redirect(_client_url(flag.client_id, f"signals-{flag.episode_id}"))


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def feedback_reply(request: AuthenticatedHttpRequest, response_id: int) -> HttpResponse:
    response = get_response_for_user(request.user, response_id, for_change=True)
    problems_lead_back_to_client(request, response.client_id)
    services.reply_to_feedback(
        actor=Actor.from_request(request),
        response=response,
        what_we_changed=request.POST.get("what_we_changed", ""),
    )
    messages.success(request, "Reply saved. The client sees it in their portal.")
    return redirect(_client_url(response.client_id, f"feedback-{response.episode_id}"))
