"""The rules-and-model coder: the shipped one, and the same machinery for a practice's own.

Each therapist turn is split into sentences. A sentence whose wording settles it (a backchannel, a
question, a phrase of advice, judgment...) is coded by ``rules``; the rest go, in one batch, to the
therapist classifier trained from the examples. The turn's codes are the union of its sentences'
codes, with two adjustments:

- a backchannel ("Mm-hmm. So you...") adds nothing to a turn that does something else;
- in a turn that gives advice or information or passes judgment, a sentence the model only
  weakly calls a reflection is taken as part of that input ("You've got kids. Smoking around
  them is dangerous." is a warning, not a reflection followed by information).

The primary code is the first of the turn's codes in ``PRIMARY_ORDER``. Advice carries
``detail["permission"]``: True when the therapist asked (in this turn before the advice, or in
their previous turn, unless the client said no in between) or the client asked what to do.

A client turn's talk type comes from the client classifier, its rupture markers from ``markers``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from alliance.conversation import coding
from alliance.conversation.coder import markers, rules
from alliance.conversation.coder.examples import Example
from alliance.conversation.coder.model import Classifier, train_client, train_therapist
from alliance.conversation.coder.text import sentences, words

# What a turn is "mostly" doing when it does several things. Giving advice or information is
# what the client hears and responds to, so it comes first; a question usually ends a turn and
# asks for the next one; a reflection before a question is the lead-in to it.
PRIMARY_ORDER = (
    coding.JUDGMENT,
    coding.ADVICE,
    coding.INFORMATION,
    coding.OPEN_QUESTION,
    coding.CLOSED_QUESTION,
    coding.COMPLEX_REFLECTION,
    coding.SIMPLE_REFLECTION,
    coding.AFFIRMATION,
    coding.SELF_DISCLOSURE,
    coding.STRUCTURING,
    coding.OTHER,
)
_RANK = {code: rank for rank, code in enumerate(PRIMARY_ORDER)}
_REFUSALS = ("no", "nope", "not really", "i'd rather not", "not now", "no thanks", "no thank you")


def ordered(codes: set[str] | Sequence[str]) -> tuple[str, ...]:
    """A turn's therapist codes in priority order, without 'other' when there is anything else."""
    unique = sorted(set(codes), key=lambda code: _RANK[code])
    if len(unique) > 1 and coding.OTHER in unique:
        unique.remove(coding.OTHER)
    return tuple(unique) or (coding.OTHER,)


@dataclass
class Models:
    therapist: Classifier
    client: Classifier


def train(examples: Sequence[Example]) -> Models:
    return Models(therapist=train_therapist(examples), client=train_client(examples))


@dataclass
class _Sentence:
    text: str
    found: rules.SentenceRules
    margin: float = 10.0  # the model's decision score; rules are sure


_INPUT = frozenset({coding.ADVICE, coding.INFORMATION, coding.JUDGMENT})
_REFLECTIONS = frozenset({coding.SIMPLE_REFLECTION, coding.COMPLEX_REFLECTION})
_QUESTIONS = frozenset({coding.OPEN_QUESTION, coding.CLOSED_QUESTION})
# A reflection inside advice, information or judgment is taken as part of it unless the model is
# sure: below 0 the reflection-against-the-rest score itself says "not a reflection", and the
# sentence only won because nothing else scored higher.
ABSORB_MARGIN = 0.0


class RuleModelCoder:
    """A ``coding.Coder``: rules plus classifiers trained (once, lazily) from examples."""

    def __init__(
        self,
        name: str,
        version: str,
        examples: Callable[[], Sequence[Example]],
    ) -> None:
        self.name = name
        self.version = version
        self._examples = examples
        self._models: Models | None = None
        self._lock = threading.Lock()

    def models(self) -> Models:
        """The trained classifiers, trained on first use and kept for the life of the process."""
        if self._models is None:
            with self._lock:
                if self._models is None:
                    self._models = train(self._examples())
        return self._models

    def code(self, turns: Sequence[coding.Turn]) -> list[coding.CodedTurn]:
        models = self.models()
        therapist = self._therapist_sentences(turns, models.therapist)
        talk = models.client.predict(
            [turn.text or "" for turn in turns if turn.speaker == coding.CLIENT]
        )
        talk_types = iter(talk)
        coded: list[coding.CodedTurn] = []
        permission_carried = False
        last_therapist: tuple[str, ...] = ()
        for position, turn in enumerate(turns):
            if turn.speaker == coding.THERAPIST:
                found = therapist[position]
                codes, primary, detail, asked = self._therapist_turn(found, permission_carried)
                coded.append(
                    coding.CodedTurn(turn=turn, codes=codes, primary=primary, detail=detail)
                )
                permission_carried = asked
                last_therapist = codes
            else:
                label, _ = next(talk_types)
                coded.append(self._client_turn(turn, label, last_therapist))
                if markers.asks_for_advice(turn.text):
                    permission_carried = True
                elif _refuses(turn.text):
                    permission_carried = False
        return coded

    def _therapist_sentences(
        self, turns: Sequence[coding.Turn], classifier: Classifier
    ) -> dict[int, list[_Sentence]]:
        """Every therapist turn's sentences with their codes, the model asked once for all."""
        found: dict[int, list[_Sentence]] = {}
        pending: list[_Sentence] = []
        for position, turn in enumerate(turns):
            if turn.speaker != coding.THERAPIST:
                continue
            parts = [_Sentence(s, rules.therapist_sentence(s)) for s in sentences(turn.text)]
            found[position] = parts
            pending.extend(part for part in parts if not part.found.decided)
        predictions = classifier.predict([part.text for part in pending])
        for part, (label, margin) in zip(pending, predictions, strict=True):
            part.margin = margin
            part.found.codes.add(label)
        return found

    @staticmethod
    def _therapist_turn(
        parts: list[_Sentence], permission_carried: bool
    ) -> tuple[tuple[str, ...], str, dict[str, object], bool]:
        """(codes, primary, detail, asks permission for what comes next) of one therapist turn."""
        all_codes: set[str] = set()
        lecture = [part for part in parts if part.found.codes & _INPUT]
        if lecture:
            for part in parts:
                if part.found.codes <= _REFLECTIONS and part.margin < ABSORB_MARGIN:
                    part.found.codes = set(lecture[0].found.codes & _INPUT)
        permission = permission_carried
        advice_permission: bool | None = None
        asked_last = False
        for part in parts:
            if part.found.permission:
                permission = True
                asked_last = True
            if coding.ADVICE in part.found.codes or coding.INFORMATION in part.found.codes:
                asked_last = False
            if coding.ADVICE in part.found.codes and advice_permission is None:
                advice_permission = permission
            all_codes |= part.found.codes
        asked = [code for part in parts for code in part.found.codes if code in _QUESTIONS]
        if len(set(asked)) > 1:
            # Stacked questions count once, as the last of them: that is the one the client is
            # left to answer ("What brings you here? Is it the drinking?" asks a closed question).
            all_codes -= _QUESTIONS - {asked[-1]}
        codes = ordered(all_codes)
        detail: dict[str, object] = {}
        if coding.ADVICE in codes:
            detail["permission"] = bool(advice_permission)
        return codes, codes[0], detail, asked_last

    @staticmethod
    def _client_turn(
        turn: coding.Turn, talk_type: str, last_therapist: tuple[str, ...]
    ) -> coding.CodedTurn:
        if not words(turn.text):
            return coding.CodedTurn(turn=turn, codes=(coding.NEUTRAL,), primary=coding.NEUTRAL)
        found = []
        if markers.withdrawal(
            turn.text, after_open_question=coding.OPEN_QUESTION in last_therapist
        ):
            found.append(coding.WITHDRAWAL)
        if markers.confrontation(turn.text):
            found.append(coding.CONFRONTATION)
        return coding.CodedTurn(turn=turn, codes=(talk_type, *found), primary=talk_type)


def _refuses(text: str) -> bool:
    phrase = " ".join(words(text))
    return any(phrase == refusal or phrase.startswith(refusal + " ") for refusal in _REFUSALS)
