"""Every write to goals: propose, confirm, rate, achieve, revise, drop. Each writes its audit row."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import Role
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.goals.models import (
    DEFAULT_REVIEW_EVERY_SESSIONS,
    SCORE_MAX,
    SCORE_MIN,
    Goal,
    GoalRating,
    GoalRole,
    GoalStatus,
)
from alliance.goals.selectors import goals_due_for_review
from alliance.lib.errors import DomainError
from alliance.practice.models import CareEpisode

__all__ = [
    "confirm_goal",
    "drop_goal",
    "goals_due_for_review",
    "mark_achieved",
    "propose_goal",
    "rate_goal",
    "revise_goal",
]

MAX_WORDS = 1000


def _role_of(actor: Actor) -> GoalRole:
    """Goals are written by the two people in the room; anyone else is a bug in the caller."""
    user = actor.user
    if user is not None and user.role == Role.CLIENT:
        return GoalRole.CLIENT
    if user is not None and user.role == Role.THERAPIST:
        return GoalRole.THERAPIST
    if user is None:  # setup code and the demo act for the therapist
        return GoalRole.THERAPIST
    raise DomainError("Only the client or their therapist can change goals.")


def _clean_words(words: str, *, field: str = "words") -> str:
    cleaned = words.strip()
    if not cleaned:
        raise DomainError("Please write the goal in a few words.", field=field)
    if len(cleaned) > MAX_WORDS:
        raise DomainError(f"Please keep the goal under {MAX_WORDS} characters.", field=field)
    return cleaned


def _require_open(episode: CareEpisode) -> None:
    if not episode.is_open:
        raise DomainError("This care episode has ended; its goals can no longer change.")


def _set_status(goal: Goal, status: GoalStatus, **fields: str) -> None:
    goal.status = status
    goal.status_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.save(update_fields=["status", "status_changed_at", *fields])


@transaction.atomic
def propose_goal(
    *,
    actor: Actor,
    episode: CareEpisode,
    words: str,
    replaces: Goal | None = None,
    review_every_sessions: int = DEFAULT_REVIEW_EVERY_SESSIONS,
) -> Goal:
    """A new goal. The client's proposal waits for the therapist; the therapist's is active.

    ``replaces`` (client only) proposes new wording for an active goal: confirming it revises
    the old goal. A therapist changes wording directly with ``revise_goal``."""
    _require_open(episode)
    role = _role_of(actor)
    cleaned = _clean_words(words)
    if replaces is not None:
        if role != GoalRole.CLIENT:
            raise DomainError("Use revise to change the wording of a goal.")
        if replaces.episode_id != episode.pk or replaces.status != GoalStatus.ACTIVE:
            raise DomainError("Only an active goal can be changed.", field="replaces")
    goal = Goal.objects.create(
        practice_id=episode.practice_id,
        episode=episode,
        client_words=cleaned,
        status=GoalStatus.PROPOSED if role == GoalRole.CLIENT else GoalStatus.ACTIVE,
        proposed_by=role,
        revised_from=replaces,
        review_every_sessions=review_every_sessions,
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="goal",
        obj=goal,
        client_id=episode.client_id,
        detail={"status": goal.status, "replaces": replaces.pk if replaces else None},
    )
    return goal


@transaction.atomic
def confirm_goal(*, actor: Actor, goal: Goal, framing: str = "") -> Goal:
    """The therapist agrees to a proposed goal, optionally with their own framing. A proposed
    change to an active goal revises that goal."""
    _require_open(goal.episode)
    if goal.status != GoalStatus.PROPOSED:
        raise DomainError("Only a proposed goal can be confirmed.")
    old = goal.revised_from
    if old is not None and old.status == GoalStatus.ACTIVE:
        _set_status(old, GoalStatus.REVISED)
        _change(actor, old, "goal revised", into=goal.pk)
    _set_status(goal, GoalStatus.ACTIVE, therapist_framing=framing.strip())
    _change(actor, goal, "goal confirmed")
    return goal


@transaction.atomic
def rate_goal(*, actor: Actor, goal: Goal, score: int, note: str = "") -> GoalRating:
    if goal.status != GoalStatus.ACTIVE:
        raise DomainError("Only an active goal can be rated.")
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise DomainError(f"Please choose a number from {SCORE_MIN} to {SCORE_MAX}.", field="score")
    role = _role_of(actor)
    rating = GoalRating.objects.create(
        goal=goal, rated_by_role=role, score=score, note=note.strip()
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="goal rating",
        obj=goal,
        client_id=goal.episode.client_id,
        detail={"role": str(role), "score": score},
    )
    return rating


@transaction.atomic
def mark_achieved(*, actor: Actor, goal: Goal) -> Goal:
    _require_open(goal.episode)
    if goal.status != GoalStatus.ACTIVE:
        raise DomainError("Only an active goal can be marked achieved.")
    _set_status(goal, GoalStatus.ACHIEVED)
    _change(actor, goal, "goal achieved")
    return goal


@transaction.atomic
def revise_goal(*, actor: Actor, goal: Goal, new_words: str, framing: str = "") -> Goal:
    """New wording for an active goal: the old one becomes ``revised`` and the new one, linked
    to it, is active. Ratings stay with the wording they were given for."""
    _require_open(goal.episode)
    if goal.status != GoalStatus.ACTIVE:
        raise DomainError("Only an active goal can be revised.")
    cleaned = _clean_words(new_words)
    _set_status(goal, GoalStatus.REVISED)
    new = Goal.objects.create(
        practice_id=goal.practice_id,
        episode=goal.episode,
        client_words=cleaned,
        therapist_framing=framing.strip(),
        status=GoalStatus.ACTIVE,
        proposed_by=_role_of(actor),
        revised_from=goal,
        review_every_sessions=goal.review_every_sessions,
    )
    _change(actor, goal, "goal revised", into=new.pk)
    return new


@transaction.atomic
def drop_goal(*, actor: Actor, goal: Goal, reason: str) -> Goal:
    """Stop working on a goal, or decline a proposal after talking it over; a reason is kept."""
    _require_open(goal.episode)
    if goal.status not in (GoalStatus.ACTIVE, GoalStatus.PROPOSED):
        raise DomainError("Only an active or proposed goal can be dropped.")
    cleaned = reason.strip()
    if not cleaned:
        raise DomainError("Please say why the goal is dropped.", field="reason")
    _set_status(goal, GoalStatus.DROPPED, drop_reason=cleaned)
    _change(actor, goal, "goal dropped")
    return goal


def _change(actor: Actor, goal: Goal, target: str, **detail: object) -> None:
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=target,
        obj=goal,
        client_id=goal.episode.client_id,
        detail={"status": goal.status, **detail},
    )
