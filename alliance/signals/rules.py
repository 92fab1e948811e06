"""The rules: pure functions from an episode's evidence to findings. See ``catalogue`` and
``docs/signals.md`` for each rule's parameters, defaults and sources.

Rupture rules (``ruptures``) scan every check-in in order; not-on-track, weak-alliance and
dropout rules describe the episode as it stands now; crisis rules fire on each answer or text
that carries one, and their flags are never cleared by the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from alliance.signals.catalogue import RuleSet
from alliance.signals.crisis_language import CrisisReading, detect
from alliance.signals.evidence import EpisodeEvidence, Scale, Score
from alliance.signals.findings import (
    URGENT,
    WARNING,
    Finding,
    cutoff_in_force,
    evidence_item,
    fmt,
)
from alliance.signals.risk import Risk, dropout_risk
from alliance.signals.ruptures import RuptureCourse, rupture_scan
from alliance.signals.trajectory import ExpectedBands

__all__ = ["Evaluation", "Finding", "RuptureCourse", "evaluate", "risk_now"]


@dataclass
class Evaluation:
    findings: list[Finding]
    ruptures: list[RuptureCourse]
    risk_points: float = 0.0
    risk_level: str = "low"
    risk_factors: list[dict[str, Any]] = field(default_factory=list)
    risk_percent: float = 0.0  # dropout risk in percent (risk_points holds the same, for order)


def evaluate(evidence: EpisodeEvidence, rules: RuleSet, bands: ExpectedBands) -> Evaluation:
    findings, ruptures, own_level = rupture_scan(evidence, rules)
    findings += low_alliance_findings(evidence, rules)
    findings += not_on_track_findings(evidence, rules, bands)
    findings += crisis_findings(evidence, rules)
    evaluation = Evaluation(findings, ruptures)
    if evidence.is_open and rules.enabled("dropout.risk"):
        risk = risk_now(evidence, rules, ruptures, own_level)
        evaluation.risk_points, evaluation.risk_level = risk.points, risk.level
        evaluation.risk_percent = risk.percent
        evaluation.risk_factors = [f.as_dict() for f in risk.factors]
        if risk.flagged:
            findings.append(
                Finding(
                    kind="dropout_risk",
                    rule="dropout.risk",
                    key="dropout:risk",
                    severity=WARNING,
                    explanation=f"At risk of dropping out ({risk.percent:.0f} %): "
                    + "; ".join(f.words for f in risk.factors)
                    + ".",
                    observed_at=evidence.now,
                    evidence=tuple(f.as_dict() for f in risk.factors),
                    parameters=rules.params("dropout.risk"),
                )
            )
    return evaluation


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


# --- weak alliance from the start ------------------------------------------------------------


def low_alliance_findings(evidence: EpisodeEvidence, rules: RuleSet) -> list[Finding]:
    if not rules.enabled("low_alliance.from_start"):
        return []
    n = int(rules.param("low_alliance.from_start", "checkins"))
    cutoff = cutoff_in_force(evidence, rules)
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
                f"Every check-in so far is below the cut-off of {fmt(cutoff)} "
                f"(first {', '.join(fmt(c.total or 0) for c in first)}; latest "
                f"{fmt(latest.total or 0)})"
            ),
            observed_at=latest.at,
            evidence=tuple(evidence_item("check-in", c.total, c.at, c.ref) for c in scored[-4:]),
            parameters={"checkins": n, "cutoff": cutoff},
        )
    ]


# --- not on track ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Course:
    """One outcome instrument's series as the not-on-track rules read it."""

    instrument_id: str
    scale: Scale
    first: Score
    latest: Score
    sessions: int  # attended sessions by the latest score

    @property
    def change(self) -> float:
        return self.latest.total - self.first.total  # positive: worse

    def pair(self) -> tuple[dict[str, Any], ...]:
        title, first, latest = self.scale.title, self.first, self.latest
        return (
            evidence_item(f"{title} first", first.total, first.at, first.ref),
            evidence_item(f"{title} latest", latest.total, latest.at, latest.ref),
        )


def not_on_track_findings(
    evidence: EpisodeEvidence, rules: RuleSet, bands: ExpectedBands
) -> list[Finding]:
    """Per outcome instrument, the first of the not-on-track rules that fires."""
    found: list[Finding] = []
    for instrument_id, series in evidence.outcomes.items():
        scale = evidence.scales.get(instrument_id)
        if scale is None or len(series) < 2:
            continue
        course = Course(
            instrument_id,
            scale,
            series[0],
            series[-1],
            evidence.attended_before(series[-1].at),
        )
        finding = (
            reliable_deterioration(course, rules)
            or no_reliable_improvement(course, rules)
            or below_expected(course, rules, bands)
        )
        if finding is not None:
            found.append(finding)
    return found


def reliable_deterioration(course: Course, rules: RuleSet) -> Finding | None:
    rc = course.scale.reliable_change
    if rc is None or not rules.enabled("not_on_track.reliable_deterioration"):
        return None
    if course.change < rc:
        return None
    return Finding(
        kind="not_on_track",
        rule="not_on_track.reliable_deterioration",
        key=f"not_on_track:{course.instrument_id}:deterioration",
        severity=WARNING,
        explanation=(
            f"{course.scale.title} has worsened reliably: {fmt(course.first.total)} → "
            f"{fmt(course.latest.total)} (reliable change is {fmt(rc)} points)"
        ),
        observed_at=course.latest.at,
        evidence=course.pair(),
        parameters={"reliable_change": rc},
    )


def no_reliable_improvement(course: Course, rules: RuleSet) -> Finding | None:
    rule = "not_on_track.no_reliable_improvement"
    rc, cutoff = course.scale.reliable_change, course.scale.cutoff
    after = int(rules.param(rule, "after_sessions"))
    if rc is None or not rules.enabled(rule) or course.sessions < after or -course.change >= rc:
        return None
    if cutoff is not None and (course.first.total < cutoff or course.latest.total < cutoff):
        return None
    return Finding(
        kind="not_on_track",
        rule=rule,
        key=f"not_on_track:{course.instrument_id}:no_improvement",
        severity=WARNING,
        explanation=(
            f"No reliable improvement on {course.scale.title} after {course.sessions} sessions "
            f"({fmt(course.first.total)} → {fmt(course.latest.total)}; reliable improvement "
            f"needs {fmt(rc)} points)"
        ),
        observed_at=course.latest.at,
        evidence=course.pair(),
        parameters={"after_sessions": after, "reliable_change": rc},
    )


def below_expected(course: Course, rules: RuleSet, bands: ExpectedBands) -> Finding | None:
    rule = "not_on_track.below_expected"
    if not rules.enabled(rule):
        return None
    band = bands.band(course.instrument_id, course.first.total, course.sessions)
    if band is None or course.latest.total <= band.upper:
        return None
    return Finding(
        kind="not_on_track",
        rule=rule,
        key=f"not_on_track:{course.instrument_id}:below_expected",
        severity=WARNING,
        explanation=(
            f"{course.scale.title} {fmt(course.latest.total)} after {course.sessions} sessions "
            f"is worse than expected for clients who started at {fmt(course.first.total)} "
            f"(expected about {fmt(band.expected)}, at most {fmt(band.upper)}; {band.source})"
        ),
        observed_at=course.latest.at,
        evidence=course.pair(),
        parameters=rules.params(rule),
    )


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
                    evidence=(
                        evidence_item("safety item", list(answer.items), answer.at, answer.ref),
                    ),
                    parameters={},
                    clearable=False,
                )
            )
    if rules.enabled("crisis.language"):
        for text in evidence.texts:
            reading = detect(text.text)
            if reading.crisis:
                found.append(
                    crisis_text_finding(text.ref, text.at, text.text, text.source, reading)
                )
    return found


def crisis_text_finding(
    ref: str, at: datetime, text: str, source: str, reading: CrisisReading
) -> Finding:
    """The flag shows the client's words, the wording that was read as risk (or the
    classifier's note and score) and the constructs it falls under."""
    evidence = [
        evidence_item(source, text[:500], at, ref),
        evidence_item("crisis wording", list(reading.evidence), at, ref),
    ]
    if reading.constructs:
        constructs = [construct.replace("_", " ") for construct in reading.constructs]
        evidence.append(evidence_item("constructs", constructs, at, ref))
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
        evidence=tuple(evidence),
        parameters={},
        clearable=False,
    )
