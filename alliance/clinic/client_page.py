"""What the clinician's client page reads beyond the domain apps' own selectors: the paged lists
(sessions, notes, transcripts: the latest few, with older pages by query string, so that the
page's size and its queries stay flat as the history grows) and the one summary line at the top.

Each paged list costs two queries (a count and one page), whatever the length of the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.template.defaultfilters import floatformat

from alliance.accounts.models import User
from alliance.agreements.selectors import AgreementStatus
from alliance.appointments.models import Appointment
from alliance.conversation.access import transcripts_for_user
from alliance.measures.progress import SafetyAnswer
from alliance.practice.models import CareEpisode
from alliance.signals.selectors import EpisodeSignals

PER_PAGE = 10


@dataclass(frozen=True)
class Paged:
    """One page of a list on the client page, with the addresses of the pages either side
    (the same query string with only this list's page changed; "" when there is none)."""

    page: Page  # type: ignore[type-arg]
    key: str
    newer: str
    older: str

    @property
    def object_list(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def count(self) -> int:
        return self.page.paginator.count


def _address(query: QueryDict, key: str, number: int) -> str:
    changed = query.copy()
    if number == 1:
        changed.pop(key, None)
    else:
        changed[key] = str(number)
    return f"?{changed.urlencode()}#{key}" if changed else f"?#{key}"


def _page(items: QuerySet[Any], query: QueryDict, key: str) -> Paged:
    """One page of ``items`` (already newest first); a missing, bad or too large number in the
    query gives the nearest page rather than an error."""
    page = Paginator(items, PER_PAGE).get_page(query.get(key))
    return Paged(
        page,
        key,
        _address(query, key, page.previous_page_number()) if page.has_previous() else "",
        _address(query, key, page.next_page_number()) if page.has_next() else "",
    )


def sessions_page(episode_ids: Sequence[int], query: QueryDict) -> Paged:
    """The client's appointments of these episodes, latest first, one page of them."""
    appointments = (
        Appointment.objects.filter(episode_id__in=episode_ids)
        .select_related("episode__therapist__user")
        .order_by("-scheduled_start", "-pk")
    )
    return _page(appointments, query, "sessions")


def notes_page(episode_ids: Sequence[int], query: QueryDict, *, private_notes: bool) -> Paged:
    """Sessions with a written record (and, for their therapist, private notes), latest first,
    each with the number of private notes."""
    appointments = (
        Appointment.objects.filter(episode_id__in=episode_ids)
        .select_related("session_record")
        .order_by("-scheduled_start", "-pk")
    )
    if private_notes:  # only their therapist learns that private notes exist
        appointments = appointments.filter(
            Q(session_record__isnull=False) | Q(private_notes__isnull=False)
        ).annotate(note_count=Count("private_notes", distinct=True))
    else:
        appointments = appointments.filter(session_record__isnull=False)
    return _page(appointments, query, "notes")


def transcripts_page(user: User, episode_ids: Sequence[int], query: QueryDict) -> Paged:
    """The transcripts of these episodes this person may read (a supervisor: only while the
    therapist shares their conversation reports), latest session first."""
    transcripts = (
        transcripts_for_user(user)
        .filter(appointment__episode_id__in=episode_ids)
        .select_related("appointment")
        .order_by("-appointment__scheduled_start", "-pk")
    )
    return _page(transcripts, query, "transcripts")


@dataclass(frozen=True)
class Summary:
    """The one line at the top of the page: ``level`` is "urgent", "attention" or "calm"."""

    level: str
    text: str


def _risk_words(panel: EpisodeSignals) -> str:
    risk = panel.risk
    if risk is None or risk.level not in ("high", "moderate"):
        return ""
    # Rounded as the panel below rounds it (floatformat: half up), so that the two agree.
    return f"{risk.get_level_display().lower()} dropout risk ({floatformat(risk.percent, 0)} %)"


def _count(number: int, one: str, many: str) -> str:
    return f"{'an' if one[0] in 'aeiou' else 'a'} {one}" if number == 1 else f"{number} {many}"


def _attention_parts(
    panels: Sequence[EpisodeSignals], statuses: Sequence[AgreementStatus], self_ratings: int
) -> list[str]:
    flags = sum(len(panel.open_flags) for panel in panels)
    ruptures = sum(len(panel.open_ruptures) for panel in panels)
    parts = [_count(flags, "open flag", "open flags")] if flags else []
    parts += [_count(ruptures, "open rupture", "open ruptures")] if ruptures else []
    parts += [words for words in (_risk_words(panel) for panel in panels) if words]
    parts += [
        "the dropout-risk flag to acknowledge"
        for panel in panels
        if panel.dropout_open and not _risk_words(panel)
    ]
    parts += ["the agreement is due for review" for status in statuses if status.due]
    parts += ["your self-rating is due"] if self_ratings else []
    return parts


def summary_line(
    episodes: Sequence[CareEpisode],
    panels: Sequence[EpisodeSignals],
    safety: Sequence[SafetyAnswer],
    statuses: Sequence[AgreementStatus],
    self_ratings: int,
) -> Summary:
    """One sentence that agrees with everything below it: urgent first, then what is open."""
    if any(panel.crisis_flags for panel in panels):
        return Summary("urgent", "Urgent: a crisis flag is waiting. Contact the client today.")
    parts = _attention_parts(panels, statuses, self_ratings)
    if safety:
        parts.insert(0, "a safety answer to follow up")
    if parts:
        return Summary("attention", f"Needs attention: {_join(parts)}.")
    if not any(episode.is_open for episode in episodes):
        return Summary("calm", "No open episode, and nothing left open.")
    return Summary("calm", "Nothing needs attention now: no open flags or ruptures.")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
