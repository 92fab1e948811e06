"""Reads for measures: forms waiting for someone, and response series for charts and lists."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.measures.charts import Chart
from alliance.measures.definitions import Instrument
from alliance.measures.models import FormRequest, MeasureResponse
from alliance.measures.progress import (
    ExpectedBand,
    ExpectedLookup,
    alliance_chart,
    comments,
    outcome_charts,
)
from alliance.measures.registry import UnknownInstrument, get_instrument
from alliance.practice.models import CareEpisode, CareEpisodeQuerySet

if TYPE_CHECKING:
    from alliance.signals.trajectory import ExpectedBands


@dataclass(frozen=True)
class EpisodeMeasures:
    """What the client page shows of one episode's measures."""

    episode: CareEpisode
    alliance: Chart | None
    outcomes: list[Chart]
    comments: list[MeasureResponse]


@dataclass(frozen=True)
class DueForm:
    request: FormRequest
    instrument: Instrument


def due_forms(episodes: CareEpisodeQuerySet, respondent_role: str) -> list[DueForm]:
    """Open forms for these episodes and this kind of respondent, oldest first."""
    requests = (
        FormRequest.objects.open()
        .filter(episode__in=episodes, respondent_role=respondent_role)
        .select_related("appointment", "episode__client")
        .order_by("created_at", "id")
    )
    forms = []
    for form_request in requests:
        try:
            forms.append(DueForm(form_request, get_instrument(form_request.instrument_id)))
        except UnknownInstrument:
            continue  # an instrument file was removed; its old requests cannot be answered
    return forms


def episode_measures(
    episodes: list[CareEpisode], responses: list[MeasureResponse]
) -> list[EpisodeMeasures]:
    """Charts and comments per episode, from responses already fetched in one query; the outcome
    charts carry the expected range (three queries more, whatever the number of episodes)."""
    by_episode: dict[int, list[MeasureResponse]] = {episode.pk: [] for episode in episodes}
    for response in responses:
        by_episode.setdefault(response.episode_id, []).append(response)
    expected = expected_lookups(episodes)
    return [
        EpisodeMeasures(
            episode=episode,
            alliance=alliance_chart(f"alliance-{episode.pk}", by_episode[episode.pk]),
            outcomes=outcome_charts(
                f"outcome-{episode.pk}", by_episode[episode.pk], expected.get(episode.pk)
            ),
            comments=comments(by_episode[episode.pk]),
        )
        for episode in episodes
    ]


def expected_lookups(episodes: list[CareEpisode]) -> dict[int, ExpectedLookup]:
    """Per episode, the expected outcome band at the moment of a score: the signals engine's
    band (``not_on_track.below_expected``) at the session the score came after, counting the
    episode's attended sessions up to that moment as the rules do. Episodes of a practice that
    switched that rule off get none. One query for the attended sessions, and per practice one
    for its rule settings and one for its ended episodes' scores."""
    # The signals app builds on measures (its models point at responses): imported here, not at
    # module level, so that loading measures never needs signals.
    from alliance.signals.engine import expected_bands, outcome_scales, rules_for_practice
    from alliance.signals.trajectory import RULE

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
