"""The only way to fetch goals (and the episode a goal is proposed for) for a signed-in person.

Built on the practice's episode scope (``practice.access.episodes_for_user``):
- a therapist sees and changes the goals of their own caseload;
- a supervisor reads the goals of the therapists they supervise;
- a client reads their own goals, and may propose goals and rate their own active goals;
- an admin sees none.
Anything else is a 404, as everywhere.
"""

from __future__ import annotations

from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.goals.models import Goal
from alliance.practice.access import episodes_for_user
from alliance.practice.models import CareEpisode


def get_goal_for_user(user: User, goal_id: int, *, for_change: bool = False) -> Goal:
    goal = (
        Goal.objects.filter(pk=goal_id, episode__in=episodes_for_user(user, for_change=for_change))
        .select_related("episode__client", "episode__therapist__user", "revised_from")
        .first()
    )
    if goal is None:
        raise Http404("No such goal.")
    return goal


def get_goal_to_rate(user: User, goal_id: int) -> Goal:
    """A goal its client or its therapist may rate; a supervisor only reads."""
    if user.role == Role.CLIENT:
        return get_goal_for_user(user, goal_id)
    if user.role == Role.THERAPIST:
        return get_goal_for_user(user, goal_id, for_change=True)
    raise Http404("No such goal.")


def get_episode_to_propose_goal(user: User, episode_id: int) -> CareEpisode:
    """An open episode whose client or therapist may propose a goal in it."""
    if user.role == Role.CLIENT:
        episodes = episodes_for_user(user)
    elif user.role == Role.THERAPIST:
        episodes = episodes_for_user(user, for_change=True)
    else:
        raise Http404("No such care episode.")
    episode = episodes.open().select_related("client").filter(pk=episode_id).first()
    if episode is None:
        raise Http404("No such care episode.")
    return episode
