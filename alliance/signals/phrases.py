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
MINIMAL_ANSWERS = frozenset(
    {"", "ok", "okay", "fine", "no", "nothing", "n a", "na", "meh", "idk", "pass", "same", "sure"}
)

# Patterns for the same markers said in more ways, by the categories of the Rupture Resolution
# Rating System (Eubanks, Muran and Safran 2015): complaints about the therapist (not attending,
# interrupting, late, judging), about the activities and parameters of therapy (homework, an
# abrupt ending, an agenda or goals not the client's), about progress (going nowhere, leaving
# worse), and speaking up about the relationship itself ("it's been bothering me"). Matched on
# normalised text (apostrophes as spaces).
_FELT = r"(?:felt|feel|feeling|was|being) "
CONFRONTATION_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r" you (?:were|seemed|looked|sounded|are|re) (?:so |a bit |really )?(?:distracted|bored|"
        r"elsewhere|impatient|annoyed|cold|distant|not interested|on your phone) ",
        r" (?:watching|checking|looking at|glancing at) (?:the|your) (?:clock|time|watch|phone) ",
        r" (?:cut|talked|spoke) (?:me )?(?:off|over me) ",
        r" interrupt(?:ed|ing|s)? me ",
        r" changed the subject ",
        r" you (?:were|re|are) late ",
        r" late again ",
        r" (?:didn t|did not|don t|do not|never) feel (?:listened to|heard|understood|seen|"
        r"respected|believed|taken seriously) ",
        _FELT + r"(?:blamed|judged|criticised|criticized|dismissed|patronised|patronized|"
        r"pushed|pressured|lectured|belittled|ignored|talked down to|told off|invalidated) ",
        r" just another (?:client|number|case|appointment) ",
        r" (?:your|you had your|you have your) own agenda ",
        r" (?:please )?stop telling me ",
        r" (?:don t|do not|didn t|did not) (?:appreciate|like) (?:being|how you|the way you|it "
        r"when you|that you) ",
        r" (?:don t|do not|can t|cannot) see the point of (?:the|this|these|your|coming|therapy) ",
        r" why i (?:bothered|bother|even) (?:coming|came) ",
        r" (?:went|going|getting|gets) nowhere ",
        r" not getting anywhere ",
        r" (?:round|around) in circles ",
        r" left (?:feeling|more) worse ",
        r" (?:ending|end|session) (?:was|felt) (?:abrupt|rushed|too short|cut short) ",
        r" goals? (?:that )?(?:aren t|are not|isn t|is not|weren t) mine ",
        r" you laughed ",
        r" (?:the way|how) (?:it|that|this) was handled ",
        r" (?:it s|it has|has) been bothering me ",
        r" didn t say (?:it|this|that) in the (?:room|session) ",
        r" felt like (?:an? )?(?:interrogation|lecture|telling off|box ticking|tick box) ",
    )
)
# Withdrawal said in more ways: deference, avoidance and going through the motions.
WITHDRAWAL_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r" i suppose ",
        r" (?:not|nothing) much to (?:say|report|add) ",
        r" no (?:strong )?(?:feelings|comment|comments) ",
        r" you decide ",
        r" whatever you (?:think|want|say) ",
        r" (?:don t|do not) mind what we do ",
        r" (?:just )?want to get (?:through|it over)",
        r" didn t really (?:get into|talk about|say) ",
        r" (?:all|much) the same really ",
        r" same as (?:last|every|always) ",
        r" too tired to (?:fill|write|answer|say) ",
        r" rather not (?:go into|talk|get into|say) ",
        r" might (?:skip|miss|cancel|not come) ",
    )
)

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


def _matched(text: str, patterns: tuple[re.Pattern[str], ...]) -> list[str]:
    normal = normalise(text)
    return [m.group(0).strip() for pattern in patterns if (m := pattern.search(normal))]


def confrontation_phrases(text: str) -> list[str]:
    found = _found(text, CONFRONTATION_PHRASES)
    return found + [m for m in _matched(text, CONFRONTATION_PATTERNS) if m not in found]


def withdrawal_phrases(text: str) -> list[str]:
    found = _found(text, WITHDRAWAL_PHRASES)
    return found + [m for m in _matched(text, WITHDRAWAL_PATTERNS) if m not in found]


def is_minimal(text: str) -> bool:
    """A one-word answer, or only punctuation ("-", ".")."""
    return bool(text.strip()) and normalise(text).strip() in MINIMAL_ANSWERS


_CONTRACTION = re.compile(r"\b(\w+) (t|s|m|re|ve|ll|d)\b")


def display(phrase: str) -> str:
    """A matched phrase as people write it: "didn t feel heard" → "didn't feel heard"."""
    return _CONTRACTION.sub(r"\1'\2", phrase)
