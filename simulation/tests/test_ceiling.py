"""The ceiling on observables: what each injected dip left behind, and the bench's grouping of
flagged moments into rupture episodes (the models themselves are trained by the bench)."""

from __future__ import annotations

from datetime import timedelta

from simulation import ceiling
from simulation.episode import InjectedRupture, SimEpisode
from simulation.tests.test_metrics import episode


def test_every_calibrated_dip_records_its_trace(calibrated_practice: list[SimEpisode]) -> None:
    dips = [r for s in calibrated_practice for r in s.truth.ruptures if r.kind == "dip"]
    assert dips
    assert all(r.total_shift is not None and r.voiced is not None for r in dips)
    found = ceiling.traces(calibrated_practice)
    assert found.recorded == found.dips == len(dips)
    # Some dips hide (above the ceiling, on unanswered check-ins) and most show: the figure can
    # fail both ways.
    assert 0 < found.nothing < found.faint < found.recorded
    assert found.in_total[5] <= found.in_total[3] <= found.in_total[1] < found.recorded


def test_points_off_a_total_need_an_answered_checkin_in_the_window() -> None:
    """Read back against the data: a dip with points off a total has an answered check-in in
    its window, and one with no answered check-in there took no points off."""
    from simulation import calibrated

    seen = 0
    for sim in calibrated.simulate(80, 7, ("[crisis]",)):
        for r in sim.truth.ruptures:
            if r.kind != "dip":
                continue
            answered = [
                c for c in sim.evidence.checkins if r.start <= c.at <= r.end and c.total is not None
            ]
            assert bool(answered) or r.total_shift == 0
            seen += bool(r.total_shift)
    assert seen


def test_a_run_of_flagged_moments_is_one_episode_and_each_moment_is_the_bound() -> None:
    sim = episode([36, 36, 36, 28, 27, 26, 36, 36])
    dip_start = sim.evidence.checkins[4].at
    sim.truth.ruptures.append(InjectedRupture(dip_start, dip_start + timedelta(weeks=2), 5, False))
    moments = [
        ceiling.Moment(0, c.at, [], False, False, ("", "", "")) for c in sim.evidence.checkins
    ]
    flagged = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0]  # the run begins a session early
    runs = ceiling._score_at([sim], moments, flagged, 0.5, runs=True)
    assert (runs.rupture_episodes, runs.ruptures_found) == (1, 0)
    each = ceiling._score_at([sim], moments, flagged, 0.5, runs=False)
    assert (each.rupture_episodes, each.ruptures_found) == (3, 1)
    assert each.rupture_episodes_true == 2


def test_within_the_budget_takes_the_best_point_that_fits() -> None:
    bound = ceiling.RuptureCeiling(
        0.7, 0.65, 1.2, 0.0, 0.7, [(0.7, 0.65, 1.2), (0.62, 0.8, 0.7), (0.5, 0.9, 0.5)]
    )
    assert bound.within(0.8) == (0.62, 0.8, 0.7)
    assert bound.within(0.1) == (0.0, 0.0, 0.0)
