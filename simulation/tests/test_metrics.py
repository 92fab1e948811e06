"""The bench's new figures: per-rule recall, false crises per 1,000 comments, the alert load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alliance.signals.catalogue import rule_set
from alliance.signals.evidence import CheckIn, EpisodeEvidence, FreeText, Visit
from alliance.signals.trajectory import ExpectedBands
from simulation.episode import PHQ9, InjectedRupture, SimEpisode, Truth
from simulation.metrics import CASELOAD, Figures, count_alerts, score_crisis, score_ruptures

START = datetime(2025, 1, 6, 10, tzinfo=UTC)


def episode(totals: list[float], comments: dict[int, str] | None = None) -> SimEpisode:
    """Weekly attended sessions, a check-in an hour after each."""
    comments = comments or {}
    visits = [
        Visit(f"appointment:{n}", n, START + timedelta(weeks=n), "attended")
        for n in range(len(totals))
    ]
    checkins = [
        CheckIn(f"response:{n}", v.start + timedelta(hours=1), t, comments.get(n, ""), n)
        for n, (v, t) in enumerate(zip(visits, totals, strict=True))
    ]
    evidence = EpisodeEvidence(
        episode_id=1,
        started_at=START,
        now=visits[-1].start + timedelta(days=1),
        checkins=checkins,
        checkin_cutoff=32.0,
        visits=visits,
        scales={"phq9": PHQ9},
        texts=[FreeText(c.ref, c.at, c.comment, "check-in comment") for c in checkins if c.comment],
        agreed_gap_days=7.0,
    )
    truth = Truth("test", False, attended_times=[v.start for v in visits])
    return SimEpisode(1, evidence, truth, therapist=0)


def test_per_rule_recall_counts_the_dips_each_rule_caught() -> None:
    sim = episode([38, 38, 38, 28, 28])
    dip = sim.evidence.checkins[3].at
    sim.truth.ruptures.append(InjectedRupture(dip, dip + timedelta(weeks=2), 3, False))
    figures = Figures()
    score_ruptures(figures, sim, [(dip, [("rupture.drop_from_previous", dip)])])
    assert figures.rupture_recall == 1.0
    assert figures.rule_recall("rupture.drop_from_previous") == 1.0
    assert figures.rule_recall("rupture.below_cutoff") == 0.0


def test_false_crises_are_counted_per_1000_comments() -> None:
    sim = episode([38, 38], comments={0: "a", 1: "b"})
    sim.truth.crisis_refs.add("response:0")
    figures = Figures()
    score_crisis(figures, sim, {"response:0", "response:1"})
    assert (figures.crisis_recall, figures.crisis_false, figures.comments) == (1.0, 1, 2)
    assert figures.false_crisis_per_1000 == 500.0


def test_a_rupture_episode_is_one_alert_however_many_rules_fired() -> None:
    rules = rule_set(None)
    bands = ExpectedBands(rules, {"phq9": PHQ9})
    steady = count_alerts([episode([38] * 6)], rules, bands)
    assert steady.total == 0 and steady.rupture_episodes == 0
    # 38 → 26 fell 12 points (below the cut-off, from the previous and from the baseline): three
    # flags, one rupture episode.
    dip = count_alerts([episode([38, 38, 38, 38, 26, 27])], rules, bands)
    rupture_flags = sum(n for r, n in dip.per_rule.items() if r.startswith("rupture."))
    assert rupture_flags >= 2 and dip.rupture_episodes == 1
    assert dip.total == dip.rupture_episodes + sum(
        n for r, n in dip.per_rule.items() if not r.startswith("rupture.")
    )
    weeks = dip.client_weeks
    assert weeks == 6 and dip.per_therapist_week() == CASELOAD * dip.total / weeks
