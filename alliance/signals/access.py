"""The only way to fetch flags, rupture episodes and client feedback for a signed-in clinician.

Built on the practice's episode scope (``practice.access.episodes_for_user``):
- the therapist of the episode sees and changes them (acknowledge, repair, close, reply);
- a supervisor of that therapist reads them (``for_change=False`` only);
- clients, admins and everyone else see none of it here: flags are clinical notes about the
  client, not the client's own record (the portal shows replies to feedback its own way).
Anything else is a 404, as everywhere.
"""

from __future__ import annotations

from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.measures.models import MeasureResponse
from alliance.practice.access import episodes_for_user
from alliance.practice.models import CareEpisodeQuerySet
from alliance.signals.models import Flag, RuptureEpisode

CLINICIANS = (Role.THERAPIST, Role.SUPERVISOR)


def _clinical_episodes(user: User, *, for_change: bool) -> tuple[int, CareEpisodeQuerySet] | None:
    """The practice and the episodes whose signals ``user`` may see (or change); None for none."""
    if user.role not in CLINICIANS or user.practice_id is None:
        return None
    return user.practice_id, episodes_for_user(user, for_change=for_change)


def get_flag_for_user(user: User, flag_id: int, *, for_change: bool = False) -> Flag:
    scope = _clinical_episodes(user, for_change=for_change)
    flag = (
        None
        if scope is None
        else Flag.objects.filter(pk=flag_id, practice_id=scope[0], episode__in=scope[1])
        .select_related("episode__client", "episode__therapist__user")
        .first()
    )
    if flag is None:
        raise Http404("No such flag.")
    return flag


def get_rupture_for_user(
    user: User, rupture_id: int, *, for_change: bool = False
) -> RuptureEpisode:
    scope = _clinical_episodes(user, for_change=for_change)
    rupture = (
        None
        if scope is None
        else RuptureEpisode.objects.filter(
            pk=rupture_id, practice_id=scope[0], episode__in=scope[1]
        )
        .select_related(
            "episode__client",
            "episode__therapist__user",
            "opened_by",
            "acknowledged_by",
            "closed_by",
        )
        .first()
    )
    if rupture is None:
        raise Http404("No such rupture.")
    return rupture


def get_response_for_user(
    user: User, response_id: int, *, for_change: bool = False
) -> MeasureResponse:
    """A client's answered form with written feedback, for the clinician to read or reply to."""
    scope = _clinical_episodes(user, for_change=for_change)
    response = (
        None
        if scope is None
        else MeasureResponse.objects.filter(
            pk=response_id,
            practice_id=scope[0],
            episode__in=scope[1],
            respondent_role="client",
        )
        .exclude(comment="")
        .select_related("episode")
        .first()
    )
    if response is None:
        raise Http404("No such feedback.")
    return response
