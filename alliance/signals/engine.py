"""The signals engine on stored data: load evidence in bulk, run the rules, reconcile the flags.

``evaluate_episodes`` is the one entry point: the background task calls it for one episode when
new evidence arrives, ``evaluate_practice`` for a whole practice in chunks. Reconciling is
idempotent: a finding that already has its flag changes nothing; a condition that no longer holds
clears its flag; crisis and rupture flags are never cleared here.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time

from django.db import models, transaction
from django.utils import timezone

from alliance.agreements.terms import terms_by_episode
from alliance.appointments.models import Appointment
from alliance.conversation.models import ConversationReport
from alliance.measures.definitions import CHECKIN_ID, Direction, InstrumentKind
from alliance.measures.models import MeasureResponse
from alliance.measures.registry import all_instruments
from alliance.practice.models import CareEpisode, EpisodeStatus
from alliance.sessions.models import SessionPreparation
from alliance.signals.catalogue import RuleSet, rule_set
from alliance.signals.dropout_model import DropoutModel
from alliance.signals.evidence import (
    CheckIn,
    EpisodeEvidence,
    FreeText,
    SafetyAnswer,
    Scale,
    Score,
    TranscriptMarkers,
    Visit,
)
from alliance.signals.models import (
    EpisodeRisk,
    Flag,
    FlagKind,
    FlagStatus,
    RuptureEpisode,
    SignalSettings,
)
from alliance.signals.rules import Evaluation, Finding, RuptureCourse, evaluate
from alliance.signals.trajectory import ExpectedBands

CHUNK = 400
# What a cleared flag gets anew when its condition holds again.
REOPENED_FIELDS = [
    "status",
    "severity",
    "subtype",
    "explanation",
    "evidence",
    "parameters",
    "observed_at",
    "raised_at",
    "cleared_at",
]
DEFAULT_CHECKIN_CUTOFF = 32.0
DEFAULT_CHECKIN_MAXIMUM = 40.0


@dataclass
class Outcome:
    """What one evaluation run changed (all zeros on a rerun with nothing new)."""

    episodes: int = 0
    flags_raised: int = 0
    flags_cleared: int = 0
    ruptures_opened: int = 0
    recoveries_suggested: int = 0
    risks_changed: int = 0
    new_crisis_flags: list[int] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.episodes += other.episodes
        self.flags_raised += other.flags_raised
        self.flags_cleared += other.flags_cleared
        self.ruptures_opened += other.ruptures_opened
        self.recoveries_suggested += other.recoveries_suggested
        self.risks_changed += other.risks_changed
        self.new_crisis_flags += other.new_crisis_flags


def outcome_scales() -> dict[str, Scale]:
    return {
        i.id: Scale(i.id, i.title, i.scoring.cutoff, i.scoring.reliable_change)
        for i in all_instruments()
        if i.kind == InstrumentKind.OUTCOME and i.scoring.direction == Direction.HIGHER_IS_WORSE
    }


def checkin_cutoff() -> float:
    return checkin_scale()[0]


def checkin_scale() -> tuple[float, float]:
    """The check-in instrument's cut-off and highest total."""
    for instrument in all_instruments():
        if instrument.id == CHECKIN_ID and instrument.scoring.cutoff is not None:
            return instrument.scoring.cutoff, instrument.scoring.score_max
    return DEFAULT_CHECKIN_CUTOFF, DEFAULT_CHECKIN_MAXIMUM


def rules_for_practice(practice_id: int) -> RuleSet:
    stored = SignalSettings.objects.filter(practice_id=practice_id).first()
    if stored is None:
        return rule_set(None)
    rules = rule_set(stored.overrides, stored.disabled_rules)
    if stored.dropout_model:  # coefficients the practice adopted from its own endings
        rules = replace(rules, dropout_model=DropoutModel.from_dict(stored.dropout_model))
    return rules


def load_evidence(
    episodes: list[CareEpisode], now: datetime, scales: dict[str, Scale]
) -> dict[int, EpisodeEvidence]:
    """Evidence for many episodes in a fixed number of queries, whatever their number."""
    ids = [e.pk for e in episodes]
    cutoff, maximum = checkin_scale()
    tz = timezone.get_current_timezone()
    terms = terms_by_episode(ids)
    evidence = {
        e.pk: EpisodeEvidence(
            episode_id=e.pk,
            started_at=datetime.combine(e.started_on, time(0), tzinfo=tz),
            now=now,
            checkins=[],
            checkin_cutoff=cutoff,
            visits=[],
            scales=scales,
            agreed_gap_days=float(terms[e.pk].frequency_days or 7),
            is_open=e.status != EpisodeStatus.ENDED,
            checkin_maximum=maximum,
        )
        for e in episodes
    }
    _load_responses(evidence, ids, scales)
    _load_visits(evidence, ids)
    _load_transcripts(evidence, ids)
    _load_preparations(evidence, ids)
    return evidence


def _load_responses(
    evidence: dict[int, EpisodeEvidence], ids: list[int], scales: dict[str, Scale]
) -> None:
    titles = {i.id: i.title for i in all_instruments()}
    responses = (
        MeasureResponse.objects.filter(episode_id__in=ids, respondent_role="client")
        .order_by("submitted_at", "id")
        .values_list(
            "id",
            "episode_id",
            "instrument_id",
            "submitted_at",
            "total",
            "comment",
            "appointment_id",
            "safety_items",
        )
    )
    for pk, episode_id, instrument_id, at, total, comment, appointment_id, safety in responses:
        item = evidence[episode_id]
        ref = f"response:{pk}"
        if instrument_id == CHECKIN_ID:
            item.checkins.append(CheckIn(ref, at, total, comment or "", appointment_id))
        elif instrument_id in scales and total is not None:
            item.outcomes.setdefault(instrument_id, []).append(Score(ref, at, total))
        if safety:
            item.safety.append(
                SafetyAnswer(ref, at, tuple(safety), titles.get(instrument_id, instrument_id))
            )
        if comment:
            source = "check-in comment" if instrument_id == CHECKIN_ID else "form comment"
            item.texts.append(FreeText(ref, at, comment, source))


def _load_visits(evidence: dict[int, EpisodeEvidence], ids: list[int]) -> None:
    visits = (
        Appointment.objects.filter(episode_id__in=ids)
        .order_by("scheduled_start", "id")
        .values_list("id", "episode_id", "scheduled_start", "status")
    )
    for pk, episode_id, start, status in visits:
        evidence[episode_id].visits.append(Visit(f"appointment:{pk}", pk, start, status))


def _load_transcripts(evidence: dict[int, EpisodeEvidence], ids: list[int]) -> None:
    for transcript_id, episode_id, start, withdrawal, confrontation in (
        ConversationReport.objects.filter(transcript__appointment__episode_id__in=ids)
        .filter(
            models.Q(client_withdrawal_markers__gt=0) | models.Q(client_confrontation_markers__gt=0)
        )
        .values_list(
            "transcript_id",
            "transcript__appointment__episode_id",
            "transcript__appointment__scheduled_start",
            "client_withdrawal_markers",
            "client_confrontation_markers",
        )
    ):
        evidence[episode_id].transcripts.append(
            TranscriptMarkers(f"transcript:{transcript_id}", start, withdrawal, confrontation)
        )


def _load_preparations(evidence: dict[int, EpisodeEvidence], ids: list[int]) -> None:
    preparations = SessionPreparation.objects.filter(appointment__episode_id__in=ids).values_list(
        "id", "appointment__episode_id", "submitted_at", "talk_about", "since_last_time"
    )
    for pk, episode_id, at, talk_about, since in preparations:
        text = "\n".join(part for part in (talk_about, since) if part)
        if text:
            evidence[episode_id].texts.append(
                FreeText(f"preparation:{pk}", at, text, "session preparation")
            )


def expected_bands(practice_id: int, rules: RuleSet, scales: dict[str, Scale]) -> ExpectedBands:
    """Expected bands from the practice's ended episodes (two queries per practice).

    Each score is placed at the number of sessions attended when it was answered, as the rules
    and the chart count them.
    """
    ended = (
        MeasureResponse.objects.filter(
            practice_id=practice_id,
            episode__status=EpisodeStatus.ENDED,
            instrument_id__in=list(scales),
            total__isnull=False,
        )
        .order_by("episode_id", "instrument_id", "submitted_at")
        .values_list("episode_id", "instrument_id", "submitted_at", "total")
    )
    attended: dict[int, list[datetime]] = defaultdict(list)
    for episode_id, start in (
        Appointment.objects.filter(
            practice_id=practice_id, episode__status=EpisodeStatus.ENDED, status="attended"
        )
        .order_by("scheduled_start")
        .values_list("episode_id", "scheduled_start")
    ):
        attended[episode_id].append(start)
    series: dict[tuple[int, str], list[tuple[int, float]]] = defaultdict(list)
    for episode_id, instrument_id, at, total in ended:
        if total is not None:
            session = bisect_right(attended.get(episode_id, []), at)
            series[(episode_id, instrument_id)].append((session, total))
    rows = [
        (instrument_id, points[0][1], points)
        for (_, instrument_id), points in series.items()
        if len(points) >= 2
    ]
    return ExpectedBands.from_ended_episodes(rules, scales, rows)


def evaluate_episodes(
    episode_ids: Iterable[int],
    *,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Evaluate in chunks of ``CHUNK`` episodes; ``progress(done, total)`` after each chunk."""
    now = now or timezone.now()
    ids = list(episode_ids)
    total = Outcome()
    scales = outcome_scales()
    rules_cache: dict[int, tuple[RuleSet, ExpectedBands]] = {}
    for start in range(0, len(ids), CHUNK):
        episodes = list(CareEpisode.objects.filter(pk__in=ids[start : start + CHUNK]))
        evidence = load_evidence(episodes, now, scales)
        results: dict[int, Evaluation] = {}
        for episode in episodes:
            if episode.practice_id not in rules_cache:
                rules = rules_for_practice(episode.practice_id)
                rules_cache[episode.practice_id] = (
                    rules,
                    expected_bands(episode.practice_id, rules, scales),
                )
            rules, bands = rules_cache[episode.practice_id]
            results[episode.pk] = evaluate(evidence[episode.pk], rules, bands)
        total.add(reconcile(episodes, results, now))
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return total


def evaluate_practice(
    practice_id: int,
    *,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    ids = list(
        CareEpisode.objects.filter(practice_id=practice_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return evaluate_episodes(ids, now=now, progress=progress)


def _new_flag(episode: CareEpisode, finding: Finding, now: datetime) -> Flag:
    return Flag(
        practice_id=episode.practice_id,
        episode_id=episode.pk,
        client_id=episode.client_id,
        kind=finding.kind,
        rule=finding.rule,
        severity=finding.severity,
        key=finding.key,
        subtype=finding.subtype,
        explanation=finding.explanation,
        evidence=list(finding.evidence),
        parameters=finding.parameters,
        observed_at=finding.observed_at,
        raised_at=now,
    )


@transaction.atomic
def reconcile(
    episodes: list[CareEpisode], results: dict[int, Evaluation], now: datetime
) -> Outcome:
    out = Outcome(episodes=len(episodes))
    by_id = {e.pk: e for e in episodes}
    _reconcile_flags(by_id, results, now, out)
    _reconcile_ruptures(by_id, results, out)
    out.risks_changed = _store_risks(by_id, results, now)
    return out


Existing = dict[tuple[int, str], tuple[int, str, str]]  # (episode, key) -> (pk, status, kind)


def _reconcile_flags(
    by_id: dict[int, CareEpisode], results: dict[int, Evaluation], now: datetime, out: Outcome
) -> None:
    """New findings become flags, cleared ones whose condition holds again are raised anew, open
    ones whose condition stopped holding are cleared (never crisis or rupture flags)."""
    existing: Existing = {
        (episode_id, key): (pk, status, kind)
        for pk, episode_id, key, status, kind in Flag.objects.filter(
            episode_id__in=list(by_id)
        ).values_list("pk", "episode_id", "key", "status", "kind")
    }
    to_create: list[Flag] = []
    to_reopen: list[Flag] = []
    to_clear: list[int] = []
    for episode_id, evaluation in results.items():
        episode = by_id[episode_id]
        for finding in evaluation.findings:
            known = existing.get((episode_id, finding.key))
            if known is None:
                to_create.append(_new_flag(episode, finding, now))
            elif known[1] == FlagStatus.CLEARED:
                # The condition holds again: its flag (one per key) is raised anew.
                flag = _new_flag(episode, finding, now)
                flag.pk = known[0]
                to_reopen.append(flag)
        to_clear += _no_longer_holding(existing, episode_id, {f.key for f in evaluation.findings})
    created = Flag.objects.bulk_create(to_create)
    Flag.objects.bulk_update(to_reopen, REOPENED_FIELDS)
    out.flags_raised = len(created) + len(to_reopen)
    out.new_crisis_flags = [f.pk for f in created if f.kind == FlagKind.CRISIS and f.pk]
    if to_clear:
        out.flags_cleared = Flag.objects.filter(pk__in=to_clear).update(
            status=FlagStatus.CLEARED, cleared_at=now
        )


def _no_longer_holding(existing: Existing, episode_id: int, found: set[str]) -> list[int]:
    return [
        pk
        for (owner, key), (pk, status, kind) in existing.items()
        if owner == episode_id
        and key not in found
        and status == FlagStatus.OPEN
        # Crisis and rupture flags are events: they stay until a therapist deals with them.
        and kind not in (FlagKind.CRISIS, FlagKind.RUPTURE)
    ]


@dataclass
class RupturePlan:
    """What one reconcile writes to rupture episodes, in bulk."""

    known: dict[tuple[int, str], RuptureEpisode]
    flag_ids: dict[tuple[int, str], int]  # rupture flags not yet linked to a rupture episode
    opened: list[RuptureEpisode] = field(default_factory=list)
    changed: dict[int, RuptureEpisode] = field(default_factory=dict)
    links: list[tuple[RuptureEpisode, list[int]]] = field(default_factory=list)


def _reconcile_ruptures(
    by_id: dict[int, CareEpisode], results: dict[int, Evaluation], out: Outcome
) -> None:
    """Rupture episodes: one per course; its flags point at it. Written in bulk, so that the
    number of queries does not grow with the number of episodes."""
    plan = RupturePlan(
        known={
            (r.episode_id, r.key): r
            for r in RuptureEpisode.objects.filter(episode_id__in=list(by_id))
        },
        flag_ids={
            (episode_id, key): pk
            for pk, episode_id, key, rupture_id in Flag.objects.filter(
                episode_id__in=list(results), kind=FlagKind.RUPTURE
            ).values_list("pk", "episode_id", "key", "rupture_id")
            if rupture_id is None
        },
    )
    for episode_id, evaluation in results.items():
        for course in evaluation.ruptures:
            _plan_course(plan, by_id[episode_id], evaluation, course, out)
    out.ruptures_opened = len(RuptureEpisode.objects.bulk_create(plan.opened))
    RuptureEpisode.objects.bulk_update(
        list(plan.changed.values()),
        ["rupture_type", "recovery_suggested_at", "recovery_evidence"],
    )
    Flag.objects.bulk_update(
        [
            Flag(
                pk=pk,
                rupture_id=rupture.pk,
                status=FlagStatus.ACKNOWLEDGED if rupture.acknowledged_at else FlagStatus.OPEN,
            )
            for rupture, pks in plan.links
            for pk in pks
        ],
        ["rupture", "status"],
    )


def _plan_course(
    plan: RupturePlan,
    episode: CareEpisode,
    evaluation: Evaluation,
    course: RuptureCourse,
    out: Outcome,
) -> None:
    episode_id = episode.pk
    unlinked = [
        plan.flag_ids[(episode_id, k)]
        for k in course.finding_keys
        if (episode_id, k) in plan.flag_ids
    ]
    rupture = plan.known.get((episode_id, course.key))
    if rupture is None:
        if not unlinked:
            return  # its flags belong to a rupture episode opened under another key
        rupture = _open_rupture(
            plan,
            episode,
            course.key,
            course.subtype,
            "Opened by the signals engine.",
            course.began_at,
            course.baseline,
        )
    elif rupture.is_closed and unlinked:
        rupture = _reopened(plan, episode, evaluation, course)
    elif course.subtype and rupture.rupture_type != course.subtype and not rupture.is_closed:
        rupture.rupture_type = course.subtype
        plan.changed[rupture.pk] = rupture
    if course.recovered_at and rupture.recovery_suggested_at is None and not rupture.is_closed:
        rupture.recovery_suggested_at = course.recovered_at
        rupture.recovery_evidence = [
            {
                "what": "check-in back at baseline",
                "value": course.recovery_total,
                "at": course.recovered_at.isoformat(),
                "ref": course.recovery_ref,
            }
        ]
        if rupture.pk is not None:
            plan.changed[rupture.pk] = rupture
        out.recoveries_suggested += 1
    if unlinked:
        plan.links.append((rupture, unlinked))


def _reopened(
    plan: RupturePlan, episode: CareEpisode, evaluation: Evaluation, course: RuptureCourse
) -> RuptureEpisode:
    """New markers after the therapist closed this rupture: a new rupture episode, keyed by the
    first of them, so the therapist sees it."""
    first = next(k for k in course.finding_keys if (episode.pk, k) in plan.flag_ids)
    known = plan.known.get((episode.pk, first))
    if known is not None:
        return known
    finding = next(f for f in evaluation.findings if f.key == first)
    return _open_rupture(
        plan,
        episode,
        first,
        finding.subtype or course.subtype,
        "Opened by the signals engine: new rupture markers after the earlier rupture was closed.",
        finding.observed_at,
        course.baseline,
    )


def _open_rupture(
    plan: RupturePlan,
    episode: CareEpisode,
    key: str,
    subtype: str,
    description: str,
    began_at: datetime,
    baseline: float | None,
) -> RuptureEpisode:
    rupture = RuptureEpisode(
        practice_id=episode.practice_id,
        episode_id=episode.pk,
        key=key,
        rupture_type=subtype,
        description=description,
        began_at=began_at,
        baseline=baseline,
    )
    plan.known[(episode.pk, key)] = rupture
    plan.opened.append(rupture)
    return rupture


def _store_risks(
    by_id: dict[int, CareEpisode], results: dict[int, Evaluation], now: datetime
) -> int:
    current = {r.episode_id: r for r in EpisodeRisk.objects.filter(episode_id__in=list(by_id))}
    updated: list[EpisodeRisk] = []
    to_create = []
    for episode_id, evaluation in results.items():
        episode = by_id[episode_id]
        if episode.status == EpisodeStatus.ENDED:
            continue
        risk = current.get(episode_id)
        percent = round(evaluation.risk_percent, 1)
        values = (percent, percent, evaluation.risk_level, evaluation.risk_factors)
        if risk is None:
            to_create.append(
                EpisodeRisk(
                    episode_id=episode_id,
                    practice_id=episode.practice_id,
                    score=percent,
                    percent=percent,
                    level=evaluation.risk_level,
                    factors=evaluation.risk_factors,
                    computed_at=now,
                )
            )
        elif (risk.score, risk.percent, risk.level, risk.factors) != values:
            risk.score, risk.percent, risk.level, risk.factors = values
            risk.computed_at = now
            updated.append(risk)
    EpisodeRisk.objects.bulk_create(to_create)
    EpisodeRisk.objects.bulk_update(
        updated, ["score", "percent", "level", "factors", "computed_at"]
    )
    return len(updated) + len(to_create)
