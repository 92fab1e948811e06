"""A caseload line: attendance figures plus the latest alliance and outcome with their trend, and
what needs attention (alliance/signals/attention.py): lines that need it come first."""

from __future__ import annotations

from dataclasses import dataclass

from alliance.appointments.selectors import EpisodeAttendance, attendance_of_episodes
from alliance.measures.definitions import CHECKIN_ID, HEADLINE_OUTCOME_ID
from alliance.measures.progress import (
    Latest,
    episodes_with_recent_safety_answers,
    latest_scores,
)
from alliance.practice.models import CareEpisodeQuerySet
from alliance.signals.attention import (
    NOTHING,
    Attention,
    CrisisLink,
    attention_for,
    by_attention,
)
from alliance.signals.models import Flag, FlagKind, FlagStatus


@dataclass(frozen=True)
class CaseloadLine:
    row: EpisodeAttendance
    alliance: Latest | None
    outcome: Latest | None
    safety: bool = False  # a safety item answered above 0 in the last 30 days
    attention: Attention = NOTHING


def caseload_lines(episodes: CareEpisodeQuerySet) -> list[CaseloadLine]:
    rows = attendance_of_episodes(episodes)
    ids = [row.episode.pk for row in rows]
    alliance = latest_scores(ids, CHECKIN_ID)
    outcome = latest_scores(ids, HEADLINE_OUTCOME_ID)
    safety = episodes_with_recent_safety_answers(ids)
    attention = attention_for(ids)
    lines = [
        CaseloadLine(
            row,
            alliance.get(row.episode.pk),
            outcome.get(row.episode.pk),
            safety=row.episode.pk in safety,
            attention=attention.get(row.episode.pk, NOTHING),
        )
        for row in rows
    ]
    return by_attention(lines, attention, lambda line: line.row.episode.pk)


def crisis_links(episodes: CareEpisodeQuerySet) -> list[CrisisLink]:
    """The urgent banner's lines for ``episodes``: those with an unacknowledged crisis flag (one
    query), whatever a search on the page shows."""
    flagged = (
        episodes.filter(
            pk__in=Flag.objects.filter(kind=FlagKind.CRISIS, status=FlagStatus.OPEN).values(
                "episode_id"
            )
        )
        .select_related("client")
        .order_by("client__last_name", "client__first_name", "pk")
    )
    return [CrisisLink(episode.client, episode.pk) for episode in flagged]
