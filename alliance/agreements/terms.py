"""The practical terms an episode's agreement sets: how often and how long sessions are, and how
late a cancellation may come before it counts as a late cancellation.

Scheduling and consistency figures read the terms through ``terms_for``; they never read the
agreement text. Without an agreement (or with one that does not say), the defaults apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alliance.practice.models import CareEpisode

if TYPE_CHECKING:
    from alliance.agreements.models import AgreementVersion


@dataclass(frozen=True)
class SessionTerms:
    frequency_days: int = 7  # one session every N days
    session_minutes: int = 50
    late_cancellation_hours: int = 24  # a cancellation closer to the start than this is late


DEFAULT_TERMS = SessionTerms()
_REMEMBERED = "_agreement_session_terms"


def terms_for(episode: CareEpisode) -> SessionTerms:
    """The terms of the episode's current agreement version, or the defaults: one query, or
    none when a list selector has already remembered them on this episode object."""
    from alliance.agreements.models import AgreementVersion

    remembered = episode.__dict__.get(_REMEMBERED)
    if isinstance(remembered, SessionTerms):
        return remembered
    version = (
        AgreementVersion.objects.filter(agreement__episode=episode).order_by("-number").first()
    )
    return DEFAULT_TERMS if version is None else terms_of(version)


def terms_of(version: AgreementVersion) -> SessionTerms:
    return SessionTerms(
        frequency_days=version.frequency_days,
        session_minutes=version.session_minutes,
        late_cancellation_hours=version.late_cancellation_hours,
    )


def remember_terms(episode: CareEpisode, terms: SessionTerms) -> None:
    """Keep ``terms`` on this episode object, so that ``terms_for`` needs no query for it."""
    episode.__dict__[_REMEMBERED] = terms


def terms_by_episode(episode_ids: Iterable[int]) -> dict[int, SessionTerms]:
    """The terms of many episodes in one query, whatever their number."""
    from alliance.agreements.models import AgreementVersion

    ids = list(episode_ids)
    terms = dict.fromkeys(ids, DEFAULT_TERMS)
    versions = AgreementVersion.objects.filter(agreement__episode__in=ids).order_by(
        "agreement__episode_id", "number"
    )
    for episode_id, frequency, minutes, late in versions.values_list(
        "agreement__episode_id", "frequency_days", "session_minutes", "late_cancellation_hours"
    ):
        terms[episode_id] = SessionTerms(frequency, minutes, late)  # the last is the newest
    return terms
