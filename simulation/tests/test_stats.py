"""The small statistics the scenarios and their calibration rely on."""

from __future__ import annotations

import random

import pytest

from simulation.metrics import auc as bench_auc
from simulation.stats import auc, cohen_d, pearson, sd, student_t


def test_student_t_draws_have_unit_variance_and_heavy_tails() -> None:
    rng = random.Random(1)
    draws = [student_t(rng, 8.0) for _ in range(40000)]
    assert sd(draws) == pytest.approx(1.0, abs=0.04)
    heavy = [student_t(rng, 4.0) for _ in range(40000)]
    beyond = sum(1 for x in heavy if abs(x) > 3) / len(heavy)
    assert beyond > 2 * 0.0027  # a unit normal goes beyond 3 SD 0.27 % of the time


def test_cohen_d_and_pearson_on_known_values() -> None:
    assert cohen_d([2.0, 4.0], [0.0, 2.0]) == pytest.approx(2 / 2**0.5)
    assert cohen_d([0.0, 2.0], [2.0, 4.0]) < 0
    assert pearson([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]) == pytest.approx(1.0)
    assert pearson([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == pytest.approx(-1.0)
    assert pearson([1.0, 1.0], [2.0, 3.0]) == 0.0


def test_auc_agrees_with_the_benchs_with_ties() -> None:
    rng = random.Random(2)
    labelled = [(float(rng.randint(0, 5)), rng.random() < 0.3) for _ in range(500)]
    assert auc(labelled) == pytest.approx(bench_auc(labelled))
    assert auc([(1.0, True), (0.0, False)]) == 1.0
    assert auc([(1.0, True), (1.0, False)]) == 0.5
