"""Which forms are due when: the practice's schedule, overridden per care episode."""

from __future__ import annotations

from django.db.models import F, Q

from alliance.measures.models import MeasureSchedule
from alliance.practice.models import CareEpisode

DEFAULT_OUTCOME_INSTRUMENTS = ["phq9", "gad7"]


def schedule_for(episode: CareEpisode) -> MeasureSchedule:
    """The episode's own schedule if it has one, else the practice's, else the defaults."""
    schedule = (
        MeasureSchedule.objects.filter(
            Q(episode=episode) | Q(episode__isnull=True, practice_id=episode.practice_id)
        )
        .order_by(F("episode_id").asc(nulls_last=True))
        .first()
    )
    if schedule is not None:
        return schedule
    return MeasureSchedule(
        practice_id=episode.practice_id, outcome_instruments=list(DEFAULT_OUTCOME_INSTRUMENTS)
    )
