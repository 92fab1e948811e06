"""The calibration measures on hand-built episodes whose answers are known, and the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alliance.signals.evidence import CheckIn, EpisodeEvidence, Score, Visit
from simulation import report
from simulation.calibration import (
    ceiling_share,
    dropout_d,
    dropout_rate,
    oracle_auc,
    outcome_r,
    repair_outcome_r,
    repaired_share,
    rupture_share,
    silent_dropout_share,
    warned_in_data,
)
from simulation.episode import InjectedRupture, SimEpisode, Truth

START = datetime(2025, 3, 3, 10, tzinfo=UTC)


def episode(
    totals: list[float],
    dropout: bool = False,
    phq: tuple[float, ...] = (15.0,),
    statuses: tuple[str, ...] = (),
    risk: float = 0.1,
    ruptures: tuple[bool, ...] = (),
) -> SimEpisode:
    """One weekly episode: ``statuses`` (default all attended) then a check-in per attended
    visit with the given totals; PHQ-9 scores at the first sessions; ruptures' repaired flags."""
    statuses = statuses or ("attended",) * len(totals)
    visits = [Visit(f"v{i}", i, START + timedelta(weeks=i), s) for i, s in enumerate(statuses)]
    attended = [v for v in visits if v.status == "attended"]
    checkins = [
        CheckIn(f"c{i}", v.start + timedelta(hours=1), t, "", v.appointment_id)
        for i, (v, t) in enumerate(zip(attended, totals, strict=True))
    ]
    scores = [Score(f"p{i}", START + timedelta(weeks=i), x) for i, x in enumerate(phq)]
    evidence = EpisodeEvidence(1, START, visits[-1].start, checkins, 32.0, visits, {"phq9": scores})
    windows = [
        InjectedRupture(START, START + timedelta(weeks=1), 1, repaired) for repaired in ruptures
    ]
    truth = Truth(
        scenario="hand-built",
        ceiling=False,
        ruptures=windows,
        dropout=dropout,
        last_attended=attended[-1].start,
        attended_times=[v.start for v in attended],
        dropout_risk=[risk] * len(attended),
        phq_change=phq[-1] - phq[0] if len(phq) > 1 else None,
        dropout_path="silent" if dropout else "",
    )
    return SimEpisode(1, evidence, truth)


def test_dropout_rate_and_d_between_completers_and_dropouts() -> None:
    sims = [
        episode([30.0, 34.0]),
        episode([32.0, 36.0]),
        episode([28.0, 32.0], dropout=True),
        episode([30.0, 34.0], dropout=True),
    ]
    assert dropout_rate(sims) == 0.5
    # Means 32, 34 against 30, 32: difference 2, pooled SD sqrt(2).
    assert dropout_d(sims) == pytest.approx(2 / 2**0.5)


def test_outcome_r_pairs_the_mean_check_in_with_improvement() -> None:
    sims = [
        episode([20.0], phq=(15.0, 14.0)),
        episode([30.0], phq=(15.0, 10.0)),
        episode([40.0], phq=(15.0, 6.0)),
        episode([10.0]),  # a single PHQ-9: no change to correlate
    ]
    assert outcome_r(sims) == pytest.approx(1.0, abs=0.02)


def test_rupture_shares_and_repair_outcome_link() -> None:
    sims = [
        episode([30.0], phq=(15.0, 5.0), ruptures=(True,)),
        episode([30.0], phq=(15.0, 14.0), ruptures=(False,)),
        episode([30.0], phq=(15.0, 9.5), ruptures=(True, False)),
        episode([30.0]),
    ]
    assert rupture_share(sims) == 0.75
    assert repaired_share(sims) == 0.5
    assert repair_outcome_r(sims) == pytest.approx(1.0)


def test_ceiling_share_needs_every_check_in_at_the_top() -> None:
    sims = [episode([40.0] * 4), episode([40.0, 40.0, 39.0]), episode([40.0, 40.0])]
    assert ceiling_share(sims) == 0.5  # the two-check-in client is too short to count
    assert ceiling_share(sims, near=38.0) == 1.0


def test_a_warning_in_the_data_is_a_recent_miss_or_dip() -> None:
    steady = episode([30.0, 31.0, 30.0, 30.0, 31.0, 30.0])
    dipped = episode([30.0, 31.0, 30.0, 30.0, 24.0, 30.0])
    missed = episode(
        [30.0, 31.0, 30.0, 30.0],
        statuses=("attended", "attended", "attended", "no_show", "attended"),
    )
    assert not warned_in_data(steady)
    assert warned_in_data(dipped)
    assert warned_in_data(missed)
    assert silent_dropout_share([episode([30.0], dropout=True), episode([30.0])]) == 1.0


def test_oracle_auc_reads_the_risk_at_the_last_session() -> None:
    sims = [
        episode([30.0], dropout=True, risk=0.9),
        episode([30.0], risk=0.2),
        episode([30.0], risk=0.95),
    ]
    assert oracle_auc(sims) == 0.5


def test_the_report_prints_every_target_beside_its_realised_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = report.main(["--scenario", "contrary", "--episodes", "300", "--seed", "3"])
    out = capsys.readouterr().out
    assert "contrary scenario, 300 episodes, seed 3" in out
    assert "dropout_rate" in out and "oracle_auc" in out and "contrary design" in out
    assert code in (0, 1)
    rows = report.lines("calibrated", {name: 0.0 for name in report_measures()})
    assert any(row.startswith("dropout_d") and "NO" in row for row in rows)
    assert any(row.startswith("outcome_r") and "NO" in row for row in rows)


def report_measures() -> list[str]:
    from simulation.calibration import MEASURES

    return list(MEASURES)
