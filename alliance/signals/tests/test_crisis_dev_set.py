"""Crisis detection measured on the five development sets (tests/data/, see its README): the
development set and four sets that were held out once, measured honestly, and read since, so
development material too (crisis_review_d.csv since round 4).

Every risk line of all five is flagged. The benign lines (denials, idioms, someone else, history,
work and media...) are written to sit next to risk, and the safety net errs towards flagging, so
some are flagged: the bounds below are the counts reached, so that a change that adds false
alarms is seen. Ordinary comments are held to far fewer (bench/crisis_language.py: at most 5 in
1,000). Figures on these sets are optimistic: all five were read while the detector was written.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from alliance.signals.crisis_language import detect

DATA = Path(__file__).parent / "data"
SETS = {
    "crisis_dev.csv": {"risk": 381, "benign": 400},
    "crisis_review_a.csv": {"risk": 336, "benign": 359},
    "crisis_review_b.csv": {"risk": 334, "benign": 392},
    "crisis_review_c.csv": {"risk": 345, "benign": 343},
    "crisis_review_d.csv": {"risk": 356, "benign": 346},
}
# The false alarms on each set's benign lines when these tests were written: at most this many.
MOST_FALSE_ALARMS = {
    "crisis_dev.csv": 3,
    "crisis_review_a.csv": 14,
    "crisis_review_b.csv": 35,
    "crisis_review_c.csv": 5,
    "crisis_review_d.csv": 24,
}


@pytest.fixture(scope="module", params=sorted(SETS))
def readings(request) -> tuple[str, list[tuple[dict[str, str], bool]]]:
    with open(DATA / request.param, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return request.param, [(row, detect(row["text"]).crisis) for row in rows]


def test_the_sets_are_the_documented_ones(readings):
    name, found = readings
    assert Counter(row["label"] for row, _ in found) == SETS[name]


def test_every_risk_line_is_flagged(readings):
    name, found = readings
    missed = [row["text"] for row, crisis in found if row["label"] == "risk" and not crisis]
    assert missed == [], f"{name}: {len(missed)} missed"


def test_false_alarms_on_benign_lines_stay_within_what_was_reached(readings):
    name, found = readings
    alarms = [row for row, crisis in found if row["label"] == "benign" and crisis]
    by_kind = Counter(row["construct"] for row in alarms)
    print(f"\n{name}: {len(alarms)} false alarms, by kind {dict(sorted(by_kind.items()))}")
    assert len(alarms) <= MOST_FALSE_ALARMS[name]
