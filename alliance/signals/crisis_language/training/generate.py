"""Training examples for the crisis classifier, generated from the templates in this folder.

    risk.toml     risk templates, one table per construct
    benign.toml   hard benign templates (idioms, denials, other people, history...) and everyday
    slots.toml    the lines a {slot} picks from, and context sentences

and, as ordinary talk, lines of the transcript coder's examples (written for Alliance,
alliance/conversation/coder/training/NOTICE.md), less any line with risk wording: they teach the
classifier the breadth of everyday words. The lines left over are kept back (held_out_talk) to
choose the classifier's threshold on.

Deterministic: the same seed and files always give the same examples, so the shipped weights can
be regenerated and compared (see train.py). Each example is varied the way clients type: lower
case, apostrophes dropped, slang ("wanna", "u"), a slipped letter, elongated letters, no full
stop, a context sentence before or after.
"""

from __future__ import annotations

import csv
import random
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
SEED = 20261201
PER_GROUP = 450  # examples per construct or benign kind
SESSION_TALK = 1900  # client lines from the coder's examples; the rest choose the threshold
CODER_EXAMPLES = HERE.parents[2] / "conversation" / "coder" / "training" / "examples.csv"

_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")
_SLANG = (
    ("want to", "wanna"),
    ("going to", "gonna"),
    ("I'm", "im"),
    ("you", "u"),
    ("don't know", "dunno"),
    ("because", "cos"),
    ("to be honest", "tbh"),
)


@dataclass(frozen=True)
class Example:
    text: str
    risk: bool
    group: str  # the construct, or the kind of benign text


def _load(name: str) -> dict[str, object]:
    with open(HERE / name, "rb") as handle:
        return tomllib.load(handle)


def _templates(name: str) -> dict[str, tuple[list[str], int]]:
    """Each group's templates, and how many examples to make from them."""
    found: dict[str, tuple[list[str], int]] = {}
    for group, table in _load(name).items():
        assert isinstance(table, dict)
        found[group] = (list(table["templates"]), int(table.get("count", PER_GROUP)))
    return found


def _slots() -> dict[str, list[str]]:
    return {name: list(lines) for name, lines in _load("slots.toml").items()}  # type: ignore[call-overload]


def fill(template: str, slots: dict[str, list[str]], rng: random.Random) -> str:
    text = _SLOT.sub(lambda match: rng.choice(slots[match.group(1)]), template)
    text = _CHOICE.sub(lambda match: rng.choice(match.group(1).split("|")), text)
    return re.sub(r" {2,}", " ", text).strip()


def _slip(word: str, rng: random.Random) -> str:
    """One typing slip in a longer word: a letter missing, doubled or swapped."""
    at = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:at] + word[at + 1 :]
    if kind < 0.7:
        return word[:at] + word[at] + word[at:]
    return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]


def _slipped(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    long_ones = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if long_ones:
        at = rng.choice(long_ones)
        words[at] = _slip(words[at], rng)
    return " ".join(words)


def _elongated(text: str, rng: random.Random) -> str:
    vowels = [i for i, ch in enumerate(text) if ch in "aeiou"]
    if not vowels:
        return text
    at = rng.choice(vowels)
    return text[:at] + text[at] * rng.randint(3, 5) + text[at + 1 :]


def typed(text: str, rng: random.Random) -> str:
    """The sentence as a client might type it."""
    if rng.random() < 0.3:
        text = text.replace("'", "").replace("’", "")
    for plain, slang in _SLANG:
        if plain in text and rng.random() < 0.25:
            text = text.replace(plain, slang)
    if rng.random() < 0.15:
        text = _slipped(text, rng)
    if rng.random() < 0.05:
        text = _elongated(text, rng)
    if rng.random() < 0.45:
        text = text.lower()
    elif rng.random() < 0.04:
        text = text.upper()
    ending = rng.choice(("", "", ".", ".", "!", "...", " :("))
    return text.rstrip(".!") + ending


def _with_context(text: str, slots: dict[str, list[str]], rng: random.Random) -> str:
    if rng.random() >= 0.3:
        return text
    context = rng.choice(slots["context"])
    return f"{context} {text}" if rng.random() < 0.6 else f"{text}. {context}"


def _group(
    group: str,
    templates: tuple[list[str], int],
    risk: bool,
    slots: dict[str, list[str]],
    rng: random.Random,
) -> list[Example]:
    lines, count = templates
    seen: set[str] = set()
    found: list[Example] = []
    for attempt in range(count * 4):
        template = lines[attempt % len(lines)]
        text = _with_context(typed(fill(template, slots, rng), rng), slots, rng)
        if text not in seen:
            seen.add(text)
            found.append(Example(text, risk, group))
        if len(found) == count:
            break
    return found


_RISK_WORDS = re.compile(r"suicid|kill|\bdie|\bdead|death|harm|hurt (your|my)self|overdos", re.I)


def _coder_lines() -> list[str]:
    """Client lines of the coder's examples that carry no risk wording (therapists' lines,
    all "you", would teach the classifier that "I" means risk)."""
    from alliance.signals.crisis_language.lexicon import risk_matches
    from alliance.signals.crisis_language.reading import read_normalised

    with open(CODER_EXAMPLES, encoding="utf-8", newline="") as handle:
        lines = sorted(
            {row["text"] for row in csv.DictReader(handle) if row["speaker"] == "client"}
        )
    return [
        line
        for line in lines
        if not _RISK_WORDS.search(line) and not risk_matches(read_normalised(line))
    ]


def _split_talk(seed: int) -> tuple[list[str], list[str]]:
    """The coder's lines, shuffled once by the seed: the first part trains, the rest is kept
    back to choose the threshold on (ordinary talk the classifier has not seen)."""
    lines = _coder_lines()
    random.Random(seed).shuffle(lines)
    return lines[:SESSION_TALK], lines[SESSION_TALK:]


def session_talk(seed: int, rng: random.Random) -> list[Example]:
    return [Example(typed(line, rng), False, "session_talk") for line in _split_talk(seed)[0]]


def held_out_talk(seed: int = SEED) -> list[str]:
    return _split_talk(seed)[1]


def examples(seed: int = SEED) -> list[Example]:
    """Every training example: the risk constructs, the benign kinds, then ordinary talk."""
    rng = random.Random(seed)
    slots = _slots()
    found: list[Example] = []
    for name, risk in (("risk.toml", True), ("benign.toml", False)):
        for group, templates in _templates(name).items():
            found.extend(_group(group, templates, risk, slots, rng))
    context = [Example(line, False, "context") for line in slots["context"]]
    return found + context + session_talk(seed, rng)
