"""Crisis language detection (alliance/signals/crisis_language) measured.

    python bench/crisis_language.py                       # the development set and ordinary text
    python bench/crisis_language.py --heldout a.csv b.csv # also held-out sets: aggregates only

Prints, for the development set (alliance/signals/tests/data/crisis_dev.csv): recall per risk
construct and false alarms per kind of benign text, each split into what the lexicon caught and
what only the classifier did; false alarms per 1,000 ordinary comments (every check-in comment of
the signals simulator's practice that carries no injected crisis, and the everyday comments in
bench/data/everyday_comments.txt); and speed (comments per second, the first reading in a
process). For a held-out file (columns text,label,construct; label risk or benign) it prints
only aggregate figures, never a line of text: counts, recall and false alarms, per construct.

The last line is exactly:
dev_recall=<x> dev_false_alarms=<n>/<n> ordinary_false_alarms_per_1000=<x> comments_per_second=<x>
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alliance.signals.crisis_language import detect  # noqa: E402
from alliance.signals.crisis_language.reading import read_afresh  # noqa: E402

DEV = ROOT / "alliance" / "signals" / "tests" / "data" / "crisis_dev.csv"
EVERYDAY = ROOT / "bench" / "data" / "everyday_comments.txt"


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    construct: str


@dataclass(frozen=True)
class Outcome:
    row: Row
    crisis: bool
    by_lexicon: bool


def read_rows(path: Path) -> list[Row]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [Row(r["text"], r["label"], r.get("construct", "")) for r in csv.DictReader(handle)]


def outcomes(rows: Iterable[Row]) -> list[Outcome]:
    found = []
    for row in rows:
        reading = detect(row.text)
        found.append(Outcome(row, reading.crisis, bool(reading.constructs)))
    return found


def per_construct(found: list[Outcome], label: str) -> dict[str, tuple[int, int, int]]:
    """construct -> (flagged, flagged by the lexicon, total)."""
    table: dict[str, list[int]] = {}
    for outcome in found:
        if outcome.row.label != label:
            continue
        counts = table.setdefault(outcome.row.construct or "-", [0, 0, 0])
        counts[0] += outcome.crisis
        counts[1] += outcome.crisis and outcome.by_lexicon
        counts[2] += 1
    return {key: (a, b, c) for key, (a, b, c) in sorted(table.items())}


def print_table(title: str, table: dict[str, tuple[int, int, int]], what: str) -> None:
    print(f"{title}\n  {'':18} {what:>9}  lexicon  classifier only")
    for construct, (flagged, lexicon, total) in table.items():
        print(f"  {construct:18} {flagged:4}/{total:<4}  {lexicon:7}  {flagged - lexicon:15}")
    flagged = sum(v[0] for v in table.values())
    total = sum(v[2] for v in table.values())
    print(f"  {'all':18} {flagged:4}/{total:<4}  ({flagged / total if total else 0:.3f})")


def ordinary_comments() -> tuple[list[str], list[str]]:
    """The simulator's ordinary check-in comments (one per comment written, so the common ones
    count as often as they occur) and the everyday comments file."""
    from alliance.signals.simulation import simulate_practice

    episodes = simulate_practice(2000, 20261122)
    crisis = {ref for episode in episodes for ref in episode.truth.crisis_refs}
    simulated = [text.text for e in episodes for text in e.evidence.texts if text.ref not in crisis]
    lines = EVERYDAY.read_text(encoding="utf-8").splitlines()
    everyday = [line for line in lines if line.strip() and not line.startswith("#")]
    return simulated, everyday


def false_alarms(texts: list[str]) -> int:
    cache: dict[str, bool] = {}
    for text in set(texts):
        cache[text] = detect(text).crisis
    return sum(cache[text] for text in texts)


def speed(texts: list[str]) -> float:
    """Comments per second, each read afresh (detect() remembers its last readings)."""
    started = time.perf_counter()
    for text in texts:
        read_afresh(text)
    return len(texts) / (time.perf_counter() - started)


def first_reading_seconds() -> float:
    started = time.perf_counter()
    detect("first reading")
    return time.perf_counter() - started


def report_heldout(path: Path) -> None:
    found = outcomes(read_rows(path))
    labels = Counter(outcome.row.label for outcome in found)
    risk = per_construct(found, "risk")
    benign = per_construct(found, "benign")
    print(f"\nheld-out {path.name}: {labels['risk']} risk, {labels['benign']} benign")
    print_table("  recall per construct", risk, "flagged")
    print_table("  false alarms per kind", benign, "flagged")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", nargs="+", type=Path, default=[], metavar="CSV")
    args = parser.parse_args()

    first = first_reading_seconds()
    dev = outcomes(read_rows(DEV))
    risk, benign = per_construct(dev, "risk"), per_construct(dev, "benign")
    print_table("development set: recall per construct", risk, "flagged")
    print_table("development set: false alarms per kind of benign text", benign, "flagged")

    simulated, everyday = ordinary_comments()
    sim_alarms, day_alarms = false_alarms(simulated), false_alarms(everyday)
    total = len(simulated) + len(everyday)
    per_1000 = 1000 * (sim_alarms + day_alarms) / total
    print("false alarms on ordinary comments")
    print(f"  simulator's check-in comments  {sim_alarms}/{len(simulated)}")
    print(f"  everyday comments              {day_alarms}/{len(everyday)}")
    print(f"  per 1,000 ordinary comments    {per_1000:.2f}")

    texts = [outcome.row.text for outcome in dev] + everyday
    rate = speed(texts)
    print(f"speed: {rate:.0f} comments/s ({1000 / rate:.2f} ms each); first reading {first:.2f} s")

    for path in args.heldout:
        report_heldout(path)

    recall = sum(v[0] for v in risk.values()) / sum(v[2] for v in risk.values())
    dev_alarms = sum(v[0] for v in benign.values())
    dev_benign = sum(v[2] for v in benign.values())
    print(
        f"dev_recall={recall:.3f} dev_false_alarms={dev_alarms}/{dev_benign} "
        f"ordinary_false_alarms_per_1000={per_1000:.2f} comments_per_second={rate:.0f}"
    )


if __name__ == "__main__":
    main()
