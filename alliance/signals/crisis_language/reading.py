"""One reading of a client's free text: is it crisis language, under which constructs, and why.

Two readers, either of which is enough to call it a crisis (a missed crisis is the one failure
this product must not have; a false alarm costs a therapist a minute):

- the **lexicon** (lexicon.py): expressions written by hand, grouped by construct, with clear
  denials, idioms and history set aside. Its evidence is the wording as the client wrote it.
- the **classifier** (classifier.py): a small linear model trained on examples written for
  Alliance, which catches phrasings no one wrote a pattern for. Its evidence is a note with its
  score.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from alliance.signals.crisis_language import classifier
from alliance.signals.crisis_language.lexicon import (
    CONSTRUCTS,
    Match,
    lexicon,
    lexicon_words,
    risk_matches,
)
from alliance.signals.crisis_language.normalise import (
    Normalised,
    Spelling,
    load_spelling,
    normalise,
)


@dataclass(frozen=True)
class CrisisReading:
    crisis: bool
    constructs: tuple[str, ...]  # from the lexicon, in the order of CONSTRUCTS
    evidence: tuple[str, ...]  # matched wording as written, or the classifier's note
    score: float  # the classifier's probability of risk (0 to 1)


NOT_CRISIS = CrisisReading(False, (), (), 0.0)


@cache
def spelling() -> Spelling:
    return load_spelling(lexicon_words())


def read_normalised(text: str) -> Normalised:
    return normalise(text, spelling())


def _constructs(matches: list[Match]) -> tuple[str, ...]:
    found = {match.construct for match in matches}
    return tuple(construct for construct in CONSTRUCTS if construct in found)


def _wordings(matches: list[Match], text: Normalised) -> tuple[str, ...]:
    """The matched wording as the client wrote it: overlapping matches read as one stretch,
    each stretch once, in the order of the text."""
    stretches: list[list[int]] = []
    for match in sorted(matches, key=lambda match: match.start):
        if stretches and match.start < stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], match.end)
        else:
            stretches.append([match.start, match.end])
    wordings: list[str] = []
    for start, end in stretches:
        wording = text.as_written(start, end)
        if wording and wording not in wordings:
            wordings.append(wording)
    return tuple(wordings)


def classifier_note(score: float) -> str:
    return f"read as risk by the classifier (score {score:.2f})"


def detect(text: str) -> CrisisReading:
    """Read a client's free text for crisis language (English only).

    Readings are remembered for the last few thousand texts: every evaluation of an episode
    reads all of its texts again, and a reading never changes for the same text."""
    return _remembered(text)


@lru_cache(maxsize=4096)
def _remembered(text: str) -> CrisisReading:
    return read_afresh(text)


def read_afresh(text: str) -> CrisisReading:
    """detect() without the memory of earlier readings (for measuring speed)."""
    if not text or not text.strip():
        return NOT_CRISIS
    normal = read_normalised(text)
    matches = risk_matches(normal)
    score = classifier.score(normal)
    flagged_by_classifier = score >= classifier.threshold()
    if not matches and not flagged_by_classifier:
        return CrisisReading(False, (), (), score)
    evidence = _wordings(matches, normal)
    if flagged_by_classifier and not matches:
        evidence = (classifier_note(score),)
    return CrisisReading(True, _constructs(matches), evidence, score)


def warm_up() -> None:
    """Load the spelling table, the lexicon (every pattern compiled) and the classifier's
    weights now, so that no client's request pays for it (about half a second of CPU)."""
    rules = lexicon()
    for compiled in (*(pattern.compiled for pattern in rules.risk), *rules.safe):
        compiled.regex  # noqa: B018 - compiled on first use; used here for that
    for group in (rules.past, rules.current, rules.recovery, rules.relapse):
        for compiled in group:
            compiled.regex  # noqa: B018
    detect("warm up")
