"""Train the crisis classifier on the generated examples and write ``data/classifier.json``.

    .venv/bin/python -m alliance.signals.crisis_language.training

Deterministic: the same templates give the same file (a test regenerates it and compares).
Logistic regression (liblinear, balanced classes) on the features of classifier.py; weights are
rounded and the smallest dropped, which keeps the file small and changes no score by more than a
hair. The threshold is chosen on ordinary talk held back from training (generate.py): the score
that at most 5 in 1,000 of those lines reach, and never below 0.5.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

from alliance.signals.crisis_language.classifier import (
    WEIGHTS,
    Model,
    features,
    score_with,
    sentences,
    windows,
)
from alliance.signals.crisis_language.reading import read_normalised
from alliance.signals.crisis_language.training.generate import (
    SEED,
    Example,
    examples,
    held_out_talk,
)

C = 4.0
DECIMALS = 2
SMALLEST = 0.05  # weights below this are dropped
FALSE_ALARMS = 0.005  # on held-back ordinary talk
LOWEST_THRESHOLD = 0.5


def _weighted(words: list[str]) -> dict[str, float]:
    found = features(words)
    value = 1.0 / math.sqrt(len(found))
    return dict.fromkeys(found, value)


def training_windows(rows: Iterable[Example]) -> tuple[list[dict[str, float]], list[int]]:
    """A risk example as one window (which sentence carries the risk is not known); every
    window of a benign example, so ordinary sentences around a risk one learn to score low."""
    found: list[dict[str, float]] = []
    labels: list[int] = []
    for row in rows:
        normal = read_normalised(row.text)
        if row.risk:
            parts = [[word for sentence in sentences(normal) for word in sentence]]
        else:
            parts = list(windows(normal))
        for words in parts:
            if words:
                found.append(_weighted(words))
                labels.append(int(row.risk))
    return found, labels


def fit(rows: list[Example]) -> tuple[dict[str, float], float]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    found, labels = training_windows(rows)
    vectoriser = DictVectorizer(sort=True)
    matrix = vectoriser.fit_transform(found).tocsr()
    matrix.indices = matrix.indices.astype("int32")  # liblinear takes 32-bit indices only
    matrix.indptr = matrix.indptr.astype("int32")
    model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=2000)
    model.fit(matrix, labels)
    names = vectoriser.get_feature_names_out()
    weights = {
        str(name): round(float(weight), DECIMALS)
        for name, weight in zip(names, model.coef_[0], strict=True)
        if abs(weight) >= SMALLEST
    }
    return weights, round(float(model.intercept_[0]), DECIMALS)


def choose_threshold(model: Model, ordinary: list[str]) -> float:
    """The score above which at most 0.5% of held-back ordinary talk lies (5 in 1,000), and
    at least 0.5: the classifier errs towards flagging, within a false-alarm budget."""
    scores = sorted(score_with(read_normalised(line), model) for line in ordinary)
    at = scores[min(len(scores) - 1, math.ceil(len(scores) * (1 - FALSE_ALARMS)))]
    return round(max(LOWEST_THRESHOLD, math.ceil(at * 100) / 100), 2)


def trained() -> dict[str, object]:
    rows = examples(SEED)
    weights, intercept = fit(rows)
    model = Model(weights, intercept, 0.0)
    threshold = choose_threshold(model, held_out_talk(SEED))
    return {
        "about": "Crisis classifier for Alliance: logistic regression on word, word-pair and "
        "letter-group features (classifier.py), trained by training/train.py on examples "
        "generated from the templates in training/. Regenerate, do not edit.",
        "seed": SEED,
        "examples": len(rows),
        "intercept": intercept,
        "threshold": threshold,
        "weights": weights,
    }


def as_text(data: dict[str, object]) -> str:
    return json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n"


def write(path: Path = WEIGHTS) -> None:
    data = trained()
    path.write_text(as_text(data), encoding="utf-8")
    weights = data["weights"]
    assert isinstance(weights, dict)
    print(f"{path}: {len(weights)} weights, threshold {data['threshold']}")
