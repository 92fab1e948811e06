"""Re-estimation on a practice's own endings: load them, store a proposal, adopt it.

``reestimate_from_endings`` reads the practice's ended episodes whose reason says how they ended
(a planned ending: planned and agreed; a dropout: the client stopped attending; a client who
chose to stop, referrals, transfers and other endings say neither and are left out), re-estimates
the dropout model and the rupture thresholds (``reestimate``) and stores the result as a
``Reestimation`` for the practice admin to compare with the defaults and the values in force.
Nothing changes until ``adopt_reestimated``: the practice's settings take the proposal's
coefficients and thresholds, and the change is audited like any other change of the rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.practice.models import CareEpisode, EndReason, EpisodeStatus, Practice
from alliance.signals.catalogue import RULES_BY_ID
from alliance.signals.dropout_model import FACTORS, DropoutModel, default_model, sigmoid
from alliance.signals.engine import load_evidence, outcome_scales, rules_for_practice
from alliance.signals.evidence import EpisodeEvidence
from alliance.signals.models import Reestimation, SignalSettings
from alliance.signals.reestimate import PRIOR_EPISODES, enough, estimate
from alliance.signals.settings_service import clean_overrides

PLANNED = (EndReason.COMPLETED,)
DROPPED = (EndReason.CLIENT_WITHDREW,)
LATEST = 3000  # the most recent ended episodes read (a bound on the work of one request)


def ended_with_reason(practice_id: int) -> list[tuple[EpisodeEvidence, bool]]:
    """``(evidence up to the ending, stopped attending)`` for the practice's latest ended
    episodes with a planned or dropout ending."""
    episodes = list(
        CareEpisode.objects.filter(
            practice_id=practice_id,
            status=EpisodeStatus.ENDED,
            end_reason__in=[*PLANNED, *DROPPED],
        ).order_by("-ended_on", "-pk")[:LATEST]
    )
    now = timezone.now()
    evidence = load_evidence(episodes, now, outcome_scales())
    tz = timezone.get_current_timezone()
    out = []
    for episode in episodes:
        item = evidence[episode.pk]
        if episode.ended_on is not None:
            item.now = min(now, datetime.combine(episode.ended_on, time(23, 59), tzinfo=tz))
        out.append((item, episode.end_reason in DROPPED))
    return out


def endings_count(practice_id: int) -> tuple[int, int]:
    """(planned endings, dropouts) the practice has recorded."""
    ended = CareEpisode.objects.filter(practice_id=practice_id, status=EpisodeStatus.ENDED)
    return (
        ended.filter(end_reason__in=PLANNED).count(),
        ended.filter(end_reason__in=DROPPED).count(),
    )


@transaction.atomic
def reestimate_from_endings(*, actor: Actor, practice: Practice) -> Reestimation:
    """Re-estimate on the practice's own endings and store the proposal (nothing is adopted).
    Raises ``DomainError`` when there are too few endings with a recorded reason."""
    labelled = ended_with_reason(practice.pk)
    problem = enough(labelled)
    if problem:
        raise DomainError(problem)
    found = estimate(
        labelled,
        rules_for_practice(practice.pk),
        provenance={"practice": practice.slug, "computed": timezone.now().isoformat()},
    )
    row = Reestimation.objects.create(
        practice=practice,
        computed_by=actor.user,
        episodes=len(labelled),
        dropouts=found.basis["dropouts"],
        prior_episodes=PRIOR_EPISODES,
        proposal=found.proposal(),
        basis=found.basis,
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="signals re-estimation",
        obj=row,
        detail={"episodes": row.episodes, "dropouts": row.dropouts},
    )
    return row


def _merged_overrides(stored: SignalSettings, thresholds: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, dict[str, Any]] = {
        rule_id: dict(params) for rule_id, params in (stored.overrides or {}).items()
    }
    for rule_id, params in thresholds.items():
        if rule_id in RULES_BY_ID:
            values.setdefault(rule_id, {}).update(params)
    return clean_overrides(values)


@transaction.atomic
def adopt_reestimated(
    *, actor: Actor, practice: Practice, reestimation: Reestimation
) -> SignalSettings:
    """The practice's rules take the proposal's dropout coefficients and thresholds; audited
    with the values before and after."""
    proposal = Reestimation.objects.select_for_update().get(pk=reestimation.pk)
    if proposal.practice_id != practice.pk:
        raise DomainError("This re-estimation belongs to another practice.")
    if proposal.adopted_at is not None:
        raise DomainError("This re-estimation has already been adopted.")
    stored, _ = SignalSettings.objects.select_for_update().get_or_create(practice=practice)
    before = {"overrides": stored.overrides, "dropout_model": stored.dropout_model}
    stored.overrides = _merged_overrides(stored, proposal.proposal.get("thresholds") or {})
    stored.dropout_model = proposal.proposal.get("dropout_model")
    stored.updated_at = timezone.now()
    stored.updated_by = actor.user
    stored.save(update_fields=["overrides", "dropout_model", "updated_at", "updated_by"])
    proposal.adopted_at, proposal.adopted_by = stored.updated_at, actor.user
    proposal.save(update_fields=["adopted_at", "adopted_by"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="signal rules",
        obj=stored,
        detail={
            "adopted_reestimation": proposal.pk,
            "before": before,
            "after": {"overrides": stored.overrides, "dropout_model": stored.dropout_model},
        },
    )
    return stored


@transaction.atomic
def restore_shipped_dropout_model(*, actor: Actor, practice: Practice) -> SignalSettings:
    """Back to the shipped dropout coefficients (the thresholds stay: the rules page resets
    those field by field). Audited."""
    stored, _ = SignalSettings.objects.select_for_update().get_or_create(practice=practice)
    if stored.dropout_model is None:
        return stored
    before = stored.dropout_model
    stored.dropout_model = None
    stored.updated_at, stored.updated_by = timezone.now(), actor.user
    stored.save(update_fields=["dropout_model", "updated_at", "updated_by"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="signal rules",
        obj=stored,
        detail={"before": {"dropout_model": before}, "after": {"dropout_model": None}},
    )
    return stored


# --- what the page shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One line of the side-by-side table: the default, the value in force, the proposal."""

    label: str
    default: str
    current: str
    proposed: str

    @property
    def changes(self) -> bool:
        return self.proposed != self.current


def _odds(model: DropoutModel, factor: str) -> str:
    names = FACTORS[factor]
    if len(names) == 1:
        return f"× {math.exp(model.coefficients.get(names[0], 0.0)):.2f}"
    return " / ".join(f"× {math.exp(model.coefficients.get(n, 0.0)):.2f}" for n in names)


def model_rows(current: DropoutModel, proposed: DropoutModel) -> list[Comparison]:
    """The baseline risk and each factor's odds multiplier (per unit of its features)."""
    shipped = default_model()
    rows = [
        Comparison(
            "Risk with nothing against the client",
            f"{100 * sigmoid(shipped.intercept):.1f} %",
            f"{100 * sigmoid(current.intercept):.1f} %",
            f"{100 * sigmoid(proposed.intercept):.1f} %",
        )
    ]
    for factor in FACTORS:
        label = factor.replace("_", " ")
        rows.append(
            Comparison(
                label, _odds(shipped, factor), _odds(current, factor), _odds(proposed, factor)
            )
        )
    return rows


def threshold_rows(practice_id: int, thresholds: dict[str, dict[str, float]]) -> list[Comparison]:
    rules = rules_for_practice(practice_id)
    rows = []
    for rule_id, params in thresholds.items():
        rule = RULES_BY_ID.get(rule_id)
        if rule is None:
            continue
        for parameter in rule.parameters:
            if parameter.name in params:
                rows.append(
                    Comparison(
                        f"{rule_id} {parameter.name}",
                        f"{parameter.default:g}",
                        f"{rules.param(rule_id, parameter.name):g}",
                        f"{params[parameter.name]:g}",
                    )
                )
    return rows


def current_model(practice_id: int) -> DropoutModel:
    return rules_for_practice(practice_id).dropout_model or default_model()
