"""Phrase lists for free text: rupture markers (confrontation, withdrawal), written for Alliance.

Matching is on lower-cased text with punctuation turned into spaces and word boundaries at both
ends, so "helpless" does not match "help". Crisis language is read by
``alliance.signals.crisis_language`` (a lexicon by construct and a small classifier).
"""

from __future__ import annotations

import re

# Complaints about the therapist or the therapy (Safran and Muran's confrontation markers).
CONFRONTATION_PHRASES = (
    "you don t listen",
    "you didn t listen",
    "you weren t listening",
    "not listening",
    "didn t listen",
    "don t feel heard",
    "didn t feel heard",
    "not heard",
    "you don t get",
    "you don t understand",
    "didn t understand",
    "doesn t understand",
    "judged",
    "judging me",
    "judgmental",
    "judgemental",
    "lectured",
    "lecturing",
    "patronising",
    "patronizing",
    "condescending",
    "dismissive",
    "dismissed",
    "brushed off",
    "talked over me",
    "interrupted me",
    "kept interrupting",
    "pushed me",
    "pushy",
    "too much advice",
    "told me what to do",
    "waste of time",
    "wasting my time",
    "pointless",
    "not helping",
    "not helpful",
    "unhelpful",
    "isn t working",
    "not working",
    "doesn t help",
    "didn t help",
    "frustrated with you",
    "frustrated with therapy",
    "frustrating session",
    "annoyed with you",
    "annoyed at you",
    "not sure this is helping",
    "not sure it s helping",
    "angry with you",
    "upset with you",
    "rushed",
    "not what i wanted",
    "not what i need",
    "wrong direction",
    "off track",
    "disappointed",
    "don t trust",
    "uncomfortable with you",
)

# Pulling away: minimal, evasive or deferential answers (withdrawal markers).
WITHDRAWAL_PHRASES = (
    "i don t know",
    "dunno",
    "whatever",
    "doesn t matter",
    "does not matter",
    "no point",
    "nothing to say",
    "don t want to talk",
    "didn t want to talk",
    "rather not say",
    "not sure why i m here",
    "not sure why i come",
    "thinking of stopping",
    "might stop coming",
    "taking a break",
    "too busy",
    "it s fine i guess",
    "fine i guess",
    "i guess",
    "if you say so",
    "you re the expert",
)

# Answers so short they say nothing; a withdrawal marker only together with a low score.
MINIMAL_ANSWERS = frozenset({"ok", "okay", "fine", "no", "nothing", "n a", "na", "meh", "idk"})

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Contractions typed without the apostrophe ("dont", "cant", "im"), spelled as with one.
_BARE_CONTRACTION = re.compile(r"\b(don|can|won|didn|doesn|isn|wasn|aren|couldn|wouldn)t\b")
_BARE_IM = re.compile(r"\bim\b")


def normalise(text: str) -> str:
    """Lower case, apostrophes and punctuation as spaces, single spaces, padded for matching."""
    folded = text.lower().replace("\u2019", "'")
    spaced = _NON_WORD.sub(" ", folded).strip()
    spaced = _BARE_IM.sub("i m", _BARE_CONTRACTION.sub(r"\1 t", spaced))
    return " " + spaced + " "


def _found(text: str, phrases: tuple[str, ...]) -> list[str]:
    normal = normalise(text)
    return [phrase for phrase in phrases if f" {phrase} " in normal]


def confrontation_phrases(text: str) -> list[str]:
    return _found(text, CONFRONTATION_PHRASES)


def withdrawal_phrases(text: str) -> list[str]:
    return _found(text, WITHDRAWAL_PHRASES)


def is_minimal(text: str) -> bool:
    return normalise(text).strip() in MINIMAL_ANSWERS


_CONTRACTION = re.compile(r"\b(\w+) (t|s|m|re|ve|ll|d)\b")


def display(phrase: str) -> str:
    """A matched phrase as people write it: "didn t feel heard" → "didn't feel heard"."""
    return _CONTRACTION.sub(r"\1'\2", phrase)
