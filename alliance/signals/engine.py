"""The signals engine on stored data: load evidence in bulk, run the rules, reconcile the flags.

``evaluate_episodes`` is the one entry point: the background task calls it for one episode when
new evidence arrives, ``evaluate_practice`` for a whole practice in chunks. Reconciling is
idempotent: a finding that already has its flag changes nothing; a condition that no longer holds
clears its flag; crisis and rupture flags are never cleared here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from alliance.agreements.terms import terms_by_episode
from alliance.appointments.models import Appointment, SessionPreparation
from alliance.measures.definitions import CHECKIN_ID, Direction, InstrumentKind
from alliance.measures.models import MeasureResponse
from alliance.measures.registry import all_instruments
from alliance.practice.models import CareEpisode, EpisodeStatus
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
from alliance.signals.models import (
    EpisodeRisk,
    Flag,
    FlagKind,
    FlagStatus,
    RuptureEpisode,
    SignalSettings,
)
from alliance.signals.rules import Evaluation, Finding, evaluate
from alliance.signals.trajectory import ExpectedBands

CHUNK = 400
DEFAULT_CHECKIN_CUTOFF = 32.0


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
    for instrument in all_instruments():
        if instrument.id == CHECKIN_ID and instrument.scoring.cutoff is not None:
            return instrument.scoring.cutoff
    return DEFAULT_CHECKIN_CUTOFF


def rules_for_practice(practice_id: int) -> RuleSet:
    stored = SignalSettings.objects.filter(practice_id=practice_id).first()
    if stored is None:
        return rule_set(None)
    return rule_set(stored.overrides, stored.disabled_rules)


def load_evidence(
    episodes: list[CareEpisode], now: datetime, scales: dict[str, Scale]
) -> dict[int, EpisodeEvidence]:
    """Evidence for many episodes in a fixed number of queries, whatever their number."""
    ids = [e.pk for e in episodes]
    cutoff = checkin_cutoff()
    titles = {i.id: i.title for i in all_instruments()}
    tz = timezone.get_current_timezone()
    evidence = {
        e.pk: EpisodeEvidence(
            episode_id=e.pk,
            started_at=datetime.combine(e.started_on, time(0), tzinfo=tz),
            now=now,
            checkins=[],
            checkin_cutoff=cutoff,
            visits=[],
            scales=scales,
            is_open=e.status != EpisodeStatus.ENDED,
        )
        for e in episodes
    }
    terms = terms_by_episode(ids)
    for episode_id, item in evidence.items():
        item.agreed_gap_days = float(terms[episode_id].frequency_days or 7)
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
    visits = (
        Appointment.objects.filter(episode_id__in=ids)
        .order_by("scheduled_start", "id")
        .values_list("id", "episode_id", "scheduled_start", "status")
    )
    for pk, episode_id, start, status in visits:
        evidence[episode_id].visits.append(Visit(f"appointment:{pk}", pk, start, status))
    preparations = SessionPreparation.objects.filter(appointment__episode_id__in=ids).values_list(
        "id", "appointment__episode_id", "submitted_at", "talk_about", "since_last_time"
    )
    for pk, episode_id, at, talk_about, since in preparations:
        text = "\n".join(part for part in (talk_about, since) if part)
        if text:
            evidence[episode_id].texts.append(
                FreeText(f"preparation:{pk}", at, text, "session preparation")
            )
    return evidence


def expected_bands(practice_id: int, rules: RuleSet, scales: dict[str, Scale]) -> ExpectedBands:
    """Expected bands from the practice's ended episodes (one query per practice)."""
    ended = (
        MeasureResponse.objects.filter(
            practice_id=practice_id,
            episode__status=EpisodeStatus.ENDED,
            instrument_id__in=list(scales),
            total__isnull=False,
        )
        .order_by("episode_id", "instrument_id", "submitted_at")
        .values_list("episode_id", "instrument_id", "total")
    )
    series: dict[tuple[int, str], list[float]] = defaultdict(list)
    for episode_id, instrument_id, total in ended:
        if total is not None:
            series[(episode_id, instrument_id)].append(total)
    # Session numbers are approximated by the response's position: outcome forms follow the
    # practice's schedule, so the n-th score stands for the n-th measured point.
    rows = [
        (instrument_id, values[0], list(enumerate(values)))
        for (_, instrument_id), values in series.items()
        if len(values) >= 2
    ]
    return ExpectedBands.from_ended_episodes(rules, scales, rows)


def evaluate_episodes(episode_ids: Iterable[int], *, now: datetime | None = None) -> Outcome:
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
    return total


def evaluate_practice(practice_id: int, *, now: datetime | None = None) -> Outcome:
    ids = list(
        CareEpisode.objects.filter(practice_id=practice_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return evaluate_episodes(ids, now=now)


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
    existing: dict[tuple[int, str], tuple[int, str, str, bool]] = {
        (episode_id, key): (pk, status, kind, rupture_id is not None)
        for pk, episode_id, key, status, kind, rupture_id in Flag.objects.filter(
            episode_id__in=list(by_id)
        ).values_list("pk", "episode_id", "key", "status", "kind", "rupture_id")
    }
    ruptures: dict[tuple[int, str], RuptureEpisode] = {
        (r.episode_id, r.key): r for r in RuptureEpisode.objects.filter(episode_id__in=list(by_id))
    }
    to_create: list[Flag] = []
    to_clear: list[int] = []
    for episode_id, evaluation in results.items():
        episode = by_id[episode_id]
        found = {f.key for f in evaluation.findings}
        for finding in evaluation.findings:
            if (episode_id, finding.key) not in existing:
                to_create.append(_new_flag(episode, finding, now))
        for (owner, key), (pk, status, kind, _) in existing.items():
            if owner != episode_id or key in found or status != FlagStatus.OPEN:
                continue
            if kind in (FlagKind.CRISIS, FlagKind.RUPTURE):
                continue  # events stay until a therapist deals with them
            to_clear.append(pk)
    created = Flag.objects.bulk_create(to_create)
    out.flags_raised = len(created)
    out.new_crisis_flags = [f.pk for f in created if f.kind == FlagKind.CRISIS and f.pk]
    if to_clear:
        out.flags_cleared = Flag.objects.filter(pk__in=to_clear).update(
            status=FlagStatus.CLEARED, cleared_at=now
        )
    # Rupture episodes: one per course; its flags point at it.
    flag_ids = {
        (episode_id, key): pk
        for pk, episode_id, key, rupture_id in Flag.objects.filter(
            episode_id__in=list(results), kind=FlagKind.RUPTURE
        ).values_list("pk", "episode_id", "key", "rupture_id")
        if rupture_id is None
    }
    for episode_id, evaluation in results.items():
        episode = by_id[episode_id]
        for course in evaluation.ruptures:
            rupture = _rupture_for(episode, course, ruptures, flag_ids, out)
            if rupture is None:
                continue
            if (
                course.recovered_at
                and rupture.recovery_suggested_at is None
                and not rupture.is_closed
            ):
                rupture.recovery_suggested_at = course.recovered_at
                rupture.recovery_evidence = [
                    {
                        "what": "check-in back at baseline",
                        "value": course.recovery_total,
                        "at": course.recovered_at.isoformat(),
                        "ref": course.recovery_ref,
                    }
                ]
                rupture.save(update_fields=["recovery_suggested_at", "recovery_evidence"])
                out.recoveries_suggested += 1
    out.risks_changed = _store_risks(by_id, results, now)
    return out


def _rupture_for(
    episode: CareEpisode,
    course: object,
    ruptures: dict[tuple[int, str], RuptureEpisode],
    flag_ids: dict[tuple[int, str], int],
    out: Outcome,
) -> RuptureEpisode | None:
    from alliance.signals.rules import RuptureCourse

    assert isinstance(course, RuptureCourse)
    rupture = ruptures.get((episode.pk, course.key))
    unlinked = [
        flag_ids[(episode.pk, k)] for k in course.finding_keys if (episode.pk, k) in flag_ids
    ]
    if rupture is None:
        if not unlinked:
            return None  # its flags belong to a rupture episode opened earlier under another key
        rupture = RuptureEpisode.objects.create(
            practice_id=episode.practice_id,
            episode_id=episode.pk,
            key=course.key,
            rupture_type=course.subtype,
            description="Opened by the signals engine.",
            began_at=course.began_at,
            baseline=course.baseline,
        )
        ruptures[(episode.pk, course.key)] = rupture
        out.ruptures_opened += 1
    elif course.subtype and rupture.rupture_type != course.subtype and not rupture.is_closed:
        rupture.rupture_type = course.subtype
        rupture.save(update_fields=["rupture_type"])
    if unlinked:
        status = FlagStatus.ACKNOWLEDGED if rupture.acknowledged_at else FlagStatus.OPEN
        Flag.objects.filter(pk__in=unlinked).update(rupture=rupture, status=status)
    return rupture


def _store_risks(
    by_id: dict[int, CareEpisode], results: dict[int, Evaluation], now: datetime
) -> int:
    current = {r.episode_id: r for r in EpisodeRisk.objects.filter(episode_id__in=list(by_id))}
    changed = 0
    to_create = []
    for episode_id, evaluation in results.items():
        episode = by_id[episode_id]
        if episode.status == EpisodeStatus.ENDED:
            continue
        risk = current.get(episode_id)
        points = round(evaluation.risk_points, 2)
        if risk is None:
            to_create.append(
                EpisodeRisk(
                    episode_id=episode_id,
                    practice_id=episode.practice_id,
                    score=points,
                    level=evaluation.risk_level,
                    factors=evaluation.risk_factors,
                    computed_at=now,
                )
            )
        elif (risk.score, risk.level, risk.factors) != (
            points,
            evaluation.risk_level,
            evaluation.risk_factors,
        ):
            risk.score, risk.level, risk.factors = (
                points,
                evaluation.risk_level,
                evaluation.risk_factors,
            )
            risk.computed_at = now
            risk.save(update_fields=["score", "level", "factors", "computed_at"])
            changed += 1
    EpisodeRisk.objects.bulk_create(to_create)
    return changed + len(to_create)
