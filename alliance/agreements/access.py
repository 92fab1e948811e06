"""The only way to fetch therapy agreements for a signed-in person, built on the care-episode
rules of ``alliance.practice.access``: the therapist changes, their supervisor reads, the client
reads their own once it is shared (never a draft), admins see none. Anything else is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.agreements.models import Agreement, AgreementVersion
from alliance.practice.access import episodes_for_user


def agreements_for_user(user: User, *, for_change: bool = False) -> QuerySet[Agreement]:
    """The agreements ``user`` may see; a client sees only those their therapist has shared
    (a draft is invisible to them, as if it did not exist)."""
    visible = Agreement.objects.filter(
        episode__in=episodes_for_user(user, for_change=for_change).values("pk")
    )
    if user.role == Role.CLIENT:
        visible = visible.filter(shared_at__isnull=False)
    return visible.select_related(
        "episode__client", "episode__therapist__user", "episode__practice"
    )


def get_agreement_for_user(user: User, agreement_id: int, *, for_change: bool = False) -> Agreement:
    agreement = agreements_for_user(user, for_change=for_change).filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404("No such agreement.")
    return agreement


def get_version_for_user(user: User, version_id: int) -> AgreementVersion:
    version = (
        AgreementVersion.objects.filter(pk=version_id, agreement__in=agreements_for_user(user))
        .select_related("agreement__episode__client")
        .first()
    )
    if version is None:
        raise Http404("No such agreement.")
    return version


def get_own_agreement(user: User) -> Agreement | None:
    """A signed-in client's agreement for their current (open, else latest) care episode."""
    if user.role != Role.CLIENT:
        raise Http404("No client record.")
    visible = agreements_for_user(user)
    return (
        visible.filter(episode__status__in=["active", "paused"]).first()
        or visible.order_by("-episode__started_on", "-pk").first()
    )
