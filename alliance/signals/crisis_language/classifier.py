"""The crisis classifier: logistic regression on words, word pairs and letter groups.

Trained (training/train.py) only on examples generated here from hand-written templates, and
shipped as ``data/classifier.json``: one weight per feature, readable, loaded with the standard
library in a few milliseconds, so no request pays for scikit-learn. Scoring is a sum of weights.

A text is read one sentence, and one pair of neighbouring sentences, at a time, and its score is
the highest: a risk sentence keeps its score however much ordinary text surrounds it.
Features are taken from the normalised words (normalise.py), so "dont wanna live" and "don't want
to live" look alike: each word, each pair of neighbouring words, and the groups of three to five
letters inside each word (which carry misspellings and new forms of a word). Every feature of a
window weighs 1 / sqrt(number of features), so long windows do not score higher for their length.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alliance.signals.crisis_language.normalise import CLAUSE_BREAK, SENTENCE_END, Normalised

WEIGHTS = Path(__file__).parent / "data" / "classifier.json"
LETTERS = (3, 5)


@dataclass(frozen=True, eq=False)
class Model:
    weights: dict[str, float]
    intercept: float
    threshold: float


def features(words: Sequence[str]) -> set[str]:
    """The features of one window of normalised words."""
    found: set[str] = set()
    for index, word in enumerate(words):
        found.add("w " + word)
        if index:
            found.add(f"b {words[index - 1]} {word}")
        padded = f" {word} "
        for size in range(LETTERS[0], LETTERS[1] + 1):
            for start in range(len(padded) - size + 1):
                found.add("c " + padded[start : start + size])
    return found


def sentence_spans(text: Normalised) -> list[tuple[list[str], range]]:
    """Each sentence's words, and where it lies in the normalised text (character offsets)."""
    found: list[tuple[list[str], range]] = []
    words: list[str] = []
    start = 0
    for token, offset in zip(text.tokens, text.offsets, strict=True):
        if token == SENTENCE_END:
            if words:
                found.append((words, range(start, offset)))
            words = []
        elif token != CLAUSE_BREAK:
            if not words:
                start = offset - 1
            words.append(token)
    if words:
        found.append((words, range(start, len(text.joined))))
    return found


def sentences(text: Normalised) -> list[list[str]]:
    return [words for words, _ in sentence_spans(text)]


def windows(
    text: Normalised, settled: Callable[[range], bool] | None = None
) -> Iterator[list[str]]:
    """Each sentence, and each pair of neighbouring sentences, leaving out any sentence that
    ``settled`` says only tells history or a clear denial (and the pairs it is part of)."""
    parts = [
        None if settled is not None and settled(span) else words
        for words, span in sentence_spans(text)
    ]
    for index, sentence in enumerate(parts):
        if sentence is None:
            continue
        yield sentence
        following = parts[index + 1] if index + 1 < len(parts) else None
        if following is not None:
            yield sentence + following


def window_score(words: Sequence[str], model: Model) -> float:
    found = features(words)
    if not found:
        return 0.0
    total = sum(model.weights.get(feature, 0.0) for feature in found)
    logit = model.intercept + total / math.sqrt(len(found))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))


def score_with(
    text: Normalised, model: Model, settled: Callable[[range], bool] | None = None
) -> float:
    return max((window_score(words, model) for words in windows(text, settled)), default=0.0)


def model_from(data: dict[str, object]) -> Model:
    weights, intercept, threshold = data["weights"], data["intercept"], data["threshold"]
    if not isinstance(weights, dict) or not isinstance(intercept, int | float):
        raise ValueError("classifier.json: weights must be an object and intercept a number")
    if not isinstance(threshold, int | float):
        raise ValueError("classifier.json: threshold must be a number")
    return Model(
        {str(key): float(value) for key, value in weights.items()},
        float(intercept),
        float(threshold),
    )


@cache
def shipped() -> Model:
    with open(WEIGHTS, encoding="utf-8") as handle:
        return model_from(json.load(handle))


def score(text: Normalised, settled: Callable[[range], bool] | None = None) -> float:
    """The shipped classifier's probability that the text is risk (0 to 1), read on the
    sentences that ``settled`` does not set aside."""
    return score_with(text, shipped(), settled)


def threshold() -> float:
    return shipped().threshold
