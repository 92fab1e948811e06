"""Agreement figures for lists of episodes, in one query whatever the number of episodes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from alliance.agreements.models import Acknowledgement, Agreement, AgreementVersion
from alliance.agreements.services import is_due
from alliance.agreements.terms import DEFAULT_TERMS, SessionTerms, remember_terms
from alliance.practice.models import CareEpisode, PhaseChange


@dataclass(frozen=True)
class AgreementStatus:
    episode: CareEpisode
    agreement: Agreement | None
    version_number: int = 0
    acknowledged: bool = False
    due: bool = False
    shared: bool = False  # False: a draft the client cannot see yet

    @property
    def episode_id(self) -> int:
        return self.episode.pk


def agreement_statuses(episodes: Iterable[CareEpisode], today: date) -> list[AgreementStatus]:
    """One status per episode, in the given order: version, acknowledged or not, review due.
    Also remembers each episode's terms on it, for ``terms_for``."""
    episodes = list(episodes)
    if not episodes:
        return []
    latest = AgreementVersion.objects.filter(agreement=OuterRef("pk")).order_by("-number")
    last_phase_change = (
        PhaseChange.objects.filter(episode=OuterRef("episode_id"))
        .exclude(from_phase="")
        .order_by("-changed_at")
    )
    agreements = Agreement.objects.filter(episode__in=[e.pk for e in episodes]).annotate(
        current_number=Subquery(latest.values("number")[:1]),
        acknowledged=Exists(
            Acknowledgement.objects.filter(
                version__agreement=OuterRef("pk"), version__number=OuterRef("current_number")
            )
        ),
        last_phase_change=Subquery(last_phase_change.values("changed_at")[:1]),
        frequency_days=Subquery(latest.values("frequency_days")[:1]),
        session_minutes=Subquery(latest.values("session_minutes")[:1]),
        late_cancellation_hours=Subquery(latest.values("late_cancellation_hours")[:1]),
    )
    by_episode = {agreement.episode_id: agreement for agreement in agreements}
    statuses = []
    for episode in episodes:
        agreement = by_episode.get(episode.pk)
        if agreement is None:
            remember_terms(episode, DEFAULT_TERMS)
            statuses.append(AgreementStatus(episode, None))
            continue
        # Pages that show these statuses also show figures that depend on the terms.
        remember_terms(
            episode,
            SessionTerms(
                agreement.frequency_days,
                agreement.session_minutes,
                agreement.late_cancellation_hours,
            ),
        )
        due = episode.is_open and is_due(
            reviewed_at=agreement.reviewed_at,
            every_weeks=agreement.review_every_weeks,
            last_phase_change=agreement.last_phase_change,
            today=today,
        )
        statuses.append(
            AgreementStatus(
                episode,
                agreement,
                version_number=agreement.current_number,
                acknowledged=agreement.acknowledged,
                due=due,
                shared=agreement.is_shared,
            )
        )
    return statuses


def reviews_due(
    episodes: Iterable[CareEpisode], today: date | None = None
) -> list[AgreementStatus]:
    """The episodes among ``episodes`` whose agreement is due for review (one query)."""
    statuses = agreement_statuses(episodes, today or timezone.localdate())
    return [status for status in statuses if status.due]
