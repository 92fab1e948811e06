"""Shared by the scenario tests (not a test module itself): the lines and sizes they use, and the
checks every scenario's episodes must pass (the evidence is what the engine expects and the truth
agrees with it)."""

from __future__ import annotations

from datetime import timedelta

from simulation.episode import SimEpisode

# Written for these tests only; the bench passes its own, independently written phrasings.
CRISIS = ("[test crisis line A]", "[test crisis line B]", "[test crisis line C]")
EXTRA = ("[test benign line 1]", "[test benign line 2]")
LARGE = 6000  # episodes: enough that sampling noise sits well inside the target ranges
SEED = 20261122

STATUSES = {"attended", "no_show", "late_cancelled", "cancelled"}


def check_episode(sim: SimEpisode, gap_days: float) -> None:
    evidence, truth = sim.evidence, sim.truth
    attended = [v for v in evidence.visits if v.status == "attended"]
    assert {v.status for v in evidence.visits} <= STATUSES
    assert evidence.visits == sorted(evidence.visits, key=lambda v: v.start)
    assert evidence.visits[0].status == "attended"
    assert evidence.agreed_gap_days == gap_days
    assert not evidence.is_open
    assert evidence.started_at <= evidence.visits[0].start <= evidence.now
    assert [v.start for v in attended] == truth.attended_times
    assert truth.last_attended == truth.attended_times[-1]
    assert len(truth.dropout_risk) == len(truth.attended_times)
    assert all(0.0 <= r <= 1.0 for r in truth.dropout_risk)
    assert truth.dropout == bool(truth.dropout_path)
    if truth.dropout:  # a dropout's next booked appointment is missed or cancelled
        assert evidence.visits[-1].status != "attended"
    else:
        assert evidence.visits[-1].status == "attended"
    _check_checkins(sim)
    _check_phq(sim)
    _check_windows(sim)


def _check_checkins(sim: SimEpisode) -> None:
    evidence, truth = sim.evidence, sim.truth
    visit_ids = {v.appointment_id for v in evidence.visits if v.status == "attended"}
    for checkin in evidence.checkins:
        assert checkin.total is None or (
            0 <= checkin.total <= 40 and checkin.total == int(checkin.total)
        )
        assert checkin.appointment_id in visit_ids
        if checkin.total is not None:
            items = sim.checkin_items[checkin.ref]
            assert sum(items.values()) == checkin.total
            assert all(0 <= v <= 10 for v in items.values())
    texts = {t.ref: t.text for t in evidence.texts}
    assert texts == {c.ref: c.comment for c in evidence.checkins if c.comment}
    assert set(truth.bad_days) <= {c.at for c in evidence.checkins}
    refs = [c.ref for c in evidence.checkins] + [s.ref for s in evidence.outcomes["phq9"]]
    assert len(refs) == len(set(refs))
    assert truth.crisis_refs <= set(refs)


def _check_phq(sim: SimEpisode) -> None:
    evidence, truth = sim.evidence, sim.truth
    scores = evidence.outcomes["phq9"]
    assert scores and scores[0].at < truth.attended_times[0]  # intake, before session one
    for score in scores:
        assert 0 <= score.total <= 27 and score.total == int(score.total)
        items = sim.phq9_items[score.ref]
        assert sum(items.values()) == score.total
        assert (items["PHQ9_9"] > 0) == (score.ref in {s.ref for s in evidence.safety})
    safety = {s.ref for s in evidence.safety}
    assert safety <= truth.crisis_refs
    if len(scores) > 1:
        assert truth.phq_change == scores[-1].total - scores[0].total
    else:
        assert truth.phq_change is None


def _check_windows(sim: SimEpisode) -> None:
    truth = sim.truth
    for rupture in truth.ruptures:
        assert rupture.kind in ("dip", "drift")
        assert rupture.start < rupture.end
        assert 1 <= rupture.start_session <= len(truth.attended_times)
        first = truth.attended_times[rupture.start_session - 1]
        assert rupture.shows in ("total", "item", "none")
        if rupture.kind == "dip":  # from the first affected check-in, hours after the session
            assert first < rupture.start <= first + timedelta(hours=6)
            assert rupture.form in ("confrontation", "withdrawal")
        else:  # from the first appointment of the disengagement
            assert rupture.start <= first
            assert rupture.form == "disengagement"
