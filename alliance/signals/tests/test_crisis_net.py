"""The safety net (crisis_language/net.py): first-person mentions of what risk is made of are
read as risk, unless a clear frame sets them aside. Sentences here were written for these tests,
not taken from any evaluation set."""

from __future__ import annotations

import pytest

from alliance.signals.crisis_language import detect
from alliance.signals.crisis_language.net import net, net_matches, net_words
from alliance.signals.crisis_language.reading import read_normalised, spelling


def caught(text: str) -> list[str]:
    return [match.construct for match in net_matches(read_normalised(text))]


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ("the blades are back out of the drawer", "self_harm"),
        ("my arms are a mess again", "self_harm"),
        ("kept every one of my sleeping tablets in a jar", "means"),
        ("theres a belt on the hook in the loft and i know why", "means"),
        ("i keep going up to the top of the car park and looking down", "means"),
        ("i know which station and which train", "means"),
        ("gave my guitar to my cousin, he will need it more than me", "preparation"),
        ("told my sister where my passwords are, for after", "preparation"),
        ("the notes are written", "preparation"),
        ("she can have my records after", "preparation"),
        ("my husband would be free of me", "burdensomeness"),
        ("i dont see how i get through this", "hopelessness"),
        ("not sure ill make it to friday", "hopelessness"),
        ("doing it tonight", "intent"),
        ("by the time anyone reads this", "intent"),
        ("the date is picked", "plan"),
        ("hoping i get something terminal", "ideation"),
        ("a playlist for my funeral", "preparation"),
    ],
)
def test_first_person_mentions_of_risk_are_caught(text, construct):
    assert construct in caught(text), text
    assert detect(text).crisis and "net" in detect(text).tiers


@pytest.mark.parametrize(
    "text",
    [
        # an idiom or an everyday use of the same words
        "my phone died on the way home",
        "end of the month is payday",
        "the train was late again",
        "the rope swing at the park was a hit",
        "I cut my finger chopping onions",
        "the GP upped my sertraline",
        "I forgot to take my tablets this morning",
        # a clear denial
        "I'm not going to hurt myself, I promise",
        # clearly someone else
        "my dad keeps a shotgun for the farm",
        "my nephew cut his knee at football",
        # clearly work, study or media
        "as a pharmacist I counted tablets all day",
        # clearly resolved, in the past
        "I used to cut my arms as a teenager",
        # a task named beside "I'll do it tonight"
        "didn't finish the worksheet, I'll do it tonight",
        # giving away what is outgrown
        "gave my old bike to my nephew, it no longer fits me",
    ],
)
def test_the_explicit_benign_frames_set_mentions_aside(text):
    assert caught(text) == [], text


def test_someone_else_is_only_the_subject_when_the_client_is_not():
    assert caught("my dad keeps a gun in the house") == []
    assert "means" in caught("my dad keeps a gun in the house and I know where the key is")
    assert "means" in caught("grandad's pistol is in my room now")


def test_a_hedged_denial_does_not_set_a_mention_aside():
    assert detect("not sure I won't do it tonight").crisis


def test_every_group_is_shown_under_a_lexicon_construct():
    assert {group.construct for group in net().groups} <= {
        "ideation", "plan", "intent", "means", "preparation", "hopelessness",
        "burdensomeness", "self_harm", "unsafe",
    }  # fmt: skip


def test_no_net_word_is_a_spelling_key():
    """A pattern word that the normaliser rewrites could never match."""
    assert not set(spelling().table) & net_words()
