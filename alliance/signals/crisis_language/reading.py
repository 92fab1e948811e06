"""One reading of a client's free text: is it crisis language, under which constructs, and why.

Three readers, any of which is enough to call it a crisis (a missed crisis is the one failure
this product must not have; a false alarm costs a therapist a short note):

- the **lexicon** (lexicon.py): expressions of risk written by hand, grouped by construct, with
  clear denials, idioms and history set aside. Its evidence is the wording as the client wrote it.
- the **safety net** (net.py): first-person mentions of what risk is made of (dying, a means,
  preparations, ending, being a burden, self-injury, not going on), set aside only by a narrow
  set of frames. It catches risk said through a situation, which the lexicon cannot list.
  Its evidence is the wording too.
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
from alliance.signals.crisis_language.net import net, net_context, net_matches, net_words
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
    tiers: tuple[str, ...] = ()  # which readers read it as risk: lexicon, net, classifier


NOT_CRISIS = CrisisReading(False, (), (), 0.0)


@cache
def spelling() -> Spelling:
    return load_spelling(lexicon_words() | net_words())


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
    context = net_context(normal)
    matches = risk_matches(normal, context=context)
    caught = net_matches(normal, context)
    score = classifier.score(normal, context.settled)
    flagged_by_classifier = score >= classifier.threshold()
    tiers = tuple(
        tier
        for tier, fired in (
            ("lexicon", matches),
            ("net", caught),
            ("classifier", flagged_by_classifier),
        )
        if fired
    )
    if not tiers:
        return CrisisReading(False, (), (), score)
    found = matches + caught
    evidence = _wordings(found, normal) if found else (classifier_note(score),)
    return CrisisReading(True, _constructs(found), evidence, score, tiers)


def warm_up() -> None:
    """Load the spelling table, the lexicon (every pattern compiled) and the classifier's
    weights now, so that no client's request pays for it (about half a second of CPU)."""
    rules, caught = lexicon(), net()
    every = [pattern.compiled for pattern in rules.risk] + [*rules.safe, *caught.safe]
    every += [*rules.past, *rules.current, *rules.recovery, *rules.relapse]
    every += [compiled for group in caught.groups for compiled in group.patterns + group.unless]
    for compiled in every:
        compiled.regex  # noqa: B018 - compiled on first use; used here for that
    detect("warm up")
