"""The shipped conversation coder measured on AnnoMI (development part), and its speed.

    python bench/conversation_eval.py
    python bench/conversation_eval.py --data /path/to/annomi-dev --no-reference

AnnoMI (Wu et al. 2022/2023) is expert-annotated transcripts of motivational-interviewing
demonstration videos. It is used here only to MEASURE: the shipped coder is trained on the
project's own examples (alliance/conversation/coder/training/examples.csv) and this script prints
aggregate figures and confusion matrices only, never an utterance.

What is measured (our codes mapped onto AnnoMI's labels):

- therapist main behaviour, 4 classes, from AnnoMI-simple.csv: our primary code
  open/closed_question -> question, simple/complex_reflection -> reflection,
  advice/information -> therapist_input (AnnoMI's input includes options and negotiation),
  everything else -> other. Macro-F1.
- open vs closed question, on utterances whose main behaviour is "question" and that have a
  question subtype in AnnoMI-full.csv: our turn's question code (the first one in priority
  order); a turn we did not code as a question counts as wrong. Macro-F1.
- simple vs complex reflection, likewise on utterances whose main behaviour is "reflection".
- client talk type (change/neutral/sustain) from AnnoMI-simple.csv: our primary. Macro-F1.
- session quality: ROC AUC separating mi_quality high from low, for session formulas computed
  from the report-style figures of OUR coding. Six formulas written from the MI literature with
  no fitted weight are all printed (``SESSION_FORMULAS``: MITI 4.2.1 thresholds, MITI 3.1.1
  %MI-adherent, share of turns not directing, listening vs telling, client share of the talk,
  and MITI thresholds plus not directing), each also from AnnoMI's own labels; the one named by
  ``SESSION_SCORE`` (1 - share of therapist turns giving advice or information) was chosen
  AFTER comparing them on this development part, so its figure here is optimistic and the
  held-out part of AnnoMI is the honest test. A nested check measures the choosing itself: in
  five folds grouped by video the formula is chosen on four folds and scored on the fifth
  (conversation_session.nested_choice). Also two "?"-counting baselines (the share of therapist
  turns containing "?", and the number of "?" the therapist says).

Subtypes in AnnoMI-full.csv repeat once per annotator for the transcripts several people coded;
each utterance takes the majority subtype over its annotators, a tie going to the annotator with
the lowest id.

As a reference only, the same turn-level figures for a TF-IDF logistic-regression model trained
on AnnoMI itself, 5-fold cross-validation grouped by video_url (never saved, never shipped).

Speed: a 600-turn session built from the project's own examples, coded by a fresh coder: the
first-use training time, then the coding time; and the wall time of the installed
``alliance analyze --json`` on the same session written as a transcript file (process start,
import, training, coding, report).

The last line is exactly:
therapist_macro_f1=<x> open_closed_f1=<x> simple_complex_f1=<x> client_macro_f1=<x>
session_auc=<x> turns_per_second=<x>   (on one line)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.metrics import confusion_matrix, f1_score  # noqa: E402

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

from alliance.conversation import coding  # noqa: E402
from alliance.conversation.coder import ShippedCoder  # noqa: E402
from alliance.conversation.coder.examples import SHIPPED_EXAMPLES, read_examples  # noqa: E402
from bench.annomi import Utterance, load, transcripts  # noqa: E402
from bench.conversation_session import (  # noqa: E402
    NESTED_FOLDS,
    SESSION_FORMULAS,
    SESSION_SCORE,
    session_level,
)

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "annomi-dev"

MAIN = {
    coding.OPEN_QUESTION: "question",
    coding.CLOSED_QUESTION: "question",
    coding.SIMPLE_REFLECTION: "reflection",
    coding.COMPLEX_REFLECTION: "reflection",
    coding.ADVICE: "therapist_input",
    coding.INFORMATION: "therapist_input",
}
MAIN_LABELS = ["question", "reflection", "therapist_input", "other"]
TALK = {coding.CHANGE_TALK: "change", coding.NEUTRAL: "neutral", coding.SUSTAIN_TALK: "sustain"}
TALK_LABELS = ["change", "neutral", "sustain"]
QUESTION_SUBTYPE = {coding.OPEN_QUESTION: "open", coding.CLOSED_QUESTION: "closed"}
REFLECTION_SUBTYPE = {coding.SIMPLE_REFLECTION: "simple", coding.COMPLEX_REFLECTION: "complex"}
MISSING = "(not coded)"


def code_all(coder: Any, grouped: dict[str, list[Utterance]]) -> dict[str, list[coding.CodedTurn]]:
    coded = {}
    for transcript, rows in grouped.items():
        turns = [
            coding.Turn(index=i, speaker=row.speaker, text=row.text) for i, row in enumerate(rows)
        ]
        coded[transcript] = coder.code(turns)
    return coded


def _first(codes: tuple[str, ...], mapping: dict[str, str]) -> str:
    for code in codes:
        if code in mapping:
            return mapping[code]
    return MISSING


def turn_level(
    grouped: dict[str, list[Utterance]], coded: dict[str, list[coding.CodedTurn]]
) -> dict[str, tuple[list[str], list[str]]]:
    """(gold, predicted) per task."""
    pairs: dict[str, tuple[list[str], list[str]]] = {
        task: ([], []) for task in ("therapist", "open_closed", "simple_complex", "client")
    }
    for transcript, rows in grouped.items():
        for row, turn in zip(rows, coded[transcript], strict=True):
            if row.speaker == "therapist":
                _add(pairs["therapist"], row.main, MAIN.get(turn.primary, "other"))
                if row.main == "question" and row.question_subtype:
                    _add(
                        pairs["open_closed"],
                        row.question_subtype,
                        _first(turn.codes, QUESTION_SUBTYPE),
                    )
                if row.main == "reflection" and row.reflection_subtype:
                    predicted = (
                        REFLECTION_SUBTYPE[turn.primary]
                        if turn.primary in REFLECTION_SUBTYPE
                        else _first(turn.codes, REFLECTION_SUBTYPE)
                    )
                    _add(pairs["simple_complex"], row.reflection_subtype, predicted)
            else:
                _add(pairs["client"], row.talk, TALK.get(turn.primary, "neutral"))
    return pairs


def _add(pair: tuple[list[str], list[str]], gold: str, predicted: str) -> None:
    pair[0].append(gold)
    pair[1].append(predicted)


def macro_f1(gold: list[str], predicted: list[str], labels: list[str]) -> float:
    return float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0))


def print_matrix(title: str, gold: list[str], predicted: list[str], labels: list[str]) -> None:
    columns = labels + ([MISSING] if MISSING in predicted else [])
    matrix = confusion_matrix(gold, predicted, labels=columns)
    width = max(len(label) for label in columns) + 2
    print(f"\n{title} (rows: AnnoMI, columns: coded)")
    print(" " * width + "".join(f"{label:>{width}}" for label in columns))
    for label, row in zip(columns, matrix, strict=True):
        if label in labels:
            print(f"{label:<{width}}" + "".join(f"{value:>{width}}" for value in row))


# --- Reference: trained on AnnoMI itself --------------------------------------------------------


def _reference_model() -> Pipeline:
    """TF-IDF of words and characters, then a balanced logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    return Pipeline(
        [
            ("features", FeatureUnion([("words", words), ("chars", chars)])),
            ("classifier", LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced")),
        ]
    )


def _therapist(rows: list[Utterance], main: str | None = None) -> list[Utterance]:
    return [r for r in rows if r.speaker == "therapist" and (main is None or r.main == main)]


def reference_tasks(
    rows: list[Utterance],
) -> dict[str, tuple[list[Utterance], Callable[[Utterance], str], list[str]]]:
    """Each turn-level task: its utterances, where its gold label is read, and its labels."""
    return {
        "therapist": (_therapist(rows), lambda r: r.main, MAIN_LABELS),
        "open_closed": (
            [r for r in _therapist(rows, "question") if r.question_subtype],
            lambda r: r.question_subtype,
            ["open", "closed"],
        ),
        "simple_complex": (
            [r for r in _therapist(rows, "reflection") if r.reflection_subtype],
            lambda r: r.reflection_subtype,
            ["simple", "complex"],
        ),
        "client": ([r for r in rows if r.speaker == "client"], lambda r: r.talk, TALK_LABELS),
    }


def reference(rows: list[Utterance]) -> dict[str, float]:
    """TF-IDF + logistic regression trained on AnnoMI, GroupKFold by video (a yardstick only)."""
    from sklearn.model_selection import GroupKFold, cross_val_predict

    scores = {}
    for task, (subset, gold_of, labels) in reference_tasks(rows).items():
        gold = [gold_of(r) for r in subset]
        predicted = cross_val_predict(
            _reference_model(),
            [r.text for r in subset],
            gold,
            groups=[r.video for r in subset],
            cv=GroupKFold(n_splits=5),
        )
        scores[task] = macro_f1(gold, list(predicted), labels)
    return scores


# --- Speed ---------------------------------------------------------------------------------------


def synthetic_session(turn_count: int = 600, seed: int = 600) -> list[coding.Turn]:
    """A session of alternating therapist and client turns drawn from the project's examples."""
    examples = read_examples(SHIPPED_EXAMPLES)
    rng = random.Random(seed)  # noqa: S311 - a fixed sample, not a secret
    by_speaker = {
        speaker: [e.text for e in examples if e.speaker == speaker] for speaker in coding.SPEAKERS
    }
    speakers = [coding.THERAPIST if i % 2 == 0 else coding.CLIENT for i in range(turn_count)]
    return [
        coding.Turn(index=i, speaker=speaker, text=rng.choice(by_speaker[speaker]))
        for i, speaker in enumerate(speakers)
    ]


def command_seconds(session: list[coding.Turn]) -> float:
    """Wall time of the installed ``alliance analyze --json`` on the session written as a plain
    text transcript: process start, import, first-use training, coding and the report."""
    command = Path(sys.executable).with_name("alliance")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "session.txt"
        path.write_text(
            "".join(
                f"{'T' if turn.speaker == coding.THERAPIST else 'C'}: {turn.text}\n"
                for turn in session
            ),
            encoding="utf-8",
        )
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own installed command
            [str(command), "analyze", "--json", str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "ALLIANCE_DATA_DIR": folder, "ALLIANCE_ENV": "local"},
        )
        elapsed = time.perf_counter() - started
    if len(json.loads(done.stdout)["turns"]) != len(session):
        raise RuntimeError("alliance analyze did not code every turn")
    return elapsed


def speed() -> dict[str, float]:
    session = synthetic_session()
    coder = ShippedCoder()
    started = time.perf_counter()
    coder.models()
    trained = time.perf_counter()
    coder.code(session)
    coded = time.perf_counter()
    again_start = time.perf_counter()
    coder.code(session)
    again = time.perf_counter() - again_start
    command = command_seconds(session)
    return {
        "command_seconds": command,
        "turns": float(len(session)),
        "training_seconds": trained - started,
        "coding_seconds": coded - trained,
        "total_seconds": coded - started,
        "second_run_seconds": again,
        "turns_per_second": len(session) / (coded - trained),
    }


# --- Main --------------------------------------------------------------------------------------


TASKS = (
    ("therapist", "Therapist main behaviour", MAIN_LABELS),
    ("open_closed", "Open vs closed question", ["open", "closed"]),
    ("simple_complex", "Simple vs complex reflection", ["simple", "complex"]),
    ("client", "Client talk type", TALK_LABELS),
)


def print_turn_level(pairs: dict[str, tuple[list[str], list[str]]]) -> dict[str, float]:
    """Each turn-level task's macro-F1, accuracy and confusion matrix; returns the macro-F1s."""
    scores = {}
    for task, title, labels in TASKS:
        gold, predicted = pairs[task]
        scores[task] = macro_f1(gold, predicted, labels)
        accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
        print(f"\n== {title}: macro-F1 {scores[task]:.3f}, accuracy {accuracy:.3f}, n={len(gold)}")
        print_matrix(title, gold, predicted, labels)
        if MISSING in predicted:
            print_coded_only(gold, predicted, labels)
    return scores


def print_coded_only(gold: list[str], predicted: list[str], labels: list[str]) -> None:
    """The figure on the turns we did code with one of the task's codes."""
    covered = [(g, p) for g, p in zip(gold, predicted, strict=True) if p != MISSING]
    if covered:
        f1 = macro_f1([g for g, _ in covered], [p for _, p in covered], labels)
        print(
            f"On the {len(covered)} of {len(gold)} turns we coded with such a code: macro-F1 {f1:.3f}"
        )


def _prefixed(session: dict[str, float], prefix: str, number_format: str) -> str:
    return ", ".join(
        f"{key.removeprefix(prefix)} {value:{number_format}}"
        for key, value in session.items()
        if key.startswith(prefix)
    )


def print_session_level(session: dict[str, float]) -> None:
    print(
        f"\n== Session quality ({session['high']:.0f} high, {session['low']:.0f} low MI "
        f"transcripts): ROC AUC of the session score ({SESSION_SCORE}) "
        f"{session['session_auc']:.3f}"
    )
    print(
        "every formula compared (chosen after comparing them on this part, so the chosen "
        "figure is optimistic):"
    )
    for name, (description, _) in SESSION_FORMULAS.items():
        mark = "*" if name == SESSION_SCORE else " "
        print(
            f" {mark} {name:<24} ours {session['formula:' + name]:.3f}  "
            f"AnnoMI's labels {session['gold:' + name]:.3f}  {description}"
        )
    print(f"each figure alone (AUC, the better direction): {_prefixed(session, 'part:', '.3f')}")
    print(
        f"nested check of the choice ({NESTED_FOLDS} folds by video, the formula chosen on the "
        f"other folds each time): ROC AUC {session['nested_auc']:.3f}; "
        f"chosen: {_prefixed(session, 'chosen:', '.0f')}"
    )
    print(
        f"'?' baselines: share of therapist turns with a '?' {session['baseline_auc']:.3f}; "
        f"number of '?' the therapist says {session['baseline_count_auc']:.3f}"
    )


def print_reference(rows: list[Utterance], scores: dict[str, float]) -> None:
    ref = reference(rows)
    print(
        "\n== Reference: TF-IDF logistic regression trained on AnnoMI "
        "(5-fold GroupKFold by video; never shipped)"
    )
    for task, title, _ in TASKS:
        print(f"{title}: macro-F1 {ref[task]:.3f} (shipped coder {scores[task]:.3f})")


def print_speed(timing: dict[str, float]) -> None:
    print(
        f"\n== Speed: {timing['turns']:.0f}-turn synthetic session: first-use training "
        f"{timing['training_seconds']:.2f} s, coding {timing['coding_seconds']:.2f} s, total "
        f"{timing['total_seconds']:.2f} s; a second session {timing['second_run_seconds']:.2f} s; "
        f"{timing['turns_per_second']:.0f} turns/s; time in an embedding model: 0 (none used); "
        f"the installed `alliance analyze --json` on it as a file, from process start: "
        f"{timing['command_seconds']:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the annomi-dev folder")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the model trained on AnnoMI (slow)"
    )
    args = parser.parse_args()

    timing = speed()
    rows = load(args.data)
    grouped = transcripts(rows)
    coder = ShippedCoder()
    coded = code_all(coder, grouped)
    print(
        f"Coder: {coder.name} {coder.version}; AnnoMI dev: {len(grouped)} transcripts, "
        f"{len(rows)} utterances"
    )
    scores = print_turn_level(turn_level(grouped, coded))
    session = session_level(grouped, coded)
    print_session_level(session)
    if not args.no_reference:
        print_reference(rows, scores)
    print_speed(timing)
    print(
        f"therapist_macro_f1={scores['therapist']:.3f} open_closed_f1={scores['open_closed']:.3f} "
        f"simple_complex_f1={scores['simple_complex']:.3f} client_macro_f1={scores['client']:.3f} "
        f"session_auc={session['session_auc']:.3f} "
        f"turns_per_second={timing['turns_per_second']:.0f}"
    )


if __name__ == "__main__":
    main()
