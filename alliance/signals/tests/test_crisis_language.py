"""The parts of crisis detection: the normaliser, the pattern language, the lexicon's denials,
idioms and history, the classifier and its shipped weights, and hostile input."""

from __future__ import annotations

import json
import re
import time

import pytest

from alliance.signals.crisis_language import CrisisReading, classifier, detect
from alliance.signals.crisis_language.classifier import WEIGHTS
from alliance.signals.crisis_language.lexicon import lexicon, lexicon_words
from alliance.signals.crisis_language.net import net
from alliance.signals.crisis_language.normalise import MAX_CHARS
from alliance.signals.crisis_language.patterns import PatternError, compile_pattern
from alliance.signals.crisis_language.reading import read_normalised, spelling


def tokens(text: str) -> str:
    return " ".join(read_normalised(text).tokens)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("I don't wanna live", "i do not want to live"),
        ("i dont want to live", "i do not want to live"),
        ("Im sooo tired", "i am so tired"),
        ("i want to diiie", "i want to die"),
        ("k1ll myself", "kill myself"),
        ("$uicide", "suicide"),
        ("sucide", "suicide"),
        ("myslef", "myself"),
        ("kms", "kill myself"),
        ("going to unalive myself", "going to kill myself"),
        ("sewerslide thoughts", "suicide thoughts"),
        ("ill do it", "i will do it"),
        ("I feel ill", "i feel ill"),
        ("my friend's dad", "my friend s dad"),
        ("It's over. Fine!", "it is over . fine ."),
        ("hunting at dawn", "hunting at dawn"),  # a real word one slip from "hurting"
    ],
)
def test_the_normaliser_reads_how_people_type(typed, read):
    assert tokens(typed) == read


def test_evidence_is_shown_as_written():
    assert detect("honestly I dont wanna LIVE anymore").evidence == ("dont wanna LIVE",)


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal, just really tired of my commute",
        "No thoughts of hurting myself this week",
        "I haven't self harmed since we last spoke",
        "I don't want to die, I want things to be easier",
        "I'm not going to do anything to myself, I needed to vent",
        "I'm safe and well",
    ],
)
def test_clear_denials_are_not_crisis(text):
    assert not detect(text).crisis, text


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to live",
        "can't promise I won't hurt myself",
        "not sure I'll be around next week",
        "not sure I'm not suicidal",
        "I haven't self harmed yet",
        "I'm not suicidal but I have a plan to end my life",
        "I don't want to die, I just don't want to live either",
        "i cant keep myself safe",
    ],
)
def test_negations_that_do_not_negate_are_crisis(text):
    assert detect(text).crisis, text


@pytest.mark.parametrize(
    "text",
    [
        "this job is killing me",
        "I'd die for a holiday",
        "I'm dying to tell you about the new flat",
        "my feet are killing me after the walk",
        "that would be career suicide",
        "overdosed on coffee this morning",
        "I killed myself laughing at the film",
        "I keep beating myself up about it",
    ],
)
def test_idioms_are_not_crisis(text):
    assert not detect(text).crisis, text


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        ("I used to cut myself as a teenager", False),
        ("years ago I tried to kill myself, life is good now", False),
        ("one year free from self harm today", False),
        ("I used to cut myself and I started again last night", True),
        ("I stopped self harming but I relapsed", True),
    ],
)
def test_history_is_set_aside_unless_it_is_back(text, crisis):
    assert detect(text).crisis is crisis, text


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ("I've been stockpiling my tablets", "means"),
        ("I put my affairs in order this week", "preparation"),
        ("everyone would be better off without me", "burdensomeness"),
        ("I have a plan to end my life", "plan"),
        ("I'm going to kill myself tonight", "intent"),
        ("there's no way out for me", "hopelessness"),
        ("I've been burning myself again", "self_harm"),
        ("I'm scared of what I might do", "unsafe"),
        ("I wish I wouldn't wake up", "ideation"),
    ],
)
def test_each_construct_is_read(text, construct):
    reading = detect(text)
    assert reading.crisis and construct in reading.constructs, reading


def test_empty_text_is_not_crisis():
    assert detect("") == CrisisReading(False, (), (), 0.0)
    assert detect("   \n ") == CrisisReading(False, (), (), 0.0)


def test_wording_no_pattern_holds_is_flagged_by_the_classifier_with_its_score():
    reading = detect("my bed feels like the only safe place and I never want to leave it")
    assert reading.crisis and reading.constructs == () and reading.tiers == ("classifier",)
    assert reading.evidence == (f"read as risk by the classifier (score {reading.score:.2f})",)


def test_each_reader_is_named():
    assert detect("I want to kill myself").tiers[0] == "lexicon"
    assert detect("the notes are written").tiers == ("net",)
    assert detect("good session, thank you").tiers == ()


def test_the_classifier_does_not_read_sentences_that_only_tell_history():
    text = "I used to think everyone would be better off without me."
    normal = read_normalised(text)
    assert classifier.score(normal) >= classifier.threshold()  # read alone, it looks like risk
    assert not detect(text).crisis


def test_no_lexicon_word_is_a_spelling_key():
    """A pattern word that the normaliser rewrites could never match."""
    assert not set(spelling().table) & lexicon_words()


def test_the_pattern_language_refuses_what_it_cannot_read():
    for bad in ("(a|b", "a ~9 b", "a [b|]", "{NOPE}", "a+b", "a (|b)"):
        with pytest.raises(PatternError):
            compile_pattern(bad, {})


_UNBOUNDED = re.compile(r"(?<!\\)(?:[*+]|\{\d+,\})(?![+])")


def test_every_compiled_pattern_repeats_only_possessively_or_a_bounded_number_of_times():
    """No quantifier that could backtrack without limit: linear time on hostile input."""
    rules, caught = lexicon(), net()
    compiled = [p.compiled for p in rules.risk] + list(rules.safe) + list(rules.past)
    compiled += list(rules.current) + list(rules.recovery) + list(rules.relapse)
    compiled += [c for group in caught.groups for c in group.patterns + group.unless]
    compiled += list(caught.safe)
    for pattern in compiled:
        source = pattern.regex.pattern
        assert not _UNBOUNDED.search(source.replace("*+", "").replace("++", "")), source


@pytest.mark.parametrize(
    "hostile",
    [
        "kill " * 30_000,
        "i am not not not " * 10_000,
        "I wish I was dead, but I'm not suicidal. " * 3_000,
        "i used to cut myself, " * 6_000,
        "a" * 200_000,
        "." * 200_000,
        "k1ll m3 " * 20_000,
    ],
)
def test_hostile_input_is_read_quickly(hostile):
    detect("warm up")
    started = time.perf_counter()
    detect(hostile)
    assert time.perf_counter() - started < 3.0  # about 0.5 s on a busy 2-core machine


def test_only_the_first_max_chars_are_read():
    assert detect("x " * MAX_CHARS + "I want to die").crisis is False


def test_the_shipped_weights_are_what_the_templates_give():
    """Regenerating (python -m alliance.signals.crisis_language.training) changes nothing."""
    from alliance.signals.crisis_language.training.train import as_text, trained

    regenerated = json.loads(as_text(trained()))
    shipped = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    assert_same_up_to_rounding(regenerated, shipped)


def assert_same_up_to_rounding(regenerated: object, shipped: object, where: str = "") -> None:
    """Same keys, words and order; numbers equal to within one step of their two-decimal rounding.

    The solver's last bits differ with the BLAS threads a machine gives it, so a weight near
    x.xx5 may round either way; anything more than that is a real difference.
    """
    if isinstance(shipped, dict):
        assert isinstance(regenerated, dict) and list(regenerated) == list(shipped), where
        for key in shipped:
            assert_same_up_to_rounding(regenerated[key], shipped[key], f"{where}/{key}")
    elif isinstance(shipped, list):
        assert isinstance(regenerated, list) and len(regenerated) == len(shipped), where
        for index, (new, old) in enumerate(zip(regenerated, shipped, strict=True)):
            assert_same_up_to_rounding(new, old, f"{where}[{index}]")
    elif isinstance(shipped, float) and not isinstance(shipped, bool):
        assert isinstance(regenerated, (int, float)), where
        assert abs(regenerated - shipped) <= 0.0101, (where, regenerated, shipped)
    else:
        assert regenerated == shipped, where


def test_warming_up_compiles_every_pattern_before_any_request():
    from alliance.signals.crisis_language import warm_up

    warm_up()
    rules = lexicon()
    assert all("regex" in vars(pattern.compiled) for pattern in rules.risk)
    assert all("regex" in vars(compiled) for compiled in rules.safe)


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        ("tbh i wanna unalive", True),
        ("I keep picturing myself stepping off the platform", True),
        ("i want to die my hair red", False),
        ("I want to die my whole life is a mess", True),
        ("I want to kill time before the session", False),
    ],
)
def test_slang_without_an_object_and_dyeing_hair(text, crisis):
    assert detect(text).crisis is crisis, text
