"""Hand-made evidence for the pure rules: weekly sessions, a check-in after each, outcome scores.

``series([36, 36, 28])`` is three attended weekly sessions, each followed an hour later by a
check-in with that total. ``None`` is a check-in stored without a total; ``NO_CHECKIN`` is a
session after which the client answered nothing. ``statuses`` may be longer than the check-ins
(appointments after the last check-in) and decides each appointment's status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from alliance.signals.catalogue import RuleSet, rule_set
from alliance.signals.evidence import (
    CheckIn,
    EpisodeEvidence,
    FreeText,
    SafetyAnswer,
    Scale,
    Score,
    Visit,
)
from alliance.signals.rules import Evaluation, evaluate
from alliance.signals.trajectory import ExpectedBands

START: Final = datetime(2025, 1, 6, 10, 0, tzinfo=UTC)  # a Monday, 10:00
CHECKIN_CUTOFF: Final = 32.0
PHQ9: Final = Scale("phq9", "PHQ-9", cutoff=10, reliable_change=6)
GAD7: Final = Scale("gad7", "GAD-7", cutoff=8, reliable_change=4)
SCALES: Final = {scale.instrument_id: scale for scale in (PHQ9, GAD7)}


class _NoCheckIn:
    def __repr__(self) -> str:
        return "NO_CHECKIN"


NO_CHECKIN: Final = _NoCheckIn()


def session_at(index: int) -> datetime:
    """When the ``index``-th weekly appointment starts."""
    return START + timedelta(weeks=index)


def checkin_at(index: int) -> datetime:
    return session_at(index) + timedelta(hours=1)


def score_at(index: int) -> datetime:
    return session_at(index) + timedelta(hours=2)


def _checkins(
    totals: Sequence[float | _NoCheckIn | None], comments: Mapping[int, str], visits: int
) -> list[CheckIn]:
    return [
        CheckIn(
            f"response:{i + 1}",
            checkin_at(i),
            None if total is None else float(total),
            comments.get(i, ""),
            i + 1 if i < visits else None,
        )
        for i, total in enumerate(totals)
        if not isinstance(total, _NoCheckIn)
    ]


def _free_texts(checkins: list[CheckIn], texts: Sequence[tuple[int, str]]) -> list[FreeText]:
    return [FreeText(c.ref, c.at, c.comment, "check-in comment") for c in checkins if c.comment] + [
        FreeText(f"preparation:{i}", checkin_at(i), text, "session preparation")
        for i, text in texts
    ]


def series(
    totals: Sequence[float | _NoCheckIn | None] = (),
    *,
    comments: Mapping[int, str] | None = None,
    statuses: Sequence[str] | None = None,
    outcomes: Mapping[str, Sequence[tuple[int, float]]] | None = None,
    safety: Sequence[tuple[int, tuple[str, ...]]] = (),
    texts: Sequence[tuple[int, str]] = (),
    agreed_gap_days: float | None = 7,
    now: datetime | None = None,
    is_open: bool = True,
) -> EpisodeEvidence:
    """One episode's evidence; see the module docstring. ``outcomes`` maps an instrument to
    (session index, total) pairs; ``safety`` and ``texts`` are (session index, ...) pairs."""
    if statuses is None:
        statuses = ["attended"] * len(totals)
    visits = [
        Visit(f"appointment:{i + 1}", i + 1, session_at(i), status)
        for i, status in enumerate(statuses)
    ]
    checkins = _checkins(totals, comments or {}, len(visits))
    scores = {
        instrument: [
            Score(f"response:{instrument}:{i}", score_at(i), float(total)) for i, total in points
        ]
        for instrument, points in (outcomes or {}).items()
    }
    free_texts = _free_texts(checkins, texts)
    answers = [
        SafetyAnswer(f"response:safety:{i}", score_at(i), items, "PHQ-9") for i, items in safety
    ]
    moments = [START] + [v.start for v in visits] + [c.at for c in checkins]
    moments += [s.at for points in scores.values() for s in points]
    return EpisodeEvidence(
        episode_id=1,
        started_at=START - timedelta(days=1),
        now=now or max(moments) + timedelta(days=1),
        checkins=checkins,
        checkin_cutoff=CHECKIN_CUTOFF,
        visits=visits,
        outcomes=scores,
        scales=dict(SCALES),
        safety=answers,
        texts=free_texts,
        agreed_gap_days=agreed_gap_days,
        is_open=is_open,
    )


# The score rules as they were before the confirmation step (2026-12): every fall counts at once,
# 4 points from the client's level (also at the ceiling), 5 from the previous check-in. The
# tests of each rule's mechanics use these, so one small series shows one rule; the tests of the
# confirmation step and the ceiling use the catalogue's defaults (``rule_set(None)``).
AT_ONCE: Final[dict[str, dict[str, float]]] = {
    "rupture.own_level": {
        "min_fall": 4,
        "ceiling_fall": 4,
        "confirm": 0,
        "still_low": 2,
        "deep_fall": 10,
    },
    "rupture.drop_from_previous": {"points": 5},
}


def at_once(overrides: dict[str, Any] | None = None, disabled: list[str] | None = None) -> RuleSet:
    """``rule_set`` over the ``AT_ONCE`` settings."""
    merged = {rule: dict(values) for rule, values in AT_ONCE.items()}
    for rule, values in (overrides or {}).items():
        merged[rule] = {**merged.get(rule, {}), **values} if isinstance(values, dict) else values
    return rule_set(merged, disabled)


def defaults() -> RuleSet:
    return at_once()


def default_bands(rules: RuleSet | None = None) -> ExpectedBands:
    return ExpectedBands(rules or defaults(), dict(SCALES))


def run(
    evidence: EpisodeEvidence, rules: RuleSet | None = None, bands: ExpectedBands | None = None
) -> Evaluation:
    rules = rules or defaults()
    return evaluate(evidence, rules, bands or default_bands(rules))


def fired(evaluation: Evaluation) -> list[str]:
    """The rule ids that fired, in order, one per finding."""
    return [finding.rule for finding in evaluation.findings]
