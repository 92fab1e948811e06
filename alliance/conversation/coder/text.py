"""Sentences and words of a spoken turn."""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "–": "-", "—": " - "})
_SPACE = re.compile(r"\s+")
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = re.compile(r"\b(Dr|Mr|Mrs|Ms|St|vs|etc|approx|e\.g|i\.e)\.$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=\S)")
_WORDS = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")

# Words and sounds that open a spoken sentence without changing what it does.
LEAD_WORDS = frozenset(
    {
        "so",
        "and",
        "but",
        "okay",
        "ok",
        "well",
        "um",
        "umm",
        "uh",
        "er",
        "erm",
        "ah",
        "oh",
        "yeah",
        "yes",
        "right",
        "now",
        "alright",
        "mm",
        "mmm",
        "mm-hmm",
        "mhm",
        "uh-huh",
        "hmm",
        "hm",
        "then",
        "like",
        "sure",
        "great",
        "good",
        "see",
        "anyway",
        "also",
    }
)
_LEAD_PHRASES = ("all right", "i mean", "you know", "i see", "let me ask", "let me ask you")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


def sentences(text: str) -> list[str]:
    """Split a turn at sentence ends, keeping abbreviations like 'Dr.' inside their sentence."""
    text = normalise(text)
    if not text:
        return []
    parts: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if parts and _ABBREVIATIONS.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return [part for part in parts if part.strip(" .,-")]


def words(text: str) -> list[str]:
    """The lower-cased words, a stammered word said once: "wh-what", "wh- what", "I- I", "do do
    you" give "what", "i", "do you"."""
    lowered = _CUT_OFF.sub(_drop_cut_off, text.lower())
    tokens = [_unstammer(token) for token in _WORDS.findall(lowered)]
    return [
        token
        for position, token in enumerate(tokens)
        if position + 1 == len(tokens) or tokens[position + 1] != token
    ]


# A word cut off and said again, as transcribers write it: "wh- what", "I- I".
_CUT_OFF = re.compile(r"\b([a-z']+)-\s+(?=([a-z']+))")


def _drop_cut_off(match: re.Match[str]) -> str:
    return "" if match.group(2).startswith(match.group(1)) else match.group(0)


def _unstammer(token: str) -> str:
    """'what-what' -> 'what', 'wh-what' -> 'what', 'so-so' -> 'so'; 'mm-hmm', 'self-esteem' kept.

    ('so-so' the adjective loses its doubling too, which no rule minds.)
    """
    if "-" not in token:
        return token
    parts = token.split("-")
    last = parts[-1]
    if all(last.startswith(part) for part in parts[:-1]):
        return last
    return token


def opening(text: str) -> list[str]:
    """The sentence's words after leading discourse markers ('So, um, what...' -> 'what...')."""
    tokens = words(text)
    changed = True
    while tokens and changed:
        changed = False
        for phrase in _LEAD_PHRASES:
            size = len(phrase.split())
            if " ".join(tokens[:size]) == phrase and len(tokens) > size:
                tokens = tokens[size:]
                changed = True
        if len(tokens) > 1 and tokens[0] in LEAD_WORDS:
            tokens = tokens[1:]
            changed = True
    return tokens
