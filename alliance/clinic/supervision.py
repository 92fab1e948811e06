"""The supervisor's view of their therapists: caseload size and attendance, in one query; rupture
figures per therapist and for the practice; and the clients who need attention first across all
their therapists, in the same order as a therapist's own caseload (alliance/signals/attention.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from alliance.accounts.models import User
from alliance.appointments.consistency import Consistency, consistency_by_therapist
from alliance.appointments.models import COUNTED_FOR_ATTENDANCE, AppointmentStatus
from alliance.practice.access import episodes_for_user
from alliance.practice.models import CareEpisode, EpisodeStatus, TherapistProfile
from alliance.signals.alert_load import BUDGET_PER_THERAPIST_WEEK, AlertLoad, alert_load
from alliance.signals.attention import Attention, attention_for, by_attention
from alliance.signals.figures import PracticeFigures, RuptureFigures

RECENT = timedelta(weeks=12)


@dataclass(frozen=True)
class TherapistSummary:
    therapist: TherapistProfile
    open_episodes: int
    attended_recently: int
    missed_recently: int
    attendance_rate: float | None
    consistency: Consistency = field(default_factory=Consistency)
    ruptures: RuptureFigures = field(default_factory=RuptureFigures)
    alerts_per_week: float = 0.0  # new non-crisis flags a week (signals/alert_load.py)

    @property
    def over_alert_budget(self) -> bool:
        return self.alerts_per_week > BUDGET_PER_THERAPIST_WEEK

    @property
    def attendance_percent(self) -> int | None:
        return None if self.attendance_rate is None else round(self.attendance_rate * 100)


@dataclass(frozen=True)
class AttentionLine:
    episode: CareEpisode
    attention: Attention


def supervised_therapists(supervisor: User) -> QuerySet[TherapistProfile]:
    """The therapists ``supervisor`` supervises in their practice, by name."""
    if supervisor.practice_id is None:
        return TherapistProfile.objects.none()
    practice_id: int = supervisor.practice_id
    return (
        TherapistProfile.objects.filter(supervisors=supervisor, practice_id=practice_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def needs_attention(supervisor: User) -> list[AttentionLine]:
    """The open episodes of the supervisor's therapists that need attention, most urgent first
    (four queries, whatever the number of therapists and clients)."""
    episodes = list(
        episodes_for_user(supervisor)
        .open()
        .select_related("client", "therapist__user")
        .order_by("therapist__user__last_name", "client__last_name", "client__first_name", "id")
    )
    attention = attention_for([episode.pk for episode in episodes])
    lines = [AttentionLine(e, attention[e.pk]) for e in episodes if e.pk in attention]
    return by_attention(lines, attention, lambda line: line.episode.pk)


def supervision_overview(
    supervisor: User, now: datetime | None = None, ruptures: PracticeFigures | None = None
) -> list[TherapistSummary]:
    now = now or timezone.now()
    since = now - RECENT
    if supervisor.practice_id is None:
        return []
    practice_id: int = supervisor.practice_id
    recent = Q(episodes__appointments__scheduled_start__gte=since)
    therapists = (
        TherapistProfile.objects.filter(supervisors=supervisor, practice_id=practice_id)
        .select_related("user")
        .annotate(
            open_episodes=Count(
                "episodes", filter=~Q(episodes__status=EpisodeStatus.ENDED), distinct=True
            ),
            attended_recently=Count(
                "episodes__appointments",
                filter=recent & Q(episodes__appointments__status=AppointmentStatus.ATTENDED),
            ),
            counted_recently=Count(
                "episodes__appointments",
                filter=recent & Q(episodes__appointments__status__in=COUNTED_FOR_ATTENDANCE),
            ),
            missed_recently=Count(
                "episodes__appointments",
                filter=recent
                & Q(
                    episodes__appointments__status__in=[
                        AppointmentStatus.NO_SHOW,
                        AppointmentStatus.LATE_CANCELLED,
                    ]
                ),
            ),
        )
        .order_by("user__last_name", "user__first_name")
    )
    # One more query for every therapist's consistency figures (appointments/consistency.py).
    consistency = consistency_by_therapist(list(therapists), now, since)
    return [
        TherapistSummary(
            therapist=therapist,
            open_episodes=therapist.open_episodes,
            attended_recently=therapist.attended_recently,
            missed_recently=therapist.missed_recently,
            attendance_rate=(
                therapist.attended_recently / therapist.counted_recently
                if therapist.counted_recently
                else None
            ),
            consistency=consistency[therapist.pk],
            ruptures=ruptures.of(therapist.pk) if ruptures is not None else RuptureFigures(),
        )
        for therapist in therapists
    ]


def with_alert_load(
    practice_id: int, summaries: Sequence[TherapistSummary]
) -> tuple[list[TherapistSummary], AlertLoad]:
    """The summaries with each therapist's alert load, and the load of them all (two queries)."""
    load = alert_load(practice_id, [summary.therapist.pk for summary in summaries])
    return [
        replace(summary, alerts_per_week=load.of(summary.therapist.pk)) for summary in summaries
    ], load
