"""AnnoMI's development part, read for measuring only (see ../shared/data/annomi-dev/README.md):
one ``Utterance`` per row of AnnoMI-simple.csv, with the question and reflection subtypes of
AnnoMI-full.csv (the majority over its annotators). Nothing here prints or keeps any text beyond
the run."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Utterance:
    transcript: str
    order: int
    speaker: str
    text: str
    main: str
    talk: str
    quality: str
    video: str
    question_subtype: str = ""
    reflection_subtype: str = ""


def load(data: Path) -> list[Utterance]:
    with (data / "AnnoMI-simple.csv").open(encoding="utf-8", newline="") as handle:
        rows = [
            Utterance(
                transcript=row["transcript_id"],
                order=int(row["utterance_id"]),
                speaker=row["interlocutor"],
                text=row["utterance_text"],
                main=row["main_therapist_behaviour"],
                talk=row["client_talk_type"],
                quality=row["mi_quality"],
                video=row["video_url"],
            )
            for row in csv.DictReader(handle)
        ]
    votes: dict[tuple[str, int], dict[str, list[tuple[int, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    with (data / "AnnoMI-full.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["transcript_id"], int(row["utterance_id"]))
            annotator = int(row["annotator_id"])
            for column in ("question_subtype", "reflection_subtype"):
                if row[column] not in ("", "n/a"):
                    votes[key][column].append((annotator, row[column]))
    for utterance in rows:
        found = votes.get((utterance.transcript, utterance.order), {})
        utterance.question_subtype = _majority(found.get("question_subtype", []))
        utterance.reflection_subtype = _majority(found.get("reflection_subtype", []))
    rows.sort(key=lambda u: (u.transcript, u.order))
    return rows


def _majority(votes: list[tuple[int, str]]) -> str:
    """The most common label; a tie goes to the label of the lowest annotator id among them."""
    if not votes:
        return ""
    counts = Counter(label for _, label in votes)
    top = max(counts.values())
    tied = {label for label, count in counts.items() if count == top}
    return min((annotator, label) for annotator, label in votes if label in tied)[1]


def transcripts(rows: list[Utterance]) -> dict[str, list[Utterance]]:
    grouped: dict[str, list[Utterance]] = defaultdict(list)
    for row in rows:
        grouped[row.transcript].append(row)
    return grouped
