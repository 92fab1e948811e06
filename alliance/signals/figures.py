"""Rupture figures for a therapist and for the practice: how many ruptures were found, how quickly
they were acknowledged and met with a first repair step, and how many resolved.

- *found*: rupture episodes opened in the period, by the signals engine or by hand;
- *time to acknowledge*: from the engine opening it to the therapist acknowledging it (ruptures a
  therapist opened by hand are acknowledged as they are opened, so they are left out); ruptures
  not yet acknowledged are counted apart, not in the median;
- *time to first repair*: from opening to the first repair step recorded;
- *resolved*: closed as resolved (check-ins back at baseline, confirmed by the therapist), as a
  share of the closed ones and of all found.

One query for a whole practice, whatever the number of ruptures; medians are worked out here so
that SQLite and PostgreSQL give the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from django.db.models import Min
from django.utils import timezone

from alliance.signals.models import RuptureEpisode, RuptureStatus

PERIOD = timedelta(days=365)


def duration_words(duration: timedelta | None) -> str:
    if duration is None:
        return "—"
    hours = duration.total_seconds() / 3600
    if hours < 1:
        return "under an hour"
    if hours < 48:
        whole = round(hours)
        return f"{whole} hour{'' if whole == 1 else 's'}"
    days = round(hours / 24)
    return f"{days} days"


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class RuptureRow:
    """One rupture episode as the figures need it."""

    therapist_id: int
    opened_at: datetime
    by_hand: bool
    acknowledged_at: datetime | None
    first_repair_at: datetime | None
    status: str


@dataclass(frozen=True)
class RuptureFigures:
    found: int = 0
    by_hand: int = 0
    closed: int = 0
    resolved: int = 0
    not_acknowledged: int = 0
    median_to_acknowledge: timedelta | None = None
    median_to_first_repair: timedelta | None = None

    @property
    def resolved_of_closed_percent(self) -> int | None:
        return _percent(self.resolved, self.closed)

    @property
    def resolved_of_all_percent(self) -> int | None:
        return _percent(self.resolved, self.found)

    @property
    def to_acknowledge_words(self) -> str:
        return duration_words(self.median_to_acknowledge)

    @property
    def to_first_repair_words(self) -> str:
        return duration_words(self.median_to_first_repair)


@dataclass(frozen=True)
class PracticeFigures:
    practice: RuptureFigures
    therapists: dict[int, RuptureFigures] = field(default_factory=dict)

    def of(self, therapist_id: int) -> RuptureFigures:
        return self.therapists.get(therapist_id, RuptureFigures())


def _median(durations: list[timedelta]) -> timedelta | None:
    if not durations:
        return None
    return timedelta(seconds=median(d.total_seconds() for d in durations))


def summarise(rows: Iterable[RuptureRow]) -> RuptureFigures:
    rows = list(rows)
    closed = [r for r in rows if r.status in (RuptureStatus.RESOLVED, RuptureStatus.UNRESOLVED)]
    engine = [r for r in rows if not r.by_hand]
    return RuptureFigures(
        found=len(rows),
        by_hand=len(rows) - len(engine),
        closed=len(closed),
        resolved=sum(1 for r in closed if r.status == RuptureStatus.RESOLVED),
        not_acknowledged=sum(1 for r in engine if r.acknowledged_at is None),
        median_to_acknowledge=_median(
            [r.acknowledged_at - r.opened_at for r in engine if r.acknowledged_at is not None]
        ),
        median_to_first_repair=_median(
            [r.first_repair_at - r.opened_at for r in rows if r.first_repair_at is not None]
        ),
    )


def rupture_rows(
    practice_id: int, *, therapist_id: int | None = None, since: datetime | None = None
) -> list[RuptureRow]:
    """The practice's ruptures opened since ``since`` (one query), one therapist's if given."""
    ruptures = RuptureEpisode.objects.filter(practice_id=practice_id)
    if therapist_id is not None:
        ruptures = ruptures.filter(episode__therapist_id=therapist_id)
    if since is not None:
        ruptures = ruptures.filter(opened_at__gte=since)
    values = (
        ruptures.annotate(first_repair_at=Min("repairs__recorded_at"))
        .order_by()
        .values_list(
            "episode__therapist_id",
            "opened_at",
            "opened_by_id",
            "acknowledged_at",
            "first_repair_at",
            "status",
        )
    )
    return [
        RuptureRow(therapist, opened, opened_by is not None, acknowledged, first_repair, status)
        for therapist, opened, opened_by, acknowledged, first_repair, status in values
    ]


def practice_figures(practice_id: int, *, since: datetime | None = None) -> PracticeFigures:
    """The whole practice's figures and each therapist's, from one query."""
    rows = rupture_rows(practice_id, since=since)
    mine: dict[int, list[RuptureRow]] = {}
    for row in rows:
        mine.setdefault(row.therapist_id, []).append(row)
    return PracticeFigures(
        practice=summarise(rows),
        therapists={therapist: summarise(own) for therapist, own in mine.items()},
    )


def therapist_figures(
    practice_id: int, therapist_id: int, *, since: datetime | None = None
) -> RuptureFigures:
    return summarise(rupture_rows(practice_id, therapist_id=therapist_id, since=since))


def default_since(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - PERIOD
