"""Rupture rules: scan the check-ins in order (a rupture is an event in the series), with the
missed sessions and transcript markers that join them, and group the findings into courses (one
rupture episode each) with the client's baseline and any recovery."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from statistics import fmean, stdev
from typing import Any

from alliance.signals import phrases
from alliance.signals.catalogue import RuleSet
from alliance.signals.evidence import CheckIn, EpisodeEvidence
from alliance.signals.findings import (
    WARNING,
    Finding,
    cutoff_in_force,
    evidence_item,
    fmt,
)

MISSED = ("late_cancelled", "no_show")


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


def _text_subtype(comment: str) -> tuple[str, list[str]]:
    confrontation = phrases.confrontation_phrases(comment)
    if confrontation:
        return "confrontation", confrontation
    withdrawal = phrases.withdrawal_phrases(comment)
    if withdrawal:
        return "withdrawal", withdrawal
    return "", []


def rupture_scan(
    evidence: EpisodeEvidence, rules: RuleSet
) -> tuple[list[Finding], list[RuptureCourse], float | None]:
    """Scan the check-ins in order: each rupture marker is a finding; consecutive markers with
    no recovery between them form one course (one rupture episode). Also returns the client's
    own level: the mean of their check-ins outside ruptures (None before the first)."""
    cutoff = cutoff_in_force(evidence, rules)
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
                        f"Check-in {fmt(total)} fell below the cut-off of {fmt(cutoff)} "
                        f"(previous {fmt(previous.total)})",
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
                        f"Check-in dropped {fmt(previous.total - total)} points from the previous "
                        f"one ({fmt(previous.total)} → {fmt(total)})",
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
                            f"Check-in {fmt(total)} is {fmt((mean - total) / spread)} standard "
                            f"deviations below this client's own baseline of {fmt(mean)} "
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
                        f"({' → '.join(fmt(v or 0) for v in recent)})",
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
                    f"The next appointment after a low check-in ({fmt(checkin.total or 0)}) was "
                    f"{'a no-show' if visit.status == 'no_show' else 'cancelled late'}"
                ),
                observed_at=visit.start,
                evidence=(
                    evidence_item("check-in", checkin.total, checkin.at, checkin.ref),
                    evidence_item("appointment", visit.status, visit.start, visit.ref),
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
                    evidence_item(
                        "confrontation markers", session.confrontation, session.at, session.ref
                    ),
                    evidence_item(
                        "withdrawal markers", session.withdrawal, session.at, session.ref
                    ),
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
    evidence = [evidence_item("check-in", checkin.total, checkin.at, checkin.ref)]
    if checkin.comment:
        evidence.append(evidence_item("comment", checkin.comment[:500], checkin.at, checkin.ref))
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
