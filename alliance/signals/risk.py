"""Dropout risk: the probability, in percent, that a client leaves without a planned ending,
from the logistic model of ``dropout_model`` (coefficients are data), explained factor by factor.

Each factor that raises the risk is shown in words with what it does to the risk: the odds it
multiplies them by and the percentage points the risk would be lower without it. The level is
high at or above the ``dropout.risk`` threshold (a percent; a flag is raised), moderate at half
of it, low below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from alliance.signals.catalogue import RuleSet
from alliance.signals.dropout_model import (
    FACTORS,
    DropoutModel,
    default_model,
    observe,
    sigmoid,
)
from alliance.signals.evidence import EpisodeEvidence
from alliance.signals.findings import cutoff_in_force

RULE = "dropout.risk"
SHOWN_FROM = 0.5  # percentage points: a factor that adds less is not worth a line


@dataclass(frozen=True)
class Factor:
    factor: str
    points: float  # percentage points the risk would be lower without this factor
    words: str
    odds: float = 1.0  # the factor multiplies the odds of dropping out by this

    def as_dict(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "points": round(self.points, 1),
            "odds": round(self.odds, 2),
            "words": self.words,
        }


@dataclass(frozen=True)
class Risk:
    points: float  # the percent again, kept for ordering (older callers read ``points``)
    level: str  # low / moderate / high
    flagged: bool
    factors: tuple[Factor, ...]
    percent: float = 0.0  # probability of leaving without a planned ending, 0-100
    features: dict[str, float] = field(default_factory=dict)  # the model's inputs


def level_of(percent: float, threshold: float) -> str:
    return "high" if percent >= threshold else "moderate" if percent >= threshold / 2 else "low"


def explain(model: DropoutModel, values: dict[str, float], words: dict[str, str]) -> list[Factor]:
    """Every factor that raises the risk by at least ``SHOWN_FROM`` points, largest first."""
    logit = model.logit(values)
    percent = 100 * sigmoid(logit)
    factors = []
    for name in FACTORS:
        term = model.term(name, values)
        if term <= 0 or name not in words:
            continue
        without = 100 * sigmoid(logit - term)
        if percent - without >= SHOWN_FROM:
            factors.append(Factor(name, percent - without, words[name], math.exp(term)))
    factors.sort(key=lambda f: -f.points)
    return factors


def dropout_risk(
    evidence: EpisodeEvidence,
    rules: RuleSet,
    *,
    own_level: float | None = None,
    unrecovered_since: datetime | None = None,
    model: DropoutModel | None = None,
) -> Risk:
    """``own_level``: the client's mean check-in outside ruptures; ``unrecovered_since``: when a
    rupture began whose check-ins have not come back (both from the rupture scan). ``model``:
    the practice's adopted coefficients, the shipped ones by default."""
    model = model or rules.dropout_model or default_model()
    seen = observe(
        evidence,
        cutoff=cutoff_in_force(evidence, rules),
        own_level=own_level,
        unrecovered_since=unrecovered_since,
    )
    percent = 100 * sigmoid(model.logit(seen.values))
    threshold = rules.param(RULE, "threshold")
    factors = tuple(explain(model, seen.values, seen.words))
    level = level_of(percent, threshold)
    return Risk(percent, level, percent >= threshold, factors, percent, dict(seen.values))
