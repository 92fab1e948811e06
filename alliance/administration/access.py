"""What a practice admin may fetch: accounts and client identities of their own practice, and
its signal re-estimations.

Admins manage who works with whom; they never reach clinical content through these lookups.
"""

from __future__ import annotations

from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.practice.models import Client, TherapistProfile
from alliance.signals.models import Reestimation


def _require_admin(user: User) -> int:
    if user.role != Role.ADMIN or not user.is_active or user.practice_id is None:
        raise Http404("Page not found.")
    return user.practice_id


def get_account_for_admin(user: User, account_id: int) -> User:
    practice_id = _require_admin(user)
    account = User.objects.filter(pk=account_id, practice_id=practice_id).first()
    if account is None:
        raise Http404("No such account.")
    return account


def get_client_identity_for_admin(user: User, client_id: int) -> Client:
    practice_id = _require_admin(user)
    client = Client.objects.filter(pk=client_id, practice_id=practice_id).first()
    if client is None:
        raise Http404("No such client.")
    return client


def get_therapist_for_admin(user: User, therapist_id: int) -> TherapistProfile:
    practice_id = _require_admin(user)
    therapist = (
        TherapistProfile.objects.select_related("user")
        .filter(pk=therapist_id, practice_id=practice_id)
        .first()
    )
    if therapist is None:
        raise Http404("No such therapist.")
    return therapist


def get_reestimation_for_admin(user: User, reestimation_id: int) -> Reestimation:
    practice_id = _require_admin(user)
    found = Reestimation.objects.filter(pk=reestimation_id, practice_id=practice_id).first()
    if found is None:
        raise Http404("No such re-estimation.")
    return found
