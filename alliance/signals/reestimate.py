"""Re-estimating the dropout model and the rupture thresholds on a practice's own endings.

Pure functions of ``(evidence, dropped_out)`` pairs, one per ended episode whose reason is
recorded (a planned ending, or the client stopped attending); ``reestimate_service`` loads them
and stores the proposal the practice admin may adopt.

- **Dropout model.** The logistic model is fitted again on the practice's own moments
  (``dropout_fit.observations``), with a Gaussian prior centred on the shipped coefficients and
  as precise as ``PRIOR_EPISODES`` episodes of the data they were fitted on (the shipped fit's
  Fisher information per episode times that number). With n episodes of its own the practice
  weighs n against ``PRIOR_EPISODES``: 50 endings move the coefficients a fifth of the way, 800 most
  of it.
- **Rupture thresholds in points.** A fall of 5 points means as much in a practice whose clients'
  check-ins wobble twice as much from session to session as a fall of 10. The wobble is the mean
  absolute change between consecutive check-ins of clients who ended as planned (their course is
  the ordinary variation); each threshold in points is its default times the practice's wobble
  over the wobble of the data the defaults were set on, shrunk towards the default with the same
  prior weight (``n / (n + PRIOR_EPISODES)`` of the way, n the planned endings).
- **The cut-off.** The check-in cut-off is moved to the practice's check-in below which the same
  share of planned endings' check-ins lie as lie below the instrument's cut-off in that data,
  shrunk likewise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import fmean
from typing import Any

from alliance.signals.catalogue import RULES_BY_ID, Parameter, RuleSet
from alliance.signals.dropout_fit import observations, shrunk_fit
from alliance.signals.dropout_model import DropoutModel, default_model
from alliance.signals.evidence import EpisodeEvidence

PRIOR_EPISODES = 200.0
MIN_ENDINGS = 50  # ended episodes with a recorded planned or dropout ending
MIN_EACH = 10  # of each kind
# Rupture thresholds in check-in points, scaled by the practice's wobble (those the catalogue
# has; a parameter a later catalogue drops is skipped).
SCALED: tuple[tuple[str, str], ...] = (
    ("rupture.own_level", "min_fall"),
    ("rupture.own_level", "ceiling_fall"),
    ("rupture.own_level", "still_low"),
    ("rupture.own_level", "deep_fall"),
    ("rupture.drop_from_previous", "points"),
    ("rupture.drop_from_baseline", "sd_floor"),
    ("rupture.steady_decline", "points"),
    ("rupture.recovered", "margin"),
)
CUTOFF = ("rupture.below_cutoff", "cutoff")
Labelled = Sequence[tuple[EpisodeEvidence, bool]]


@dataclass(frozen=True)
class Estimate:
    dropout_model: DropoutModel
    thresholds: dict[str, dict[str, float]]  # rule id -> parameter -> re-estimated value
    basis: dict[str, Any] = field(default_factory=dict)

    def proposal(self) -> dict[str, Any]:
        return {"dropout_model": self.dropout_model.as_dict(), "thresholds": self.thresholds}


def enough_endings(planned: int, dropouts: int) -> bool:
    return planned + dropouts >= MIN_ENDINGS and min(planned, dropouts) >= MIN_EACH


def enough(labelled: Labelled) -> str:
    """Why there is not enough to re-estimate on, or "" when there is."""
    dropouts = sum(1 for _, dropped in labelled if dropped)
    planned = len(labelled) - dropouts
    if not enough_endings(planned, dropouts):
        return (
            f"Re-estimating needs at least {MIN_ENDINGS} ended episodes with a recorded reason, "
            f"{MIN_EACH} or more of them planned endings and {MIN_EACH} or more ended because "
            f"the client stopped attending; the practice has {planned} and {dropouts}."
        )
    return ""


def scored_totals(evidence: EpisodeEvidence) -> list[float]:
    return [c.total for c in evidence.checkins if c.total is not None]


def wobble(labelled: Labelled) -> tuple[float, int]:
    """Mean absolute change between consecutive check-ins of planned endings, and how many
    planned endings had two or more check-ins."""
    changes: list[float] = []
    episodes = 0
    for evidence, dropped in labelled:
        totals = scored_totals(evidence)
        if dropped or len(totals) < 2:
            continue
        episodes += 1
        changes += [abs(b - a) for a, b in pairwise(totals)]
    return (fmean(changes) if changes else 0.0), episodes


def share_below(labelled: Labelled, cutoff: float) -> float:
    totals = [t for e, dropped in labelled if not dropped for t in scored_totals(e)]
    return sum(1 for t in totals if t < cutoff) / len(totals) if totals else 0.0


def quantile(labelled: Labelled, share: float) -> float | None:
    """The planned endings' check-in below which ``share`` of their check-ins lie."""
    totals = sorted(t for e, dropped in labelled if not dropped for t in scored_totals(e))
    if not totals:
        return None
    return totals[min(len(totals) - 1, int(share * len(totals)))]


def _rounded(parameter: Parameter, value: float) -> float:
    value = min(parameter.maximum, max(parameter.minimum, value))
    return float(round(value)) if parameter.integer else round(value * 2) / 2


def _parameter(rule_id: str, name: str) -> Parameter | None:
    rule = RULES_BY_ID.get(rule_id)
    return next((p for p in rule.parameters if p.name == name), None) if rule else None


def threshold_estimates(
    labelled: Labelled, reference: dict[str, float], checkin_cutoff: float
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """The re-estimated thresholds and what they rest on (see the module docstring)."""
    own, planned = wobble(labelled)
    weight = planned / (planned + PRIOR_EPISODES)
    ratio = own / reference["wobble"] if reference.get("wobble") and own else 1.0
    out: dict[str, dict[str, float]] = {}
    for rule_id, name in SCALED:
        parameter = _parameter(rule_id, name)
        if parameter is not None:
            value = parameter.default * (1 + weight * (ratio - 1))
            out.setdefault(rule_id, {})[name] = _rounded(parameter, value)
    raw_cutoff = quantile(labelled, reference.get("share_below_cutoff", 0.0))
    parameter = _parameter(*CUTOFF)
    if parameter is not None and raw_cutoff is not None:
        value = checkin_cutoff + weight * (raw_cutoff - checkin_cutoff)
        rounded = _rounded(parameter, value)
        out.setdefault(CUTOFF[0], {})[CUTOFF[1]] = 0.0 if rounded == checkin_cutoff else rounded
    basis = {
        "planned_with_checkins": planned,
        "wobble": round(own, 3),
        "reference_wobble": reference.get("wobble"),
        "weight": round(weight, 3),
        "cutoff_from_endings": raw_cutoff,
        "reference_share_below_cutoff": reference.get("share_below_cutoff"),
    }
    return out, basis


def estimate(
    labelled: Labelled,
    rules: RuleSet,
    *,
    prior_episodes: float = PRIOR_EPISODES,
    provenance: dict[str, Any] | None = None,
) -> Estimate:
    """The dropout model and the thresholds re-estimated on ``labelled``, shrunk towards the
    shipped defaults."""
    shipped = default_model()
    rows = observations(labelled, rules)
    beta = shrunk_fit(rows, shipped, prior_episodes)
    dropouts = sum(1 for _, dropped in labelled if dropped)
    fitted = {
        **(provenance or {}),
        "fitted_on": "the practice's own ended episodes",
        "episodes": len(labelled),
        "dropouts": dropouts,
        "rows": int(rows.x.shape[0]),
        "prior": f"the shipped coefficients, worth {prior_episodes:g} episodes",
    }
    model = DropoutModel.from_vector([round(b, 4) for b in beta], fitted)
    reference = shipped.provenance.get("reference") or {}
    cutoff = labelled[0][0].checkin_cutoff if labelled else 32.0
    thresholds, basis = threshold_estimates(labelled, reference, cutoff)
    basis.update({"episodes": len(labelled), "dropouts": dropouts, "rows": fitted["rows"]})
    return Estimate(model, thresholds, basis)
