"""What the clinician's client page and rupture page show of signals, in a fixed number of queries.

``episode_signals`` reads flags and rupture episodes of all the page's episodes in two queries; the
dropout risk and the replies to feedback come with rows the page already loads
(``select_related("risk")`` on the episodes, ``select_related("feedback_reply")`` on the
responses), so they cost nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count

from alliance.measures.definitions import CHECKIN_ID
from alliance.measures.models import MeasureResponse
from alliance.measures.registry import all_instruments
from alliance.practice.models import CareEpisode
from alliance.signals.catalogue import RULES_BY_ID
from alliance.signals.models import (
    EpisodeRisk,
    FeedbackReply,
    Flag,
    FlagKind,
    FlagStatus,
    RuptureEpisode,
)
from alliance.signals.plain import consider, what_happened

FEEDBACK_SHOWN = 10
ACKNOWLEDGED_SHOWN = 10
CHECKINS_BEFORE = 4
CHECKINS_AFTER = 8


@dataclass(frozen=True)
class EvidenceLine:
    what: str
    value: str
    at: datetime | None


@dataclass(frozen=True)
class FlagLine:
    flag: Flag
    evidence: tuple[EvidenceLine, ...]
    rule_title: str
    parameters: str  # "points 5, sd 2" or "" when the rule has none

    @property
    def is_crisis(self) -> bool:
        return self.flag.kind == FlagKind.CRISIS

    @property
    def what(self) -> str:
        """What happened, in plain words (the rule's own words are in ``flag.explanation``)."""
        return what_happened(self.flag.rule, self.flag.explanation)

    @property
    def consider(self) -> str:
        return consider(self.flag.kind)

    @property
    def shown_evidence(self) -> tuple[EvidenceLine, ...]:
        """The evidence to show beside the words: item ids of a form stay in the disclosure."""
        return tuple(item for item in self.evidence if item.what != "safety item")


@dataclass(frozen=True)
class RuptureLine:
    rupture: RuptureEpisode
    age_days: int
    repairs: int
    first_explanation: str


@dataclass(frozen=True)
class FeedbackLine:
    response: MeasureResponse
    reply: FeedbackReply | None
    source: str  # the form the comment was written on


@dataclass(frozen=True)
class EpisodeSignals:
    episode_id: int
    is_open: bool
    open_flags: tuple[FlagLine, ...]
    acknowledged_flags: tuple[FlagLine, ...]
    acknowledged_more: int
    risk: EpisodeRisk | None
    dropout_flag: FlagLine | None  # the dropout-risk flag, shown with the risk, not as a flag
    ruptures: tuple[RuptureLine, ...]
    feedback: tuple[FeedbackLine, ...]
    feedback_more: int

    @property
    def shown(self) -> bool:
        """An open episode's signals, or an ended one's that still wait for the therapist."""
        return self.is_open or bool(self.open_flags or self.open_ruptures)

    @property
    def dropout_open(self) -> bool:
        return self.dropout_flag is not None and self.dropout_flag.flag.is_open

    @property
    def needs_attention(self) -> bool:
        """Anything open for the therapist: a flag, the dropout-risk flag or a rupture."""
        return bool(self.open_flags or self.open_ruptures or self.dropout_open)

    @property
    def crisis_flags(self) -> tuple[FlagLine, ...]:
        return tuple(line for line in self.open_flags if line.is_crisis)

    @property
    def open_ruptures(self) -> tuple[RuptureLine, ...]:
        return tuple(line for line in self.ruptures if not line.rupture.is_closed)

    @property
    def closed_ruptures(self) -> tuple[RuptureLine, ...]:
        return tuple(line for line in self.ruptures if line.rupture.is_closed)


def _number(value: float) -> str:
    return f"{value:g}"


def number_text(value: float | None) -> str:
    """A score in words the way the rules write it: whole numbers bare, others to one place."""
    if value is None:
        return ""
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        return _number(value)
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    if value is None:
        return "—"
    return str(value)


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def evidence_lines(evidence: Any) -> tuple[EvidenceLine, ...]:
    """A flag's stored evidence (``[{"what", "value", "at", "ref"}]``) as lines to read.

    Dropout-risk evidence is a list of factors (``{"factor", "points", "words"}``): only the words
    are shown, never the bare points.
    """
    lines = []
    for item in evidence if isinstance(evidence, list) else []:
        if not isinstance(item, dict):
            continue
        if "words" in item:
            lines.append(EvidenceLine(str(item["words"]), "", None))
            continue
        lines.append(
            EvidenceLine(
                str(item.get("what", "")), _value(item.get("value")), _moment(item.get("at"))
            )
        )
    return tuple(lines)


def parameters_text(parameters: Any, order: Sequence[str] = ()) -> str:
    """``points 5, sd 2``: the rule's own parameters in the catalogue's order, then any others
    alphabetically (PostgreSQL does not keep a JSON object's key order)."""
    if not isinstance(parameters, dict):
        return ""
    rank = {name: i for i, name in enumerate(order)}
    names = sorted(parameters, key=lambda name: (rank.get(name, len(rank)), name))
    return ", ".join(f"{name.replace('_', ' ')} {_value(parameters[name])}" for name in names)


def flag_line(flag: Flag) -> FlagLine:
    rule = RULES_BY_ID.get(flag.rule)
    return FlagLine(
        flag=flag,
        evidence=evidence_lines(flag.evidence),
        rule_title=rule.title if rule is not None else flag.rule,
        parameters=parameters_text(
            flag.parameters, [p.name for p in rule.parameters] if rule is not None else []
        ),
    )


def _risk(episode: CareEpisode) -> EpisodeRisk | None:
    try:
        return episode.risk
    except ObjectDoesNotExist:
        return None


def _reply(response: MeasureResponse) -> FeedbackReply | None:
    try:
        return response.feedback_reply
    except ObjectDoesNotExist:
        return None


def age_in_days(since: datetime, now: datetime) -> int:
    return max(0, (now - since).days)


def episode_signals(
    episodes: Sequence[CareEpisode], responses: Sequence[MeasureResponse], now: datetime
) -> list[EpisodeSignals]:
    """Flags, ruptures, dropout risk and client feedback per episode, for the client page.

    Two queries for any number of episodes, flags and ruptures. ``episodes`` should be loaded with
    ``select_related("risk")`` and ``responses`` with ``select_related("feedback_reply")``.
    """
    ids = [episode.pk for episode in episodes]
    flags, ruptures = _flags_and_ruptures(ids, now)
    feedback = _feedback(ids, responses)
    return [_panel(episode, flags[episode.pk], ruptures, feedback) for episode in episodes]


def _flags_and_ruptures(
    ids: list[int], now: datetime
) -> tuple[dict[int, list[Flag]], dict[int, list[RuptureLine]]]:
    """Open and acknowledged flags outside ruptures, and the rupture lines, per episode."""
    flags: dict[int, list[Flag]] = {pk: [] for pk in ids}
    by_rupture: dict[int, list[Flag]] = {}
    for flag in Flag.objects.filter(
        episode_id__in=ids, status__in=[FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED]
    ):
        if flag.rupture_id is not None:
            by_rupture.setdefault(flag.rupture_id, []).append(flag)
        else:
            flags[flag.episode_id].append(flag)
    ruptures: dict[int, list[RuptureLine]] = {pk: [] for pk in ids}
    for rupture in RuptureEpisode.objects.filter(episode_id__in=ids).annotate(
        repair_count=Count("repairs")
    ):
        own = sorted(by_rupture.get(rupture.pk, []), key=lambda f: (f.observed_at, f.pk))
        ruptures[rupture.episode_id].append(
            RuptureLine(
                rupture=rupture,
                age_days=age_in_days(rupture.began_at, now),
                repairs=rupture.repair_count,
                first_explanation=(
                    what_happened(own[0].rule, own[0].explanation) if own else rupture.description
                ),
            )
        )
    return flags, ruptures


def _feedback(
    ids: list[int], responses: Sequence[MeasureResponse]
) -> dict[int, list[FeedbackLine]]:
    titles = {instrument.id: instrument.title for instrument in all_instruments()}
    feedback: dict[int, list[FeedbackLine]] = {pk: [] for pk in ids}
    for response in sorted(responses, key=lambda r: (r.submitted_at, r.pk), reverse=True):
        if response.respondent_role != "client" or not response.comment.strip():
            continue
        feedback.setdefault(response.episode_id, []).append(
            FeedbackLine(
                response,
                _reply(response),
                "check-in"
                if response.instrument_id == CHECKIN_ID
                else titles.get(response.instrument_id, response.instrument_id),
            )
        )
    return feedback


def _panel(
    episode: CareEpisode,
    flags: list[Flag],
    ruptures: dict[int, list[RuptureLine]],
    feedback: dict[int, list[FeedbackLine]],
) -> EpisodeSignals:
    lines = [flag_line(flag) for flag in flags]
    # Crisis first, then by severity and newest evidence (the model's ordering).
    lines.sort(key=lambda line: (not line.is_crisis, -line.flag.severity))
    risk = _risk(episode) if episode.is_open else None
    dropout = []
    if risk is not None:  # shown with the risk it rests on, not as a flag of its own
        dropout = [line for line in lines if line.flag.kind == FlagKind.DROPOUT_RISK]
        lines = [line for line in lines if line.flag.kind != FlagKind.DROPOUT_RISK]
    acknowledged = [line for line in lines if line.flag.status == FlagStatus.ACKNOWLEDGED]
    own_feedback = feedback[episode.pk]
    return EpisodeSignals(
        episode_id=episode.pk,
        is_open=episode.is_open,
        open_flags=tuple(line for line in lines if line.flag.is_open),
        acknowledged_flags=tuple(acknowledged[:ACKNOWLEDGED_SHOWN]),
        acknowledged_more=max(0, len(acknowledged) - ACKNOWLEDGED_SHOWN),
        risk=risk,
        dropout_flag=dropout[0] if dropout else None,
        ruptures=tuple(ruptures[episode.pk]),
        feedback=tuple(own_feedback[:FEEDBACK_SHOWN]),
        feedback_more=max(0, len(own_feedback) - FEEDBACK_SHOWN),
    )


# --- the rupture page ------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInRow:
    response_id: int
    at: datetime
    total: float | None
    comment: str
    marks: tuple[str, ...]  # "flagged", "rupture began", "back at baseline"


@dataclass(frozen=True)
class RuptureView:
    rupture: RuptureEpisode
    flags: tuple[FlagLine, ...]
    checkins: tuple[CheckInRow, ...]
    repairs: tuple[Any, ...]  # RepairStep rows, oldest first, with recorded_by
    age_days: int
    recovery_total: float | None
    recovery_at: datetime | None

    @property
    def baseline(self) -> str:
        """The baseline as the rules' explanations write it (36.2, not 36.25 or 36.3)."""
        return number_text(self.rupture.baseline)

    @property
    def recovery(self) -> str:
        return number_text(self.recovery_total)


def _ref_id(ref: Any) -> int | None:
    if isinstance(ref, str) and ref.startswith("response:"):
        number = ref.split(":", 2)[1]
        return int(number) if number.isdigit() else None
    return None


def rupture_view(rupture: RuptureEpisode, now: datetime) -> RuptureView:
    """The rupture with its flags, repair steps and the client's check-ins around it.

    Four queries: flags, repair steps, check-ins before and check-ins after it began.
    """
    flags = list(rupture.flags.order_by("observed_at", "id"))
    repairs = tuple(rupture.repairs.select_related("recorded_by").order_by("recorded_at", "id"))
    checkins = MeasureResponse.objects.filter(
        episode_id=rupture.episode_id, instrument_id=CHECKIN_ID, respondent_role="client"
    ).only("id", "submitted_at", "total", "comment")
    before = list(
        checkins.filter(submitted_at__lt=rupture.began_at).order_by("-submitted_at", "-id")[
            :CHECKINS_BEFORE
        ]
    )
    until = rupture.closed_at or now
    after = list(
        checkins.filter(
            submitted_at__gte=rupture.began_at, submitted_at__lte=until + timedelta(seconds=1)
        ).order_by("submitted_at", "id")[:CHECKINS_AFTER]
    )
    flagged = {
        _ref_id(item.get("ref"))
        for flag in flags
        for item in (flag.evidence if isinstance(flag.evidence, list) else [])
        if isinstance(item, dict)
    }
    recovery = rupture.recovery_evidence[0] if rupture.recovery_evidence else {}
    recovery_ref = _ref_id(recovery.get("ref")) if isinstance(recovery, dict) else None
    first_after = after[0].pk if after else None
    rows = []
    for response in [*reversed(before), *after]:
        marks = []
        if response.pk == first_after:
            marks.append("rupture began")
        if response.pk in flagged:
            marks.append("flagged")
        if response.pk == recovery_ref:
            marks.append("back at baseline")
        rows.append(
            CheckInRow(
                response.pk, response.submitted_at, response.total, response.comment, tuple(marks)
            )
        )
    recovery_total = recovery.get("value") if isinstance(recovery, dict) else None
    return RuptureView(
        rupture=rupture,
        flags=tuple(flag_line(flag) for flag in flags),
        checkins=tuple(rows),
        repairs=repairs,
        age_days=age_in_days(rupture.began_at, now),
        recovery_total=float(recovery_total) if isinstance(recovery_total, int | float) else None,
        recovery_at=rupture.recovery_suggested_at,
    )
