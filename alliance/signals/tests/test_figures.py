"""Rupture figures from hand-made rows: counts, medians, shares resolved, one query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from alliance.signals.figures import (
    RuptureFigures,
    RuptureRow,
    duration_words,
    practice_figures,
    summarise,
    therapist_figures,
)
from alliance.signals.models import RepairStep, RuptureEpisode, RuptureStatus
from alliance.signals.tests.helpers.clinic import new_episode

T = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def row(
    *,
    by_hand: bool = False,
    acknowledged: timedelta | None = None,
    repaired: timedelta | None = None,
    status: str = RuptureStatus.OPEN,
    therapist: int = 1,
) -> RuptureRow:
    return RuptureRow(
        therapist_id=therapist,
        opened_at=T,
        by_hand=by_hand,
        acknowledged_at=None if acknowledged is None else T + acknowledged,
        first_repair_at=None if repaired is None else T + repaired,
        status=status,
    )


def test_figures_from_hand_made_rows():
    figures = summarise(
        [
            row(acknowledged=2 * HOUR, repaired=24 * HOUR, status=RuptureStatus.RESOLVED),
            row(acknowledged=10 * HOUR, status=RuptureStatus.UNRESOLVED),
            row(),  # found, not yet acknowledged
            # Opened by hand: acknowledged as it is opened, so not in the time to acknowledge.
            row(by_hand=True, acknowledged=timedelta(0), repaired=3 * HOUR, status="acknowledged"),
        ]
    )
    assert (figures.found, figures.by_hand, figures.closed, figures.resolved) == (4, 1, 2, 1)
    assert figures.not_acknowledged == 1
    assert figures.median_to_acknowledge == 6 * HOUR
    assert figures.median_to_first_repair == timedelta(hours=13.5)
    assert figures.resolved_of_closed_percent == 50
    assert figures.resolved_of_all_percent == 25
    assert figures.to_acknowledge_words == "6 hours"
    assert figures.to_first_repair_words == "14 hours"


def test_no_ruptures_means_no_figures_rather_than_zeros():
    figures = summarise([])
    assert figures == RuptureFigures()
    assert figures.resolved_of_closed_percent is None and figures.resolved_of_all_percent is None
    assert figures.to_acknowledge_words == figures.to_first_repair_words == "—"


def test_durations_in_words():
    assert duration_words(None) == "—"
    assert duration_words(timedelta(minutes=20)) == "under an hour"
    assert duration_words(HOUR) == "1 hour"
    assert duration_words(47 * HOUR) == "47 hours"
    assert duration_words(timedelta(days=3, hours=5)) == "3 days"


def stored(episode, *, days_ago: float, acknowledged_after=None, repaired_after=None, **fields):
    opened = timezone.now() - timedelta(days=days_ago)
    rupture = RuptureEpisode.objects.create(
        practice_id=episode.practice_id,
        episode=episode,
        key=f"figures:{RuptureEpisode.objects.count()}",
        began_at=opened,
        opened_at=opened,
        acknowledged_at=None if acknowledged_after is None else opened + acknowledged_after,
        **fields,
    )
    if repaired_after is not None:
        for later in (repaired_after, repaired_after + timedelta(days=2)):  # the first counts
            RepairStep.objects.create(
                rupture=rupture,
                strategies=["revisit_goals"],
                what_was_said="We talked.",
                recorded_at=opened + later,
                recorded_by=episode.therapist.user,
            )
    return rupture


def test_figures_per_therapist_and_for_the_practice_in_one_query(
    personas, django_assert_num_queries
):
    chris, casey = personas.chris_episode, personas.casey_episode
    stored(
        chris,
        days_ago=30,
        acknowledged_after=4 * HOUR,
        repaired_after=2 * 24 * HOUR,
        status=RuptureStatus.RESOLVED,
    )
    stored(chris, days_ago=10, acknowledged_after=8 * HOUR, status=RuptureStatus.ACKNOWLEDGED)
    stored(
        chris,
        days_ago=5,
        acknowledged_after=timedelta(0),
        opened_by=personas.dana,
        repaired_after=HOUR,
        status=RuptureStatus.UNRESOLVED,
    )
    stored(casey, days_ago=2)  # olga's, not yet acknowledged
    stored(chris, days_ago=400, status=RuptureStatus.RESOLVED)  # before the period
    other_episode = new_episode(personas.olga_profile, "Ned", "New")
    stored(other_episode, days_ago=1, acknowledged_after=20 * HOUR, status="acknowledged")

    since = timezone.now() - timedelta(days=365)
    with django_assert_num_queries(1):
        figures = practice_figures(personas.practice.pk, since=since)

    dana = figures.of(personas.dana_profile.pk)
    assert (dana.found, dana.by_hand, dana.closed, dana.resolved) == (3, 1, 2, 1)
    assert dana.median_to_acknowledge == 6 * HOUR  # 4 h and 8 h; the one by hand left out
    assert dana.median_to_first_repair == timedelta(hours=24.5)  # 2 days and 1 hour
    assert (dana.resolved_of_closed_percent, dana.resolved_of_all_percent) == (50, 33)
    olga = figures.of(personas.olga_profile.pk)
    assert (olga.found, olga.not_acknowledged, olga.median_to_acknowledge) == (2, 1, 20 * HOUR)
    practice = figures.practice
    assert (practice.found, practice.closed, practice.resolved, practice.not_acknowledged) == (
        5,
        2,
        1,
        1,
    )
    assert practice.median_to_acknowledge == 8 * HOUR  # 4, 8 and 20 hours
    assert figures.of(999_999) == RuptureFigures()

    with django_assert_num_queries(1):
        own = therapist_figures(personas.practice.pk, personas.dana_profile.pk, since=since)
    assert own == dana
    everything = therapist_figures(personas.practice.pk, personas.dana_profile.pk)
    assert everything.found == 4


def test_other_practices_are_not_counted(personas):
    erin_episode = personas.erin_client.episodes.get()
    stored(erin_episode, days_ago=1)
    assert practice_figures(personas.practice.pk).practice.found == 0
    assert practice_figures(personas.erin_client.practice_id).practice.found == 1
