"""Re-estimation on a practice's own endings moves the defaults towards the practice's truth.

The practice is the contrary scenario, held to weekly sessions (the stored episodes have no
agreement, so the engine reads the default weekly gap): noisier check-ins with no ceiling, more
dropouts, most of them warned only by attendance. Its "true" values are what the same estimators
give without shrinkage on a large sample of that practice (other seeds): the dropout model's
coefficients fitted on 3,000 of its episodes, the thresholds scaled by its wobble, the cut-off at
its quantile. A practice of 300 stored episodes is re-estimated through the service.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.signals.catalogue import RULES_BY_ID, defaults
from alliance.signals.dropout_fit import fit_logistic, observations
from alliance.signals.dropout_model import FEATURES, default_model
from alliance.signals.models import Reestimation, SignalSettings
from alliance.signals.reestimate import SCALED, quantile, wobble
from alliance.signals.reestimate_service import adopt_reestimated, reestimate_from_endings
from simulation import contrary
from simulation.contrary_comments import BOOK
from simulation.episode import SimEpisode
from simulation.practice import simulate_practice
from simulation.store import store_practice
from simulation.tests.helpers import CRISIS

WEEKLY = replace(contrary.PARAMS, gap_days=7)
ACTOR = Actor.system("test")


def practice(episodes: int, seed: int) -> list[SimEpisode]:
    return simulate_practice(WEEKLY, BOOK, episodes, seed, CRISIS)


@pytest.fixture(scope="module")
def truth() -> dict[str, Any]:
    sims = practice(3000, 7001)
    pairs = [(s.evidence, s.truth.dropout) for s in sims]
    beta = fit_logistic(observations(pairs, defaults()))
    reference = default_model().provenance["reference"]
    ratio = wobble(pairs)[0] / reference["wobble"]
    thresholds = {
        (rule_id, name): next(p.default for p in RULES_BY_ID[rule_id].parameters if p.name == name)
        * ratio
        for rule_id, name in SCALED
        if rule_id in RULES_BY_ID and any(p.name == name for p in RULES_BY_ID[rule_id].parameters)
    }
    return {
        "beta": np.asarray(beta),
        "thresholds": thresholds,
        "cutoff": quantile(pairs, reference["share_below_cutoff"]),
    }


@pytest.mark.django_db
def test_reestimated_values_move_towards_the_practice_truth(truth: dict[str, Any]) -> None:
    stored = store_practice(practice(300, 7002), slug="own-endings")
    row = reestimate_from_endings(actor=ACTOR, practice=stored.practice)
    assert row.episodes == 300 and 0 < row.dropouts < 300
    shipped = np.asarray(default_model().vector())
    proposed = row.proposal["dropout_model"]
    own = np.asarray([proposed["intercept"], *(proposed["coefficients"][n] for n in FEATURES)])
    # The coefficients as a whole come closer to the practice's own.
    assert np.linalg.norm(own - truth["beta"]) < 0.8 * np.linalg.norm(shipped - truth["beta"])
    # The three that differ most from the defaults each move the right way, not past the truth.
    gaps = truth["beta"] - shipped
    for index in np.argsort(-np.abs(gaps))[:3]:
        moved = own[index] - shipped[index]
        assert moved * gaps[index] > 0, ("intercept", *FEATURES)[index]
        assert abs(own[index] - truth["beta"][index]) < abs(gaps[index])
    # Thresholds in points: this practice's check-ins wobble more, so the true ones are higher.
    for (rule_id, name), true_value in truth["thresholds"].items():
        default = next(p.default for p in RULES_BY_ID[rule_id].parameters if p.name == name)
        value = row.proposal["thresholds"][rule_id][name]
        assert true_value > default
        assert default < value <= true_value + 0.5, (rule_id, name)
    # The cut-off: this practice's clients answer lower, so its cut-off is lower.
    cutoff = row.proposal["thresholds"]["rupture.below_cutoff"]["cutoff"]
    assert truth["cutoff"] < 32
    assert truth["cutoff"] - 0.5 <= cutoff < 32


@pytest.mark.django_db
def test_adopting_a_reestimation_changes_the_rules_in_force_and_is_audited() -> None:
    stored = store_practice(practice(120, 7003), slug="adopting")
    row = reestimate_from_endings(actor=ACTOR, practice=stored.practice)
    assert not SignalSettings.objects.filter(practice=stored.practice).exists()
    adopt_reestimated(actor=ACTOR, practice=stored.practice, reestimation=row)
    settings = SignalSettings.objects.get(practice=stored.practice)
    assert settings.dropout_model == row.proposal["dropout_model"]
    thresholds = row.proposal["thresholds"]
    for rule_id, params in settings.overrides.items():
        for name, value in params.items():
            assert thresholds[rule_id][name] == value
    row.refresh_from_db()
    assert row.adopted_at is not None
    event = AuditEvent.objects.filter(target="signal rules").latest("pk")
    assert event.detail["adopted_reestimation"] == row.pk
    assert event.detail["before"] == {"overrides": {}, "dropout_model": None}
    assert AuditEvent.objects.filter(target="signals re-estimation").count() == 1
    assert Reestimation.objects.filter(practice=stored.practice).count() == 1
