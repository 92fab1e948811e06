"""Every rule of the signals engine on hand-made series: no database, no Django models.

Series are built with ``helpers.evidence.series``: weekly attended sessions with a check-in an hour after
each. Defaults (``catalogue.RULES``): check-in cut-off 32 of 40, a drop of 5 from the previous
check-in, 2 SD below a baseline of at least 3 earlier check-ins with an SD floor of 1.5, three
falling check-ins losing 4 points, recovery within 2 points of the baseline; every score rule
also needs the check-in 4 points (and 1 SD) below the client's own level (``rupture.own_level``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from alliance.lib.errors import DomainError
from alliance.signals.catalogue import (
    RULES,
    RULES_BY_ID,
    Parameter,
    check_value,
)
from alliance.signals.catalogue import defaults as catalogue_defaults
from alliance.signals.catalogue import rule_set as catalogue_rule_set
from alliance.signals.crisis_language import CrisisReading, detect
from alliance.signals.evidence import CheckIn, EpisodeEvidence, TranscriptMarkers
from alliance.signals.rules import Evaluation, Finding
from alliance.signals.tests.helpers.evidence import (
    NO_CHECKIN,
    PHQ9,
    SCALES,
    at_once,
    checkin_at,
    default_bands,
    defaults,
    fired,
    run,
    score_at,
    series,
    session_at,
)
from alliance.signals.trajectory import ExpectedBands

rule_set = at_once  # the rules' mechanics, before the confirmation step (see builders.AT_ONCE)


def only(evaluation: Evaluation, rule: str) -> list[Finding]:
    return [f for f in evaluation.findings if f.rule == rule]


def ruptures(evaluation: Evaluation) -> list[str]:
    return [f.rule for f in evaluation.findings if f.kind == "rupture"]


# --- every rule fires on some series and stays quiet on another -------------------------------

PHQ_WORSE = {"phq9": [(0, 12), (3, 18)]}
PHQ_STUCK = {"phq9": [(0, 15), (7, 12)]}

FIRING: dict[str, Callable[[], EpisodeEvidence]] = {
    "rupture.own_level": lambda: series([38, 33]),
    "rupture.below_cutoff": lambda: series([35, 35, 31]),
    "rupture.drop_from_previous": lambda: series([38, 33]),
    "rupture.drop_from_baseline": lambda: series([38, 38, 38, 34]),
    "rupture.steady_decline": lambda: series([40, 37, 34]),
    "rupture.negative_text": lambda: series([36, 36], comments={1: "You don't listen to me"}),
    "rupture.missed_after_low": lambda: series(
        [36, 36, 28], statuses=["attended"] * 3 + ["no_show"]
    ),
    "rupture.transcript_markers": lambda: with_transcript(series([36, 36, 36]), 1, 2),
    "rupture.recovered": lambda: series([36, 36, 36, 28, 35]),
    "low_alliance.from_start": lambda: series([30, 31]),
    "not_on_track.reliable_deterioration": lambda: series([36] * 4, outcomes=PHQ_WORSE),
    "not_on_track.no_reliable_improvement": lambda: series([36] * 8, outcomes=PHQ_STUCK),
    "not_on_track.below_expected": lambda: series([36] * 4, outcomes={"phq9": [(0, 20), (3, 23)]}),
    "dropout.risk": lambda: series(  # dropout-model tests: test_dropout_risk.py
        [36, 36, NO_CHECKIN, NO_CHECKIN, 30],
        statuses=["attended", "attended", "no_show", "late_cancelled", "attended"],
        now=session_at(4) + timedelta(days=12),
    ),
    "crisis.safety_item": lambda: series([36, 36], safety=[(1, ("PHQ9_9",))]),
    "crisis.language": lambda: series([36, 36], texts=[(1, "Some days I want to die.")]),
}

QUIET: dict[str, Callable[[], EpisodeEvidence]] = {
    "rupture.transcript_markers": lambda: with_transcript(series([36, 36, 36]), 1, 1),
    "rupture.own_level": lambda: series([33, 31]),  # crosses the cut-off, 2 points below
    "rupture.below_cutoff": lambda: series([30, 30, 30, 30]),
    "rupture.drop_from_previous": lambda: series([38, 34]),
    "rupture.drop_from_baseline": lambda: series([38, 38, 34]),
    "rupture.steady_decline": lambda: series([40, 39, 38]),
    "rupture.negative_text": lambda: series([36, 36], comments={1: "Really useful, thank you."}),
    "rupture.missed_after_low": lambda: series(
        [36, 36, 36], statuses=["attended"] * 3 + ["no_show"]
    ),
    "rupture.recovered": lambda: series([36, 36, 36, 28, 30, 31]),
    "low_alliance.from_start": lambda: series([30, 33]),
    "not_on_track.reliable_deterioration": lambda: series(
        [36] * 4, outcomes={"phq9": [(0, 12), (3, 13)]}
    ),
    "not_on_track.no_reliable_improvement": lambda: series(
        [36] * 7, outcomes={"phq9": [(0, 15), (6, 12)]}
    ),
    "not_on_track.below_expected": lambda: series([36] * 4, outcomes={"phq9": [(0, 20), (3, 22)]}),
    "dropout.risk": lambda: series([36] * 6),
    "crisis.safety_item": lambda: series([36, 36]),
    "crisis.language": lambda: series([36, 36], texts=[(1, "I want to talk about work.")]),
}


# Rules that raise no flag of their own: recovery ends a rupture course; the own-level rule is a
# condition every score-based rupture rule must also meet.
def with_transcript(
    evidence: EpisodeEvidence, withdrawal: int, confrontation: int
) -> EpisodeEvidence:
    """``evidence`` with the conversation report of its second session."""
    evidence.transcripts.append(
        TranscriptMarkers("transcript:7", session_at(1), withdrawal, confrontation)
    )
    return evidence


NO_FLAG_OF_THEIR_OWN = {"rupture.recovered", "rupture.own_level"}


def shows(rule_id: str, evaluation: Evaluation) -> bool:
    if rule_id == "rupture.recovered":
        return any(course.recovered_at is not None for course in evaluation.ruptures)
    if rule_id == "rupture.own_level":
        return bool(ruptures(evaluation))
    return rule_id in fired(evaluation)


def test_every_catalogued_rule_has_a_firing_and_a_quiet_case() -> None:
    assert set(FIRING) == set(QUIET) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule_id", sorted(FIRING))
def test_rule_fires(rule_id: str) -> None:
    assert shows(rule_id, run(FIRING[rule_id]()))


@pytest.mark.parametrize("rule_id", sorted(QUIET))
def test_rule_stays_quiet(rule_id: str) -> None:
    assert not shows(rule_id, run(QUIET[rule_id]()))


@pytest.mark.parametrize(
    "rule_id",
    sorted(r for r in set(FIRING) - NO_FLAG_OF_THEIR_OWN if RULES_BY_ID[r].kind != "crisis"),
)
def test_a_disabled_rule_stays_quiet_on_its_firing_case(rule_id: str) -> None:
    assert rule_id not in fired(run(FIRING[rule_id](), rule_set(None, [rule_id])))


def test_findings_carry_their_parameters_and_evidence() -> None:
    evaluation = run(series([38, 38, 38, 30]))
    baseline = only(evaluation, "rupture.drop_from_baseline")[0]
    assert {"sd": 2.0, "min_sessions": 3, "sd_floor": 1.5}.items() <= baseline.parameters.items()
    assert baseline.evidence[0]["ref"] == "response:4"
    assert baseline.evidence[0]["value"] == 30
    assert baseline.evidence[0]["at"] == checkin_at(3).isoformat()
    assert baseline.key == "response:4:drop_from_baseline"
    assert baseline.observed_at == checkin_at(3)
    assert only(evaluation, "rupture.drop_from_previous")[0].parameters["points"] == 5
    for finding in evaluation.findings:
        assert finding.explanation
        assert finding.kind == RULES_BY_ID[finding.rule].kind
        if finding.kind == "rupture":
            assert not finding.clearable


def test_keys_are_unique_within_an_evaluation() -> None:
    evidence = series(
        [36, 36, 36, 28, 27, 35, 30],
        comments={3: "I don't know", 4: "You don't listen. I want to die."},
        statuses=["attended"] * 5 + ["no_show", "attended", "late_cancelled"],
        outcomes={"phq9": [(0, 12), (6, 19)], "gad7": [(0, 10), (6, 15)]},
        safety=[(2, ("PHQ9_9",)), (6, ("PHQ9_9",))],
        texts=[(6, "I want to kill myself")],
    )
    keys = [f.key for f in run(evidence).findings]
    assert len(keys) == len(set(keys)), keys


def test_two_low_checkins_before_one_missed_session_give_one_flag() -> None:
    """Two check-ins (say, one from the portal and one by link) before the same no-show: the
    missed session is one event, so one flag. Two flags with one key would break the database's
    one-flag-per-finding constraint and with it every evaluation of the episode."""
    evidence = series([36, 36, 36, 28], statuses=["attended"] * 4 + ["no_show"])
    extra = CheckIn("response:99", checkin_at(3) + timedelta(hours=2), 22.0, "", None)
    evidence = replace(evidence, checkins=[*evidence.checkins, extra])
    missed = only(run(evidence), "rupture.missed_after_low")
    assert [f.key for f in missed] == ["appointment:5:missed_after_low"]


# --- below the cut-off -----------------------------------------------------------------------


def test_below_cutoff_fires_only_on_crossing() -> None:
    evaluation = run(series([35, 35, 31, 30, 29]))
    below = only(evaluation, "rupture.below_cutoff")
    assert [f.key for f in below] == ["response:3:below_cutoff"]
    assert below[0].parameters["cutoff"] == 32


def test_a_client_always_below_the_cutoff_has_weak_alliance_not_ruptures() -> None:
    evaluation = run(series([30, 30, 30, 30, 30, 30]))
    assert ruptures(evaluation) == []
    assert evaluation.ruptures == []
    low = only(evaluation, "low_alliance.from_start")
    assert len(low) == 1 and low[0].key == "low_alliance:from_start"
    assert low[0].clearable


def test_hovering_at_the_cutoff_is_not_a_rupture() -> None:
    # 33 → 31 crosses the cut-off but is 2 points below the client's own level (4 needed).
    assert run(series([33, 31, 33, 31, 33])).findings == []
    gate_off = rule_set({"rupture.own_level": {"min_fall": 0, "sd": 0}})
    assert "rupture.below_cutoff" in fired(run(series([33, 31]), gate_off))


def test_the_own_level_is_the_mean_of_earlier_calm_checkins() -> None:
    # Own level 37 (38, 36): 33 is 4 below it though only 3 below the previous check-in.
    evaluation = run(series([38, 36, 33]), rule_set({"rupture.drop_from_previous": {"points": 3}}))
    assert ruptures(evaluation) == ["rupture.drop_from_previous"]
    # Own level 34 (35, 33): 31 is 3 below it, so no rule counts it, though it falls below the
    # cut-off, drops from the previous check-in and ends three falling check-ins.
    one = rule_set({"rupture.drop_from_previous": {"points": 1}})
    assert ruptures(run(series([35, 33, 31]), one)) == []


def test_the_own_level_needs_the_clients_own_spread_too() -> None:
    # Own level 38 with an SD of 2.3 (40, 36, 40, 36): 33.5 is 4.5 below it, enough for 4 points
    # and 1 SD, not for 2 SD (4.6).
    swinging = series([40, 36, 40, 36, 33.5])
    assert ruptures(run(swinging)) == ["rupture.steady_decline"]
    two_sd = rule_set({"rupture.own_level": {"sd": 2}})
    assert ruptures(run(swinging, two_sd)) == []


def test_a_configured_cutoff_replaces_the_instruments_own() -> None:
    rules = rule_set({"rupture.below_cutoff": {"cutoff": 36}})
    assert "rupture.below_cutoff" in fired(run(series([38, 38, 34]), rules))
    assert "rupture.below_cutoff" not in fired(run(series([38, 38, 34])))


# --- drop from the previous check-in ---------------------------------------------------------


def test_drop_from_previous_at_exactly_the_threshold() -> None:
    assert "rupture.drop_from_previous" in fired(run(series([38, 33])))
    assert "rupture.drop_from_previous" not in fired(run(series([38, 33.5])))


def test_drop_from_previous_skips_a_checkin_without_a_total() -> None:
    evaluation = run(series([36, None, 30]))
    drop = only(evaluation, "rupture.drop_from_previous")
    assert [f.key for f in drop] == ["response:3:drop_from_previous"]
    assert "36 → 30" in drop[0].explanation


def test_a_checkin_without_a_total_raises_nothing() -> None:
    assert run(series([36, 36, 36, None, None])).findings == []


# --- drop below the client's own baseline -----------------------------------------------------


def test_baseline_needs_min_sessions_earlier_checkins() -> None:
    # 34 is 4 below 38: above the cut-off and less than a 5-point drop, so only the baseline rule
    # (38 − 2 × 1.5 = 35) can see it, and only with three earlier check-ins.
    assert fired(run(series([38, 38, 34]))) == []
    assert ruptures(run(series([38, 38, 38, 34]))) == ["rupture.drop_from_baseline"]
    two = rule_set({"rupture.drop_from_baseline": {"min_sessions": 2}})
    assert ruptures(run(series([38, 38, 34]), two)) == ["rupture.drop_from_baseline"]


def test_baseline_counts_only_checkins_with_a_total() -> None:
    assert fired(run(series([38, None, 38, NO_CHECKIN, 34]))) == []
    assert fired(run(series([38, None, 38, NO_CHECKIN, 38, 34]))) == ["rupture.drop_from_baseline"]


GATE_OFF = {"rupture.own_level": {"min_fall": 0, "sd": 0}}


def test_baseline_threshold_is_k_standard_deviations() -> None:
    # Baseline 38 with no spread: the floor 1.5 makes the line 35 (inclusive)...
    rules = rule_set(GATE_OFF)
    assert fired(run(series([38, 38, 38, 35]), rules)) == ["rupture.drop_from_baseline"]
    assert fired(run(series([38, 38, 38, 35.5]), rules)) == []
    one_sd = rule_set({**GATE_OFF, "rupture.drop_from_baseline": {"sd": 1}})
    assert fired(run(series([38, 38, 38, 36.5]), one_sd)) == ["rupture.drop_from_baseline"]
    # ... and with the defaults the own-level rule asks for 4 points.
    assert fired(run(series([38, 38, 38, 35]))) == []
    assert fired(run(series([38, 38, 38, 34]))) == ["rupture.drop_from_baseline"]


def test_a_client_who_always_answers_the_maximum() -> None:
    assert run(series([40, 40, 40, 40, 38])).findings == []
    assert run(series([40, 40, 40, 40, 40, 40, 38, 40])).findings == []
    big = run(series([40, 40, 40, 40, 30]))
    assert {
        "rupture.below_cutoff",
        "rupture.drop_from_previous",
        "rupture.drop_from_baseline",
    } <= set(fired(big))
    # With the own-level rule off, it is the SD floor that keeps a 2-point wobble quiet: the
    # client's own SD is 0, the floor makes it 1.5 and the line 40 − 2 × 1.5 = 37.
    rules = rule_set(GATE_OFF)
    assert fired(run(series([40, 40, 40, 40, 38]), rules)) == []
    assert fired(run(series([40, 40, 40, 40, 37]), rules)) == ["rupture.drop_from_baseline"]
    low_floor = rule_set({**GATE_OFF, "rupture.drop_from_baseline": {"sd_floor": 0.5}})
    assert fired(run(series([40, 40, 40, 40, 38]), low_floor)) == ["rupture.drop_from_baseline"]


def test_the_sd_floor_cannot_be_zero() -> None:
    """A floor of 0 would make a client who always answers the same fall "infinitely many"
    standard deviations at their first lower answer (and divide by zero explaining it)."""
    with pytest.raises(DomainError):
        rule_set({"rupture.drop_from_baseline": {"sd_floor": 0}})
    lowest = rule_set({"rupture.drop_from_baseline": {"sd_floor": 0.5}})
    finding = only(run(series([40, 40, 40, 40, 36]), lowest), "rupture.drop_from_baseline")[0]
    assert "8 standard deviations" in finding.explanation


# --- steady decline ----------------------------------------------------------------------------


def test_steady_decline() -> None:
    evaluation = run(series([40, 37, 34]))
    assert ruptures(evaluation) == ["rupture.steady_decline"]
    (decline,) = only(evaluation, "rupture.steady_decline")
    assert decline.subtype == "withdrawal" and "40 → 37 → 34" in decline.explanation
    assert [c.subtype for c in evaluation.ruptures] == ["withdrawal"]
    assert "rupture.steady_decline" not in fired(run(series([40, 37, 37, 34])))  # a plateau
    assert fired(run(series([40, 39, 38]))) == []  # 2 points in all
    four = rule_set({"rupture.steady_decline": {"checkins": 4}})
    assert fired(run(series([40, 37, 34]), four)) == []


def test_steady_decline_gives_way_to_a_sharper_rule() -> None:
    evaluation = run(series([36, 36, 36, 33, 27]))
    assert "rupture.steady_decline" not in fired(evaluation)
    assert "rupture.drop_from_previous" in fired(evaluation)


# --- free text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "subtype"),
    [
        ("You don't listen to me.", "confrontation"),
        ("I felt judged today", "confrontation"),
        ("Honestly this is a waste of time", "confrontation"),
        ("I don’t feel heard", "confrontation"),  # a curly apostrophe
        ("I don't know. Whatever.", "withdrawal"),
        ("dunno", "withdrawal"),
        ("Thinking of stopping for a while", "withdrawal"),
        ("I don't know, you don't understand", "confrontation"),  # both: confrontation wins
    ],
)
def test_negative_text_types_the_rupture(comment: str, subtype: str) -> None:
    evaluation = run(series([36, 36], comments={1: comment}))
    text = only(evaluation, "rupture.negative_text")
    assert len(text) == 1 and text[0].subtype == subtype
    assert comment.strip()[:200] in text[0].explanation
    assert [c.subtype for c in evaluation.ruptures] == [subtype]


@pytest.mark.parametrize(
    "comment",
    ["Really useful, thank you.", "Helpful as always", "I know what to work on", "ok", ""],
)
def test_ordinary_text_is_not_a_rupture(comment: str) -> None:
    assert run(series([36, 36], comments={1: comment})).findings == []


def test_a_minimal_answer_with_a_low_score_is_withdrawal() -> None:
    evaluation = run(series([36, 36, 28], comments={2: "Fine."}))
    # Since the confirmation step (2026-12) a one-word answer below the client's own level is a
    # withdrawal marker of its own (negative_text), as well as naming the course's type.
    (terse,) = [f for f in evaluation.findings if f.rule == "rupture.negative_text"]
    assert terse.subtype == "withdrawal" and "one-word answer" in terse.explanation
    assert "rupture.drop_from_previous" in fired(evaluation)
    assert [c.subtype for c in evaluation.ruptures] == ["withdrawal"]


def test_a_minimal_answer_with_a_good_score_is_nothing() -> None:
    evaluation = run(series([36, 36, 36], comments={2: "ok"}))
    assert evaluation.findings == [] and evaluation.ruptures == []


def test_a_low_score_with_a_full_comment_is_not_typed() -> None:
    evaluation = run(series([36, 36, 28], comments={2: "Hard week at work, we talked about it."}))
    assert [c.subtype for c in evaluation.ruptures] == [""]


# --- missed session after a low check-in -----------------------------------------------------


@pytest.mark.parametrize("status", ["no_show", "late_cancelled"])
def test_missed_after_a_low_checkin(status: str) -> None:
    evaluation = run(series([36, 36, 28], statuses=["attended"] * 3 + [status]))
    missed = only(evaluation, "rupture.missed_after_low")
    assert [f.key for f in missed] == ["appointment:4:missed_after_low"]
    assert missed[0].subtype == "withdrawal"
    assert missed[0].observed_at == session_at(3)
    assert [e["ref"] for e in missed[0].evidence] == ["response:3", "appointment:4"]
    # It belongs to the rupture the low check-in opened.
    assert len(evaluation.ruptures) == 1
    assert missed[0].key in evaluation.ruptures[0].finding_keys


@pytest.mark.parametrize("status", ["cancelled", "attended", "scheduled"])
def test_a_cancellation_with_notice_or_attendance_after_a_low_checkin_is_not_missed(
    status: str,
) -> None:
    evaluation = run(series([36, 36, 28], statuses=["attended"] * 3 + [status]))
    assert "rupture.missed_after_low" not in fired(evaluation)


def test_missed_after_a_good_checkin_is_not_a_rupture() -> None:
    evaluation = run(series([36, 36, 36], statuses=["attended"] * 3 + ["no_show"]))
    assert "rupture.missed_after_low" not in fired(evaluation)


def test_only_the_next_appointment_counts() -> None:
    evidence = series([36, 36, 28], statuses=["attended"] * 4 + ["no_show"])
    assert "rupture.missed_after_low" not in fired(run(evidence))


# --- recovery and rupture courses ------------------------------------------------------------


def test_a_v_shape_recovers_to_baseline() -> None:
    evaluation = run(series([36, 36, 36, 28, 30, 35]))
    assert len(evaluation.ruptures) == 1
    course = evaluation.ruptures[0]
    assert course.key == "response:4:below_cutoff"
    assert course.baseline == 36
    assert course.began_at == checkin_at(3)
    assert course.recovered_at == checkin_at(5)
    assert course.recovery_ref == "response:6"
    assert course.recovery_total == 35
    # Every rupture flag of the dip is in the course, including the still-low 30.
    keys = {f.key for f in evaluation.findings if f.kind == "rupture"}
    assert set(course.finding_keys) == keys
    assert "response:5:drop_from_baseline" in keys


def test_no_recovery_while_the_checkins_stay_low() -> None:
    course = run(series([36, 36, 36, 28, 30, 31])).ruptures[0]
    assert course.recovered_at is None


def test_recovery_margin_is_inclusive() -> None:
    # Baseline 36, margin 2: 34 is back, 33.5 is not (and is above the baseline line of 33).
    assert run(series([36, 36, 36, 28, 34])).ruptures[0].recovered_at == checkin_at(4)
    assert run(series([36, 36, 36, 28, 33.5])).ruptures[0].recovered_at is None
    strict = rule_set({"rupture.recovered": {"margin": 0}})
    assert run(series([36, 36, 36, 28, 34]), strict).ruptures[0].recovered_at is None


def test_two_ruptures_with_a_recovery_between_are_two_courses() -> None:
    evaluation = run(series([36, 36, 36, 28, 35, 36, 27, 36]))
    first, second = evaluation.ruptures
    assert first.key == "response:4:below_cutoff" and first.recovered_at == checkin_at(4)
    assert second.key == "response:7:below_cutoff" and second.recovered_at == checkin_at(7)
    assert first.baseline == 36
    assert second.baseline == pytest.approx((36 + 36 + 36 + 35 + 36) / 5)
    assert not set(first.finding_keys) & set(second.finding_keys)


def test_consecutive_markers_without_recovery_are_one_course() -> None:
    evaluation = run(series([36, 36, 36, 28, 22, 30], comments={5: "whatever"}))
    assert len(evaluation.ruptures) == 1
    assert len(evaluation.ruptures[0].finding_keys) == len(ruptures(evaluation))


# --- weak alliance from the start ------------------------------------------------------------


def test_weak_alliance_from_the_start() -> None:
    assert fired(run(series([30, 31]))) == ["low_alliance.from_start"]
    assert fired(run(series([30, None, 31]))) == ["low_alliance.from_start"]
    assert "low_alliance.from_start" not in fired(run(series([30])))
    assert "low_alliance.from_start" not in fired(run(series([30, 31, 35])))  # formed since
    assert "low_alliance.from_start" not in fired(run(series([33, 30])))
    three = rule_set({"low_alliance.from_start": {"checkins": 3}})
    assert "low_alliance.from_start" not in fired(run(series([30, 31]), three))
    assert "low_alliance.from_start" in fired(run(series([30, 31, 29]), three))


# --- not on track ----------------------------------------------------------------------------


def test_reliable_deterioration_at_exactly_the_reliable_change() -> None:
    worse = run(series([36] * 4, outcomes={"gad7": [(0, 10), (3, 14)]}))
    assert "not_on_track.reliable_deterioration" in fired(worse)
    finding = only(worse, "not_on_track.reliable_deterioration")[0]
    assert finding.key == "not_on_track:gad7:deterioration"
    assert finding.parameters == {"reliable_change": 4}
    assert finding.clearable
    below = run(series([36] * 4, outcomes={"gad7": [(0, 10), (3, 13)]}))
    assert "not_on_track.reliable_deterioration" not in fired(below)


def test_no_reliable_improvement_counts_attended_sessions() -> None:
    stuck = {"phq9": [(0, 15), (7, 12)]}
    assert "not_on_track.no_reliable_improvement" in fired(run(series([36] * 8, outcomes=stuck)))
    # One of the eight appointments was missed: seven attended sessions are not enough yet.
    statuses = ["attended"] * 3 + ["no_show"] + ["attended"] * 4
    evaluation = run(series([36] * 8, statuses=statuses, outcomes=stuck))
    assert "not_on_track.no_reliable_improvement" not in fired(evaluation)
    six = rule_set({"not_on_track.no_reliable_improvement": {"after_sessions": 6}})
    stuck_early = {"phq9": [(0, 15), (5, 12)]}
    assert "not_on_track.no_reliable_improvement" in fired(
        run(series([36] * 6, outcomes=stuck_early), six)
    )


@pytest.mark.parametrize(
    ("first", "latest", "flagged"),
    [
        (10, 10, True),  # started at the cut-off: in the clinical range
        (9, 9, False),  # started below the cut-off
        (18, 12, False),  # improved reliably (6 points)
        (15, 9, False),  # improved reliably and out of the clinical range
        (12, 9, False),  # out of the clinical range, though not reliably
    ],
)
def test_no_reliable_improvement_only_for_clients_who_started_in_the_clinical_range(
    first: float, latest: float, flagged: bool
) -> None:
    evaluation = run(series([36] * 8, outcomes={"phq9": [(0, first), (7, latest)]}))
    assert ("not_on_track.no_reliable_improvement" in fired(evaluation)) is flagged


def test_below_expected_on_the_default_curve() -> None:
    rules = defaults()
    p = rules.params("not_on_track.below_expected")
    start, sessions = 20.0, 4
    # trajectory.py: start − start × share × (1 − 0.5^(session / half-life)); band + tolerance × RC
    expected = start - start * p["expected_share_improved"] * (
        1 - 0.5 ** (sessions / p["half_life_sessions"])
    )
    assert expected == pytest.approx(16.5)  # 20 − 20 × 0.35 × 0.5
    assert PHQ9.reliable_change == 6
    upper = expected + p["tolerance"] * PHQ9.reliable_change
    assert upper == pytest.approx(22.5)
    band = default_bands().band("phq9", start, sessions)
    assert band is not None and band.source == "default curve"
    assert band.expected == pytest.approx(expected) and band.upper == pytest.approx(upper)

    # The latest score is at the fourth attended session.
    def latest(score: float) -> Evaluation:
        return run(series([36] * 4, outcomes={"phq9": [(0, start), (3, score)]}))

    assert "not_on_track.below_expected" in fired(latest(23))
    assert "not_on_track.below_expected" not in fired(latest(upper))
    finding = only(latest(23), "not_on_track.below_expected")[0]
    assert "default curve" in finding.explanation
    assert finding.parameters == p


def test_the_default_curve_starts_at_the_start_and_falls() -> None:
    bands = default_bands()
    curve = bands.curve("phq9", 20, 12)
    assert curve[0][1].expected == 20
    values = [band.expected for _, band in curve]
    assert values == sorted(values, reverse=True)
    assert values[-1] > 20 * (1 - 0.35)  # approaches, never passes, the end of the course


def _ended(
    n: int, start: float, at_four: list[float]
) -> list[tuple[str, float, list[tuple[int, float]]]]:
    return [
        ("phq9", start, [(0, start), (2, start - 2), (4, at_four[i % len(at_four)])])
        for i in range(n)
    ]


def test_below_expected_with_the_practices_own_bands() -> None:
    rules = rule_set({"not_on_track.below_expected": {"min_episodes": 5}})
    ended = _ended(5, 20, [8, 9, 10, 11, 12])
    bands = ExpectedBands.from_ended_episodes(rules, dict(SCALES), ended)
    band = bands.band("phq9", 20, 4)
    assert band is not None and band.source == "from this practice's ended episodes"
    # Median of 8..12 is 10; the 80th percentile (exclusive method) is (11 + 4 × 12) / 5 = 11.8.
    assert band.expected == 10 and band.upper == pytest.approx(11.8)
    # Same start band (20–24): 22 uses the practice's band too.
    assert bands.band("phq9", 22, 4) == band
    # Another start band, or a session with no data, falls back to the default curve.
    other = bands.band("phq9", 15, 4)
    assert other is not None and other.source == "default curve"
    missing = bands.band("phq9", 20, 3)
    assert missing is not None and missing.source == "default curve"

    evidence = series([36] * 4, outcomes={"phq9": [(0, 20), (3, 12)]})
    assert "not_on_track.below_expected" in fired(run(evidence, rules, bands))
    # The default curve expects 16.5 at most 22.5 here: 12 is far better than expected.
    assert "not_on_track.below_expected" not in fired(run(evidence, rules))
    evidence = series([36] * 4, outcomes={"phq9": [(0, 20), (3, 11)]})
    assert "not_on_track.below_expected" not in fired(run(evidence, rules, bands))


def test_practice_bands_need_min_episodes_per_start_band() -> None:
    rules = rule_set({"not_on_track.below_expected": {"min_episodes": 5}})
    bands = ExpectedBands.from_ended_episodes(rules, dict(SCALES), _ended(4, 20, [8, 9, 10, 11]))
    band = bands.band("phq9", 20, 4)
    assert band is not None and band.source == "default curve"
    # With the default of 30 ended episodes, 29 are not enough and 30 are.
    few = ExpectedBands.from_ended_episodes(defaults(), dict(SCALES), _ended(29, 20, [8, 12]))
    many = ExpectedBands.from_ended_episodes(defaults(), dict(SCALES), _ended(30, 20, [8, 12]))
    assert few.band("phq9", 20, 4).source == "default curve"  # type: ignore[union-attr]
    assert many.band("phq9", 20, 4).source != "default curve"  # type: ignore[union-attr]


def test_one_not_on_track_flag_per_instrument_and_each_instrument_separately() -> None:
    evaluation = run(
        series([36] * 8, outcomes={"phq9": [(0, 12), (7, 19)], "gad7": [(0, 12), (7, 11)]})
    )
    kinds = sorted(f.key for f in evaluation.findings if f.kind == "not_on_track")
    assert kinds == ["not_on_track:gad7:no_improvement", "not_on_track:phq9:deterioration"]


def test_a_single_outcome_score_is_not_a_trend() -> None:
    evaluation = run(series([36] * 8, outcomes={"phq9": [(7, 27)]}))
    assert [f for f in evaluation.findings if f.kind == "not_on_track"] == []


# --- crisis ----------------------------------------------------------------------------------


def test_a_safety_answer_is_an_urgent_crisis_flag_never_clearable() -> None:
    evaluation = run(series([36, 36], safety=[(1, ("PHQ9_9",))]))
    (crisis,) = only(evaluation, "crisis.safety_item")
    assert crisis.kind == "crisis" and crisis.severity == 3 and not crisis.clearable
    assert crisis.key == "crisis:response:safety:1:safety"
    assert crisis.observed_at == score_at(1)
    assert "PHQ-9" in crisis.explanation


def test_crisis_language_in_any_free_text() -> None:
    evaluation = run(
        series(
            [36, 36],
            comments={0: "I keep thinking about suicide"},
            texts=[(1, "I've been cutting myself again")],
        )
    )
    language = only(evaluation, "crisis.language")
    assert sorted(f.key for f in language) == [
        "crisis:preparation:1:language",
        "crisis:response:1:language",
    ]
    assert all(f.severity == 3 and not f.clearable for f in language)
    prep = next(f for f in language if f.key.startswith("crisis:preparation"))
    assert "session preparation" in prep.explanation
    assert prep.evidence[1] == {
        "what": "crisis wording",
        "value": ["I've been cutting myself"],
        "at": prep.observed_at.isoformat(),
        "ref": "preparation:1",
    }
    assert prep.evidence[2]["value"] == ["self harm"]


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "Sometimes I think about killing myself.",
        "I KILL MYSELF in my head every night",
        "I think about suicide a lot",
        "feeling suicidal again",
        "I don't want to live anymore",
        "I don’t want to live like this",  # a curly apostrophe
        "i dont want to live",
        "I don't want to be alive",
        "I want to die",
        "wanna die tbh",
        "I wish I was dead",
        "Everyone would be better off without me",
        "They'd be better off dead... I mean me",
        "I want to end my life",
        "thinking of ending it all — end it all",
        "I've been hurting myself",
        "I want to harm myself",
        "self-harm",
        "I cut myself last night",
        "I took an overdose",
        "I can't go on",
        "I can’t keep going",
        "There's no reason to live",
        "no point living",
        "Life is not worth living",
        "I want to take my own life",
    ],
)
def test_crisis_language_is_read_as_crisis(text: str) -> None:
    reading = detect(text)
    assert reading.crisis and reading.evidence, text


@pytest.mark.parametrize(
    "text",
    [
        "I've been working on a new skill myself",  # not "kill myself"
        "I want to diet",  # not "want to die"
        "I can't go online at work",  # not "can't go on"
        "I felt helpless",
        "We talked about my grandfather's death",
        "I hurt my knee",
        "I could kill for a holiday",
        "Work is killing me",
        "a self-help book",
        "I ate too much",
        "",
    ],
)
def test_crisis_near_misses_are_not_crisis(text: str) -> None:
    assert detect(text) == CrisisReading(False, (), (), detect(text).score), text


@pytest.mark.parametrize(
    "text",
    [
        "I've been self-harming again",
        "I self-harmed last week",
        "I overdosed in the summer",
        "I want to be dead",
        "I keep thinking I should take my life",
    ],
)
def test_crisis_language_in_common_inflections(text: str) -> None:
    assert detect(text).crisis, text


def test_crisis_rules_cannot_be_switched_off() -> None:
    evidence = series([36, 36], safety=[(1, ("PHQ9_9",))], texts=[(1, "I want to die")])
    rules = rule_set(None, ["crisis.safety_item", "crisis.language", "rupture.drop_from_previous"])
    assert rules.disabled == frozenset({"rupture.drop_from_previous"})
    crisis = {f.rule for f in run(evidence, rules).findings if f.kind == "crisis"}
    assert crisis == {"crisis.safety_item", "crisis.language"}


# --- settings: overrides, switched-off rules, checked values ---------------------------------


def test_overrides_change_behaviour() -> None:
    evidence = series([38, 34])
    assert "rupture.drop_from_previous" not in fired(run(evidence))
    rules = rule_set({"rupture.drop_from_previous": {"points": 4}})
    assert rules.param("rupture.drop_from_previous", "points") == 4
    assert rules.param("rupture.drop_from_baseline", "sd") == 2.0  # others keep their defaults
    assert ruptures(run(evidence, rules)) == ["rupture.drop_from_previous"]
    assert only(run(evidence, rules), "rupture.drop_from_previous")[0].parameters["points"] == 4


def test_disabled_rules_are_switched_off() -> None:
    rules = rule_set(None, ["rupture.drop_from_previous", "not-a-rule"])
    assert rules.disabled == frozenset({"rupture.drop_from_previous"})
    assert not rules.enabled("rupture.drop_from_previous")
    assert rules.enabled("rupture.below_cutoff")
    assert fired(run(series([38, 33]), rules)) == []


def test_every_rule_switched_off_finds_nothing() -> None:
    evidence = FIRING["dropout.risk"]()
    evidence = replace(
        evidence,
        checkins=series([36, 36, 28], comments={2: "you don't listen, I want to die"}).checkins,
    )
    rules = rule_set(None, [rule.id for rule in RULES])
    evaluation = run(evidence, rules)
    assert evaluation.findings == []
    assert evaluation.risk_factors == []


def test_unknown_overrides_are_ignored() -> None:
    rules = catalogue_rule_set(
        {
            "no.such.rule": {"x": 1},
            "rupture.drop_from_previous": {"no_such_parameter": 99},
            "rupture.drop_from_baseline": "not a mapping",
        }
    )
    assert rules.values == catalogue_defaults().values


def test_overrides_out_of_range_are_refused() -> None:
    with pytest.raises(DomainError) as error:
        rule_set({"rupture.drop_from_previous": {"points": 0}})
    assert error.value.field == "points"
    with pytest.raises(DomainError):
        rule_set({"rupture.drop_from_baseline": {"min_sessions": 2.5}})


def test_every_default_is_within_its_own_range() -> None:
    for rule in RULES:
        for parameter in rule.parameters:
            assert check_value(parameter, parameter.default) == parameter.default, parameter
            if parameter.integer:
                assert float(parameter.default).is_integer()


INTEGER = Parameter("min_sessions", 3, 2, 20, "", integer=True)
DECIMAL = Parameter("sd", 2.0, 0.5, 5, "")


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        (INTEGER, 2, 2),
        (INTEGER, 20, 20),
        (INTEGER, "7", 7),
        (INTEGER, 7.0, 7),
        (DECIMAL, 0.5, 0.5),
        (DECIMAL, "2.5", 2.5),
        (DECIMAL, 5, 5.0),
    ],
)
def test_check_value_accepts(parameter: Parameter, value: Any, expected: float) -> None:
    result = check_value(parameter, value)
    assert result == expected
    assert type(result) is (int if parameter.integer else float)


@pytest.mark.parametrize(
    ("parameter", "value", "message"),
    [
        (INTEGER, 1, "between 2 and 20"),
        (INTEGER, 21, "between 2 and 20"),
        (INTEGER, 2.5, "whole number"),
        (INTEGER, "3.5", "whole number"),
        (INTEGER, "three", "a number"),
        (INTEGER, None, "a number"),
        (INTEGER, [3], "a number"),
        (DECIMAL, 0.49, "between 0.5 and 5"),
        (DECIMAL, 5.01, "between 0.5 and 5"),
        (DECIMAL, "", "a number"),
        (DECIMAL, "nan", ""),
        (DECIMAL, float("inf"), ""),
    ],
)
def test_check_value_refuses(parameter: Parameter, value: Any, message: str) -> None:
    with pytest.raises(DomainError) as error:
        check_value(parameter, value)
    assert message in error.value.message
    assert error.value.field == parameter.name
