"""The expected outcome range drawn on a client's outcome charts: the signals engine's band
(``not_on_track.below_expected``) at the session each score came after. The clinic's client page
asks for it and hands it to the measures charts (signals builds on measures, not the reverse)."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import datetime

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.measures.progress import ExpectedBand, ExpectedLookup
from alliance.practice.models import CareEpisode
from alliance.signals.engine import expected_bands, outcome_scales, rules_for_practice
from alliance.signals.trajectory import RULE, ExpectedBands


def expected_lookups(episodes: list[CareEpisode]) -> dict[int, ExpectedLookup]:
    """Per episode, the expected outcome band at the moment of a score: the signals engine's
    band (``not_on_track.below_expected``) at the session the score came after, counting the
    episode's attended sessions up to that moment as the rules do. Episodes of a practice that
    switched that rule off get none. One query for the attended sessions, and per practice one
    for its rule settings and one for its ended episodes' scores."""
    if not episodes:
        return {}
    scales = outcome_scales()
    bands: dict[int, ExpectedBands] = {}
    for practice_id in sorted({episode.practice_id for episode in episodes}):
        rules = rules_for_practice(practice_id)
        if rules.enabled(RULE):
            bands[practice_id] = expected_bands(practice_id, rules, scales)
    attended: dict[int, list[datetime]] = defaultdict(list)
    for episode_id, start in (
        Appointment.objects.filter(
            episode_id__in=[e.pk for e in episodes if e.practice_id in bands],
            status=AppointmentStatus.ATTENDED,
        )
        .order_by("scheduled_start")
        .values_list("episode_id", "scheduled_start")
    ):
        attended[episode_id].append(start)
    return {
        episode.pk: band_lookup(bands[episode.practice_id], attended[episode.pk])
        for episode in episodes
        if episode.practice_id in bands
    }


def band_lookup(bands: ExpectedBands, sessions: list[datetime]) -> ExpectedLookup:
    def band(instrument_id: str, start: float, at: datetime) -> ExpectedBand | None:
        return bands.band(instrument_id, start, bisect_right(sessions, at))

    return band
