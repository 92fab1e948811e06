"""What a therapist sentence's wording settles without a model.

A sentence is settled by rules when it is a backchannel or greeting, a question (open or closed by
its opening words; a statement said with a question mark is a closed question), or carries an
unmistakable phrase of judgment, advice, information, affirmation, self-disclosure or
structuring. Everything else (reflections above all) goes to the model. The patterns were written
from the definitions in docs/conversation.md; the AnnoMI evaluation (bench/conversation_eval.py)
was used only through its aggregate figures.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from alliance.conversation import coding as c
from alliance.conversation.coder.text import opening, words
from alliance.conversation.coder.vocabulary import (
    ADVICE_PATTERN,
    ADVICE_QUESTION_PATTERN,
    AFFIRMATION_PATTERN,
    AUX,
    CLOSED_AFTER_HOW,
    CLOSED_AFTER_WHAT,
    CLOSED_WH,
    ELABORATE,
    FILLER_PHRASES,
    FILLER_WORDS,
    GREETING_PATTERN,
    INFORMATION_PATTERN,
    JUDGMENT_PATTERN,
    OPEN_MODALS,
    PERMISSION_PATTERN,
    QUESTION_AFTER_HOW,
    QUESTION_AFTER_WHAT,
    REQUEST_OPENINGS,
    SCALE_PATTERN,
    SELF_DISCLOSURE_PATTERN,
    STRUCTURING_PATTERN,
    SUBJECTS,
    SUMMARY_PATTERN,
    TAG_PATTERN,
    THERE_MORE_PATTERN,
    WH_OPEN,
    WONDER_PATTERN,
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


def question_kind(sentence: str) -> str | None:
    """OPEN_QUESTION, CLOSED_QUESTION, "statement" for a statement said as a question, or None.

    A question often opens with a clause of its own ("If you did stop, what would change?",
    "When you drink, how do you feel?"): then the first later clause that opens like a question
    decides.
    """
    kind = _question_kind(sentence)
    if SCALE_PATTERN.search(sentence.lower()):
        # "On a scale of 0 to 10, how important...?" asks for a number, whatever follows.
        return kind
    subordinate = bool(_SUBORDINATE.match(sentence))
    if kind in (None, "statement") or (kind == c.CLOSED_QUESTION and subordinate):
        clauses = re.split(r",\s*", sentence.strip())
        for clause in clauses[1:]:
            later = _question_kind(clause)
            if later in (c.OPEN_QUESTION, c.CLOSED_QUESTION) and _opens_like_question(clause):
                return later
        if subordinate and "?" in sentence:
            tokens = words(sentence)
            for first, second in itertools.pairwise(tokens[1:]):
                if first in ("what", "how", "why") and second in AUX:
                    return c.OPEN_QUESTION
    return kind


_SUBORDINATE = re.compile(
    r"^\W*(so,? |and,? |but,? |okay,? |um,? |uh,? )*(when|if|as|since|because|after|before|while|"
    r"once|now that|given|thinking|looking|in terms of|for you|in your|with|at|on|about)\b",
    re.IGNORECASE,
)


def _opens_like_question(clause: str) -> bool:
    tokens = opening(clause)
    return bool(tokens) and (
        tokens[0] in WH_OPEN | AUX | CLOSED_WH | {"tell", "describe", "explain"}
    )


def _question_kind(sentence: str) -> str | None:
    lowered = sentence.lower().strip()
    asked = lowered.endswith("?") or "?" in lowered
    tokens = opening(sentence)
    if not tokens:
        return c.CLOSED_QUESTION if asked else None
    if SCALE_PATTERN.search(lowered):
        return c.CLOSED_QUESTION if asked or tokens[0] in WH_OPEN | AUX else None
    first = tokens[0]
    second = tokens[1] if len(tokens) > 1 else ""
    rest = tokens[1:]
    if asked and TAG_PATTERN.search(lowered) and first not in WH_OPEN | AUX | CLOSED_WH:
        return "statement"
    if (
        first in ("tell", "describe", "explain")
        or (first in ("talk", "walk") and second in ("me", "us"))
        or (first == "talk" and tokens[1:3] in (["to", "me"], ["to", "us"]))
    ):
        return c.OPEN_QUESTION
    if first in ("why", "how") and " ".join(tokens[1:4]) in REQUEST_OPENINGS:
        # "Why don't you tell me about it?", "How about you walk me through it?"
        return c.OPEN_QUESTION
    if first == "help" and second == "me":
        return c.OPEN_QUESTION
    wonder = WONDER_PATTERN.match(" ".join(tokens))
    if wonder:
        # "I'm (just) wondering (, you know,) what...": what the wondering is about decides.
        following = wonder.group("rest").split()[:3]
        if {"what", "how", "why", "about"} & set(following):
            return c.OPEN_QUESTION
        if {"if", "whether"} & set(following):
            return c.OPEN_QUESTION if ELABORATE & set(tokens[3:8]) else c.CLOSED_QUESTION
        return None
    if first == "in" and second == "what":
        return c.OPEN_QUESTION
    if first in WH_OPEN:
        if first == "how" and second in CLOSED_AFTER_HOW:
            return c.CLOSED_QUESTION if asked or (len(tokens) > 2 and tokens[2] in AUX) else None
        if first == "what" and second in CLOSED_AFTER_WHAT:
            return c.CLOSED_QUESTION if asked or (len(tokens) > 2 and tokens[2] in AUX) else None
        if asked:
            return c.OPEN_QUESTION
        if first in ("what's", "whats", "how's", "hows", "why's"):
            return c.OPEN_QUESTION
        if first == "what" and second in QUESTION_AFTER_WHAT:
            return c.OPEN_QUESTION
        if first == "how" and second in QUESTION_AFTER_HOW:
            return c.OPEN_QUESTION
        if first == "why" and (second in AUX or second in ("not", "now")):
            return c.OPEN_QUESTION
        return None
    if first in CLOSED_WH:
        if first in ("who", "where", "which") and second in OPEN_MODALS:
            # "Who could help you with that?", "Where would you like to go from here?": the
            # client is asked to think and answer in their own words, not to give a fact.
            return c.OPEN_QUESTION if asked or second in AUX else None
        if first == "where" and (
            {"see", "leave", "leaves", "fit", "fits", "go", "start"} & set(rest)
        ):
            return c.OPEN_QUESTION if asked or second in AUX else None
        return c.CLOSED_QUESTION if asked or second in AUX else None
    if first in AUX:
        if (
            first in ("can", "could", "would", "will")
            and second in SUBJECTS
            and len(tokens) > 2
            and tokens[2] in ELABORATE
            and tokens[2] != "think"
        ):
            return c.OPEN_QUESTION
        if (
            second == "you"
            and tokens[2:4] in (["want", "to"], ["like", "to"], ["mind", "telling"])
            and len(tokens) > 4
            and (tokens[4] in ELABORATE or tokens[3] == "telling")
            and tokens[4] != "think"
        ):
            return c.OPEN_QUESTION
        if first in ("is", "are") and THERE_MORE_PATTERN.match(" ".join(tokens[1:6])):
            # "Is there anything else...?", "Are there other ways...?": as "Anything else?", an
            # invitation to go on in one's own words.
            return c.OPEN_QUESTION
        if asked or second in SUBJECTS:
            return c.CLOSED_QUESTION
        return None
    if first in ("anything", "any") and second in ("else", "other"):
        # "Anything else?", "Any other thoughts?": an invitation to go on in one's own words.
        return c.OPEN_QUESTION if asked else None
    if first in ("any", "anything", "anyone", "or", "ready", "shall"):
        return c.CLOSED_QUESTION if asked else None
    if asked:
        return "statement"
    return None


def therapist_sentence(sentence: str) -> SentenceRules:
    """Apply the rules to one therapist sentence."""
    result = SentenceRules()
    lowered = " ".join(sentence.lower().split())
    plain = " ".join(opening(sentence))
    flat = " ".join(words(sentence))
    if is_filler(sentence):
        result.codes.add(c.OTHER)
        result.decided = True
        return result
    result.permission = bool(PERMISSION_PATTERN.search(lowered))
    if JUDGMENT_PATTERN.search(lowered):
        result.codes.add(c.JUDGMENT)
        result.decided = True
        return result
    if ADVICE_QUESTION_PATTERN.search(plain) or ADVICE_QUESTION_PATTERN.search(flat):
        result.codes.add(c.ADVICE)
        result.decided = True
        return result
    kind = question_kind(sentence)
    if kind in (c.OPEN_QUESTION, c.CLOSED_QUESTION):
        result.codes.add(kind)
        if STRUCTURING_PATTERN.search(plain) or STRUCTURING_PATTERN.search(lowered):
            result.codes.add(c.STRUCTURING)
        result.decided = True
        return result
    if result.permission and (ADVICE_PATTERN.search(plain) or ADVICE_PATTERN.search(flat)):
        result.codes.add(c.ADVICE)
        result.decided = True
        return result
    if SUMMARY_PATTERN.search(lowered) and kind is None:
        # The summary's content is a reflection; the model reads it.
        result.codes.add(c.STRUCTURING)
        return result
    for pattern, code in (
        (STRUCTURING_PATTERN, c.STRUCTURING),
        (SELF_DISCLOSURE_PATTERN, c.SELF_DISCLOSURE),
        (ADVICE_PATTERN, c.ADVICE),
        (INFORMATION_PATTERN, c.INFORMATION),
        (AFFIRMATION_PATTERN, c.AFFIRMATION),
    ):
        if pattern.search(plain) or pattern.search(flat):
            result.codes.add(code)
            result.decided = True
            break
    if kind == "statement":
        # A statement said as a question ("So you're worried?", "..., right?"): the question
        # mark says the speaker asked, so it is a closed question (as well as any code above).
        result.codes.add(c.CLOSED_QUESTION)
        result.decided = True
    if result.decided:
        return result
    if GREETING_PATTERN.search(plain) and "?" not in lowered:
        result.codes.add(c.OTHER)
        result.decided = True
    return result
