"""Session quality for bench/conversation_eval.py: the figures each session formula uses (from
the report Alliance shows the therapist), the formulas compared, the same figures from AnnoMI's
own labels, and how well each separates high- from low-quality MI (ROC AUC), including a nested
check of choosing the formula on part of the transcripts and scoring it on the rest."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sklearn.metrics import roc_auc_score

from alliance.conversation import coding
from alliance.conversation.report import build_report
from bench.annomi import Utterance


def figures(turns: list[coding.CodedTurn]) -> dict[str, float]:
    """The figures the session formulas use, from the session report Alliance shows the therapist
    (``report.build_report``: turns carrying each code) and from the coded turns."""
    report = build_report(turns)
    therapist = [one for one in turns if one.turn.speaker == coding.THERAPIST]
    count = len(therapist)
    reflecting = sum(bool(set(one.codes) & REFLECTION_CODES) for one in therapist)
    informing = sum(bool(set(one.codes) & INPUT_CODES) for one in therapist)  # as the report
    if report.questions:
        ratio = report.reflections / report.questions
    else:
        ratio = 2.0 if report.reflections else 0.0  # reflections and no questions: "good"
    non_adherent = report.advice_without_permission + report.judgments
    adherent = report.affirmations + report.advice_with_permission
    return {
        "reflection_to_question": ratio,
        "complex_share": (report.complex_reflection_pct or 0.0) / 100,
        "open_share": (report.open_question_pct or 0.0) / 100,
        "non_adherent_share": non_adherent / count if count else 0.0,
        "adherent_pct": adherent / (adherent + non_adherent) if adherent + non_adherent else 1.0,
        "input_share": (report.directing_pct or 0.0) / 100,  # "turns giving advice or information"
        "listening_share": reflecting / (reflecting + informing) if reflecting + informing else 0.5,
        "talk_share": (report.therapist_talk_share or 0.0) / 100,
    }


REFLECTION_CODES = frozenset({coding.SIMPLE_REFLECTION, coding.COMPLEX_REFLECTION})
INPUT_CODES = frozenset({coding.ADVICE, coding.INFORMATION})


def miti_thresholds(figure: dict[str, float]) -> float:
    """0-1, the mean of four parts, each 1 at MITI 4.2.1 'good' competence (or MITI 3.1.1's, for
    open questions, which MITI 4 no longer thresholds) and falling linearly to 0:

    - reflection-to-question ratio: 1 at R:Q >= 2 (MITI good), i.e. min(R:Q / 2, 1);
    - complex reflections: 1 at >= 50% of reflections (MITI good), min(%CR / 0.5, 1);
    - open questions: 1 at >= 70% of questions (MITI 3.1.1 good), min(%OQ / 0.7, 1);
    - MI-non-adherent turns (advice without permission, judgment): 1 at none, 0 at 10% or more
      of the therapist's turns, 1 - min(share / 0.1, 1).

    Fixed before it was first run on AnnoMI (the benchmark's first session score).
    """
    parts = (
        min(figure["reflection_to_question"] / 2, 1.0),
        min(figure["complex_share"] / 0.5, 1.0),
        min(figure["open_share"] / 0.7, 1.0),
        1 - min(figure["non_adherent_share"] / 0.1, 1.0),
    )
    return sum(parts) / len(parts)


# The session formulas compared (higher = better MI). Each is written from the MI literature with
# no weight fitted; they were compared on this development part and the one named in
# SESSION_SCORE chosen after seeing all of them, so its figure here is optimistic (the held-out
# part of AnnoMI is the honest test).
SESSION_FORMULAS: dict[str, tuple[str, Any]] = {
    "miti_thresholds": (
        "mean of R:Q, %complex, %open, non-adherence against MITI 'good' (the first score)",
        miti_thresholds,
    ),
    "mi_adherent_pct": (
        "MITI 3.1.1 %MI-adherent: (affirm + advice with permission) / (those + advice "
        "without permission + judgment)",
        lambda f: f["adherent_pct"],
    ),
    "not_directing": (
        "1 - share of therapist turns giving advice or information (directing style)",
        lambda f: 1 - f["input_share"],
    ),
    "listening_vs_telling": (
        "reflecting turns / (reflecting + advice-or-information turns)",
        lambda f: f["listening_share"],
    ),
    "client_talk_share": (
        "1 - therapist share of the words spoken",
        lambda f: 1 - f["talk_share"],
    ),
    "miti_plus_not_directing": (
        "mean of the four MITI parts and 1 - input share (equal weights)",
        lambda f: (4 * miti_thresholds(f) + 1 - f["input_share"]) / 5,
    ),
}
SESSION_SCORE = "not_directing"


def session_score(figure: dict[str, float]) -> float:
    """The session score the benchmark reports: the formula named by ``SESSION_SCORE``."""
    return float(SESSION_FORMULAS[SESSION_SCORE][1](figure))


def gold_figures(rows: list[Utterance]) -> dict[str, float]:
    """The same figures from AnnoMI's own labels (main behaviour, subtypes). AnnoMI marks
    neither permission, judgment nor affirmation, so the adherence figures are left at 'none'
    ('all adherent'); input is AnnoMI's therapist_input; talk share counts words."""
    therapist = [row for row in rows if row.speaker == "therapist"]
    questions = sum(row.main == "question" for row in therapist)
    reflections = sum(row.main == "reflection" for row in therapist)
    informing = sum(row.main == "therapist_input" for row in therapist)
    complex_ = [row.reflection_subtype for row in therapist if row.reflection_subtype]
    open_ = [row.question_subtype for row in therapist if row.question_subtype]
    therapist_words = sum(len(row.text.split()) for row in therapist)
    all_words = sum(len(row.text.split()) for row in rows)
    return {
        "reflection_to_question": reflections / questions
        if questions
        else (2.0 if reflections else 0.0),
        "complex_share": complex_.count("complex") / len(complex_) if complex_ else 0.0,
        "open_share": open_.count("open") / len(open_) if open_ else 0.0,
        "non_adherent_share": 0.0,
        "adherent_pct": 1.0,
        "input_share": informing / len(therapist) if therapist else 0.0,
        "listening_share": reflections / (reflections + informing)
        if reflections + informing
        else 0.5,
        "talk_share": therapist_words / all_words if all_words else 0.0,
    }


def question_mark_share(rows: list[Utterance]) -> float:
    therapist = [row for row in rows if row.speaker == "therapist"]
    return sum("?" in row.text for row in therapist) / len(therapist) if therapist else 0.0


def question_mark_count(rows: list[Utterance]) -> float:
    return float(sum(row.text.count("?") for row in rows if row.speaker == "therapist"))


def session_level(
    grouped: dict[str, list[Utterance]], coded: dict[str, list[coding.CodedTurn]]
) -> dict[str, float]:
    labels = [1 if rows[0].quality == "high" else 0 for rows in grouped.values()]
    ours = [figures(coded[transcript]) for transcript in grouped]
    gold = [gold_figures(rows) for rows in grouped.values()]
    results = {
        "session_auc": float(roc_auc_score(labels, [session_score(f) for f in ours])),
        "baseline_auc": float(
            roc_auc_score(labels, [question_mark_share(rows) for rows in grouped.values()])
        ),
        "baseline_count_auc": float(
            roc_auc_score(labels, [question_mark_count(rows) for rows in grouped.values()])
        ),
        "gold_formula_auc": float(roc_auc_score(labels, [session_score(f) for f in gold])),
        "high": float(sum(labels)),
        "low": float(len(labels) - sum(labels)),
    }
    for name, (_, formula) in SESSION_FORMULAS.items():
        results[f"formula:{name}"] = float(roc_auc_score(labels, [formula(f) for f in ours]))
        results[f"gold:{name}"] = float(roc_auc_score(labels, [formula(f) for f in gold]))
    lower_is_better = {"non_adherent_share", "input_share", "talk_share"}
    for key in ours[0]:
        sign = -1 if key in lower_is_better else 1
        results[f"part:{key}"] = float(roc_auc_score(labels, [sign * f[key] for f in ours]))
    videos = [rows[0].video for rows in grouped.values()]
    nested_auc, chosen = nested_choice(labels, videos, ours)
    results["nested_auc"] = nested_auc
    for name, times in chosen.items():
        results[f"chosen:{name}"] = float(times)
    return results


NESTED_FOLDS = 5


def nested_choice(
    labels: list[int], videos: list[str], ours: list[dict[str, float]]
) -> tuple[float, Counter[str]]:
    """The honest figure for "compare the formulas, keep the best": in each of five folds
    grouped by video, the formula is chosen on the other four folds' transcripts only, and each
    held-out transcript is scored by where its value of that formula falls among the training
    transcripts' values (its mid-rank percentile, so folds that chose different formulas can be
    pooled); the ROC AUC of the pooled percentiles, and how often each formula was chosen."""
    from sklearn.model_selection import StratifiedGroupKFold

    values = {
        name: [float(formula(f)) for f in ours] for name, (_, formula) in SESSION_FORMULAS.items()
    }
    percentiles = [0.0] * len(labels)
    chosen: Counter[str] = Counter()
    folds = StratifiedGroupKFold(n_splits=NESTED_FOLDS, shuffle=True, random_state=0)
    for train, test in folds.split(labels, labels, groups=videos):
        train_labels = [labels[i] for i in train]
        training_auc = {
            name: float(roc_auc_score(train_labels, [values[name][i] for i in train]))
            for name in SESSION_FORMULAS
        }
        best = max(SESSION_FORMULAS, key=training_auc.__getitem__)  # a tie keeps the first
        chosen[best] += 1
        reference = [values[best][i] for i in train]
        for i in test:
            value = values[best][i]
            below = sum(other < value for other in reference)
            equal = sum(other == value for other in reference)
            percentiles[i] = (below + equal / 2) / len(reference)
    return float(roc_auc_score(labels, percentiles)), chosen
