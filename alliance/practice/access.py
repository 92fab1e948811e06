"""The only way to fetch clients, care episodes and therapists for a signed-in person.

Rules, within the person's own practice:
- a client sees only their own record;
- a therapist sees the clients they have (or had) a care episode with, and may change them;
- a supervisor sees the clients of the therapists they supervise, read-only;
- an admin manages accounts but reads no clinical content, so sees none of it here.
Anything a person may not see raises ``Http404``: a 403 would confirm that the record exists.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.practice.models import CareEpisode, CareEpisodeQuerySet, Client, TherapistProfile


def _episode_scope(user: User, *, for_change: bool) -> Q | None:
    """The filter on care episodes that ``user`` may see (or change); None means nothing."""
    if not user.is_active or user.practice_id is None:
        return None
    in_practice = Q(practice_id=user.practice_id)
    if user.role == Role.THERAPIST:
        return in_practice & Q(therapist__user=user)
    if user.role == Role.SUPERVISOR and not for_change:
        return in_practice & Q(therapist__supervisors=user)
    if user.role == Role.CLIENT and not for_change:
        return in_practice & Q(client__user=user)
    return None


def episodes_for_user(user: User, *, for_change: bool = False) -> CareEpisodeQuerySet:
    scope = _episode_scope(user, for_change=for_change)
    if scope is None:
        return CareEpisode.objects.none()
    return CareEpisode.objects.filter(scope).distinct()


def get_episode_for_user(user: User, episode_id: int, *, for_change: bool = False) -> CareEpisode:
    episode = (
        episodes_for_user(user, for_change=for_change)
        .select_related("client", "therapist__user")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404("No such care episode.")
    return episode


def get_client_for_user(user: User, client_id: int, *, for_change: bool = False) -> Client:
    visible = episodes_for_user(user, for_change=for_change).filter(client_id=client_id)
    client = Client.objects.filter(pk=client_id, episodes__in=visible).distinct().first()
    if client is None:
        raise Http404("No such client.")
    return client


def get_own_client_record(user: User) -> Client:
    """The client record of a signed-in client."""
    practice_id = user.practice_id
    if user.role != Role.CLIENT or not user.is_active or practice_id is None:
        raise Http404("No client record.")
    client = Client.objects.filter(user=user, practice_id=practice_id).first()
    if client is None:
        raise Http404("No client record.")
    return client


def get_own_therapist_profile(user: User) -> TherapistProfile:
    practice_id = user.practice_id
    if user.role != Role.THERAPIST or not user.is_active or practice_id is None:
        raise Http404("No therapist profile.")
    profile = TherapistProfile.objects.filter(user=user, practice_id=practice_id).first()
    if profile is None:
        raise Http404("No therapist profile.")
    return profile


def get_supervised_therapist_for_user(user: User, therapist_id: int) -> TherapistProfile:
    """A therapist profile as seen by one of their supervisors."""
    practice_id = user.practice_id
    if user.role != Role.SUPERVISOR or not user.is_active or practice_id is None:
        raise Http404("No such therapist.")
    profile = (
        TherapistProfile.objects.select_related("user")
        .filter(pk=therapist_id, practice_id=practice_id, supervisors=user)
        .first()
    )
    if profile is None:
        raise Http404("No such therapist.")
    return profile


def get_client_details_for_user(user: User, client_id: int, *, for_change: bool = False) -> Client:
    """A client's details (contact, emergency contact, consents): the therapist of the client
    (to change them too), a supervisor of that therapist (read-only), and the practice admin,
    who manages who is whose client (to change them too; never the encrypted notes)."""
    practice_id = user.practice_id
    if user.role == Role.ADMIN and user.is_active and practice_id is not None:
        client = Client.objects.filter(pk=client_id, practice_id=practice_id).first()
        if client is None:
            raise Http404("No such client.")
        return client
    if user.role not in (Role.THERAPIST, Role.SUPERVISOR):
        raise Http404("No such client.")
    return get_client_for_user(user, client_id, for_change=for_change)
