"""The held-out sets written apart (tests/data/README.md): the honest measures of round 4.

Not every risk line of them is flagged: each was written by someone who saw neither the detector
nor any earlier set, and measured after round 4 was finished without its author reading it.
This test keeps what was reached from falling and the false alarms from rising; the next round of
the detector may use a set as development material, and then needs a new set written apart.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from alliance.signals.crisis_language import detect

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "sizes", "reached_recall", "reached_false_alarms"),
    [
        # (risk lines, benign lines), round 4 on 2026-12-03
        ("crisis_review_e.csv", (218, 225), 148, 22),
        ("crisis_review_g.csv", (330, 330), 258, 38),
    ],
)
def test_round_four_keeps_what_it_reached_on_the_sets_written_apart(
    name, sizes, reached_recall, reached_false_alarms
):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    risk = [row for row in rows if row["label"] == "risk"]
    benign = [row for row in rows if row["label"] == "benign"]
    assert (len(risk), len(benign)) == sizes
    found = sum(detect(row["text"]).crisis for row in risk)
    alarms = sum(detect(row["text"]).crisis for row in benign)
    print(f"\n{name}: recall {found}/{len(risk)}, false alarms {alarms}/{len(benign)}")
    assert found >= reached_recall
    assert alarms <= reached_false_alarms
