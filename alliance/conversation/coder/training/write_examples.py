"""Write ``examples.csv``, the shipped coder's labelled examples, from this folder's phrase banks.

    python -m alliance.conversation.coder.training.write_examples

Deterministic (a fixed seed): the same banks always give the same file. Every line comes from the
hand-written templates and lines in ``topics.toml``, ``therapist_lines.toml``,
``therapist_speech.toml`` and ``client_lines.toml`` (read by ``banks.py``), combined with
transcription habits (fillers, repeated words, missing question marks) by ``grammar.py``. See
NOTICE.md for the licence.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

from alliance.conversation import coding
from alliance.conversation.coder.coder import ordered
from alliance.conversation.coder.examples import SHIPPED_EXAMPLES, Example, write_examples
from alliance.conversation.coder.training import banks
from alliance.conversation.coder.training.banks import TOPICS, Topic
from alliance.conversation.coder.training.grammar import (
    capitalise,
    decapitalise,
    disfluent,
    has_you,
    to_me,
    to_you,
    with_prefix,
)

SEED = 6
_SLOT = re.compile(r"\{(\w+)\}")


def _merge(*banks: dict[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for bank in banks:
        for code, lines in bank.items():
            merged.setdefault(code, []).extend(lines)
    return merged


THERAPIST_TEMPLATES = _merge(banks.THERAPIST_LINES.templates, banks.THERAPIST_SPEECH.templates)
THERAPIST_LINES = _merge(banks.THERAPIST_LINES.lines, banks.THERAPIST_SPEECH.lines)

THERAPIST_TARGETS = {
    coding.OTHER: 500,
    coding.OPEN_QUESTION: 520,
    coding.CLOSED_QUESTION: 450,
    coding.SIMPLE_REFLECTION: 750,
    coding.COMPLEX_REFLECTION: 650,
    coding.AFFIRMATION: 260,
    coding.ADVICE: 450,
    "advice_with_permission": 60,
    coding.INFORMATION: 450,
    coding.SELF_DISCLOSURE: 140,
    coding.JUDGMENT: 320,
    coding.STRUCTURING: 220,
}
CLIENT_TARGETS = {coding.CHANGE_TALK: 850, coding.SUSTAIN_TALK: 650, coding.NEUTRAL: 700}
QUESTION_PREFIXES = (
    "So ",
    "So, ",
    "And ",
    "Okay, so ",
    "Okay. ",
    "Mm-hmm. ",
    "Yeah. ",
    "Um, ",
    "Well, ",
    "Right. ",
    "Now, ",
    "So, um, ",
    "And, uh, ",
    "I see. ",
    "Okay, and ",
)
CLIENT_PREFIXES = (
    "Yeah, ",
    "Um, ",
    "Well, ",
    "I mean, ",
    "Honestly, ",
    "Mm. ",
    "Yeah. ",
    "Uh, ",
    "So ",
    "Oh, ",
    "Yeah, no, ",
    "To be honest, ",
)


class Writer:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.rows: list[Example] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, speaker: str, text: str, codes: tuple[str, ...], primary: str) -> bool:
        text = " ".join(text.split())
        key = (speaker, text.lower())
        if not text or key in self.seen:
            return False
        self.seen.add(key)
        self.rows.append(Example(speaker, text, primary, codes))
        return True

    # --- slots ---------------------------------------------------------------------------

    def fill(self, template: str, topic: Topic, speaker: str) -> str | None:
        chosen: dict[str, str] = {}
        tips = self.rng.sample(topic["tips"], k=min(3, len(topic["tips"])))
        for name in _SLOT.findall(template):
            if name in chosen:
                continue
            value = self._slot(name, topic, tips, speaker)
            if value is None:
                return None
            chosen[name] = value
        text = _SLOT.sub(lambda match: chosen[match.group(1)], template)
        return capitalise(text)

    def _slot(self, name: str, topic: Topic, tips: list[str], speaker: str) -> str | None:
        rng = self.rng
        if name in ("tip", "tip2", "tip3"):
            index = {"tip": 0, "tip2": 1, "tip3": 2}[name]
            if index >= len(tips):
                return None
            tip = tips[index]
            if speaker == coding.CLIENT:
                tip = to_me(tip)
                return None if has_you(tip) else tip
            return tip
        if name in ("fact", "fact_lower"):
            fact = rng.choice(topic["facts"])
            return decapitalise(fact) if name == "fact_lower" else fact
        if name == "feel":
            return rng.choice(topic["feel"])
        if name == "reason_you":
            return to_you(rng.choice(topic["reasons"]))
        if name in banks.EXTRA_SLOTS:
            return rng.choice(banks.EXTRA_SLOTS[name])
        bank = {
            "it": "it",
            "ger": "ger",
            "change": "change",
            "amount": "amount",
            "good": "good",
            "bad": "bad",
            "step": "steps",
            "person": "people",
            "value": "values",
            "sustain": "sustain",
            "reason": "reasons",
        }.get(name)
        if bank is None:
            raise KeyError(f"unknown slot {name!r}")
        value: str = rng.choice(topic[bank])  # type: ignore[literal-required]
        return to_you(value) if speaker == coding.THERAPIST else value

    # --- therapist -----------------------------------------------------------------------

    def therapist_text(self, code: str, plain: bool = False) -> str | None:
        """One therapist utterance of a code; plain=True leaves out fillers and disfluencies."""
        rng = self.rng
        lines = THERAPIST_LINES.get(code, [])
        templates = THERAPIST_TEMPLATES.get(code, [])
        if lines and (
            not templates or rng.random() < len(lines) / (len(lines) + 3 * len(templates))
        ):
            text: str | None = rng.choice(lines)
        else:
            text = self.fill(rng.choice(templates), rng.choice(TOPICS), _voice(code))
        if text is None or plain:
            return text
        return self.therapist_speech(text, code)

    def therapist_speech(self, text: str, code: str) -> str:
        rng = self.rng
        question = code in (coding.OPEN_QUESTION, coding.CLOSED_QUESTION)
        if code != coding.OTHER and rng.random() < 0.3:
            text = with_prefix(text, rng, QUESTION_PREFIXES) if question else with_prefix(text, rng)
        if code != coding.OTHER and rng.random() < 0.25:
            text = disfluent(text, rng)
        if question and rng.random() < 0.12:
            text = text.rstrip("?") + rng.choice((".", "", "..."))
        return text

    def therapist_singles(self) -> None:
        for code, target in THERAPIST_TARGETS.items():
            label = coding.ADVICE if code == "advice_with_permission" else code
            self._fill_to(target, partial(self.therapist_text, code), coding.THERAPIST, label)
        fillers = banks.THERAPIST_LINES.lines[coding.OTHER]
        self._fill_to(
            120,
            lambda: f"{self.rng.choice(fillers)} {self.rng.choice(fillers)}",
            coding.THERAPIST,
            coding.OTHER,
        )

    def _fill_to(
        self, target: int, make: Callable[[], str | None], speaker: str, code: str
    ) -> None:
        added = attempts = 0
        while added < target and attempts < target * 30:
            attempts += 1
            text = make()
            if text and self.add(speaker, text, (code,), code):
                added += 1

    def therapist_combos(self, count: int) -> None:
        rng = self.rng
        reflections = (coding.SIMPLE_REFLECTION, coding.COMPLEX_REFLECTION)
        questions = (coding.OPEN_QUESTION, coding.CLOSED_QUESTION)
        shapes: list[Callable[[], tuple[list[str], set[str]] | None]] = [
            lambda: self._parts([rng.choice(reflections), coding.OPEN_QUESTION]),
            lambda: self._parts([rng.choice(reflections), coding.CLOSED_QUESTION]),
            lambda: self._parts([coding.AFFIRMATION, rng.choice(questions)]),
            lambda: self._parts([coding.AFFIRMATION, rng.choice(reflections)]),
            lambda: self._parts([rng.choice(reflections), coding.AFFIRMATION]),
            lambda: self._parts([coding.SIMPLE_REFLECTION, coding.COMPLEX_REFLECTION]),
            lambda: self._parts([coding.INFORMATION, rng.choice(questions)]),
            lambda: self._parts([rng.choice(reflections), coding.INFORMATION]),
            lambda: self._parts([coding.STRUCTURING, coding.OPEN_QUESTION]),
            lambda: self._parts([coding.SELF_DISCLOSURE, coding.ADVICE]),
            lambda: self._parts([coding.SELF_DISCLOSURE, rng.choice(questions)]),
            lambda: self._parts([coding.JUDGMENT, coding.ADVICE]),
            lambda: self._parts([rng.choice(reflections), coding.ADVICE]),
            lambda: self._parts([coding.ADVICE, coding.CLOSED_QUESTION]),
            lambda: self._parts([rng.choice(reflections), coding.STRUCTURING]),
            lambda: self._parts(
                [rng.choice(reflections), rng.choice(reflections), coding.OPEN_QUESTION]
            ),
            self._permission_then_advice,
            self._summary,
        ]
        added = attempts = 0
        while added < count and attempts < count * 30:
            attempts += 1
            made = rng.choice(shapes)()
            if made is None:
                continue
            parts, codes = made
            text = " ".join(parts)
            if rng.random() < 0.3:
                text = with_prefix(text, rng)
            if rng.random() < 0.2:
                text = disfluent(text, rng)
            final = ordered(codes)
            if self.add(coding.THERAPIST, text, final, final[0]):
                added += 1

    def _parts(self, codes: list[str]) -> tuple[list[str], set[str]] | None:
        topic = self.rng.choice(TOPICS)
        parts: list[str] = []
        for code in codes:
            templates = THERAPIST_TEMPLATES.get(code, [])
            if templates and self.rng.random() < 0.6:
                text = self.fill(self.rng.choice(templates), topic, _voice(code))
            else:
                text = self.therapist_text(code, plain=True)
            if text is None:
                return None
            parts.append(capitalise(text))
        return parts, set(codes)

    def _permission_then_advice(self) -> tuple[list[str], set[str]] | None:
        advice = self.therapist_text(coding.ADVICE, plain=True)
        if advice is None:
            return None
        question = self.rng.choice(banks.PERMISSION_QUESTIONS)
        return [question, advice], {coding.CLOSED_QUESTION, coding.ADVICE}

    def _summary(self) -> tuple[list[str], set[str]] | None:
        rng = self.rng
        topic = rng.choice(TOPICS)
        pieces = [
            self.fill(
                rng.choice(THERAPIST_TEMPLATES[coding.SIMPLE_REFLECTION]), topic, coding.THERAPIST
            ),
            self.fill(
                rng.choice(THERAPIST_TEMPLATES[coding.COMPLEX_REFLECTION]), topic, coding.THERAPIST
            ),
        ]
        if any(piece is None for piece in pieces):
            return None
        parts = [rng.choice(banks.SUMMARY_OPENINGS), *(p for p in pieces if p)]
        codes = {coding.STRUCTURING, coding.SIMPLE_REFLECTION, coding.COMPLEX_REFLECTION}
        if rng.random() < 0.4:
            parts.append(rng.choice(("Did I get that right?", "Did I miss anything?")))
            codes.add(coding.CLOSED_QUESTION)
        elif rng.random() < 0.3:
            parts.append(rng.choice(("What did I miss?", "What would you add?")))
            codes.add(coding.OPEN_QUESTION)
        return parts, codes

    # --- client --------------------------------------------------------------------------

    def client_text(self, code: str, plain: bool = False) -> str | None:
        rng = self.rng
        lines = banks.CLIENT_LINES.lines[code]
        templates = banks.CLIENT_LINES.templates[code]
        if rng.random() < len(lines) / (len(lines) + 2 * len(templates)):
            text: str | None = rng.choice(lines)
        else:
            text = self.fill(rng.choice(templates), rng.choice(TOPICS), coding.CLIENT)
        if text is None or plain:
            return text
        if rng.random() < 0.25:
            text = with_prefix(text, rng, CLIENT_PREFIXES)
        if rng.random() < 0.3:
            text = disfluent(text, rng)
        return text

    def client_singles(self) -> None:
        for code, target in CLIENT_TARGETS.items():
            self._fill_to(target, partial(self.client_text, code), coding.CLIENT, code)
        for lines, marker in (
            (banks.WITHDRAWAL, coding.WITHDRAWAL),
            (banks.CONFRONTATION, coding.CONFRONTATION),
        ):
            for text, primary in lines:
                self.add(coding.CLIENT, text, (primary, marker), primary)
            for _ in range(len(lines)):
                text, primary = self.rng.choice(lines)
                self.add(
                    coding.CLIENT,
                    with_prefix(text, self.rng, CLIENT_PREFIXES),
                    (primary, marker),
                    primary,
                )

    def client_combos(self, count: int) -> None:
        rng = self.rng
        shapes = [
            (coding.NEUTRAL, coding.CHANGE_TALK),
            (coding.NEUTRAL, coding.SUSTAIN_TALK),
            (coding.CHANGE_TALK, coding.CHANGE_TALK),
            (coding.SUSTAIN_TALK, coding.SUSTAIN_TALK),
            (coding.NEUTRAL, coding.NEUTRAL),
            (coding.CHANGE_TALK, coding.NEUTRAL),
        ]
        added = attempts = 0
        while added < count and attempts < count * 30:
            attempts += 1
            first, second = rng.choice(shapes)
            one = self.client_text(first, plain=True)
            two = self.client_text(second, plain=True)
            if not one or not two or len(one.split()) + len(two.split()) < 6:
                continue
            primary = second if second != coding.NEUTRAL else first
            text = f"{one} {two}"
            if rng.random() < 0.3:
                text = disfluent(text, rng)
            if self.add(coding.CLIENT, text, (primary,), primary):
                added += 1


def _voice(code: str) -> str:
    """Whose first person fills a therapist template: a self-disclosure speaks of 'my' habits."""
    return coding.CLIENT if code == coding.SELF_DISCLOSURE else coding.THERAPIST


def build() -> list[Example]:
    writer = Writer()
    writer.therapist_singles()
    writer.therapist_combos(700)
    writer.client_singles()
    writer.client_combos(320)
    return writer.rows


def main(argv: list[str] | None = None) -> None:
    target = Path(argv[0]) if argv else SHIPPED_EXAMPLES
    rows = build()
    write_examples(target, rows)
    counts = Counter((row.speaker, row.primary) for row in rows)
    for (speaker, primary), number in sorted(counts.items()):
        print(f"{speaker:10} {primary:20} {number}")
    print(f"{len(rows)} rows written to {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
