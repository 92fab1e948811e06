"""The fifth held-out set (tests/data/README.md): the honest measure of round 4.

Not every risk line of it is flagged: it was written apart from the detector and measured after
round 4 was finished (148 of 218). This test keeps that from falling and the false alarms from
rising; the next round of the detector may use the set as development material.
"""

from __future__ import annotations

import csv
from pathlib import Path

from alliance.signals.crisis_language import detect

DATA = Path(__file__).parent / "data" / "crisis_review_e.csv"
REACHED_RECALL = 148  # of 218 risk lines, round 4 (2026-12-03)
REACHED_FALSE_ALARMS = 22  # of 225 benign lines


def test_round_four_keeps_what_it_reached_on_the_set_written_apart():
    with open(DATA, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    risk = [row for row in rows if row["label"] == "risk"]
    benign = [row for row in rows if row["label"] == "benign"]
    assert (len(risk), len(benign)) == (218, 225)
    found = sum(detect(row["text"]).crisis for row in risk)
    alarms = sum(detect(row["text"]).crisis for row in benign)
    print(f"\nreview_e: recall {found}/{len(risk)}, false alarms {alarms}/{len(benign)}")
    assert found >= REACHED_RECALL
    assert alarms <= REACHED_FALSE_ALARMS
