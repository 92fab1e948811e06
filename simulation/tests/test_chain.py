"""The oracle is the exact dropout probability of the chain the generator walks."""

from __future__ import annotations

import random

import pytest

from simulation import calibrated, contrary
from simulation.chain import Oracle
from simulation.episode import SimEpisode
from simulation.generator import Therapist, Walk, completion_hazards, draw_client
from simulation.params import Params
from simulation.practice import FIRST_MONDAY

AVERAGE = Therapist(index=0, alliance=0.0, rupture_mult=1.0, repair_shift=0.0, caseload=1.0)


@pytest.mark.parametrize("params", [calibrated.PARAMS, contrary.PARAMS], ids=lambda p: p.name)
def test_planned_endings_fall_inside_the_planned_range(params: Params) -> None:
    hazards = completion_hazards(params)
    low, high = params.planned_sessions
    assert all(h == 0.0 for h in hazards[:low])
    assert hazards[high] == 1.0
    reach, ended = 1.0, 0.0
    for k in range(low, high + 1):
        ended += reach * hazards[k]
        reach *= 1.0 - hazards[k]
    assert ended == pytest.approx(1.0)


@pytest.mark.parametrize("alliance_seed", [1, 2, 3])
def test_the_risk_after_the_first_session_is_the_share_who_drop_out(alliance_seed: int) -> None:
    """Walk one client's chain 6,000 times: the share of walks ending in dropout matches the
    oracle's value after session one (every walk is in the same state there)."""
    client = draw_client(random.Random(alliance_seed), calibrated.PARAMS, AVERAGE)
    oracle = Oracle(client.hazards)
    risks, dropouts = set(), 0
    runs = 6000
    for n in range(runs):
        course = Walk(random.Random(n), calibrated.PARAMS, client, FIRST_MONDAY, oracle).run()
        risks.add(round(course.appointments[0].risk, 12))
        dropouts += course.dropout
    assert len(risks) == 1
    (risk,) = risks
    standard_error = (risk * (1 - risk) / runs) ** 0.5
    assert abs(dropouts / runs - risk) < 3.5 * standard_error + 1e-9


def _calibration_bins(sims: list[SimEpisode]) -> list[tuple[float, float, int]]:
    """(mean true risk, share who dropped out, count) per tenth of the risk range, over every
    attended session of every episode."""
    bins: dict[int, list[tuple[float, bool]]] = {}
    for sim in sims:
        for risk in sim.truth.dropout_risk:
            bins.setdefault(min(9, int(risk * 10)), []).append((risk, sim.truth.dropout))
    return [
        (sum(r for r, _ in pairs) / len(pairs), sum(d for _, d in pairs) / len(pairs), len(pairs))
        for pairs in bins.values()
    ]


def test_the_recorded_risk_is_calibrated_over_a_practice(
    calibrated_practice: list[SimEpisode], contrary_practice: list[SimEpisode]
) -> None:
    """Sessions are not independent (one client has many), so the tolerance is loose; a
    mistake in the recursion (a missed branch, a wrong order of draws) shows far beyond it."""
    for sims in (calibrated_practice, contrary_practice):
        for predicted, observed, count in _calibration_bins(sims):
            if count >= 300:
                assert abs(predicted - observed) < 0.05, (predicted, observed, count)


def test_the_risk_is_zero_at_the_last_possible_session_and_a_probability_throughout() -> None:
    client = draw_client(random.Random(4), calibrated.PARAMS, AVERAGE)
    oracle = Oracle(client.hazards)
    last = client.hazards.last
    assert oracle.engaged(last, 0) == 0.0
    for k in range(1, last):
        for since in range(5):
            assert 0.0 <= oracle.engaged(k, since) <= 1.0
            for remaining in range(4):
                assert 0.0 <= oracle.disengaging(k, since, remaining) <= 1.0
    # A recent unrepaired rupture and a disengagement both raise the risk.
    assert oracle.engaged(3, 1) > oracle.engaged(3, 0)
    assert oracle.disengaging(3, 0, 1) > oracle.engaged(3, 0)
