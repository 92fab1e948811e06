"""Reads for measures: forms waiting for someone, and response series for charts and lists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from alliance.measures.charts import Chart
from alliance.measures.definitions import Instrument
from alliance.measures.models import FormRequest, MeasureResponse
from alliance.measures.progress import (
    ExpectedLookup,
    alliance_chart,
    comments,
    outcome_charts,
)
from alliance.measures.registry import UnknownInstrument, get_instrument
from alliance.practice.models import CareEpisode, CareEpisodeQuerySet


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
    episodes: list[CareEpisode],
    responses: list[MeasureResponse],
    expected: Mapping[int, ExpectedLookup] | None = None,
) -> list[EpisodeMeasures]:
    """Charts and comments per episode, from responses already fetched in one query. The
    outcome charts carry the expected range where ``expected`` gives one for the episode (the
    signals engine's band: the caller asks the signals app, which builds on measures)."""
    by_episode: dict[int, list[MeasureResponse]] = {episode.pk: [] for episode in episodes}
    for response in responses:
        by_episode.setdefault(response.episode_id, []).append(response)
    expected = expected or {}
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
