"""What a rule finds, and the small pieces every rule shares (severity, evidence items, the
check-in cut-off in force, how numbers are written in explanations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alliance.signals.catalogue import RuleSet
from alliance.signals.evidence import EpisodeEvidence

WARNING, URGENT = 2, 3


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


def fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def evidence_item(what: str, value: Any, at: datetime, ref: str) -> dict[str, Any]:
    return {"what": what, "value": value, "at": at.isoformat(), "ref": ref}


def cutoff_in_force(evidence: EpisodeEvidence, rules: RuleSet) -> float:
    """The practice's configured cut-off, or the check-in instrument's own (``cutoff`` 0)."""
    configured = rules.param("rupture.below_cutoff", "cutoff")
    return configured if configured > 0 else evidence.checkin_cutoff
