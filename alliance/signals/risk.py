"""Dropout risk: points from plain factors, each one explained in words, never a bare number.

Factors (weights are parameters of the ``dropout.risk`` rule): recent late cancellations and
no-shows; time since the last attended session against the agreed gap; the latest check-in below
the cut-off; check-ins falling over the last three; no reliable improvement on the outcome
measure; the early sessions, when most dropout happens; a client who has stopped answering the
check-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alliance.signals.catalogue import RuleSet
from alliance.signals.evidence import EpisodeEvidence
from alliance.signals.findings import cutoff_in_force

DEFAULT_GAP_DAYS = 7.0
RULE = "dropout.risk"


@dataclass(frozen=True)
class Factor:
    factor: str
    points: float
    words: str

    def as_dict(self) -> dict[str, Any]:
        return {"factor": self.factor, "points": round(self.points, 2), "words": self.words}


@dataclass(frozen=True)
class Risk:
    points: float
    level: str  # low / moderate / high
    flagged: bool
    factors: tuple[Factor, ...]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def dropout_risk(
    evidence: EpisodeEvidence,
    rules: RuleSet,
    *,
    own_level: float | None = None,
    unrecovered_since: datetime | None = None,
) -> Risk:
    """``own_level``: the client's mean check-in outside ruptures; ``unrecovered_since``: when a
    rupture began whose check-ins have not come back (both from the rupture scan)."""
    p = rules.params(RULE)
    cutoff = cutoff_in_force(evidence, rules)
    factors: list[Factor] = []
    past = [v for v in evidence.visits if v.start <= evidence.now and v.status != "scheduled"]
    counted = [v for v in past if v.status != "cancelled"][-int(p["recent_appointments"]) :]
    missed = [v for v in counted if v.status in ("late_cancelled", "no_show")]
    if missed and p["missed_points"]:
        no_shows = sum(1 for v in missed if v.status == "no_show")
        late = len(missed) - no_shows
        parts = [
            _plural(n, w) for n, w in ((no_shows, "no-show"), (late, "late cancellation")) if n
        ]
        factors.append(
            Factor(
                "missed",
                p["missed_points"] * len(missed),
                f"{' and '.join(parts)} in the last {len(counted)} appointments",
            )
        )
    attended = [v for v in past if v.status == "attended"]
    gap = evidence.agreed_gap_days or DEFAULT_GAP_DAYS
    since = attended[-1].start if attended else evidence.started_at
    days = (evidence.now - since).total_seconds() / 86400
    if days >= 2 * gap and p["gap_points"]:
        factors.append(
            Factor(
                "gap",
                p["gap_points"],
                f"{int(days)} days since the last session (agreed every {gap:g} days)",
            )
        )
    elif days >= 1.5 * gap and p["gap_points"]:
        factors.append(
            Factor(
                "gap",
                p["gap_points"] / 2,
                f"{int(days)} days since the last session (agreed every {gap:g} days)",
            )
        )
    scored = [c for c in evidence.checkins if c.total is not None and c.at <= evidence.now]
    if scored and (scored[-1].total or 0) < cutoff and p["low_alliance_points"]:
        factors.append(
            Factor(
                "low_alliance",
                p["low_alliance_points"],
                f"latest check-in {scored[-1].total:g} is below the cut-off of {cutoff:g}",
            )
        )
    min_fall = rules.param("rupture.own_level", "min_fall")
    if (
        scored
        and own_level is not None
        and own_level - (scored[-1].total or 0) >= min_fall
        and p["below_own_level_points"]
    ):
        factors.append(
            Factor(
                "below_own_level",
                p["below_own_level_points"],
                f"latest check-in {scored[-1].total:g} is well below this client's usual "
                f"{own_level:.0f}",
            )
        )
    if unrecovered_since is not None and p["unrecovered_rupture_points"]:
        factors.append(
            Factor(
                "unrecovered_rupture",
                p["unrecovered_rupture_points"],
                f"a rupture since {unrecovered_since:%d %b} has not recovered yet",
            )
        )
    if len(scored) >= 3 and p["falling_alliance_points"]:
        a, b, c = (x.total or 0 for x in scored[-3:])
        if a > b > c and a - c >= 3:
            factors.append(
                Factor(
                    "falling_alliance",
                    p["falling_alliance_points"],
                    f"check-ins falling ({a:g} → {b:g} → {c:g})",
                )
            )
    early = int(p["early_sessions"])
    if len(attended) < early and p["early_phase_points"]:
        factors.append(
            Factor(
                "early",
                p["early_phase_points"],
                f"early in therapy ({_plural(len(attended), 'session')} so far)",
            )
        )
    elif p["no_progress_points"]:
        for instrument_id, series in evidence.outcomes.items():
            scale = evidence.scales.get(instrument_id)
            if scale is None or scale.reliable_change is None or len(series) < 2:
                continue
            if scale.cutoff is not None and series[0].total < scale.cutoff:
                continue  # started below the clinical range: little room to improve
            if series[0].total - series[-1].total < scale.reliable_change:
                factors.append(
                    Factor(
                        "no_progress",
                        p["no_progress_points"],
                        f"no reliable improvement on {scale.title} yet "
                        f"({series[0].total:g} → {series[-1].total:g})",
                    )
                )
                break
    if len(attended) >= 2 and p["missing_checkin_points"]:
        answered = {c.appointment_id for c in evidence.checkins if c.appointment_id is not None}
        last_two = attended[-2:]
        if all(v.appointment_id not in answered for v in last_two):
            factors.append(
                Factor(
                    "missing_checkins",
                    p["missing_checkin_points"],
                    "no check-in answered after the last two sessions",
                )
            )
    factors.sort(key=lambda f: -f.points)
    points = sum(f.points for f in factors)
    threshold = p["threshold"]
    level = "high" if points >= threshold else "moderate" if points >= threshold / 2 else "low"
    return Risk(points, level, points >= threshold, tuple(factors))
