"""Finding clients in a caseload: by name, phase, open flag, dropout risk and (for a
supervisor) therapist. Every filter narrows the episodes query the page already makes, inside
the person's own scope (alliance/practice/access.py), so a search never reaches another
therapist's clients and the number of queries does not grow (clinic/tests/test_caseload_search.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q

from alliance.practice.models import CareEpisodeQuerySet, Phase, TherapistProfile
from alliance.signals.models import EpisodeRisk, Flag, FlagKind, FlagStatus, RiskLevel


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Client name")
    phase = forms.ChoiceField(choices=[("", "Any phase"), *Phase.choices], required=False)
    flag = forms.ChoiceField(
        choices=[("", "Any or none"), *FlagKind.choices], required=False, label="Open flag"
    )
    risk = forms.ChoiceField(
        choices=[("", "Any"), *RiskLevel.choices], required=False, label="Dropout risk"
    )
    therapist = forms.ChoiceField(required=False, label="Therapist")

    def __init__(
        self, *args: Any, therapists: list[TherapistProfile] | None = None, **kwargs: Any
    ) -> None:
        """``therapists``: the supervisor's therapists to choose from; None leaves the field out."""
        super().__init__(*args, **kwargs)
        if therapists is None:
            del self.fields["therapist"]
        else:
            self.fields["therapist"].choices = [  # type: ignore[attr-defined]
                ("", "All your therapists"),
                *((str(therapist.pk), str(therapist)) for therapist in therapists),
            ]


@dataclass(frozen=True)
class CaseloadFilter:
    words: tuple[str, ...] = ()
    phase: str = ""
    flag: str = ""
    risk: str = ""
    therapist_id: int | None = None

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> CaseloadFilter:
        therapist = data.get("therapist") or ""
        return cls(
            words=tuple(data["q"].split()),
            phase=data["phase"],
            flag=data["flag"],
            risk=data["risk"],
            therapist_id=int(therapist) if therapist else None,
        )

    @property
    def active(self) -> bool:
        return bool(self.words or self.phase or self.flag or self.risk or self.therapist_id)

    @property
    def used(self) -> list[str]:
        """What the search asked for, for the audit row: the filters, never the name typed."""
        named = ["name"] if self.words else []
        chosen = {"phase": self.phase, "flag": self.flag, "risk": self.risk}
        therapist = [f"therapist:{self.therapist_id}"] if self.therapist_id else []
        return named + [f"{key}:{value}" for key, value in chosen.items() if value] + therapist


def filter_caseload(episodes: CareEpisodeQuerySet, chosen: CaseloadFilter) -> CareEpisodeQuerySet:
    """``episodes`` narrowed to what ``chosen`` asks for (in the same query)."""
    for word in chosen.words:
        episodes = episodes.filter(
            Q(client__first_name__icontains=word) | Q(client__last_name__icontains=word)
        )
    if chosen.phase:
        episodes = episodes.filter(phase=chosen.phase)
    if chosen.flag:
        open_flags = Flag.objects.filter(
            episode=OuterRef("pk"), status=FlagStatus.OPEN, kind=chosen.flag
        )
        episodes = episodes.filter(Exists(open_flags))
    if chosen.risk:
        episodes = episodes.filter(
            Exists(EpisodeRisk.objects.filter(episode=OuterRef("pk"), level=chosen.risk))
        )
    if chosen.therapist_id is not None:
        episodes = episodes.filter(therapist_id=chosen.therapist_id)
    return episodes
