"""Consistency figures: does the client come, on time, at the agreed rhythm?

Definitions (see docs/scheduling.md), over sessions scheduled before ``now``:
- attendance rate: attended / (attended + late cancellations + no-shows); a cancellation with
  notice is not a missed session;
- started on time: the share of attended sessions with a recorded start whose start was within
  ``ON_TIME_GRACE`` of the scheduled time;
- held at the agreed frequency: the share of consecutive attended sessions of one episode whose
  scheduled starts are at most ``frequency_days`` + ``FREQUENCY_TOLERANCE`` apart.

Each function reads the agreed terms in one query and the appointments in one more (none when
they are already prefetched), whatever the number of episodes or therapists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from alliance.agreements.terms import SessionTerms, terms_by_episode
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.practice.models import CareEpisode, TherapistProfile

# Life moves sessions by a day or two; a gap this much longer than agreed still counts as kept.
FREQUENCY_TOLERANCE = timedelta(days=2)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _percent(rate: float | None) -> int | None:
    return None if rate is None else round(rate * 100)


@dataclass(frozen=True)
class Consistency:
    attended: int = 0
    late_cancelled: int = 0
    no_shows: int = 0
    cancelled: int = 0
    on_time: int = 0  # attended sessions that started within the grace period
    timed: int = 0  # attended sessions with a recorded start
    at_frequency: int = 0  # consecutive attended pairs no further apart than agreed
    pairs: int = 0  # consecutive attended pairs

    def __add__(self, other: Consistency) -> Consistency:
        return Consistency(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )

    @property
    def attendance_rate(self) -> float | None:
        return _share(self.attended, self.attended + self.late_cancelled + self.no_shows)

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.on_time, self.timed)

    @property
    def at_frequency_rate(self) -> float | None:
        return _share(self.at_frequency, self.pairs)

    @property
    def attendance_percent(self) -> int | None:
        return _percent(self.attendance_rate)

    @property
    def on_time_percent(self) -> int | None:
        return _percent(self.on_time_rate)

    @property
    def at_frequency_percent(self) -> int | None:
        return _percent(self.at_frequency_rate)


def tally(appointments: Iterable[Appointment], terms: SessionTerms, now: datetime) -> Consistency:
    """The figures of one episode's appointments (in any order)."""
    past = sorted(
        (a for a in appointments if a.scheduled_start < now), key=lambda a: a.scheduled_start
    )
    attended = [a for a in past if a.status == AppointmentStatus.ATTENDED]
    timed = [a for a in attended if a.actual_start is not None]
    allowed_gap = timedelta(days=terms.frequency_days) + FREQUENCY_TOLERANCE
    gaps = [
        later.scheduled_start - earlier.scheduled_start for earlier, later in pairwise(attended)
    ]
    return Consistency(
        attended=len(attended),
        late_cancelled=sum(a.status == AppointmentStatus.LATE_CANCELLED for a in past),
        no_shows=sum(a.status == AppointmentStatus.NO_SHOW for a in past),
        cancelled=sum(a.status == AppointmentStatus.CANCELLED for a in past),
        on_time=sum(bool(a.started_on_time) for a in timed),
        timed=len(timed),
        at_frequency=sum(gap <= allowed_gap for gap in gaps),
        pairs=len(gaps),
    )


def episodes_consistency(episodes: Sequence[CareEpisode], now: datetime) -> dict[int, Consistency]:
    """Figures per episode id, from ``episode.appointments`` as prefetched (the client page does
    so), else one query per episode."""
    terms = terms_by_episode([episode.pk for episode in episodes])
    return {
        episode.pk: tally(episode.appointments.all(), terms[episode.pk], now)
        for episode in episodes
    }


def episode_consistency(episode: CareEpisode, now: datetime) -> Consistency:
    return episodes_consistency([episode], now)[episode.pk]


def consistency_by_therapist(
    therapists: Sequence[TherapistProfile], now: datetime, since: datetime
) -> dict[int, Consistency]:
    """Figures per therapist id over sessions scheduled from ``since`` to ``now``: two queries
    for any number of therapists."""
    appointments = Appointment.objects.filter(
        episode__therapist__in=[therapist.pk for therapist in therapists],
        scheduled_start__gte=since,
        scheduled_start__lt=now,
    ).select_related("episode")
    by_episode: dict[int, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        by_episode[appointment.episode_id].append(appointment)
    figures = {therapist.pk: Consistency() for therapist in therapists}
    terms = terms_by_episode(by_episode)  # one query, not one per episode
    for episode_id, mine in by_episode.items():
        episode = mine[0].episode
        figures[episode.therapist_id] += tally(mine, terms[episode_id], now)
    return figures


def therapist_consistency(
    therapist: TherapistProfile, now: datetime, since: datetime
) -> Consistency:
    return consistency_by_therapist([therapist], now, since)[therapist.pk]
