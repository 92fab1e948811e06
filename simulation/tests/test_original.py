"""The simulator and its scoring, on a small practice: what the bench runs at full size."""

from __future__ import annotations

import pytest

from alliance.signals.catalogue import defaults
from alliance.signals.engine import evaluate_practice
from alliance.signals.models import RuptureEpisode
from alliance.signals.rules import evaluate
from alliance.signals.trajectory import ExpectedBands
from simulation.episode import PHQ9
from simulation.metrics import (
    Figures,
    auc,
    courses_as_rows,
    score_dropout,
    score_ruptures,
)
from simulation.original import simulate_practice
from simulation.store import store_practice


def test_the_same_seed_gives_the_same_practice() -> None:
    first, again = simulate_practice(30, seed=5), simulate_practice(30, seed=5)
    assert [s.evidence.checkins for s in first] == [s.evidence.checkins for s in again]
    assert [s.truth.scenario for s in first] != [
        s.truth.scenario for s in simulate_practice(30, seed=6)
    ]


def test_auc_counts_ties_as_half() -> None:
    assert auc([(3, True), (1, False)]) == 1.0
    assert auc([(1, True), (3, False)]) == 0.0
    assert auc([(2, True), (2, False)]) == 0.5


def test_the_engine_finds_the_injected_events_of_a_small_practice() -> None:
    sims = simulate_practice(300, seed=11)
    rules = defaults()
    bands = ExpectedBands(rules, {"phq9": PHQ9})
    figures = Figures()
    for sim in sims:
        evaluation = evaluate(sim.evidence, rules, bands)
        observed = {f.key: (f.rule, f.observed_at) for f in evaluation.findings}
        score_ruptures(figures, sim, courses_as_rows(evaluation.ruptures, observed))
    score_dropout(figures, sims, rules)
    assert figures.ruptures_injected > 40
    assert figures.rupture_recall >= 0.9
    assert figures.rupture_precision >= 0.7
    assert figures.dropout_auc >= 0.8


@pytest.mark.django_db
def test_the_stored_practice_evaluates_like_the_pure_rules_and_a_rerun_changes_nothing() -> None:
    sims = simulate_practice(60, seed=3)
    stored = store_practice(sims)
    now = max(s.evidence.now for s in sims)
    first = evaluate_practice(stored.practice.pk, now=now)
    rules = defaults()
    expected = sum(
        len(evaluate(s.evidence, rules, ExpectedBands(rules, {"phq9": PHQ9})).ruptures)
        for s in sims
    )
    assert first.ruptures_opened == RuptureEpisode.objects.count() == expected
    again = evaluate_practice(stored.practice.pk, now=now)
    assert (
        again.flags_raised,
        again.flags_cleared,
        again.ruptures_opened,
        again.risks_changed,
    ) == (
        0,
        0,
        0,
        0,
    )
