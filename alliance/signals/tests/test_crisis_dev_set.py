"""Crisis detection measured on the development set (tests/data/crisis_dev.csv, see its README).

Every risk line should be flagged. The lines listed in KNOWN_MISSES are not: each says risk only
through its situation (a place, a possession, a veiled farewell) in words that also fit ordinary
life, and writing a pattern for each would be fitting this set rather than detecting risk. A
line missed that is not in the list fails the test, so a change that loses recall is seen.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from alliance.signals.crisis_language import detect

DEV = Path(__file__).parent / "data" / "crisis_dev.csv"

KNOWN_MISSES = frozenset(
    {
        "been checking when the fast trains come through the station. you know why",
        "have a date in mind. end of the month",
        "i have the whole thing planned out, not telling anyone else",
        "next friday is the day i think. its all planned",
        "i planned it for when my flatmate is at work",
        "i know which bridge. i know which night",
        "plan is set for sunday",
        "theres a rope in the garage and i keep going to look at it",
        "the bridge is on my way to work and every day i think about stopping there and going over",
        "there are guns at my uncles farm where im staying and i cant stop thinking about them",
        "theres a railway line behind my house and i go and stand by it at night",
        "i kept the rope. i didnt throw it away like i said i would",
        "i didn't give the pills to my sister like we agreed, i still have them",
        "I still have the tablets we talked about removing from the house.",
        "there's a tall building near work and i keep going up to the roof and looking down",
        "the medicine cabinet is full and nobody locks it, i keep counting whats in there",
        "bought paracetamol from a few different shops so nobody would notice how much",
        "told my best friend where my passwords are, for after",
        "ive stopped taking my meds and been keeping them in a box instead",
        "i texted everyone i care about to tell them i love them. its time",
        "gave my PS5 to my little brother, he'll need it more than me soon",
        "I've written my will and I'm only 22. For obvious reasons.",
        "told work i'm leaving and not coming back, which is true in more ways than they know",
        "I don't see how I come back from this. I don't think I want to.",
    }
)
# Hard benign lines (denials, idioms, other people's deaths, history...) flagged: at most 2%.
# Ordinary comments are held to far fewer (bench/crisis_language.py: at most 5 in 1,000); these
# lines are written to sit next to risk, and a false alarm costs a therapist a minute.
MOST_FALSE_ALARMS = 8


@pytest.fixture(scope="module")
def readings() -> list[tuple[dict[str, str], bool]]:
    with open(DEV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [(row, detect(row["text"]).crisis) for row in rows]


def test_the_set_is_the_documented_one(readings):
    labels = Counter(row["label"] for row, _ in readings)
    assert labels == {"risk": 381, "benign": 400}


def test_every_risk_line_is_flagged_but_the_known_misses(readings):
    missed = {row["text"] for row, crisis in readings if row["label"] == "risk" and not crisis}
    by_construct = Counter(row["construct"] for row, _ in readings if row["label"] == "risk")
    missed_by = Counter(
        row["construct"] for row, crisis in readings if row["label"] == "risk" and not crisis
    )
    recall = 1 - len(missed) / sum(by_construct.values())
    print(f"\nrecall on dev: {recall:.3f} ({len(missed)} of {sum(by_construct.values())} missed)")
    for construct, total in sorted(by_construct.items()):
        print(f"  {construct:15} {total - missed_by[construct]:3}/{total}")
    assert missed <= KNOWN_MISSES, sorted(missed - KNOWN_MISSES)


def test_false_alarms_on_benign_lines_are_few(readings):
    alarms = [row for row, crisis in readings if row["label"] == "benign" and crisis]
    print(f"\nfalse alarms on dev: {len(alarms)} of 400")
    for row in alarms:
        print(f"  [{row['construct']}] {row['text']}")
    assert len(alarms) <= MOST_FALSE_ALARMS
