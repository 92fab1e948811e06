"""The coder's question conventions, as a table: which opening words make a question open or closed.

Each convention names the openings it covers, says what kind of question they make, and gives
examples; ``alliance/conversation/tests/test_coder_questions.py`` checks every example against the
table (the example must be decided by its own convention, with the kind it names). The first
convention that applies decides, so the order of the table matters: narrower conventions come
before the broader ones of the same opening word.

A kind is ``OPEN_QUESTION``, ``CLOSED_QUESTION``, ``"statement"`` (a statement said with a
question mark, which the rules count as a closed question) or ``None`` (not a question). The
conventions were written from the definitions in docs/conversation.md; the AnnoMI evaluation
(bench/conversation_eval.py) was used only through its aggregate figures.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from alliance.conversation import coding
from alliance.conversation.coder.text import opening, words
from alliance.conversation.coder.vocabulary import (
    AUX,
    CLOSED_AFTER_HOW,
    CLOSED_AFTER_WHAT,
    CLOSED_WH,
    ELABORATE,
    OPEN_MODALS,
    QUESTION_AFTER_HOW,
    QUESTION_AFTER_WHAT,
    REQUEST_OPENINGS,
    SCALE_PATTERN,
    SUBJECTS,
    TAG_PATTERN,
    THERE_MORE_PATTERN,
    WH_OPEN,
    WONDER_PATTERN,
)

OPEN = coding.OPEN_QUESTION
CLOSED = coding.CLOSED_QUESTION
STATEMENT = "statement"  # a statement said with a question mark


class Sentence:
    """One therapist sentence as the conventions read it: its opening words, and whether it asks."""

    __slots__ = ("_wonder", "_wonder_read", "asked", "first", "lowered", "second", "text", "tokens")

    def __init__(self, text: str) -> None:
        self.text = text
        self.lowered = text.lower().strip()
        self.asked = "?" in self.lowered  # it carries a question mark
        # Its words from the first one that does something (lead words such as 'so', 'um' dropped).
        self.tokens = opening(text)
        self.first = self.tokens[0] if self.tokens else ""
        self.second = self.tokens[1] if len(self.tokens) > 1 else ""
        self._wonder: list[str] | None = None
        self._wonder_read = False

    def __repr__(self) -> str:
        return f"Sentence({self.text!r})"

    def word(self, index: int) -> str:
        """The opening word at ``index`` (0 is the first), or "" past the end."""
        return self.tokens[index] if len(self.tokens) > index else ""

    @property
    def wondering_about(self) -> list[str] | None:
        """After "I'm (just) wondering (, you know,)": the next three words; None if it is no such opening."""
        if not self._wonder_read:
            wonder = WONDER_PATTERN.match(" ".join(self.tokens))
            self._wonder = wonder.group("rest").split()[:3] if wonder else None
            self._wonder_read = True
        return self._wonder


Kind = str | None


@dataclass(frozen=True)
class Convention:
    """One row of the table: where it applies, the kind it gives there, and examples of both."""

    name: str
    applies: Callable[[Sentence], bool]
    kind: Callable[[Sentence], Kind]
    examples: tuple[tuple[str, Kind], ...]


def _always(kind: Kind) -> Callable[[Sentence], Kind]:
    return lambda sentence: kind


def _if_asked(kind: Kind) -> Callable[[Sentence], Kind]:
    """``kind`` when the sentence carries a question mark, else not a question."""
    return lambda sentence: kind if sentence.asked else None


def _if_asked_or_aux_second(kind: Kind) -> Callable[[Sentence], Kind]:
    """``kind`` when asked or the second word is an auxiliary ("Where would...", "Who is...")."""
    return lambda sentence: kind if sentence.asked or sentence.second in AUX else None


def _closed_if_asked_or_aux_third(sentence: Sentence) -> Kind:
    return CLOSED if sentence.asked or sentence.word(2) in AUX else None


def _wondering_whether(sentence: Sentence) -> Kind:
    """'I wonder if you could tell me...' asks for an answer in one's own words; 'I wonder if it helped' for yes or no."""
    return OPEN if ELABORATE & set(sentence.tokens[3:8]) else CLOSED


def _is_request_to_elaborate(sentence: Sentence) -> bool:
    """'Can you tell me...', 'Would you describe...' (but not 'Can you think...')."""
    return (
        sentence.first in ("can", "could", "would", "will")
        and sentence.second in SUBJECTS
        and sentence.word(2) in ELABORATE
        and sentence.word(2) != "think"
    )


def _is_polite_request_to_elaborate(sentence: Sentence) -> bool:
    """'Do you want to tell me...', 'Would you like to describe...', 'Would you mind telling...'."""
    tokens = sentence.tokens
    return (
        sentence.second == "you"
        and tokens[2:4] in (["want", "to"], ["like", "to"], ["mind", "telling"])
        and len(tokens) > 4
        and (tokens[4] in ELABORATE or tokens[3] == "telling")
        and tokens[4] != "think"
    )


def _opens_with(words_: frozenset[str] | tuple[str, ...]) -> Callable[[Sentence], bool]:
    return lambda sentence: sentence.first in words_


_TELL_ME = ("tell", "describe", "explain")

CONVENTIONS: tuple[Convention, ...] = (
    Convention(
        "no words: a question mark alone makes a closed question",
        applies=lambda s: not s.tokens,
        kind=_if_asked(CLOSED),
        examples=(("?", CLOSED), ("...", None)),
    ),
    Convention(
        "a scale asks for a number",
        applies=lambda s: bool(SCALE_PATTERN.search(s.lowered)),
        kind=lambda s: CLOSED if s.asked or s.first in WH_OPEN | AUX else None,
        examples=(
            ("On a scale of 0 to 10, how important is it?", CLOSED),
            ("How confident are you on a scale of one to ten", CLOSED),
            ("I'd put it on a scale of 1 to 10.", None),
        ),
    ),
    Convention(
        "a statement with a question tag ('..., right?') is a statement said as a question",
        applies=lambda s: (
            s.asked
            and bool(TAG_PATTERN.search(s.lowered))
            and s.first not in WH_OPEN | AUX | CLOSED_WH
        ),
        kind=_always(STATEMENT),
        examples=(("You've been drinking less, right?", STATEMENT),),
    ),
    Convention(
        "'Tell me', 'Describe', 'Explain', 'Talk me through', 'Walk us through' ask in one's own words",
        applies=lambda s: (
            s.first in _TELL_ME
            or (s.first in ("talk", "walk") and s.second in ("me", "us"))
            or (s.first == "talk" and s.tokens[1:3] in (["to", "me"], ["to", "us"]))
        ),
        kind=_always(OPEN),
        examples=(
            ("Tell me more about that.", OPEN),
            ("Walk me through a typical day.", OPEN),
            ("Talk to me about your week.", OPEN),
        ),
    ),
    Convention(
        "'Why don't you tell me', 'How about you walk me through' are requests to go on",
        applies=lambda s: s.first in ("why", "how") and " ".join(s.tokens[1:4]) in REQUEST_OPENINGS,
        kind=_always(OPEN),
        examples=(
            ("Why don't you tell me about it?", OPEN),
            ("How about you walk me through it?", OPEN),
        ),
    ),
    Convention(
        "'Help me understand' asks in one's own words",
        applies=lambda s: s.first == "help" and s.second == "me",
        kind=_always(OPEN),
        examples=(("Help me understand what happened.", OPEN),),
    ),
    Convention(
        "'I'm wondering what/how/why/about' asks in one's own words",
        applies=lambda s: (
            s.wondering_about is not None
            and bool({"what", "how", "why", "about"} & set(s.wondering_about))
        ),
        kind=_always(OPEN),
        examples=(("I'm just wondering what that was like for you.", OPEN),),
    ),
    Convention(
        "'I'm wondering if/whether': open when it asks to tell or describe, else closed",
        applies=lambda s: (
            s.wondering_about is not None and bool({"if", "whether"} & set(s.wondering_about))
        ),
        kind=_wondering_whether,
        examples=(
            ("I wonder if you could tell me more.", OPEN),
            ("I'm wondering if that helped.", CLOSED),
        ),
    ),
    Convention(
        "any other wondering is not a question",
        applies=lambda s: s.wondering_about is not None,
        kind=_always(None),
        examples=(("I was curious too.", None),),
    ),
    Convention(
        "'In what way' asks in one's own words",
        applies=lambda s: s.first == "in" and s.second == "what",
        kind=_always(OPEN),
        examples=(("In what way did it help?", OPEN),),
    ),
    Convention(
        "'How many', 'How long' ask for a fact",
        applies=lambda s: s.first == "how" and s.second in CLOSED_AFTER_HOW,
        kind=_closed_if_asked_or_aux_third,
        examples=(("How many drinks a day?", CLOSED), ("How long have you been smoking", CLOSED)),
    ),
    Convention(
        "'What time', 'What day' ask for a fact",
        applies=lambda s: s.first == "what" and s.second in CLOSED_AFTER_WHAT,
        kind=_closed_if_asked_or_aux_third,
        examples=(("What time do you usually wake up?", CLOSED), ("What day works for you", None)),
    ),
    Convention(
        "what, how, why with a question mark ask in one's own words",
        applies=lambda s: s.first in WH_OPEN and s.asked,
        kind=_always(OPEN),
        examples=(("How did that feel?", OPEN), ("What else?", OPEN)),
    ),
    Convention(
        "'What's', 'How's', 'Why's' ask even without a question mark",
        applies=_opens_with(("what's", "whats", "how's", "hows", "why's")),
        kind=_always(OPEN),
        examples=(("What's been happening since we last met.", OPEN),),
    ),
    Convention(
        "'What' followed by a verb asks even without a question mark",
        applies=lambda s: s.first == "what" and s.second in QUESTION_AFTER_WHAT,
        kind=_always(OPEN),
        examples=(("What do you make of that.", OPEN),),
    ),
    Convention(
        "'How' followed by a verb asks even without a question mark",
        applies=lambda s: s.first == "how" and s.second in QUESTION_AFTER_HOW,
        kind=_always(OPEN),
        examples=(("How did you manage that.", OPEN),),
    ),
    Convention(
        "'Why do', 'Why not', 'Why now' ask even without a question mark",
        applies=lambda s: s.first == "why" and (s.second in AUX or s.second in ("not", "now")),
        kind=_always(OPEN),
        examples=(("Why now.", OPEN), ("Why do you think that is.", OPEN)),
    ),
    Convention(
        "what, how, why in a statement do not ask ('How it started was a mystery')",
        applies=_opens_with(WH_OPEN),
        kind=_always(None),
        examples=(("How it started was a mystery.", None),),
    ),
    Convention(
        "'Who could', 'Where would' ask the client to think, not to give a fact",
        applies=lambda s: s.first in ("who", "where", "which") and s.second in OPEN_MODALS,
        kind=_if_asked_or_aux_second(OPEN),
        examples=(
            ("Who could help you with that?", OPEN),
            ("Where would you like to go from here.", OPEN),
        ),
    ),
    Convention(
        "'Where do you see', 'Where does it fit' ask the client to think",
        applies=lambda s: (
            s.first == "where"
            and bool({"see", "leave", "leaves", "fit", "fits", "go", "start"} & set(s.tokens[1:]))
        ),
        kind=_if_asked_or_aux_second(OPEN),
        examples=(
            ("Where do you see yourself in a year?", OPEN),
            ("Where you go next is up to you.", None),
        ),
    ),
    Convention(
        "who, when, which, whose, whom, where ask for a fact",
        applies=_opens_with(CLOSED_WH),
        kind=_if_asked_or_aux_second(CLOSED),
        examples=(("When did you last drink?", CLOSED), ("When I was young.", None)),
    ),
    Convention(
        "'Can you tell me', 'Could you describe' ask in one's own words",
        applies=_is_request_to_elaborate,
        kind=_always(OPEN),
        examples=(("Can you tell me about that?", OPEN), ("Could you say more about it", OPEN)),
    ),
    Convention(
        "'Would you like to tell me', 'Would you mind telling me' ask in one's own words",
        applies=lambda s: s.first in AUX and _is_polite_request_to_elaborate(s),
        kind=_always(OPEN),
        examples=(
            ("Would you mind telling me what happened?", OPEN),
            ("Do you want to talk about it?", OPEN),
        ),
    ),
    Convention(
        "'Is there anything else', 'Are there other ways' invite one to go on",
        applies=lambda s: (
            s.first in ("is", "are") and bool(THERE_MORE_PATTERN.match(" ".join(s.tokens[1:6])))
        ),
        kind=_always(OPEN),
        examples=(
            ("Is there anything else you'd like to add?", OPEN),
            ("Are there other ways", OPEN),
        ),
    ),
    Convention(
        "an auxiliary first ('Do you', 'Is it') asks yes or no",
        applies=lambda s: s.first in AUX and (s.asked or s.second in SUBJECTS),
        kind=_always(CLOSED),
        examples=(("Do you drink every day?", CLOSED), ("Is it worse in the evening", CLOSED)),
    ),
    Convention(
        "an auxiliary first without a subject or question mark is not a question",
        applies=_opens_with(AUX),
        kind=_always(None),
        examples=(("Should have seen it coming.", None),),
    ),
    Convention(
        "'Anything else?', 'Any other thoughts?' invite one to go on",
        applies=lambda s: s.first in ("anything", "any") and s.second in ("else", "other"),
        kind=_if_asked(OPEN),
        examples=(
            ("Anything else?", OPEN),
            ("Any other thoughts?", OPEN),
            ("Anything else is fine.", None),
        ),
    ),
    Convention(
        "'Any', 'Anyone', 'Or', 'Ready', 'Shall' with a question mark ask yes or no",
        applies=_opens_with(("any", "anything", "anyone", "or", "ready", "shall")),
        kind=_if_asked(CLOSED),
        examples=(
            ("Anyone at home who smokes?", CLOSED),
            ("Or the weekend?", CLOSED),
            ("Ready when you are.", None),
        ),
    ),
    Convention(
        "any other sentence with a question mark is a statement said as a question",
        applies=lambda s: s.asked,
        kind=_always(STATEMENT),
        examples=(("So you're worried about it?", STATEMENT),),
    ),
)


def _deciding(sentence: Sentence) -> Convention | None:
    for convention in CONVENTIONS:
        if convention.applies(sentence):
            return convention
    return None


def deciding_convention(text: str) -> Convention | None:
    """The first convention of the table that applies to ``text``, or None (then it is no question)."""
    return _deciding(Sentence(text))


def clause_kind(text: str) -> Kind:
    """What the table makes of one clause, read on its own."""
    sentence = Sentence(text)
    convention = _deciding(sentence)
    return convention.kind(sentence) if convention else None


# --- Questions with a clause before them ------------------------------------------------------

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


def _later_clause_kind(sentence: str) -> Kind:
    """The kind of the first clause after the first that opens like a question, if any."""
    for clause in re.split(r",\s*", sentence.strip())[1:]:
        later = clause_kind(clause)
        if later in (OPEN, CLOSED) and _opens_like_question(clause):
            return later
    return None


def _wh_after_opening_clause(sentence: str) -> bool:
    """'If you stopped, what would change?': a what/how/why and an auxiliary after the first word."""
    tokens = words(sentence)
    return any(
        first in ("what", "how", "why") and second in AUX
        for first, second in itertools.pairwise(tokens[1:])
    )


def question_kind(sentence: str) -> str | None:
    """OPEN_QUESTION, CLOSED_QUESTION, "statement" for a statement said as a question, or None.

    A question often opens with a clause of its own ("If you did stop, what would change?",
    "When you drink, how do you feel?"): then the first later clause that opens like a question
    decides.
    """
    kind = clause_kind(sentence)
    if SCALE_PATTERN.search(sentence.lower()):
        # "On a scale of 0 to 10, how important...?" asks for a number, whatever follows.
        return kind
    subordinate = bool(_SUBORDINATE.match(sentence))
    if kind in (None, STATEMENT) or (kind == CLOSED and subordinate):
        later = _later_clause_kind(sentence)
        if later is not None:
            return later
        if subordinate and "?" in sentence and _wh_after_opening_clause(sentence):
            return OPEN
    return kind
