"""Measure, on a generated practice, the effect sizes a scenario claims, as a study would.

Everything is computed from what the engine would see (check-ins, visits, PHQ-9 scores) plus
the truth the generator recorded (who dropped out, where ruptures were), never from latent
parameters: the point is to check that the observed data carry the published effect sizes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from simulation.episode import SimEpisode
from simulation.stats import auc, cohen_d, mean, pearson

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Target:
    value: float
    low: float
    high: float
    source: str

    def holds(self, realised: float) -> bool:
        return self.low <= realised <= self.high


def mean_checkin(sim: SimEpisode) -> float | None:
    totals = [c.total for c in sim.evidence.checkins if c.total is not None]
    return mean(totals) if totals else None


def dropout_rate(sims: Sequence[SimEpisode]) -> float:
    return mean([float(s.truth.dropout) for s in sims])


def dropout_d(sims: Sequence[SimEpisode]) -> float:
    """Cohen's d of the episode's mean check-in, completers minus dropouts (Sharf et al. 2010
    compare alliance in the same direction)."""
    completers = [m for s in sims if not s.truth.dropout and (m := mean_checkin(s)) is not None]
    dropouts = [m for s in sims if s.truth.dropout and (m := mean_checkin(s)) is not None]
    return cohen_d(completers, dropouts)


def outcome_r(sims: Sequence[SimEpisode]) -> float:
    """Pearson r between the mean check-in and PHQ-9 improvement (intake minus last score),
    over episodes with a check-in and at least two PHQ-9 scores."""
    pairs = [
        (m, -s.truth.phq_change)
        for s in sims
        if s.truth.phq_change is not None and (m := mean_checkin(s)) is not None
    ]
    return pearson([x for x, _ in pairs], [y for _, y in pairs])


def dips(sim: SimEpisode) -> list[bool]:
    """Repaired flags of the episode's ruptures (confrontation or withdrawal, not slides)."""
    return [r.repaired for r in sim.truth.ruptures if r.kind == "dip"]


def rupture_share(sims: Sequence[SimEpisode]) -> float:
    return mean([float(bool(dips(s))) for s in sims])


def repaired_share(sims: Sequence[SimEpisode]) -> float:
    flags = [f for s in sims for f in dips(s)]
    return mean([float(f) for f in flags])


def repair_outcome_r(sims: Sequence[SimEpisode]) -> float:
    """Within episodes with a rupture: r between the share repaired and PHQ-9 improvement."""
    pairs = [
        (mean([float(f) for f in dips(s)]), -s.truth.phq_change)
        for s in sims
        if dips(s) and s.truth.phq_change is not None
    ]
    return pearson([x for x, _ in pairs], [y for _, y in pairs])


def silent_dropout_share(sims: Sequence[SimEpisode]) -> float:
    """Share of dropouts whose path was "silent": no rupture in their last sessions and no
    disengagement (their data look like anyone's until they stop coming)."""
    paths = [s.truth.dropout_path for s in sims if s.truth.dropout]
    return mean([float(p == "silent") for p in paths])


def disengaged_dropout_share(sims: Sequence[SimEpisode]) -> float:
    """Share of dropouts who disengaged first (missed appointments, and a slide in the scores
    where the scenario has one) rather than leaving silently or right after a rupture."""
    paths = [s.truth.dropout_path for s in sims if s.truth.dropout]
    return mean([float(p == "disengaged") for p in paths])


def warned_in_data(sim: SimEpisode, lookback: int = 3, drop: float = 5.0) -> bool:
    """A data-only reading of "a warning": a missed appointment (no-show or late cancellation)
    among the last ``lookback`` appointments up to the last attended session, or one of the
    last ``lookback`` check-ins ``drop`` or more points under the client's earlier median."""
    last = sim.truth.last_attended
    if last is None:
        return False
    visits = [v for v in sim.evidence.visits if v.start <= last][-lookback:]
    if any(v.status in ("no_show", "late_cancelled") for v in visits):
        return True
    totals = [c.total for c in sim.evidence.checkins if c.total is not None and c.at <= last + _DAY]
    earlier, recent = totals[:-lookback], totals[-lookback:]
    return bool(earlier) and min(recent) <= median(earlier) - drop


def unwarned_in_data_share(sims: Sequence[SimEpisode]) -> float:
    return mean([float(not warned_in_data(s)) for s in sims if s.truth.dropout])


def ceiling_share(sims: Sequence[SimEpisode], near: float = 40.0, least: int = 3) -> float:
    """Share of clients with ``least`` or more check-ins who answered ``near`` or above every
    time."""
    eligible = [[c.total for c in s.evidence.checkins if c.total is not None] for s in sims]
    eligible = [t for t in eligible if len(t) >= least]
    return mean([float(min(t) >= near) for t in eligible])


def oracle_auc(sims: Sequence[SimEpisode]) -> float:
    """AUC of the true dropout risk at the last attended session, dropouts against completers:
    the best any predictor of the engine's kind could reach on this practice."""
    return auc([(s.truth.dropout_risk[-1], s.truth.dropout) for s in sims if s.truth.dropout_risk])


def oracle_auc_late(sims: Sequence[SimEpisode]) -> float:
    """The same AUC among episodes that reached the shortest completed course: without the
    easy part (anyone who stops before any planned ending could come is a dropout)."""
    courses = [len(s.truth.attended_times) for s in sims if not s.truth.dropout]
    least = min(courses, default=0)
    return oracle_auc([s for s in sims if len(s.truth.attended_times) >= least])


def visit_rate(sims: Sequence[SimEpisode], status: str) -> float:
    visits = [v.status for s in sims for v in s.evidence.visits]
    return mean([float(v == status) for v in visits])


def comment_rate(sims: Sequence[SimEpisode]) -> float:
    return mean([float(bool(c.comment)) for s in sims for c in s.evidence.checkins])


def item9_rate(sims: Sequence[SimEpisode]) -> float:
    scores = [x for s in sims for x in s.evidence.outcomes.get("phq9", [])]
    flagged = sum(len(s.evidence.safety) for s in sims)
    return flagged / len(scores) if scores else 0.0


def crisis_comment_rate(sims: Sequence[SimEpisode]) -> float:
    checkins = sum(len(s.evidence.checkins) for s in sims)
    words = sum(1 for s in sims for r in s.truth.crisis_refs if r.endswith(":checkin"))
    return words / checkins if checkins else 0.0


def therapist_icc(sims: Sequence[SimEpisode]) -> float:
    """One-way ICC(1) of the episode's mean check-in by therapist (unequal group sizes use the
    average size): how much of the observed alliance lies between therapists."""
    groups: dict[int, list[float]] = {}
    for s in sims:
        m = mean_checkin(s)
        if m is not None and s.therapist is not None:
            groups.setdefault(s.therapist, []).append(m)
    values = [v for g in groups.values() for v in g]
    if len(groups) < 2 or len(values) <= len(groups):
        return 0.0
    grand = mean(values)
    between = sum(len(g) * (mean(g) - grand) ** 2 for g in groups.values()) / (len(groups) - 1)
    within = sum((v - mean(g)) ** 2 for g in groups.values() for v in g) / (
        len(values) - len(groups)
    )
    size = len(values) / len(groups)
    return (between - within) / (between + (size - 1) * within)


def mean_phq_change(sims: Sequence[SimEpisode], dropout: bool) -> float:
    return mean(
        [
            s.truth.phq_change
            for s in sims
            if s.truth.phq_change is not None and s.truth.dropout == dropout
        ]
    )


def distinct_comments(sims: Sequence[SimEpisode]) -> float:
    return float(len({c.comment for s in sims for c in s.evidence.checkins if c.comment}))


def mean_sessions(sims: Sequence[SimEpisode]) -> float:
    return mean([float(len(s.truth.attended_times)) for s in sims])


Measure = Callable[[Sequence[SimEpisode]], float]

MEASURES: dict[str, Measure] = {
    "dropout_rate": dropout_rate,
    "dropout_d": dropout_d,
    "outcome_r": outcome_r,
    "rupture_share": rupture_share,
    "repaired_share": repaired_share,
    "repair_outcome_r": repair_outcome_r,
    "silent_dropout_share": silent_dropout_share,
    "disengaged_dropout_share": disengaged_dropout_share,
    "unwarned_in_data_share": unwarned_in_data_share,
    "ceiling_share": ceiling_share,
    "near_ceiling_share": lambda sims: ceiling_share(sims, near=38.0),
    "oracle_auc": oracle_auc,
    "oracle_auc_late": oracle_auc_late,
    "therapist_icc": therapist_icc,
    "no_show_rate": lambda sims: visit_rate(sims, "no_show"),
    "late_cancel_rate": lambda sims: visit_rate(sims, "late_cancelled"),
    "comment_rate": comment_rate,
    "distinct_comments": distinct_comments,
    "item9_rate": item9_rate,
    "crisis_comment_rate": crisis_comment_rate,
    "phq_change_completers": lambda sims: mean_phq_change(sims, dropout=False),
    "phq_change_dropouts": lambda sims: mean_phq_change(sims, dropout=True),
    "mean_sessions": mean_sessions,
}


def measure(sims: Sequence[SimEpisode]) -> dict[str, float]:
    return {name: fn(sims) for name, fn in MEASURES.items()}


CALIBRATED_TARGETS: dict[str, Target] = {
    "dropout_rate": Target(0.197, 0.15, 0.25, "Swift & Greenberg 2012 meta-analysis: 19.7 %"),
    "dropout_d": Target(0.55, 0.45, 0.65, "Sharf, Primavera & Diener 2010: d = 0.55"),
    "outcome_r": Target(0.28, 0.20, 0.36, "Flueckiger et al. 2018 (295 studies): r = .28"),
    "rupture_share": Target(
        0.35, 0.27, 0.43, "our episode-level choice; Eubanks et al. 2018: 19-42 % of sessions"
    ),
    "repaired_share": Target(0.55, 0.45, 0.65, "assumption (see simulation/calibrated.py)"),
    "repair_outcome_r": Target(0.29, 0.20, 0.38, "Eubanks, Muran & Safran 2018: r = .29"),
    "silent_dropout_share": Target(0.40, 0.32, 0.48, "the brief: 40 % of dropouts unwarned"),
    "near_ceiling_share": Target(
        0.50, 0.40, 0.60, "about half at/near the top every time (brief; Meier & Feeley 2022)"
    ),
}

CONTRARY_TARGETS: dict[str, Target] = {
    "dropout_rate": Target(0.35, 0.30, 0.40, "contrary design: a higher dropout rate"),
    "silent_dropout_share": Target(0.25, 0.18, 0.33, "contrary design"),
    "disengaged_dropout_share": Target(
        0.65, 0.55, 0.75, "contrary design: most dropouts warn only by attendance"
    ),
    "rupture_share": Target(0.40, 0.30, 0.50, "contrary design"),
    "near_ceiling_share": Target(0.0, 0.0, 0.05, "contrary design: no ceiling effect"),
    "dropout_d": Target(0.15, 0.0, 0.30, "contrary design: scores carry little of the alliance"),
    "outcome_r": Target(0.10, 0.0, 0.20, "contrary design: likewise"),
}

TARGETS = {"calibrated": CALIBRATED_TARGETS, "contrary": CONTRARY_TARGETS}
