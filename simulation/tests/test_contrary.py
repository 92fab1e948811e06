"""The contrary scenario: the same interface, well-formed, and really built differently."""

from __future__ import annotations

import itertools
from statistics import mean

from simulation import calibrated, contrary
from simulation.calibration import CONTRARY_TARGETS, measure
from simulation.comments import BOOK as CALIBRATED_BOOK
from simulation.contrary_comments import BOOK as CONTRARY_BOOK
from simulation.episode import SimEpisode
from simulation.tests.helpers import CRISIS, check_episode


def test_the_same_seed_gives_the_same_practice() -> None:
    assert contrary.simulate(120, 3, CRISIS) == contrary.simulate(120, 3, CRISIS)
    assert contrary.simulate(120, 3, CRISIS) != contrary.simulate(120, 4, CRISIS)


def test_every_episode_has_the_shape_the_engine_expects(
    contrary_practice: list[SimEpisode],
) -> None:
    for sim in contrary_practice:
        check_episode(sim, 14.0)
        starts = [v.start for v in sim.evidence.visits]
        assert all((b - a).days % 14 == 0 for a, b in itertools.pairwise(starts))


def test_the_practice_lands_on_its_design_values(contrary_practice: list[SimEpisode]) -> None:
    realised = measure(contrary_practice)
    missed = {
        name: round(realised[name], 3)
        for name, target in CONTRARY_TARGETS.items()
        if not target.holds(realised[name])
    }
    assert not missed


def _onset_drops(sims: list[SimEpisode]) -> list[float]:
    """For confrontation ruptures (a sudden dip where the total carries them): the check-in at
    the first affected session minus the one before it."""
    drops = []
    for sim in sims:
        totals = [(c.at, c.total) for c in sim.evidence.checkins if c.total is not None]
        for rupture in sim.truth.ruptures:
            if rupture.form != "confrontation":
                continue
            before = [t for at, t in totals if at < rupture.start][-1:]
            at_onset = [t for at, t in totals if at == rupture.start]
            if before and at_onset:
                drops.append(before[0] - at_onset[0])
    return drops


def test_ruptures_barely_move_the_total_here_unlike_the_calibrated_scenario(
    contrary_practice: list[SimEpisode], calibrated_practice: list[SimEpisode]
) -> None:
    assert mean(_onset_drops(contrary_practice)) < 2.5
    assert mean(_onset_drops(calibrated_practice)) > 4.5


def test_no_ceiling_but_a_low_responding_group(contrary_practice: list[SimEpisode]) -> None:
    realised = measure(contrary_practice)
    assert realised["ceiling_share"] < 0.02
    means = [
        mean(c.total for c in s.evidence.checkins if c.total is not None)
        for s in contrary_practice
        if any(c.total is not None for c in s.evidence.checkins)
    ]
    assert 0.2 < mean(float(m < 20) for m in means) < 0.45


def test_dropouts_mostly_warn_by_attendance(contrary_practice: list[SimEpisode]) -> None:
    def missed_late(sim: SimEpisode) -> float:
        """Share missed among the last four appointments up to the last attended session."""
        last = sim.truth.last_attended
        recent = [v for v in sim.evidence.visits if last and v.start <= last][-4:]
        return mean(float(v.status in ("no_show", "late_cancelled")) for v in recent)

    dropouts = [s for s in contrary_practice if s.truth.dropout]
    completers = [s for s in contrary_practice if not s.truth.dropout]
    warned = [missed_late(s) for s in dropouts if s.truth.dropout_path == "disengaged"]
    assert len(warned) / len(dropouts) > 0.55
    assert mean(warned) > 2 * mean(missed_late(s) for s in completers)


def test_its_vocabulary_is_its_own() -> None:
    for kind in ("confrontation_pool", "withdrawal_pool", "life_pool"):
        ours = getattr(CONTRARY_BOOK, kind).expand()
        theirs = getattr(CALIBRATED_BOOK, kind).expand()
        assert not {s.lower() for s in ours} & {s.lower() for s in theirs}, kind
    assert not CONTRARY_BOOK.distinct_ordinary() & CALIBRATED_BOOK.distinct_ordinary()
    assert len(CONTRARY_BOOK.distinct_ordinary()) >= 300


def test_sessions_are_fortnightly_and_courses_shorter(
    contrary_practice: list[SimEpisode], calibrated_practice: list[SimEpisode]
) -> None:
    assert {s.evidence.agreed_gap_days for s in contrary_practice} == {14.0}
    assert (
        measure(contrary_practice)["mean_sessions"]
        < measure(calibrated_practice)["mean_sessions"] - 2
    )
    assert {s.therapist for s in contrary_practice} == set(range(contrary.PARAMS.therapists))
    assert calibrated.PARAMS.therapists != contrary.PARAMS.therapists
