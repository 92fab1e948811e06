"""Dropout risk as a probability from the logistic model: each factor on hand-made series, the
percent, the level and flag, and the explanation in words, percentage points and odds.

Replaces the tests of the points-based risk (which were in test_rules.py): a factor now adds
log-odds fitted on the calibrated simulator, so the tests check what each factor does (it
appears, in its words, and raises the risk), not fixed point values.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import timedelta

from alliance.signals.catalogue import defaults, rule_set
from alliance.signals.dropout_model import FACTORS, FEATURES, DropoutModel, default_model
from alliance.signals.risk import Risk, dropout_risk
from alliance.signals.rules import risk_now
from alliance.signals.tests.helpers.evidence import (
    NO_CHECKIN,
    checkin_at,
    fired,
    run,
    series,
    session_at,
)

SETTLED = [38] * 14  # late in a course, steady check-ins, every session kept


def risk(evidence, rules=None) -> Risk:
    return risk_now(evidence, rules or defaults())


def factors(r: Risk) -> dict[str, str]:
    return {f.factor: f.words for f in r.factors}


def test_the_shipped_coefficients_say_where_they_come_from() -> None:
    model = default_model()
    assert set(model.coefficients) == set(FEATURES)
    assert "calibrated" in model.provenance["fitted_on"]
    assert model.provenance["seeds"] and model.provenance["episodes"] >= 1000
    width = len(FEATURES) + 1
    matrix = model.provenance["information_per_episode"]
    assert len(matrix) == width and all(len(row) == width for row in matrix)
    # Risk-raising factors raise it: attendance, a slide and an early phase all add log-odds.
    for name in ("missed_recent", "gap_ratio", "early_12", "fall_below_own", "usual_below"):
        assert model.coefficients[name] > 0, name


def test_a_settled_client_late_in_a_course_has_a_low_risk_and_nothing_against_them() -> None:
    settled = risk(series(SETTLED))
    assert settled.factors == ()
    assert settled.level == "low" and not settled.flagged
    assert settled.percent == settled.points
    assert 0 < settled.percent < 5
    assert math.isclose(settled.percent, 100 / (1 + math.exp(-default_model().intercept)))


def test_each_factor_appears_in_its_words_and_raises_the_risk() -> None:
    base = risk(series(SETTLED)).percent
    missed = series(
        [*SETTLED[:-2], NO_CHECKIN, NO_CHECKIN, 36, 36],
        statuses=["attended"] * 12 + ["no_show", "late_cancelled", "attended", "attended"],
    )
    cases = {
        "missed": (missed, "1 no-show and 1 late cancellation in the last 4 appointments"),
        "gap": (
            series(SETTLED, now=session_at(13) + timedelta(days=15)),
            "15 days since the last session (agreed every 7 days)",
        ),
        "early": (series([36, 36]), "early in therapy (2 sessions so far)"),
        "falling_alliance": (
            series([*SETTLED[:-3], 36, 35, 33]),
            "check-ins falling (36 → 35 → 33)",
        ),
        "missing_checkins": (
            series([*SETTLED[:-2], NO_CHECKIN, NO_CHECKIN]),
            "no check-in answered after the last two sessions",
        ),
        "no_progress": (
            series(SETTLED, outcomes={"phq9": [(0, 15), (13, 13)]}),
            "no reliable improvement on PHQ-9 yet (15 → 13)",
        ),
        "usual_level": (series([28] * 14), "check-ins usually around 28 of 40"),
    }
    for name, (evidence, words) in cases.items():
        r = risk(evidence)
        assert factors(r).get(name) == words, name
        assert r.percent > base, name


def test_missed_appointments_count_only_when_recent_and_without_notice() -> None:
    old = series([NO_CHECKIN, *SETTLED[1:]], statuses=["no_show"] + ["attended"] * 13)
    assert "missed" not in factors(risk(old))
    notice = series(
        [*SETTLED[:-2], NO_CHECKIN, 36], statuses=["attended"] * 12 + ["cancelled", "attended"]
    )
    assert "missed" not in factors(risk(notice))


def test_time_since_the_last_session_is_read_against_the_agreed_gap() -> None:
    last = session_at(13)
    assert "gap" not in factors(risk(series(SETTLED, now=last + timedelta(days=10))))
    weekly = risk(series(SETTLED, now=last + timedelta(days=21)))
    fortnightly = risk(series(SETTLED, agreed_gap_days=14, now=last + timedelta(days=21)))
    assert weekly.percent > fortnightly.percent
    assert "agreed every 14 days" in factors(fortnightly)["gap"]


def test_a_rupture_not_yet_recovered_and_a_fall_below_the_clients_level() -> None:
    dip = risk(series([*SETTLED, 26]))
    words = factors(dip)
    assert words["below_own_level"] == "latest check-in 26 is well below this client's usual 38"
    assert (
        "unrecovered_rupture" not in words
        or "has not recovered yet" in words["unrecovered_rupture"]
    )
    recovered = risk(series([*SETTLED, 26, 35]))
    assert "below_own_level" not in factors(recovered)
    assert recovered.percent < dip.percent
    # Without the rupture scan's view (own level, open rupture) the fall is not counted.
    assert "below_own_level" not in factors(dropout_risk(series([*SETTLED, 26]), defaults()))


def test_each_factor_is_explained_in_percentage_points_and_odds() -> None:
    evidence = series(
        [36, 36, 36, 33, 30, NO_CHECKIN, NO_CHECKIN, NO_CHECKIN],
        statuses=["attended"] * 5 + ["no_show", "attended", "attended"],
        outcomes={"phq9": [(0, 16), (7, 15)]},
        now=session_at(7) + timedelta(days=11),
    )
    r = risk(evidence)
    model = default_model()
    logit = model.logit(r.features)
    assert math.isclose(r.percent, 100 / (1 + math.exp(-logit)))
    assert len(r.factors) >= 4
    for factor in r.factors:
        term = model.term(factor.factor, r.features)
        assert math.isclose(factor.odds, math.exp(term))
        without = 100 / (1 + math.exp(-(logit - term)))
        assert math.isclose(factor.points, r.percent - without)
        assert factor.words.strip() and not re.search(r"\bpoints?\b", factor.words)
        as_dict = factor.as_dict()
        assert set(as_dict) == {"factor", "points", "odds", "words"}
    assert [f.points for f in r.factors] == sorted((f.points for f in r.factors), reverse=True)
    assert set(FACTORS) >= {f.factor for f in r.factors}


def test_level_and_flag_follow_the_percent_threshold() -> None:
    evidence = series(
        [36, 36, NO_CHECKIN, NO_CHECKIN, 30],
        statuses=["attended", "attended", "no_show", "late_cancelled", "attended"],
        now=session_at(4) + timedelta(days=12),
    )
    r = risk(evidence)
    assert r.percent >= 25 and r.flagged and r.level == "high"
    evaluation = run(evidence, defaults())  # the same rules as ``risk`` reads
    assert "dropout.risk" in fired(evaluation)
    assert evaluation.risk_percent == r.percent and evaluation.risk_level == "high"
    (finding,) = [f for f in evaluation.findings if f.rule == "dropout.risk"]
    assert finding.explanation.startswith(f"At risk of dropping out ({r.percent:.0f} %): ")
    assert all(f.words in finding.explanation for f in r.factors)
    higher = rule_set({"dropout.risk": {"threshold": r.percent + 1}})
    assert not risk(evidence, higher).flagged
    moderate = rule_set({"dropout.risk": {"threshold": min(99, r.percent * 1.5)}})
    assert risk(evidence, moderate).level == "moderate"
    assert "dropout.risk" not in fired(run(evidence, higher))


def test_a_practice_model_replaces_the_shipped_coefficients() -> None:
    evidence = series(
        [*SETTLED[:-2], NO_CHECKIN, 36], statuses=["attended"] * 12 + ["no_show", "attended"]
    )
    shipped = risk(evidence)
    heavier = default_model().as_dict()
    heavier["coefficients"]["missed_recent"] = 3.0
    practice = replace(defaults(), dropout_model=DropoutModel.from_dict(heavier))
    own = risk(evidence, practice)
    assert own.percent > shipped.percent
    assert own.factors[0].factor == "missed"


def test_no_dropout_risk_for_an_ended_episode() -> None:
    evidence = series([36, 36, 30], is_open=False)
    evaluation = run(evidence)
    assert "dropout.risk" not in fired(evaluation)
    assert evaluation.risk_factors == [] and evaluation.risk_percent == 0


def test_checkin_moments_before_now_only() -> None:
    """A check-in after ``now`` (a replay) is not read."""
    evidence = series([36] * 14 + [20])
    view = evidence.until(checkin_at(13) + timedelta(hours=1))
    assert "below_own_level" not in factors(risk(view))
