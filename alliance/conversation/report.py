"""From coded turns to the figures of one session, each beside its MITI 4.2.1 reference.

``build_report(coded_turns)`` is pure: the same coded turns always give the same report.
``Report.as_json()`` is what is stored (encrypted, it quotes the session) and what
``alliance analyze --json`` prints under ``"figures"``; ``figure_rows(figures)`` turns that JSON
into the rows the report page and the command's text output show.

References: Moyers, Manuel & Ernst (2014), *Motivational Interviewing Treatment Integrity Coding
Manual 4.2.1*: reflection-to-question ratio 1:1 fair, 2:1 good; complex reflections 40% fair,
50% good of all reflections. MITI 4.2.1 sets no threshold for the share of open questions
(MITI 3.1.1's 50%/70% was dropped), so that figure is shown without one.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from alliance.conversation.coding import (
    ADVICE,
    AFFIRMATION,
    CHANGE_TALK,
    CLIENT,
    CLIENT_MARKERS,
    CLIENT_PRIMARY,
    CLOSED_QUESTION,
    COMPLEX_REFLECTION,
    CONFRONTATION,
    INFORMATION,
    JUDGMENT,
    NEUTRAL,
    OPEN_QUESTION,
    SELF_DISCLOSURE,
    SIMPLE_REFLECTION,
    STRUCTURING,
    SUSTAIN_TALK,
    THERAPIST,
    THERAPIST_CODES,
    WITHDRAWAL,
    CodedTurn,
)
from alliance.conversation.importers import is_cut_off, overlapping_turns

REPORT_VERSION = 1
EXAMPLES_PER_CODE = 3
QUOTE_LENGTH = 240
OPENING_TURNS = CLOSING_TURNS = 3

CODE_LABELS = {
    OPEN_QUESTION: "Open question",
    CLOSED_QUESTION: "Closed question",
    SIMPLE_REFLECTION: "Simple reflection",
    COMPLEX_REFLECTION: "Complex reflection",
    AFFIRMATION: "Affirmation / validation",
    ADVICE: "Advice",
    INFORMATION: "Information",
    SELF_DISCLOSURE: "Self-disclosure",
    JUDGMENT: "Judgment",
    STRUCTURING: "Structuring",
    "other": "Other",
    CHANGE_TALK: "Change talk",
    SUSTAIN_TALK: "Sustain talk",
    NEUTRAL: "Neutral",
    WITHDRAWAL: "Withdrawal",
    CONFRONTATION: "Confrontation",
}


@dataclass(frozen=True)
class Reference:
    """A published benchmark for one figure: at or above ``fair`` is fair, at or above ``good``
    is good (``None`` when the source sets no threshold)."""

    source: str
    fair: float | None
    good: float | None
    text: str


REFERENCES: dict[str, Reference] = {
    "reflection_to_question": Reference(
        "MITI 4.2.1", 1.0, 2.0, "fair 1:1, good 2:1 (reflections per question)"
    ),
    "complex_reflection_pct": Reference(
        "MITI 4.2.1", 40.0, 50.0, "fair 40%, good 50% of reflections"
    ),
    "open_question_pct": Reference(
        "MITI 4.2.1",
        None,
        None,
        "no threshold in MITI 4.2.1 (the 50%/70% of MITI 3.1.1 was dropped)",
    ),
}


@dataclass(frozen=True)
class Example:
    index: int  # the turn's index: the report page links to #turn-<index>
    speaker: str
    quote: str


@dataclass(frozen=True)
class Interruption:
    index: int  # the turn that cut in
    by: str  # who cut in: THERAPIST or CLIENT
    how: str  # "overlap" (started before the other had finished) or "cut_off" (text broke off)


@dataclass(frozen=True)
class Report:
    turns: int
    therapist_turns: int
    client_turns: int
    therapist_words: int
    client_words: int
    therapist_talk_share: float | None  # % of all words
    reflections: int
    questions: int
    reflection_to_question: float | None  # reflections per question
    complex_reflection_pct: float | None  # % of reflections
    open_question_pct: float | None  # % of questions
    directing_pct: float | None  # % of therapist turns giving advice or information
    affirmations: int
    advice_with_permission: int
    advice_without_permission: int
    self_disclosures: int
    judgments: int
    opened_with_agenda: bool
    closed_with_summary: bool
    interruptions: tuple[Interruption, ...]
    change_talk: int
    sustain_talk: int
    change_talk_pct: float | None  # % of change + sustain talk
    counts: dict[str, int]  # every code → the number of turns carrying it
    examples: dict[str, tuple[Example, ...]]  # every code seen → up to 3 examples
    markers: tuple[tuple[str, Example], ...]  # (withdrawal/confrontation, the client's turn)
    version: int = REPORT_VERSION
    references: dict[str, Reference] = field(default_factory=lambda: dict(REFERENCES))

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["interruptions"] = [asdict(one) for one in self.interruptions]
        data["examples"] = {
            code: [asdict(example) for example in examples]
            for code, examples in self.examples.items()
        }
        data["markers"] = [
            {"marker": marker, **asdict(example)} for marker, example in self.markers
        ]
        return data


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _quote(text: str) -> str:
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1].rstrip() + "…"


def _words(text: str) -> int:
    return len(text.split())


def _codes(one: CodedTurn) -> tuple[str, ...]:
    """Every code of a turn, the primary one included, each once."""
    return tuple(dict.fromkeys((*one.codes, one.primary)))


def interruptions(coded: Sequence[CodedTurn]) -> tuple[Interruption, ...]:
    """A turn that starts before the other speaker's turn ended, or that follows the other
    speaker's turn broken off with "-", "—" or "..."."""
    turns = [one.turn for one in coded]
    overlaps = set(overlapping_turns(turns))
    found = []
    for previous, turn in itertools.pairwise(turns):
        if turn.speaker == previous.speaker:
            continue
        if turn.index in overlaps:
            found.append(Interruption(turn.index, turn.speaker, "overlap"))
        elif is_cut_off(previous.text):
            found.append(Interruption(turn.index, turn.speaker, "cut_off"))
    return tuple(found)


def _has(one: CodedTurn, *codes: str) -> bool:
    return any(code in _codes(one) for code in codes)


def _counts_and_examples(
    coded: Sequence[CodedTurn],
) -> tuple[Counter[str], dict[str, list[Example]]]:
    """How many turns carry each code, and the first few of them as examples."""
    counts: Counter[str] = Counter()
    examples: dict[str, list[Example]] = {}
    for one in coded:
        for code in _codes(one):
            counts[code] += 1
            chosen = examples.setdefault(code, [])
            if len(chosen) < EXAMPLES_PER_CODE:
                chosen.append(Example(one.turn.index, one.turn.speaker, _quote(one.turn.text)))
    return counts, examples


def _client_markers(client: list[CodedTurn]) -> tuple[tuple[str, Example], ...]:
    return tuple(
        (marker, Example(one.turn.index, CLIENT, _quote(one.turn.text)))
        for one in client
        for marker in CLIENT_MARKERS
        if _has(one, marker)
    )


def build_report(coded: Sequence[CodedTurn]) -> Report:
    therapist = [one for one in coded if one.turn.speaker == THERAPIST]
    client = [one for one in coded if one.turn.speaker == CLIENT]
    counts, examples = _counts_and_examples(coded)
    simple, complex_ = counts[SIMPLE_REFLECTION], counts[COMPLEX_REFLECTION]
    open_, closed = counts[OPEN_QUESTION], counts[CLOSED_QUESTION]
    reflections, questions = simple + complex_, open_ + closed
    advice = [one for one in therapist if _has(one, ADVICE)]
    directing = sum(1 for one in therapist if _has(one, ADVICE, INFORMATION))
    with_permission = sum(1 for one in advice if one.detail.get("permission") is True)
    therapist_words = sum(_words(one.turn.text) for one in therapist)
    client_words = sum(_words(one.turn.text) for one in client)
    change, sustain = counts[CHANGE_TALK], counts[SUSTAIN_TALK]
    return Report(
        turns=len(coded),
        therapist_turns=len(therapist),
        client_turns=len(client),
        therapist_words=therapist_words,
        client_words=client_words,
        therapist_talk_share=_percent(therapist_words, therapist_words + client_words),
        reflections=reflections,
        questions=questions,
        reflection_to_question=round(reflections / questions, 2) if questions else None,
        complex_reflection_pct=_percent(complex_, reflections),
        open_question_pct=_percent(open_, questions),
        directing_pct=_percent(directing, len(therapist)),
        affirmations=counts[AFFIRMATION],
        advice_with_permission=with_permission,
        advice_without_permission=len(advice) - with_permission,
        self_disclosures=counts[SELF_DISCLOSURE],
        judgments=counts[JUDGMENT],
        opened_with_agenda=any(_has(one, STRUCTURING) for one in therapist[:OPENING_TURNS]),
        closed_with_summary=any(
            _has(one, STRUCTURING, COMPLEX_REFLECTION) for one in therapist[-CLOSING_TURNS:]
        ),
        interruptions=interruptions(coded),
        change_talk=change,
        sustain_talk=sustain,
        change_talk_pct=_percent(change, change + sustain),
        counts={
            code: counts[code] for code in (*THERAPIST_CODES, *CLIENT_PRIMARY, *CLIENT_MARKERS)
        },
        examples={code: tuple(chosen) for code, chosen in examples.items()},
        markers=_client_markers(client),
    )


# --- Presenting the stored JSON: rows for the page and the command line --------------------------


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    value: float | None
    shown: str  # the value as people read it: "1.4 : 1", "46%", "–"
    reference: str  # "MITI 4.2.1: fair 1:1, good 2:1 (reflections per question)" or ""
    rating: str  # "good", "fair", "below", or "" when there is no threshold or no value
    # For the bar: the value, fair and good on a 0–100 scale (None where there is none).
    bar: float | None = None
    bar_fair: float | None = None
    bar_good: float | None = None
    note: str = ""


def rating(key: str, value: float | None) -> str:
    reference = REFERENCES.get(key)
    if value is None or reference is None or reference.fair is None:
        return ""
    if reference.good is not None and value >= reference.good:
        return "good"
    return "fair" if value >= reference.fair else "below"


def _shown(key: str, value: float | None) -> str:
    if value is None:
        return "–"
    if key == "reflection_to_question":
        return f"{value:.1f} : 1"
    return f"{value:.0f}%"


RATIO_SCALE = 3.0  # the ratio bar runs from 0 to 3 reflections per question


def figure_rows(figures: Mapping[str, Any]) -> list[FigureRow]:
    """The headline figures of a stored report, in the order the page shows them."""
    rows = []
    for key, label, note_if_none in (
        ("reflection_to_question", "Reflections per question", "no questions asked"),
        ("complex_reflection_pct", "Complex reflections", "no reflections"),
        ("open_question_pct", "Open questions", "no questions asked"),
        ("therapist_talk_share", "Therapist talk share (words)", "nothing said"),
        (
            "directing_pct",
            "Turns giving advice or information",
            "not in this report (analysed before the figure existed)"
            if "directing_pct" not in figures
            else "no therapist turns",
        ),
        (
            "change_talk_pct",
            "Client change talk (of change + sustain)",
            "no change or sustain talk",
        ),
    ):
        value = figures.get(key)
        reference = REFERENCES.get(key)
        scale = RATIO_SCALE if key == "reflection_to_question" else 100.0

        def on_bar(number: float | None, scale: float = scale) -> float | None:
            return None if number is None else round(min(number, scale) * 100 / scale, 1)

        rows.append(
            FigureRow(
                key=key,
                label=label,
                value=value,
                shown=_shown(key, value),
                reference=f"{reference.source}: {reference.text}" if reference else "",
                rating=rating(key, value),
                bar=on_bar(value),
                bar_fair=on_bar(reference.fair) if reference else None,
                bar_good=on_bar(reference.good) if reference else None,
                note=note_if_none if value is None else "",
            )
        )
    return rows


def count_rows(figures: Mapping[str, Any]) -> list[tuple[str, int]]:
    return [
        ("Affirmations and validations", figures.get("affirmations", 0)),
        ("Advice with permission", figures.get("advice_with_permission", 0)),
        ("Advice without permission", figures.get("advice_without_permission", 0)),
        ("Self-disclosures", figures.get("self_disclosures", 0)),
        ("Judgments", figures.get("judgments", 0)),
        ("Interruptions", len(figures.get("interruptions", []))),
    ]


def as_text(figures: Mapping[str, Any]) -> str:
    """The report as readable lines (``alliance analyze`` without ``--json``)."""
    lines = []
    for row in figure_rows(figures):
        reference = f"   {row.reference}" if row.reference else ""
        verdict = f" ({row.rating})" if row.rating else ""
        value = row.shown if row.value is not None else f"– ({row.note})"
        lines.append(f"  {row.label:<42} {value}{verdict}{reference}")
    for label, count in count_rows(figures):
        lines.append(f"  {label:<42} {count}")
    interrupted = figures.get("interruptions", [])
    by_therapist = sum(1 for one in interrupted if one["by"] == THERAPIST)
    if interrupted:
        lines.append(
            f"  {'':<42} {by_therapist} by the therapist, "
            f"{len(interrupted) - by_therapist} by the client"
        )
    lines.append(f"  {'Opened with an agenda':<42} {_yes(figures.get('opened_with_agenda'))}")
    lines.append(f"  {'Closed with a summary':<42} {_yes(figures.get('closed_with_summary'))}")
    lines.append(
        f"  {'Client change talk / sustain talk':<42} "
        f"{figures.get('change_talk', 0)} / {figures.get('sustain_talk', 0)}"
    )
    for marker in figures.get("markers", []):
        lines.append(
            f"  {CODE_LABELS.get(marker['marker'], marker['marker']):<42} "
            f'turn {marker["index"]}: "{marker["quote"]}"'
        )
    examples = figures.get("examples", {})
    if examples:
        lines.append("  Examples:")
        for code, chosen in examples.items():
            for example in chosen:
                lines.append(
                    f"    {CODE_LABELS.get(code, code):<24} turn {example['index']}: "
                    f'"{example["quote"]}"'
                )
    return "\n".join(lines)


def _yes(value: object) -> str:
    return "yes" if value else "no"
