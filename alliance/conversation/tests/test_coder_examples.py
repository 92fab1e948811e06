"""The shipped training examples: enough of them, valid, regenerated exactly by their script,
and learned well enough that the coder agrees with most of them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from alliance.conversation import coding
from alliance.conversation.coder import shipped_coder
from alliance.conversation.coder.examples import SHIPPED_EXAMPLES, read_examples
from alliance.conversation.coder.training import write_examples


@pytest.fixture(scope="module")
def examples():
    return read_examples(SHIPPED_EXAMPLES)


def test_there_are_enough_examples_of_every_code(examples):
    speakers = Counter(e.speaker for e in examples)
    assert speakers[coding.THERAPIST] >= 2500
    assert speakers[coding.CLIENT] >= 1500
    primaries = Counter(e.primary for e in examples)
    for code in (*coding.THERAPIST_CODES, *coding.CLIENT_PRIMARY):
        assert primaries[code] >= 100, code
    markers = Counter(code for e in examples for code in e.codes if code in coding.CLIENT_MARKERS)
    assert markers[coding.WITHDRAWAL] >= 50 and markers[coding.CONFRONTATION] >= 50
    assert sum(1 for e in examples if len(e.codes) > 1 and e.speaker == coding.THERAPIST) >= 500


def test_the_licence_note_sits_beside_the_examples():
    notice = (SHIPPED_EXAMPLES.parent / "NOTICE.md").read_text()
    assert "written for Alliance" in notice
    assert "AnnoMI" in notice


def test_the_script_regenerates_the_csv_exactly(tmp_path: Path):
    target = tmp_path / "examples.csv"
    write_examples.main([str(target)])
    assert target.read_bytes() == SHIPPED_EXAMPLES.read_bytes()


def test_the_coder_agrees_with_its_own_single_code_examples(examples):
    coder = shipped_coder()
    single = [e for e in examples if len(e.codes) == 1]
    turns = [coding.Turn(i, e.speaker, e.text) for i, e in enumerate(single)]
    coded = coder.code(turns)
    agree = sum(one.primary == e.primary for one, e in zip(coded, single, strict=True))
    # Not 1.0: strong regularisation, and the rules overrule the examples where they are sure.
    assert agree / len(single) >= 0.85
