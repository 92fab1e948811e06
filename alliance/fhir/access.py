"""The only way the FHIR API fetches stored responses, and the care episode a posted response
belongs to. Built on the practice chokepoints, so the API sees exactly what the pages see.

- a therapist reads the responses of their own episodes, and posts for clients with an open one;
- a supervisor reads the responses of the therapists they supervise, and posts nothing (403);
- a client reads their own answers (not their therapist's self-ratings), and posts their own
  client forms;
- an admin reads and posts nothing: every patient is 404 to them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.measures.definitions import Instrument, Respondent
from alliance.measures.models import MeasureResponse, MeasureResponseQuerySet
from alliance.practice.access import episodes_for_user, get_client_for_user
from alliance.practice.models import CareEpisode


def responses_for_user(user: User) -> MeasureResponseQuerySet:
    visible = MeasureResponse.objects.filter(episode__in=episodes_for_user(user))
    if user.role == Role.CLIENT:
        visible = visible.filter(respondent_role=Respondent.CLIENT)
    return visible.select_related("episode")


def get_response_for_user(user: User, response_id: int) -> MeasureResponse:
    response = responses_for_user(user).select_related("client").filter(pk=response_id).first()
    if response is None:
        raise Http404("No such QuestionnaireResponse.")
    return response


def get_episode_for_submission(user: User, client_id: int, instrument: Instrument) -> CareEpisode:
    """The open care episode a response posted by ``user`` about client ``client_id`` joins.

    404 when ``user`` may not see the client at all; 403 (``PermissionDenied``) when they may
    see the client but not add to the record. With several open episodes (one client seeing two
    therapists) a therapist's is their own, a client's the most recent.
    """
    get_client_for_user(user, client_id)
    if user.role == Role.THERAPIST:
        episodes = episodes_for_user(user, for_change=True)
    elif user.role == Role.CLIENT:
        if instrument.respondent != Respondent.CLIENT:
            raise PermissionDenied(f"{instrument.title} is answered by the therapist.")
        episodes = episodes_for_user(user)
    else:
        raise PermissionDenied("Your role may read these records but not add to them.")
    episode = (
        episodes.open()
        .filter(client_id=client_id)
        .select_related("client")
        .order_by("-started_on", "-id")
        .first()
    )
    if episode is None:
        raise PermissionDenied("There is no open care episode with this patient.")
    return episode
