"""Crisis language detection (alliance/signals/crisis_language) measured.

    python bench/crisis_language.py                       # development sets and ordinary text
    python bench/crisis_language.py --heldout a.csv b.csv # also held-out sets: aggregates only

Prints, for each development set (alliance/signals/tests/data/crisis_dev.csv and
crisis_review_a.csv, _b.csv and _c.csv, three sets held out once and read since): recall per risk construct and false alarms per kind of benign text, each
split by the reader that caught it: the lexicon, the safety net (when the lexicon did not), the
classifier alone. Then false alarms per 1,000 ordinary comments: every check-in comment of the
signals simulator's practice that carries no injected crisis, the everyday comments in
bench/data/everyday_comments.txt and the hand-written ordinary check-ins in
bench/data/ordinary_checkins.txt, each on its own and together; and speed (comments per second,
the first reading in a process). For a held-out file (columns text,label,construct; label risk or
benign) it prints only aggregate figures, never a line of text: counts, recall and false alarms,
per construct.

The last line is exactly:
dev_recall=<x> dev_false_alarms=<n>/<n> review_a_recall=<x> review_a_false_alarms=<n>/<n> review_b_recall=<x> review_b_false_alarms=<n>/<n> review_c_recall=<x> review_c_false_alarms=<n>/<n> ordinary_false_alarms_per_1000=<x> checkins_false_alarms_per_1000=<x> comments_per_second=<x>
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

DATA = ROOT / "alliance" / "signals" / "tests" / "data"
DEV = DATA / "crisis_dev.csv"
REVIEW_A = DATA / "crisis_review_a.csv"
REVIEW_B = DATA / "crisis_review_b.csv"
REVIEW_C = DATA / "crisis_review_c.csv"
EVERYDAY = ROOT / "bench" / "data" / "everyday_comments.txt"
CHECKINS = ROOT / "bench" / "data" / "ordinary_checkins.txt"


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    construct: str


@dataclass(frozen=True)
class Outcome:
    row: Row
    crisis: bool
    tiers: tuple[str, ...]  # the readers that read it as risk


def read_rows(path: Path) -> list[Row]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [Row(r["text"], r["label"], r.get("construct", "")) for r in csv.DictReader(handle)]


def outcomes(rows: Iterable[Row]) -> list[Outcome]:
    found = []
    for row in rows:
        reading = detect(row.text)
        found.append(Outcome(row, reading.crisis, reading.tiers))
    return found


def per_construct(found: list[Outcome], label: str) -> dict[str, tuple[int, int, int, int, int]]:
    """construct -> (flagged, by the lexicon, by the net alone of the two, by the classifier
    alone, total)."""
    table: dict[str, list[int]] = {}
    for outcome in found:
        if outcome.row.label != label:
            continue
        counts = table.setdefault(outcome.row.construct or "-", [0, 0, 0, 0, 0])
        tiers = outcome.tiers
        counts[0] += outcome.crisis
        counts[1] += "lexicon" in tiers
        counts[2] += "net" in tiers and "lexicon" not in tiers
        counts[3] += tiers == ("classifier",)
        counts[4] += 1
    return {key: (a, b, c, d, e) for key, (a, b, c, d, e) in sorted(table.items())}


def print_table(title: str, table: dict[str, tuple[int, int, int, int, int]], what: str) -> None:
    print(f"{title}\n  {'':18} {what:>9}  lexicon  net  classifier only")
    for construct, (flagged, lexicon, net, alone, total) in table.items():
        print(f"  {construct:18} {flagged:4}/{total:<4}  {lexicon:7}  {net:3}  {alone:15}")
    flagged = sum(v[0] for v in table.values())
    total = sum(v[4] for v in table.values())
    print(f"  {'all':18} {flagged:4}/{total:<4}  ({flagged / total if total else 0:.3f})")


def totals(table: dict[str, tuple[int, int, int, int, int]]) -> tuple[int, int]:
    return sum(v[0] for v in table.values()), sum(v[4] for v in table.values())


def report_development(path: Path) -> tuple[tuple[int, int], tuple[int, int]]:
    """Full tables for a development set: (flagged, total) for its risk and benign lines."""
    found = outcomes(read_rows(path))
    risk, benign = per_construct(found, "risk"), per_construct(found, "benign")
    print_table(f"development set {path.name}: recall per construct", risk, "flagged")
    print_table(f"development set {path.name}: false alarms per kind", benign, "flagged")
    return totals(risk), totals(benign)


def _lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def ordinary_comments() -> dict[str, list[str]]:
    """The simulator's ordinary check-in comments (one per comment written, so the common ones
    count as often as they occur), the everyday comments and the hand-written check-ins."""
    from simulation.original import simulate_practice

    episodes = simulate_practice(2000, 20261122)
    crisis = {ref for episode in episodes for ref in episode.truth.crisis_refs}
    simulated = [text.text for e in episodes for text in e.evidence.texts if text.ref not in crisis]
    return {
        "simulator's check-in comments": simulated,
        "everyday comments": _lines(EVERYDAY),
        "hand-written ordinary check-ins": _lines(CHECKINS),
    }


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


def report_ordinary() -> tuple[float, float]:
    """False alarms per 1,000 on all ordinary comments, and on the hand-written check-ins."""
    pools = ordinary_comments()
    print("false alarms on ordinary comments")
    alarms = {name: false_alarms(texts) for name, texts in pools.items()}
    for name, texts in pools.items():
        rate = 1000 * alarms[name] / len(texts)
        print(f"  {name:32} {alarms[name]:3}/{len(texts):<5} ({rate:.2f} per 1,000)")
    per_1000 = 1000 * sum(alarms.values()) / sum(len(texts) for texts in pools.values())
    print(f"  {'per 1,000 ordinary comments':32} {per_1000:.2f}")
    checkins = pools["hand-written ordinary check-ins"]
    return per_1000, 1000 * alarms["hand-written ordinary check-ins"] / len(checkins)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", nargs="+", type=Path, default=[], metavar="CSV")
    args = parser.parse_args()

    first = first_reading_seconds()
    (dev_risk, dev_benign) = report_development(DEV)
    reviews = {
        name: report_development(path)
        for name, path in (("a", REVIEW_A), ("b", REVIEW_B), ("c", REVIEW_C))
    }
    per_1000, checkins_per_1000 = report_ordinary()

    texts = [row.text for row in read_rows(DEV)] + _lines(EVERYDAY) + _lines(CHECKINS)
    rate = speed(texts)
    print(f"speed: {rate:.0f} comments/s ({1000 / rate:.2f} ms each); first reading {first:.2f} s")

    for path in args.heldout:
        report_heldout(path)

    review_figures = "".join(
        f"review_{name}_recall={risk[0] / risk[1]:.3f} "
        f"review_{name}_false_alarms={benign[0]}/{benign[1]} "
        for name, (risk, benign) in reviews.items()
    )
    print(
        f"dev_recall={dev_risk[0] / dev_risk[1]:.3f} "
        f"dev_false_alarms={dev_benign[0]}/{dev_benign[1]} "
        f"{review_figures}"
        f"ordinary_false_alarms_per_1000={per_1000:.2f} "
        f"checkins_false_alarms_per_1000={checkins_per_1000:.2f} comments_per_second={rate:.0f}"
    )


if __name__ == "__main__":
    main()
