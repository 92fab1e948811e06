"""Small text helpers for writing the training examples: person shifts, capitals, and the
disfluencies of transcribed speech."""

from __future__ import annotations

import random
import re

_TO_YOU = {
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
}
_AFTER_I = {"am": "are", "was": "were", "wasn't": "weren't"}
_WORD = re.compile(r"[A-Za-z']+|[^A-Za-z']+")


def to_you(text: str) -> str:
    """'I get out of breath on my stairs' -> 'you get out of breath on your stairs'."""
    out: list[str] = []
    previous = ""
    for token in _WORD.findall(text):
        lower = token.lower()
        if lower in _TO_YOU:
            out.append(_TO_YOU[lower])
        elif lower in _AFTER_I and previous == "i":
            out.append(_AFTER_I[lower])
        else:
            out.append(token)
        if token.strip():
            previous = lower if re.match(r"[A-Za-z']", token) else previous
    return "".join(out)


def to_me(text: str) -> str:
    """'throw out your lighters' -> 'throw out my lighters' (for phrases without a 'you')."""
    text = re.sub(r"\byourself\b", "myself", text)
    return re.sub(r"\byour\b", "my", text)


def has_you(text: str) -> bool:
    return re.search(r"\byou\b|\byou'", text, re.IGNORECASE) is not None


def capitalise(text: str) -> str:
    """Capital at the start of the text and after every sentence end."""

    def upper(match: re.Match[str]) -> str:
        return match.group(1) + match.group(2).upper()

    text = text[:1].upper() + text[1:]
    return re.sub(r"([.?!]\s+)([a-z])", upper, text)


def decapitalise(text: str) -> str:
    """Lower-case the first letter unless the first word is 'I' or an 'I'm'-like contraction."""
    if re.match(r"I(\b|')", text):
        return text
    return text[:1].lower() + text[1:]


PREFIXES = (
    "So ",
    "So, ",
    "Okay, so ",
    "Yeah, ",
    "And ",
    "Well, ",
    "Um, ",
    "Uh, ",
    "Mm-hmm, ",
    "Right, so ",
    "Okay. ",
    "Mm-hmm. ",
    "Yeah. ",
    "Okay, ",
    "Alright, ",
    "Hmm. ",
    "Right. ",
    "I see. ",
)
MID_FILLERS = ("um,", "uh,", "you know,", "like,", "I mean,", "um", "uh")


def with_prefix(text: str, rng: random.Random, prefixes: tuple[str, ...] = PREFIXES) -> str:
    prefix = rng.choice(prefixes)
    if prefix.endswith(". "):
        return prefix + capitalise(text)
    return prefix + decapitalise(text)


def disfluent(text: str, rng: random.Random) -> str:
    """Add one or two speech disfluencies: a filler, a repeated word, or a lost full stop."""
    words = text.split(" ")
    if len(words) > 4:
        for _ in range(rng.choice((1, 1, 2))):
            position = rng.randrange(1, len(words) - 1)
            kind = rng.random()
            if kind < 0.55:
                words.insert(position, rng.choice(MID_FILLERS))
            elif kind < 0.85:
                word = words[position]
                if word.isalpha():
                    words.insert(position, word + "-")
            else:
                words.insert(position, words[position - 1].rstrip(",.") + "...")
    text = " ".join(words)
    if rng.random() < 0.25:
        text = text.rstrip(".?!")
    return text
