"""The rules: pure functions from an episode's evidence to findings. See ``catalogue`` and
``docs/signals.md`` for each rule's parameters, defaults and sources.

Rupture rules scan every check-in in order (a rupture is an event in the series); not-on-track,
weak-alliance and dropout rules describe the episode as it stands now; crisis rules fire on each
answer or text that carries one, and their flags are never cleared by the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from statistics import fmean, stdev
from typing import Any

from alliance.signals import phrases
from alliance.signals.catalogue import RuleSet
from alliance.signals.evidence import CheckIn, EpisodeEvidence
from alliance.signals.risk import Risk, dropout_risk
from alliance.signals.trajectory import ExpectedBands

WARNING, URGENT = 2, 3
MISSED = ("late_cancelled", "no_show")


@dataclass(frozen=True)
class Finding:
    kind: str
    rule: str
    key: str
    severity: int
    explanation: str
    observed_at: datetime
    evidence: tuple[dict[str, Any], ...]
    parameters: dict[str, Any]
    subtype: str = ""
    clearable: bool = True  # a condition that may stop holding (never a crisis, never a rupture)
    checkin_index: int | None = None  # rupture findings: the check-in they belong to


@dataclass
class RuptureCourse:
    """One rupture as the series shows it: the flags in it, the baseline, and any recovery."""

    key: str  # the first finding's key
    began_at: datetime
    baseline: float | None
    finding_keys: list[str] = field(default_factory=list)
    subtype: str = ""
    recovered_at: datetime | None = None
    recovery_ref: str = ""
    recovery_total: float | None = None


@dataclass
class Evaluation:
    findings: list[Finding]
    ruptures: list[RuptureCourse]
    risk_points: float = 0.0
    risk_level: str = "low"
    risk_factors: list[dict[str, Any]] = field(default_factory=list)


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _item(what: str, value: Any, at: datetime, ref: str) -> dict[str, Any]:
    return {"what": what, "value": value, "at": at.isoformat(), "ref": ref}


def evaluate(evidence: EpisodeEvidence, rules: RuleSet, bands: ExpectedBands) -> Evaluation:
    findings, ruptures, own_level = rupture_scan(evidence, rules)
    findings += low_alliance_findings(evidence, rules)
    findings += not_on_track_findings(evidence, rules, bands)
    findings += crisis_findings(evidence, rules)
    evaluation = Evaluation(findings, ruptures)
    if evidence.is_open and rules.enabled("dropout.risk"):
        risk = risk_now(evidence, rules, ruptures, own_level)
        evaluation.risk_points, evaluation.risk_level = risk.points, risk.level
        evaluation.risk_factors = [f.as_dict() for f in risk.factors]
        if risk.flagged:
            findings.append(
                Finding(
                    kind="dropout_risk",
                    rule="dropout.risk",
                    key="dropout:risk",
                    severity=WARNING,
                    explanation="At risk of dropping out: "
                    + "; ".join(f.words for f in risk.factors)
                    + ".",
                    observed_at=evidence.now,
                    evidence=tuple(f.as_dict() for f in risk.factors),
                    parameters=rules.params("dropout.risk"),
                )
            )
    return evaluation


# --- ruptures --------------------------------------------------------------------------------


def _cutoff(evidence: EpisodeEvidence, rules: RuleSet) -> float:
    configured = rules.param("rupture.below_cutoff", "cutoff")
    return configured if configured > 0 else evidence.checkin_cutoff


def _text_subtype(comment: str) -> tuple[str, list[str]]:
    confrontation = phrases.confrontation_phrases(comment)
    if confrontation:
        return "confrontation", confrontation
    withdrawal = phrases.withdrawal_phrases(comment)
    if withdrawal:
        return "withdrawal", withdrawal
    return "", []


def risk_now(
    evidence: EpisodeEvidence,
    rules: RuleSet,
    ruptures: list[RuptureCourse] | None = None,
    own_level: float | None = None,
) -> Risk:
    """Dropout risk as the evidence stands, with the rupture scan's view of the alliance."""
    if ruptures is None:
        _, ruptures, own_level = rupture_scan(evidence, rules)
    unrecovered = next((c.began_at for c in reversed(ruptures) if c.recovered_at is None), None)
    return dropout_risk(evidence, rules, own_level=own_level, unrecovered_since=unrecovered)


def rupture_findings(
    evidence: EpisodeEvidence, rules: RuleSet
) -> tuple[list[Finding], list[RuptureCourse]]:
    findings, courses, _ = rupture_scan(evidence, rules)
    return findings, courses


def rupture_scan(
    evidence: EpisodeEvidence, rules: RuleSet
) -> tuple[list[Finding], list[RuptureCourse], float | None]:
    """Scan the check-ins in order: each rupture marker is a finding; consecutive markers with
    no recovery between them form one course (one rupture episode). Also returns the client's
    own level: the mean of their check-ins outside ruptures (None before the first)."""
    cutoff = _cutoff(evidence, rules)
    drop_points = rules.param("rupture.drop_from_previous", "points")
    k = rules.param("rupture.drop_from_baseline", "sd")
    min_sessions = int(rules.param("rupture.drop_from_baseline", "min_sessions"))
    sd_floor = rules.param("rupture.drop_from_baseline", "sd_floor")
    margin = rules.param("rupture.recovered", "margin")
    min_fall = rules.param("rupture.own_level", "min_fall")
    own_sd = rules.param("rupture.own_level", "sd")
    decline_n = int(rules.param("rupture.steady_decline", "checkins"))
    decline_points = rules.param("rupture.steady_decline", "points")
    scored: list[CheckIn] = []

    findings: list[Finding] = []
    courses: list[RuptureCourse] = []
    course: RuptureCourse | None = None
    calm: list[float] = []  # check-ins outside any rupture: the client's own baseline
    previous: CheckIn | None = None
    low_checkins: list[tuple[int, CheckIn]] = []

    for index, checkin in enumerate(evidence.checkins):
        here: list[Finding] = []
        total = checkin.total
        subtype, matched = _text_subtype(checkin.comment)
        low = False
        if total is not None:
            reference = fmean(calm) if calm else previous.total if previous else None
            needed = min_fall
            if len(calm) >= min_sessions:
                needed = max(min_fall, own_sd * max(stdev(calm), sd_floor))
            fallen = reference is not None and reference - total >= needed
            recent = [c.total for c in scored[-(decline_n - 1) :]] + [total] if decline_n else []
            if (
                rules.enabled("rupture.below_cutoff")
                and total < cutoff
                and previous is not None
                and previous.total is not None
                and previous.total >= cutoff
                and fallen
            ):
                low = True
                here.append(
                    _rupture(
                        checkin,
                        index,
                        "rupture.below_cutoff",
                        f"Check-in {_fmt(total)} fell below the cut-off of {_fmt(cutoff)} "
                        f"(previous {_fmt(previous.total)})",
                        {"cutoff": cutoff, "min_fall": min_fall},
                    )
                )
            if (
                rules.enabled("rupture.drop_from_previous")
                and previous is not None
                and previous.total is not None
                and previous.total - total >= drop_points
                and fallen
            ):
                low = True
                here.append(
                    _rupture(
                        checkin,
                        index,
                        "rupture.drop_from_previous",
                        f"Check-in dropped {_fmt(previous.total - total)} points from the previous "
                        f"one ({_fmt(previous.total)} → {_fmt(total)})",
                        {"points": drop_points, "min_fall": min_fall},
                    )
                )
            if rules.enabled("rupture.drop_from_baseline") and len(calm) >= min_sessions:
                mean, spread = fmean(calm), max(stdev(calm), sd_floor)
                if total <= mean - k * spread and fallen:
                    low = True
                    here.append(
                        _rupture(
                            checkin,
                            index,
                            "rupture.drop_from_baseline",
                            f"Check-in {_fmt(total)} is {_fmt((mean - total) / spread)} standard "
                            f"deviations below this client's own baseline of {_fmt(mean)} "
                            f"({len(calm)} earlier check-ins)",
                            {
                                "sd": k,
                                "min_sessions": min_sessions,
                                "sd_floor": sd_floor,
                                "min_fall": min_fall,
                            },
                        )
                    )
            if (
                rules.enabled("rupture.steady_decline")
                and fallen
                and len(recent) == decline_n
                and all(a is not None and b is not None and a > b for a, b in pairwise(recent))
                and (recent[0] or 0) - total >= decline_points
                and not here
            ):
                low = True
                here.append(
                    _rupture(
                        checkin,
                        index,
                        "rupture.steady_decline",
                        f"Check-ins have fallen {decline_n} times in a row "
                        f"({' → '.join(_fmt(v or 0) for v in recent)})",
                        {"checkins": decline_n, "points": decline_points},
                        subtype="withdrawal",
                    )
                )
        if rules.enabled("rupture.negative_text") and matched:
            words = ", ".join(f"“{phrases.display(m)}”" for m in matched[:3])
            here.append(
                _rupture(
                    checkin,
                    index,
                    "rupture.negative_text",
                    f"The client wrote: “{checkin.comment.strip()[:200]}” ({words})",
                    {},
                    subtype=subtype,
                )
            )
        elif here and phrases.is_minimal(checkin.comment):
            subtype = "withdrawal"  # a low score with a one-word comment
        if low:
            low_checkins.append((index, checkin))
        if here:
            findings.extend(here)
            if course is None:
                baseline = fmean(calm) if calm else None
                if baseline is None and previous is not None and previous.total is not None:
                    baseline = previous.total
                course = RuptureCourse(here[0].key, checkin.at, baseline)
                courses.append(course)
            course.finding_keys.extend(f.key for f in here)
            subtype = subtype or next((f.subtype for f in here if f.subtype), "")  # a decline
            if (subtype and not course.subtype) or subtype == "confrontation":
                course.subtype = subtype
        elif course is not None and total is not None:
            target = course.baseline if course.baseline is not None else cutoff
            if total >= target - margin:
                course.recovered_at = checkin.at
                course.recovery_ref = checkin.ref
                course.recovery_total = total
                course = None
        if not here and course is None and total is not None:
            calm.append(total)
        if total is not None:
            previous = checkin
            scored.append(checkin)

    if rules.enabled("rupture.missed_after_low"):
        missed: set[str] = set()  # one flag per missed appointment, however many low check-ins
        for index, checkin in low_checkins:
            visit = next((v for v in evidence.visits if v.start > checkin.at), None)
            if visit is None or visit.status not in MISSED or visit.ref in missed:
                continue
            missed.add(visit.ref)
            finding = Finding(
                kind="rupture",
                rule="rupture.missed_after_low",
                key=f"{visit.ref}:missed_after_low",
                severity=WARNING,
                explanation=(
                    f"The next appointment after a low check-in ({_fmt(checkin.total or 0)}) was "
                    f"{'a no-show' if visit.status == 'no_show' else 'cancelled late'}"
                ),
                observed_at=visit.start,
                evidence=(
                    _item("check-in", checkin.total, checkin.at, checkin.ref),
                    _item("appointment", visit.status, visit.start, visit.ref),
                ),
                parameters={},
                subtype="withdrawal",
                clearable=False,
                checkin_index=index,
            )
            findings.append(finding)
            owner = _course_covering(courses, visit.start)
            if owner is None:
                owner = RuptureCourse(finding.key, visit.start, checkin.total, subtype="withdrawal")
                courses.append(owner)
            owner.finding_keys.append(finding.key)
            if not owner.subtype:
                owner.subtype = "withdrawal"
    if rules.enabled("rupture.transcript_markers"):
        least = int(rules.param("rupture.transcript_markers", "min_markers"))
        for session in evidence.transcripts:
            count = session.withdrawal + session.confrontation
            if count < least:
                continue
            kind = "confrontation" if session.confrontation >= session.withdrawal else "withdrawal"
            finding = Finding(
                kind="rupture",
                rule="rupture.transcript_markers",
                key=f"{session.ref}:markers",
                severity=WARNING,
                explanation=(
                    f"The transcript of the session on {session.at:%d %b %Y} shows "
                    f"{session.confrontation} confrontation and {session.withdrawal} withdrawal "
                    "markers in the client's turns (see its conversation report)"
                ),
                observed_at=session.at,
                evidence=(
                    _item("confrontation markers", session.confrontation, session.at, session.ref),
                    _item("withdrawal markers", session.withdrawal, session.at, session.ref),
                ),
                parameters={"min_markers": least},
                subtype=kind,
                clearable=False,
            )
            findings.append(finding)
            owner = _course_covering(courses, session.at)
            if owner is None:
                owner = RuptureCourse(finding.key, session.at, fmean(calm) if calm else None)
                courses.append(owner)
            owner.finding_keys.append(finding.key)
            if not owner.subtype or kind == "confrontation":
                owner.subtype = kind
    courses.sort(key=lambda c: c.began_at)
    return findings, courses, (fmean(calm) if calm else None)


def _course_covering(courses: list[RuptureCourse], moment: datetime) -> RuptureCourse | None:
    for course in courses:
        if course.began_at <= moment and (
            course.recovered_at is None or moment < course.recovered_at
        ):
            return course
    return None


def _rupture(
    checkin: CheckIn,
    index: int,
    rule: str,
    explanation: str,
    parameters: dict[str, Any],
    subtype: str = "",
) -> Finding:
    evidence = [_item("check-in", checkin.total, checkin.at, checkin.ref)]
    if checkin.comment:
        evidence.append(_item("comment", checkin.comment[:500], checkin.at, checkin.ref))
    return Finding(
        kind="rupture",
        rule=rule,
        key=f"{checkin.ref}:{rule.split('.', 1)[1]}",
        severity=WARNING,
        explanation=explanation,
        observed_at=checkin.at,
        evidence=tuple(evidence),
        parameters=parameters,
        subtype=subtype,
        clearable=False,
        checkin_index=index,
    )


# --- weak alliance from the start ------------------------------------------------------------


def low_alliance_findings(evidence: EpisodeEvidence, rules: RuleSet) -> list[Finding]:
    if not rules.enabled("low_alliance.from_start"):
        return []
    n = int(rules.param("low_alliance.from_start", "checkins"))
    cutoff = _cutoff(evidence, rules)
    scored = [c for c in evidence.checkins if c.total is not None]
    first = scored[:n]
    if len(first) < n or any((c.total or 0) >= cutoff for c in first):
        return []
    latest = scored[-1]
    if latest.total is not None and latest.total >= cutoff:
        return []  # the bond has formed since
    return [
        Finding(
            kind="low_alliance",
            rule="low_alliance.from_start",
            key="low_alliance:from_start",
            severity=WARNING,
            explanation=(
                f"Every check-in so far is below the cut-off of {_fmt(cutoff)} "
                f"(first {', '.join(_fmt(c.total or 0) for c in first)}; latest "
                f"{_fmt(latest.total or 0)})"
            ),
            observed_at=latest.at,
            evidence=tuple(_item("check-in", c.total, c.at, c.ref) for c in scored[-4:]),
            parameters={"checkins": n, "cutoff": cutoff},
        )
    ]


# --- not on track ----------------------------------------------------------------------------


def not_on_track_findings(
    evidence: EpisodeEvidence, rules: RuleSet, bands: ExpectedBands
) -> list[Finding]:
    found: list[Finding] = []
    for instrument_id, series in evidence.outcomes.items():
        scale = evidence.scales.get(instrument_id)
        if scale is None or len(series) < 2:
            continue
        first, latest = series[0], series[-1]
        change = latest.total - first.total  # positive: worse
        rc = scale.reliable_change
        pair = (
            _item(f"{scale.title} first", first.total, first.at, first.ref),
            _item(f"{scale.title} latest", latest.total, latest.at, latest.ref),
        )
        if rc is not None and rules.enabled("not_on_track.reliable_deterioration") and change >= rc:
            found.append(
                Finding(
                    kind="not_on_track",
                    rule="not_on_track.reliable_deterioration",
                    key=f"not_on_track:{instrument_id}:deterioration",
                    severity=WARNING,
                    explanation=(
                        f"{scale.title} has worsened reliably: {_fmt(first.total)} → "
                        f"{_fmt(latest.total)} (reliable change is {_fmt(rc)} points)"
                    ),
                    observed_at=latest.at,
                    evidence=pair,
                    parameters={"reliable_change": rc},
                )
            )
            continue
        sessions = evidence.attended_before(latest.at)
        after = int(rules.param("not_on_track.no_reliable_improvement", "after_sessions"))
        if (
            rc is not None
            and rules.enabled("not_on_track.no_reliable_improvement")
            and sessions >= after
            and (scale.cutoff is None or first.total >= scale.cutoff)
            and -change < rc
            and (scale.cutoff is None or latest.total >= scale.cutoff)
        ):
            found.append(
                Finding(
                    kind="not_on_track",
                    rule="not_on_track.no_reliable_improvement",
                    key=f"not_on_track:{instrument_id}:no_improvement",
                    severity=WARNING,
                    explanation=(
                        f"No reliable improvement on {scale.title} after {sessions} sessions "
                        f"({_fmt(first.total)} → {_fmt(latest.total)}; reliable improvement needs "
                        f"{_fmt(rc)} points)"
                    ),
                    observed_at=latest.at,
                    evidence=pair,
                    parameters={"after_sessions": after, "reliable_change": rc},
                )
            )
            continue
        if rules.enabled("not_on_track.below_expected"):
            band = bands.band(instrument_id, first.total, sessions)
            if band is not None and latest.total > band.upper:
                found.append(
                    Finding(
                        kind="not_on_track",
                        rule="not_on_track.below_expected",
                        key=f"not_on_track:{instrument_id}:below_expected",
                        severity=WARNING,
                        explanation=(
                            f"{scale.title} {_fmt(latest.total)} after {sessions} sessions is "
                            f"worse than expected for clients who started at {_fmt(first.total)} "
                            f"(expected about {_fmt(band.expected)}, at most {_fmt(band.upper)}; "
                            f"{band.source})"
                        ),
                        observed_at=latest.at,
                        evidence=pair,
                        parameters=rules.params("not_on_track.below_expected"),
                    )
                )
    return found


# --- crisis ----------------------------------------------------------------------------------


def crisis_findings(evidence: EpisodeEvidence, rules: RuleSet) -> list[Finding]:
    found: list[Finding] = []
    if rules.enabled("crisis.safety_item"):
        for answer in evidence.safety:
            found.append(
                Finding(
                    kind="crisis",
                    rule="crisis.safety_item",
                    key=f"crisis:{answer.ref}:safety",
                    severity=URGENT,
                    explanation=(
                        f"Safety item answered on {answer.instrument_title} "
                        f"({', '.join(answer.items)}): contact the client today"
                    ),
                    observed_at=answer.at,
                    evidence=(_item("safety item", list(answer.items), answer.at, answer.ref),),
                    parameters={},
                    clearable=False,
                )
            )
    if rules.enabled("crisis.language"):
        for text in evidence.texts:
            matched = phrases.crisis_phrases(text.text)
            if matched:
                found.append(
                    crisis_text_finding(text.ref, text.at, text.text, text.source, matched)
                )
    return found


def crisis_text_finding(
    ref: str, at: datetime, text: str, source: str, matched: list[str]
) -> Finding:
    return Finding(
        kind="crisis",
        rule="crisis.language",
        key=f"crisis:{ref}:language",
        severity=URGENT,
        explanation=(
            f"Crisis language in the client's {source}: “{text.strip()[:200]}”: contact the "
            "client today"
        ),
        observed_at=at,
        evidence=(_item(source, text[:500], at, ref), _item("phrases", matched, at, ref)),
        parameters={},
        clearable=False,
    )
