"""Crisis language, third round: texting shorthand and symbols read as words, the net's groups
for kinds of wording the second round had no pattern for, groups whose mentions are risk whoever
the subject, and the trigger-word index that keeps the detector fast. Sentences here were written
for these tests, not taken from any evaluation set."""

from __future__ import annotations

import pytest

from alliance.signals.crisis_language import detect
from alliance.signals.crisis_language.lexicon import lexicon
from alliance.signals.crisis_language.net import net, net_matches
from alliance.signals.crisis_language.patterns import PatternError, TokenSet, parse, triggered
from alliance.signals.crisis_language.reading import read_normalised


def words(text: str) -> str:
    return read_normalised(text).joined.strip(" .")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("what if i just unalive", "what if i just die"),
        ("wanna unalive myself", "want to kill myself"),
        ("she od'd", "she overdosed"),
        ("rly tired ig", "really tired i guess"),
        ("wont need em", "will not need them"),
        ("keep thinkin about it", "keep thinking about it"),
        ("id stay if", "i would stay if"),
        ("\U0001f48a\U0001f52a", "pills knife"),
        ("sleep > this", "sleep better than this"),
    ],
)
def test_texting_shorthand_and_symbols_are_read_as_words(typed, read):
    assert words(typed) == read


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ("pls someone ring me right now its really bad", "unsafe"),
        ("i dont trust myself near the tablets tonight", "unsafe"),
        ("friday it's happening. love you all", "intent"),
        ("honestly ready to rage quit real life", "ideation"),
        ("nobody would notice if i despawned lol", "ideation"),
        ("bought a box of blades, dont ask what for, not for shaving", "means"),
        ("the balcony on the 9th floor never gets locked", "means"),
        ("worked out the route to the cliffs on my phone", "plan"),
        ("i know where and when. thats enough", "plan"),
        ("left my brother a list of who gets my games", "preparation"),
        ("they'd cry for a bit and then honestly be better off", "burdensomeness"),
        ("why even bother sticking around", "hopelessness"),
        ("started the scratching thing again last night", "self_harm"),
        ("told the nurse it was the cat. it wasn't", "self_harm"),
    ],
)
def test_round_three_kinds_of_wording_are_caught(text, construct):
    found = [match.construct for match in net_matches(read_normalised(text))]
    assert construct in found, (text, found)
    assert detect(text).crisis


@pytest.mark.parametrize(
    "text",
    [
        "in fortnite i jumped off a cliff and respawned lol",
        "my little sister has been cutting her own fringe, it looks mad",
        "my flatmate jokes about kms every exam season",
        "walked over the bridge to college every day this week",
        "skipped breakfast, not on purpose, the bus was early",
        "revising pharmacology, so many lethal doses to learn",
        "the pharmacist said never to mix these pills with alcohol",
        "I found the last session really helpful, thank you",
        "I don't need help with the forms, thanks",
        "so tired i could die lol, night shift done",
    ],
)
def test_round_three_frames_set_ordinary_wording_aside(text):
    assert not detect(text).crisis, (text, detect(text).evidence)


def test_a_burden_is_risk_whoever_is_the_subject_but_a_means_still_needs_the_client():
    assert detect("my parents would have an easier life without me").crisis
    assert not detect("my uncle keeps a rifle for the deer").crisis


def test_a_gap_longer_than_eight_words_is_an_error_not_a_gap_and_a_word():
    with pytest.raises(PatternError):
        parse("a ~10 b")
    assert parse("a ~8 b") == [("word", "a"), ("gap", 8), ("word", "b")]


@pytest.mark.parametrize(
    "text",
    [
        "i keep stockpiling paracetamol and thinking about the bridge",
        "suicidal thoughts again, the voices say jump",
        "an ordinary day: work, gym, tea with mum",
        "unsubscribing from life tbh, cant do this",
    ],
)
def test_the_trigger_index_finds_exactly_the_patterns_a_word_by_word_check_finds(text):
    """The index (patterns.triggered) is a shortcut: it must choose the same patterns as asking
    every pattern whether its trigger words are in the text."""
    tokens = read_normalised(text).tokens
    sequences = [tuple(p.compiled for p in lexicon().risk), lexicon().safe, net().safe]
    sequences += [group.patterns for group in net().groups]
    for patterns in sequences:
        assert triggered(patterns, TokenSet(tokens)) == triggered(patterns, frozenset(tokens))
