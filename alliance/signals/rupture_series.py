"""The check-ins of an episode read once, in order, each with the client's own level: the series
every rupture rule of ``ruptures.py`` reads, and the course a rupture takes.

``own_level`` gives each check-in the mean of the client's earlier check-ins outside any dip (or
the previous one when there is none), how far it must fall to count (``min_fall``, smaller at
the top of the scale), and what its comment says (``phrases``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean, stdev

from alliance.signals import phrases
from alliance.signals.catalogue import RuleSet
from alliance.signals.evidence import CheckIn, EpisodeEvidence

MISSED = ("late_cancelled", "no_show")
OWN = "rupture.own_level"
SCORE_RULES = (
    "rupture.below_cutoff",
    "rupture.drop_from_previous",
    "rupture.drop_from_baseline",
    "rupture.steady_decline",
)


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


@dataclass(frozen=True)
class Point:
    """One check-in as the rupture rules read it, with the client's own level before it."""

    index: int  # in ``evidence.checkins``
    checkin: CheckIn
    previous: CheckIn | None  # the previous check-in with a total
    level: float | None  # the client's own level before this check-in (None: no earlier one)
    spread: float | None  # their own standard deviation (floored), once there is a baseline
    calm: int  # earlier check-ins the level rests on
    fallen: bool  # at least the needed fall below the own level (rupture.own_level)
    subtype: str  # from the comment: "confrontation", "withdrawal" or ""
    matched: tuple[str, ...]  # the rupture phrases the comment matched
    recent: tuple[float, ...] = ()  # the last few totals up to this one (steady_decline)

    @property
    def total(self) -> float | None:
        return self.checkin.total


@dataclass(frozen=True)
class Series:
    """The episode's evidence with each check-in's own level: what every rupture rule reads."""

    evidence: EpisodeEvidence
    points: list[Point]
    level: float | None  # the client's own level now (None before the first check-in)

    def scored(self) -> list[Point]:
        return [p for p in self.points if p.total is not None]


# --- rupture.own_level: the shared baseline ---------------------------------------------------


def own_level(
    evidence: EpisodeEvidence, rules: RuleSet, flags: Callable[[Point], bool] | None = None
) -> Series:
    """Each check-in's own level: the mean of the earlier check-ins outside any rupture (a
    check-in ``flags`` marks, by default any fall, and those after it until one is back within
    the recovery margin of the level it fell from), or the previous check-in when there is no
    such mean yet."""
    calm: list[float] = []
    dip_level: float | None = None  # the level a dip fell from, until it recovers
    previous: CheckIn | None = None
    decline_n = int(rules.param("rupture.steady_decline", "checkins"))
    margin = rules.param("rupture.recovered", "margin")
    totals: list[float] = []
    points: list[Point] = []
    for index, checkin in enumerate(evidence.checkins):
        subtype, matched = _text_subtype(checkin.comment)
        level = fmean(calm) if calm else previous.total if previous else None
        spread = _spread(calm, rules)
        total = checkin.total
        fallen = (
            total is not None
            and level is not None
            and level - total >= _needed(rules, level, spread, evidence.checkin_maximum)
        )
        if total is not None:
            totals.append(total)
        recent = tuple(totals[-decline_n:]) if total is not None else ()
        point = Point(
            index, checkin, previous, level, spread, len(calm), fallen, subtype, tuple(matched),
            recent,
        )  # fmt: skip
        points.append(point)
        flagged = flags(point) if flags is not None else fallen or bool(subtype)
        if flagged:
            dip_level = (level if level is not None else total) if dip_level is None else dip_level
        elif dip_level is not None and total is not None and total >= dip_level - margin:
            dip_level = None
        if total is None:
            continue
        if dip_level is None and not flagged:
            calm.append(total)
        previous = checkin
    return Series(evidence, points, fmean(calm) if calm else None)


def _spread(calm: list[float], rules: RuleSet) -> float | None:
    if len(calm) < int(rules.param("rupture.drop_from_baseline", "min_sessions")):
        return None
    return max(stdev(calm), rules.param("rupture.drop_from_baseline", "sd_floor"))


def _needed(rules: RuleSet, level: float, spread: float | None, top: float) -> float:
    """The fall that counts: ``min_fall`` points, or ``sd`` of the client's own deviations when
    larger; from a level at the top of the scale, ``ceiling_fall`` (a censored score hides how
    far the client's view fell, and a steady 40 has no spread to measure it by)."""
    needed = rules.param(OWN, "min_fall")
    if spread is not None:
        needed = max(needed, rules.param(OWN, "sd") * spread)
    if level >= top - rules.param(OWN, "ceiling_band"):
        needed = min(needed, rules.param(OWN, "ceiling_fall"))
    return needed


def _text_subtype(comment: str) -> tuple[str, list[str]]:
    confrontation = phrases.confrontation_phrases(comment)
    if confrontation:
        return "confrontation", confrontation
    withdrawal = phrases.withdrawal_phrases(comment)
    if withdrawal:
        return "withdrawal", withdrawal
    return "", []
