"""Goal pages and forms. The forms post and redirect (no JavaScript needed): a clinician back to
the client page, a client back to the portal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.goals import services
from alliance.goals.access import get_episode_to_propose_goal, get_goal_for_user, get_goal_to_rate
from alliance.goals.forms import (
    ConfirmGoalForm,
    DropGoalForm,
    ProposeGoalForm,
    RateGoalForm,
    ReviseGoalForm,
)
from alliance.goals.models import Goal, GoalStatus
from alliance.goals.selectors import attended_starts, goal_history, goal_lines
from alliance.lib.domain_errors import cleaned, problems_lead_back_to
from alliance.once.decorators import once_per_submission
from alliance.practice.models import CareEpisode


def _back_url(request: AuthenticatedHttpRequest, episode: CareEpisode) -> str:
    if request.user.role == Role.CLIENT:
        return reverse("portal:home")
    return reverse("clinic:client", kwargs={"client_id": episode.client_id})


def _problems_lead_back(request: AuthenticatedHttpRequest, episode: CareEpisode) -> None:
    problems_lead_back_to(request, _back_url(request, episode), "Go back")


def _done(request: AuthenticatedHttpRequest, episode: CareEpisode, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_back_url(request, episode) + "#goals")


@role_required(Role.THERAPIST, Role.SUPERVISOR)
def detail(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = get_goal_for_user(request.user, goal_id)
    history = goal_history(goal)
    goals = list(
        Goal.objects.filter(pk__in=[one.pk for one in history]).prefetch_related("ratings")
    )
    lines = goal_lines(goals, attended_starts([goal.episode_id]))
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="goal",
        obj=goal,
        client_id=goal.episode.client_id,
    )
    return render(
        request,
        "goals/detail.html",
        {
            "goal": goal,
            "episode": goal.episode,
            "lines": lines,
            "current": next(line for line in lines if line.goal.pk == goal.pk),
            "can_change": request.user.role == Role.THERAPIST,
        },
    )


@require_POST
@role_required(Role.THERAPIST, Role.CLIENT)
@once_per_submission
def propose(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_to_propose_goal(request.user, episode_id)
    _problems_lead_back(request, episode)
    data = cleaned(ProposeGoalForm(request.POST))
    replaces = get_goal_for_user(request.user, data["replaces"]) if data["replaces"] else None
    goal = services.propose_goal(
        actor=Actor.from_request(request), episode=episode, words=data["words"], replaces=replaces
    )
    if goal.status == GoalStatus.PROPOSED:
        return _done(request, episode, "Thank you. Your therapist will talk it over with you.")
    return _done(request, episode, "Goal added.")


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def confirm(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = get_goal_for_user(request.user, goal_id, for_change=True)
    _problems_lead_back(request, goal.episode)
    data = cleaned(ConfirmGoalForm(request.POST))
    services.confirm_goal(actor=Actor.from_request(request), goal=goal, framing=data["framing"])
    return _done(request, goal.episode, "Goal confirmed.")


@require_POST
@role_required(Role.THERAPIST, Role.CLIENT)
@once_per_submission
def rate(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = get_goal_to_rate(request.user, goal_id)
    _problems_lead_back(request, goal.episode)
    data = cleaned(RateGoalForm(request.POST))
    services.rate_goal(
        actor=Actor.from_request(request), goal=goal, score=data["score"], note=data["note"]
    )
    return _done(request, goal.episode, "Progress rating saved.")


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def achieved(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = get_goal_for_user(request.user, goal_id, for_change=True)
    _problems_lead_back(request, goal.episode)
    services.mark_achieved(actor=Actor.from_request(request), goal=goal)
    return _done(request, goal.episode, "Goal marked achieved.")


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def revise(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = get_goal_for_user(request.user, goal_id, for_change=True)
    _problems_lead_back(request, goal.episode)
    data = cleaned(ReviseGoalForm(request.POST))
    services.revise_goal(
        actor=Actor.from_request(request),
        goal=goal,
        new_words=data["words"],
        framing=data["framing"],
    )
    return _done(request, goal.episode, "Goal revised.")


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def drop(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = get_goal_for_user(request.user, goal_id, for_change=True)
    _problems_lead_back(request, goal.episode)
    data = cleaned(DropGoalForm(request.POST))
    services.drop_goal(actor=Actor.from_request(request), goal=goal, reason=data["reason"])
    return _done(request, goal.episode, "Goal dropped.")
