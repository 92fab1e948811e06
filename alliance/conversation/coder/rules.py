"""What a therapist sentence's wording settles without a model.

A sentence is settled by rules when it is a backchannel or greeting, a question (open or closed by
its opening words, after the table of conventions in ``questions.py``; a statement said with a
question mark is a closed question), or carries an
unmistakable phrase of judgment, advice, information, affirmation, self-disclosure or
structuring. Everything else (reflections above all) goes to the model. The patterns were written
from the definitions in docs/conversation.md; the AnnoMI evaluation (bench/conversation_eval.py)
was used only through its aggregate figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from alliance.conversation import coding
from alliance.conversation.coder.questions import question_kind
from alliance.conversation.coder.text import opening, words
from alliance.conversation.coder.vocabulary import (
    ADVICE_PATTERN,
    ADVICE_QUESTION_PATTERN,
    AFFIRMATION_PATTERN,
    FILLER_PHRASES,
    FILLER_WORDS,
    GREETING_PATTERN,
    INFORMATION_PATTERN,
    JUDGMENT_PATTERN,
    PERMISSION_PATTERN,
    SELF_DISCLOSURE_PATTERN,
    STRUCTURING_PATTERN,
    SUMMARY_PATTERN,
)

# --- Therapist: what a sentence's wording settles ---------------------------------------------


@dataclass
class SentenceRules:
    """What the rules made of one therapist sentence."""

    codes: set[str] = field(default_factory=set)
    decided: bool = False  # True when the model need not be asked
    permission: bool = False  # the sentence asks permission to advise or inform


def _chunks_are_fillers(text: str) -> bool:
    chunks = [" ".join(words(chunk)) for chunk in re.split(r"[,.!?;:()]+|\.\.\.|-+\s", text)]
    chunks = [chunk for chunk in chunks if chunk]
    if not chunks:
        return True
    for chunk in chunks:
        if chunk in FILLER_PHRASES:
            continue
        if all(word in FILLER_WORDS for word in chunk.split()) and len(chunk.split()) <= 4:
            continue
        return False
    return True


def is_filler(sentence: str) -> bool:
    """A backchannel, acknowledgement or sound that does nothing else ('Mm-hmm.', 'Okay, great.')."""
    return _chunks_are_fillers(sentence)


def therapist_sentence(sentence: str) -> SentenceRules:
    """Apply the rules to one therapist sentence."""
    result = SentenceRules()
    lowered = " ".join(sentence.lower().split())
    plain = " ".join(opening(sentence))
    flat = " ".join(words(sentence))
    if is_filler(sentence):
        result.codes.add(coding.OTHER)
        result.decided = True
        return result
    result.permission = bool(PERMISSION_PATTERN.search(lowered))
    if JUDGMENT_PATTERN.search(lowered):
        result.codes.add(coding.JUDGMENT)
        result.decided = True
        return result
    if ADVICE_QUESTION_PATTERN.search(plain) or ADVICE_QUESTION_PATTERN.search(flat):
        result.codes.add(coding.ADVICE)
        result.decided = True
        return result
    kind = question_kind(sentence)
    if kind in (coding.OPEN_QUESTION, coding.CLOSED_QUESTION):
        result.codes.add(kind)
        if STRUCTURING_PATTERN.search(plain) or STRUCTURING_PATTERN.search(lowered):
            result.codes.add(coding.STRUCTURING)
        result.decided = True
        return result
    if result.permission and (ADVICE_PATTERN.search(plain) or ADVICE_PATTERN.search(flat)):
        result.codes.add(coding.ADVICE)
        result.decided = True
        return result
    if SUMMARY_PATTERN.search(lowered) and kind is None:
        # The summary's content is a reflection; the model reads it.
        result.codes.add(coding.STRUCTURING)
        return result
    for pattern, code in (
        (STRUCTURING_PATTERN, coding.STRUCTURING),
        (SELF_DISCLOSURE_PATTERN, coding.SELF_DISCLOSURE),
        (ADVICE_PATTERN, coding.ADVICE),
        (INFORMATION_PATTERN, coding.INFORMATION),
        (AFFIRMATION_PATTERN, coding.AFFIRMATION),
    ):
        if pattern.search(plain) or pattern.search(flat):
            result.codes.add(code)
            result.decided = True
            break
    if kind == "statement":
        # A statement said as a question ("So you're worried?", "..., right?"): the question
        # mark says the speaker asked, so it is a closed question (as well as any code above).
        result.codes.add(coding.CLOSED_QUESTION)
        result.decided = True
    if result.decided:
        return result
    if GREETING_PATTERN.search(plain) and "?" not in lowered:
        result.codes.add(coding.OTHER)
        result.decided = True
    return result
