"""Finding people on the admin's page: by name or username, by account state, and clients by
their therapist (or none). The filters narrow the page's own queries, so the number of queries
stays the same whatever is searched (administration/tests/test_query_counts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from alliance.accounts.models import User
from alliance.practice.models import CareEpisode, Client, TherapistProfile

UNASSIGNED = "none"
ACCOUNT_STATES = [("", "Any account"), ("active", "Active"), ("deactivated", "Deactivated")]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Name or username")
    account = forms.ChoiceField(choices=ACCOUNT_STATES, required=False, label="Account")
    therapist = forms.ChoiceField(required=False, label="Clients of")

    def __init__(self, *args: Any, therapists: list[TherapistProfile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].choices = [  # type: ignore[attr-defined]
            ("", "Any therapist"),
            (UNASSIGNED, "No therapist (unassigned)"),
            *((str(therapist.pk), str(therapist)) for therapist in therapists),
        ]


@dataclass(frozen=True)
class PeopleFilter:
    words: tuple[str, ...] = ()
    account: str = ""
    therapist: str = ""

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> PeopleFilter:
        return cls(tuple(data["q"].split()), data["account"], data["therapist"])

    @property
    def active(self) -> bool:
        return bool(self.words or self.account or self.therapist)


def _names(words: tuple[str, ...], prefix: str = "") -> Q:
    """Every word in the first name, last name or username (of ``prefix`` + the field)."""
    found = Q()
    for word in words:
        found &= (
            Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}username__icontains": word})
        )
    return found


def _account(state: str, prefix: str = "") -> Q:
    if not state:
        return Q()
    return Q(**{f"{prefix}is_active": state == "active"})


def filter_therapists(
    therapists: QuerySet[TherapistProfile], chosen: PeopleFilter
) -> QuerySet[TherapistProfile]:
    return therapists.filter(_names(chosen.words, "user__"), _account(chosen.account, "user__"))


def filter_staff(staff: QuerySet[User], chosen: PeopleFilter) -> QuerySet[User]:
    return staff.filter(_names(chosen.words), _account(chosen.account))


def filter_clients(clients: QuerySet[Client], chosen: PeopleFilter) -> QuerySet[Client]:
    names = Q()
    for word in chosen.words:  # a client's own name, or the username of their sign-in
        names &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(user__username__icontains=word)
        )
    clients = clients.filter(names, _account(chosen.account, "user__"))
    if chosen.therapist == UNASSIGNED:
        open_episodes = CareEpisode.objects.open().filter(client=OuterRef("pk"))
        clients = clients.exclude(Exists(open_episodes))
    elif chosen.therapist:
        clients = clients.filter(
            Exists(
                CareEpisode.objects.open().filter(
                    client=OuterRef("pk"), therapist_id=int(chosen.therapist)
                )
            )
        )
    return clients
