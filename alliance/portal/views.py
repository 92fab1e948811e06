"""The client's own portal: phone-first, showing only their own record."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.appointments.models import Appointment
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.goals.selectors import episode_goal_boards
from alliance.measures.models import MeasureResponse
from alliance.measures.progress import outcome_charts, plain_progress
from alliance.measures.selectors import due_forms
from alliance.practice.access import episodes_for_user, get_own_client_record
from alliance.signals.feedback import closed_loop

PAST_APPOINTMENTS_SHOWN = 12


@role_required(Role.CLIENT)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = get_own_client_record(request.user)
    now = timezone.now()
    episodes = episodes_for_user(request.user)
    appointments = Appointment.objects.filter(episode__in=episodes).select_related(
        "episode__therapist__user", "preparation", "session_record"
    )
    upcoming = list(appointments.upcoming(now)[:5])
    past = list(appointments.past(now)[:PAST_APPOINTMENTS_SHOWN])
    current_episode = episodes.open().select_related("therapist__user").first()
    forms = due_forms(episodes, "client")
    # Only the client's own answers: a therapist's self-rating is the therapist's.
    # Loaded with the practice's replies to their feedback (one join, no query more).
    own = list(
        MeasureResponse.objects.filter(
            episode__in=episodes, client=client, respondent_role="client"
        ).select_related("feedback_reply")
    )
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="portal home",
        obj=client,
        client=client,
    )
    return render(
        request,
        "portal/home.html",
        {
            "client": client,
            "episode": current_episode,
            "next_appointment": upcoming[0] if upcoming else None,
            "upcoming": upcoming[1:],
            "past": past,
            "forms": forms,
            "progress": plain_progress(own),
            "charts": outcome_charts("my", own),
            "closed_loop": closed_loop(own),
            "goal_board": episode_goal_boards([current_episode.pk])[0] if current_episode else None,
        },
    )
