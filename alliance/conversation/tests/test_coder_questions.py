"""The question conventions' table: every example is decided by its own row, with the kind it names."""

from __future__ import annotations

import pytest

from alliance.conversation import coding
from alliance.conversation.coder.questions import (
    CONVENTIONS,
    STATEMENT,
    Sentence,
    deciding_convention,
    question_kind,
)

EXAMPLES = [
    pytest.param(convention, text, kind, id=f"{index}:{text}")
    for index, convention in enumerate(CONVENTIONS)
    for text, kind in convention.examples
]


def test_every_convention_has_examples():
    assert all(convention.examples for convention in CONVENTIONS)
    assert len({convention.name for convention in CONVENTIONS}) == len(CONVENTIONS)


@pytest.mark.parametrize(("convention", "text", "kind"), EXAMPLES)
def test_each_example_is_decided_by_its_own_convention(convention, text, kind):
    decided = deciding_convention(text)
    assert decided is convention
    assert decided is not None
    assert decided.kind(Sentence(text)) == kind


def test_a_sentence_no_convention_covers_is_no_question():
    assert deciding_convention("I feel tired.") is None
    assert question_kind("I feel tired.") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A clause before the question: the first later clause that opens like one decides.
        ("If you did stop, what would change?", coding.OPEN_QUESTION),
        ("When you drink, how do you feel?", coding.OPEN_QUESTION),
        ("So when you go out, do you drink?", coding.CLOSED_QUESTION),
        # A scale asks for a number whatever follows.
        ("On a scale of 0 to 10, how important is it to you?", coding.CLOSED_QUESTION),
        ("You feel stuck, right?", STATEMENT),
    ],
)
def test_question_kind_of_whole_sentences(text, kind):
    assert question_kind(text) == kind
