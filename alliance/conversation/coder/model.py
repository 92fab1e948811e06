"""The learned part of a coder: TF-IDF features and a linear classifier, trained from examples.

Two classifiers, trained deterministically in about a second from the examples CSV and held in
memory (nothing is written to disk, nothing is unpickled):

- therapist: one sentence -> one therapist code other than a question, trained on the sentences
  of the examples that carry a single code (a row with several codes says which codes a turn
  has, not which sentence has which);
- client: one turn -> change_talk, sustain_talk or neutral.

Features are word 1-2-grams and character 2-5-grams inside word boundaries, so spelling variants
and disfluencies ("I- I", "gonna") still share features. The classifier is a linear support-vector
machine (liblinear): on these 20,000-odd sparse features it trains in well under a second on two
cores, where logistic regression's solvers took 5 to 15 seconds to converge, and the two score
alike; the coder needs only the best label, not a probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from alliance.conversation import coding
from alliance.conversation.coder.examples import Example
from alliance.conversation.coder.rules import is_filler
from alliance.conversation.coder.text import normalise, sentences


class NotEnoughExamples(ValueError):
    pass


def _pipeline(c_value: float) -> Pipeline:
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    lowercase=True,
                    token_pattern=r"(?u)[a-z0-9]+(?:'[a-z]+)?|\?",  # noqa: S106 - not a password
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                    lowercase=True,
                    min_df=2,
                ),
            ),
        ]
    )
    classifier = LinearSVC(C=c_value, random_state=0, max_iter=5000)
    return Pipeline([("features", features), ("classifier", classifier)])


@dataclass
class Classifier:
    pipeline: Pipeline
    labels: tuple[str, ...]

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(label, margin) for each text: the margin is the winning class's decision score."""
        if not texts:
            return []
        scores = self.pipeline.decision_function([normalise(text) for text in texts])
        classes = list(self.pipeline.classes_)
        if len(classes) == 2:
            return [
                (str(classes[1]), float(s)) if s > 0 else (str(classes[0]), float(-s))
                for s in scores
            ]
        best = scores.argmax(axis=1)
        return [(str(classes[i]), float(scores[row, i])) for row, i in enumerate(best)]


def _fit(texts: list[str], labels: list[str], c_value: float, what: str) -> Classifier:
    distinct = sorted(set(labels))
    if len(distinct) < 2:
        raise NotEnoughExamples(
            f"{what} rows: at least two different codes are needed to learn from "
            f"(rows with a single code only; found {', '.join(distinct) or 'none'})"
        )
    pipeline = _pipeline(c_value)
    try:
        pipeline.fit([normalise(text) for text in texts], labels)
    except ValueError as error:  # e.g. an empty vocabulary: texts with no words at all
        raise NotEnoughExamples(f"{what} rows: cannot learn from these texts ({error})") from error
    return Classifier(pipeline, tuple(distinct))


# Regularisation: strong, because the examples are written, and speech in real sessions is
# looser than any set of written examples.
THERAPIST_C = 0.05
CLIENT_C = 0.3
_QUESTIONS = (coding.OPEN_QUESTION, coding.CLOSED_QUESTION)


def therapist_sentences(examples: Sequence[Example]) -> tuple[list[str], list[str]]:
    """(sentence, code) pairs the therapist classifier learns from.

    It codes one sentence at a time, so it learns from sentences: every sentence of an example
    with a single code, less the backchannels that open it ("Okay. So you...") unless the code
    is ``other``. Questions are left out: the question rules decide them, by their wording.
    """
    texts: list[str] = []
    labels: list[str] = []
    for example in examples:
        if example.speaker != coding.THERAPIST or len(example.codes) != 1:
            continue
        if example.primary in _QUESTIONS:
            continue
        parts = sentences(example.text)
        if example.primary != coding.OTHER:
            parts = [part for part in parts if not is_filler(part)] or parts
        texts.extend(parts)
        labels.extend([example.primary] * len(parts))
    return texts, labels


def train_therapist(examples: Sequence[Example]) -> Classifier:
    texts, labels = therapist_sentences(examples)
    return _fit(texts, labels, THERAPIST_C, "therapist")


def train_client(examples: Sequence[Example]) -> Classifier:
    rows = [e for e in examples if e.speaker == coding.CLIENT]
    return _fit([e.text for e in rows], [e.primary for e in rows], CLIENT_C, "client")
