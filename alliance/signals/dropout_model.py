"""The dropout model: the probability that a client leaves without a planned ending, from a
logistic model whose coefficients are data (``data/dropout_model.json``, with where they were
fitted), explained factor by factor.

Each factor is a group of one or more features read from the episode's evidence as it stands;
every feature is 0 when nothing points to dropout, so the intercept is the risk of a client with
nothing against them (late in a course, check-ins high and steady, every session kept) and each
factor adds its own log-odds. A factor is explained by its words, the odds it multiplies the risk
by, and the percentage points the risk would be lower without it.

Pure functions of ``EpisodeEvidence``: the engine and the simulators use the same code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from statistics import fmean
from typing import Any

from alliance.signals.evidence import EpisodeEvidence, Visit

DATA = Path(__file__).resolve().parent / "data" / "dropout_model.json"
DEFAULT_GAP_DAYS = 7.0
RECENT_APPOINTMENTS = 4  # how many kept-or-missed appointments count as recent
SETTLED_LEVEL = 38.0  # a usual check-in at or above this carries no risk
LEVEL_UNIT = 4.0  # points of check-in per unit of the level features
MISSED = ("no_show", "late_cancelled")

# factor -> its features, in the order of the coefficient vector.
FACTORS: dict[str, tuple[str, ...]] = {
    "missed": ("missed_recent",),
    "gap": ("gap_ratio",),
    "early": ("early_3", "early_6", "early_12"),
    "usual_level": ("usual_below",),
    "below_own_level": ("fall_below_own",),
    "low_alliance": ("below_cutoff",),
    "unrecovered_rupture": ("unrecovered",),
    "falling_alliance": ("falling",),
    "missing_checkins": ("missing_checkins",),
    "no_progress": ("no_progress",),
}
FEATURES: tuple[str, ...] = tuple(name for group in FACTORS.values() for name in group)


@dataclass(frozen=True)
class Observation:
    """The features at one moment, and the words each factor is explained with."""

    values: dict[str, float]
    words: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DropoutModel:
    intercept: float
    coefficients: dict[str, float]
    provenance: dict[str, Any] = field(default_factory=dict)

    def logit(self, values: Mapping[str, float]) -> float:
        return self.intercept + sum(
            self.coefficients.get(name, 0.0) * values.get(name, 0.0) for name in FEATURES
        )

    def term(self, factor: str, values: Mapping[str, float]) -> float:
        """The factor's share of the log-odds."""
        return sum(self.coefficients.get(n, 0.0) * values.get(n, 0.0) for n in FACTORS[factor])

    def as_dict(self) -> dict[str, Any]:
        return {
            "intercept": self.intercept,
            "coefficients": {name: self.coefficients.get(name, 0.0) for name in FEATURES},
            "provenance": self.provenance,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DropoutModel:
        coefficients = data.get("coefficients") or {}
        return cls(
            intercept=float(data["intercept"]),
            coefficients={name: float(coefficients.get(name, 0.0)) for name in FEATURES},
            provenance=dict(data.get("provenance") or {}),
        )

    def vector(self) -> list[float]:
        return [self.intercept, *(self.coefficients.get(name, 0.0) for name in FEATURES)]

    @classmethod
    def from_vector(cls, vector: list[float], provenance: dict[str, Any]) -> DropoutModel:
        return cls(vector[0], dict(zip(FEATURES, vector[1:], strict=True)), provenance)


@cache
def default_model() -> DropoutModel:
    """The shipped coefficients (see their ``provenance``)."""
    return DropoutModel.from_dict(json.loads(DATA.read_text(encoding="utf-8")))


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _past(evidence: EpisodeEvidence) -> list[Visit]:
    return [v for v in evidence.visits if v.start <= evidence.now and v.status != "scheduled"]


def _attendance(evidence: EpisodeEvidence, out: Observation) -> list[Visit]:
    """Missed appointments among the recent ones, time since the last session, session count."""
    past = _past(evidence)
    counted = [v for v in past if v.status != "cancelled"][-RECENT_APPOINTMENTS:]
    missed = [v for v in counted if v.status in MISSED]
    out.values["missed_recent"] = float(len(missed))
    if missed:
        no_shows = sum(1 for v in missed if v.status == "no_show")
        parts = [
            _plural(n, w)
            for n, w in ((no_shows, "no-show"), (len(missed) - no_shows, "late cancellation"))
            if n
        ]
        out.words["missed"] = f"{' and '.join(parts)} in the last {len(counted)} appointments"
    attended = [v for v in past if v.status == "attended"]
    gap = evidence.agreed_gap_days or DEFAULT_GAP_DAYS
    since = attended[-1].start if attended else evidence.started_at
    days = max(0.0, (evidence.now - since).total_seconds() / 86400)
    out.values["gap_ratio"] = min(4.0, max(0.0, days / gap - 1.0))
    if days >= 1.5 * gap:  # a session a day or two late is not worth a line
        out.words["gap"] = f"{int(days)} days since the last session (agreed every {gap:g} days)"
    k = len(attended)
    for edge in (3, 6, 12):
        out.values[f"early_{edge}"] = max(0.0, edge - k) / edge
    out.words["early"] = f"early in therapy ({_plural(k, 'session')} so far)"
    return attended


def _alliance(
    evidence: EpisodeEvidence,
    out: Observation,
    cutoff: float,
    own_level: float | None,
    unrecovered_since: datetime | None,
) -> None:
    """The client's usual level, the latest check-in against it and the cut-off, a slide."""
    scored = [c for c in evidence.checkins if c.total is not None and c.at <= evidence.now]
    totals = [c.total or 0.0 for c in scored]
    if totals:
        usual = own_level if own_level is not None else fmean(totals)
        out.values["usual_below"] = max(0.0, SETTLED_LEVEL - usual) / LEVEL_UNIT
        out.words["usual_level"] = f"check-ins usually around {usual:.0f} of 40"
        latest = totals[-1]
        if own_level is not None:
            out.values["fall_below_own"] = max(0.0, own_level - latest) / LEVEL_UNIT
            out.words["below_own_level"] = (
                f"latest check-in {latest:g} is well below this client's usual {own_level:.0f}"
            )
        out.values["below_cutoff"] = float(latest < cutoff)
        out.words["low_alliance"] = f"latest check-in {latest:g} is below the cut-off of {cutoff:g}"
    if unrecovered_since is not None:
        out.values["unrecovered"] = 1.0
        out.words["unrecovered_rupture"] = (
            f"a rupture since {unrecovered_since:%d %b} has not recovered yet"
        )
    if len(totals) >= 3:
        a, b, c = totals[-3:]
        if a > b > c and a - c >= 3:
            out.values["falling"] = 1.0
            out.words["falling_alliance"] = f"check-ins falling ({a:g} → {b:g} → {c:g})"


def _progress(evidence: EpisodeEvidence, out: Observation, attended: list[Visit]) -> None:
    """Check-ins no longer answered; no reliable improvement on an outcome measure."""
    if len(attended) >= 2:
        answered = {c.appointment_id for c in evidence.checkins if c.appointment_id is not None}
        if all(v.appointment_id not in answered for v in attended[-2:]):
            out.values["missing_checkins"] = 1.0
            out.words["missing_checkins"] = "no check-in answered after the last two sessions"
    for instrument_id, series in evidence.outcomes.items():
        scale = evidence.scales.get(instrument_id)
        series = [s for s in series if s.at <= evidence.now]
        if scale is None or scale.reliable_change is None or len(series) < 2:
            continue
        if scale.cutoff is not None and series[0].total < scale.cutoff:
            continue  # started below the clinical range: little room to improve
        if series[0].total - series[-1].total < scale.reliable_change:
            out.values["no_progress"] = 1.0
            out.words["no_progress"] = (
                f"no reliable improvement on {scale.title} yet "
                f"({series[0].total:g} → {series[-1].total:g})"
            )
            return


def observe(
    evidence: EpisodeEvidence,
    *,
    cutoff: float,
    own_level: float | None = None,
    unrecovered_since: datetime | None = None,
) -> Observation:
    """The model's features as the evidence stands at ``evidence.now``. ``own_level``: the
    client's mean check-in outside ruptures; ``unrecovered_since``: when a rupture began whose
    check-ins have not come back (both from the rupture scan; without them those factors are
    not counted)."""
    out = Observation({name: 0.0 for name in FEATURES})
    attended = _attendance(evidence, out)
    _alliance(evidence, out, cutoff, own_level, unrecovered_since)
    _progress(evidence, out, attended)
    return out
