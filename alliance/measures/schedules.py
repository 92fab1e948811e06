"""Which forms are due when: the practice's schedule, overridden per care episode."""

from __future__ import annotations

from alliance.measures.models import MeasureSchedule
from alliance.practice.models import CareEpisode

DEFAULT_OUTCOME_INSTRUMENTS = ["phq9", "gad7"]


def schedule_for(episode: CareEpisode) -> MeasureSchedule:
    """The episode's own schedule if it has one, else the practice's, else the defaults."""
    schedules = {
        schedule.episode_id: schedule
        for schedule in MeasureSchedule.objects.filter(practice_id=episode.practice_id).filter(
            episode__isnull=True
        )
        | MeasureSchedule.objects.filter(episode=episode)
    }
    if episode.pk in schedules:
        return schedules[episode.pk]
    if None in schedules:
        return schedules[None]
    return MeasureSchedule(
        practice_id=episode.practice_id, outcome_instruments=list(DEFAULT_OUTCOME_INSTRUMENTS)
    )
