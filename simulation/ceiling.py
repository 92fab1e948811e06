"""The ceiling on observables: how well *any* rule could do on a scenario, from what the product
can observe, so the gap between the engine and the best reachable figure is visible.

Two questions, per scenario:

- **Ruptures.** What share of the injected dips left any trace the product can see (points
  off an answered check-in total, a rupture comment, a missed appointment in the dip's
  window; recorded by the calibrated scenarios, ``InjectedRupture.total_shift``), and the best
  recall at precision 0.60 that a flexible model of the observables reaches: gradient boosting
  on one row per check-in and per missed appointment (the client's own history before it, the
  next check-in and appointment after it, as the rules' confirmation reads them; the comment's
  rupture phrases), trained on the tuning seeds with the truth labels, scored on held-out
  episodes exactly as the bench scores the rules (``simulation.metrics.score_ruptures``), a
  run of flagged moments opening one rupture episode.
- **Dropout.** The AUC at the last attended session of gradient boosting on the observables a
  day after each attended session (attendance, check-ins, comments, PHQ-9), trained on the
  tuning seeds, beside the scenario's true probability (its oracle: the latent state, which no
  model of the observables can reach).

Both are estimates from below of the observable ceiling (a better model could do a little
better), and both are measured by models that see labels no practice has: they bound what
rules could reach, they are not products. scikit-learn is a development dependency; this
module is for the bench and is never imported by the product.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import fmean, pstdev
from typing import Any

from alliance.signals import phrases
from alliance.signals.evidence import CheckIn, Visit
from simulation.episode import InjectedRupture, SimEpisode
from simulation.metrics import CASELOAD, Figures, score_ruptures
from simulation.stats import auc

MISSED = ("no_show", "late_cancelled")
DAY = timedelta(days=1)
TARGET_PRECISION = 0.60
NAN = math.nan


# --- what the injected dips left behind -------------------------------------------------------


@dataclass
class Traces:
    dips: int = 0
    recorded: int = 0  # dips whose trace the scenario recorded
    in_total: dict[int, int] = field(default_factory=dict)  # at least n points off a total
    voiced: int = 0
    missed: int = 0
    nothing: int = 0  # no point off a total, no comment, no missed appointment
    faint: int = 0  # at most 2 points off a total, no comment, no missed appointment

    def share(self, count: int) -> float:
        return count / self.recorded if self.recorded else NAN


def traces(sims: Sequence[SimEpisode]) -> Traces:
    out = Traces()
    for r in _dips(sims):
        out.dips += 1
        if r.total_shift is None:
            continue
        out.recorded += 1
        for n in (1, 3, 5):
            out.in_total[n] = out.in_total.get(n, 0) + int(r.total_shift >= n)
        out.voiced += int(bool(r.voiced))
        out.missed += int(bool(r.missed))
        quiet = not r.voiced and not r.missed
        out.nothing += int(quiet and r.total_shift == 0)
        out.faint += int(quiet and r.total_shift <= 2)
    return out


def _dips(sims: Sequence[SimEpisode]) -> list[InjectedRupture]:
    return [r for s in sims for r in s.truth.ruptures if r.kind == "dip"]


# --- rupture rows: one per check-in and per missed appointment --------------------------------


@dataclass(frozen=True)
class Moment:
    episode: int  # index in the list of sims
    at: datetime
    features: list[float]
    label: bool  # inside an injected window (a dip or a disengaging slide)
    onset: bool  # the first moment inside that window
    texts: tuple[str, str, str]  # the comments of this check-in, the next, the previous


def _comment_flags(checkin: CheckIn | None) -> list[float]:
    if checkin is None:
        return [NAN, NAN, NAN, NAN]
    text = checkin.comment or ""
    return [
        float(bool(text.strip())),
        float(bool(phrases.confrontation_phrases(text))),
        float(bool(phrases.withdrawal_phrases(text))),
        float(phrases.is_minimal(text)),
    ]


def _history(totals: list[float]) -> list[float]:
    if not totals:
        return [NAN] * 6 + [0.0]
    return [
        fmean(totals),
        max(totals),
        pstdev(totals) if len(totals) > 1 else NAN,
        totals[-1],
        totals[-2] if len(totals) > 1 else NAN,
        fmean(totals[-3:]),
        float(len(totals)),
    ]


def _between(visits: list[Visit], start: datetime | None, end: datetime | None) -> float:
    return float(
        sum(
            1
            for v in visits
            if v.status in MISSED
            and (start is None or v.start > start)
            and (end is None or v.start < end)
        )
    )


def _moment_features(
    sim: SimEpisode, at: datetime, this: CheckIn | None, missed_here: bool
) -> list[float]:
    checkins, visits = sim.evidence.checkins, sim.evidence.visits
    earlier = [c for c in checkins if c.at < at]
    later = [c for c in checkins if c.at > at]
    totals = [c.total for c in earlier if c.total is not None]
    history = _history(totals)
    total = this.total if this is not None and this.total is not None else NAN
    nxt = later[0] if later else None
    nxt_total = nxt.total if nxt is not None and nxt.total is not None else NAN
    nxt_visit = next((v for v in visits if v.start > at), None)
    prev_at = earlier[-1].at if earlier else None
    attended_after = [v for v in visits if v.start > at and v.status == "attended"]
    skipped_next = float(
        bool(attended_after)
        and not any(c.appointment_id == attended_after[0].appointment_id for c in later)
    )
    mean = history[0]
    return [
        float(missed_here),
        total,
        float(this is not None and this.total is None),
        *history,
        total - mean,
        total - history[3],
        nxt_total,
        nxt_total - mean,
        float(nxt is not None and nxt.total is None),
        *_comment_flags(this),
        *_comment_flags(nxt),
        *_comment_flags(earlier[-1] if earlier else None),
        _between(visits, prev_at, at),
        _between(visits, at, nxt.at if nxt is not None else None),
        float(nxt_visit is not None and nxt_visit.status in MISSED),
        float(nxt_visit is None),
        skipped_next,
        (at - prev_at).days if prev_at is not None else NAN,
        (nxt.at - at).days if nxt is not None else NAN,
    ]


def _window(sim: SimEpisode, at: datetime) -> InjectedRupture | None:
    return next((r for r in sim.truth.ruptures if r.start - DAY <= at <= r.end), None)


def _texts(sim: SimEpisode, at: datetime, this: CheckIn | None) -> tuple[str, str, str]:
    checkins = sim.evidence.checkins
    nxt = next((c.comment for c in checkins if c.at > at), "")
    prev = next((c.comment for c in reversed(checkins) if c.at < at), "")
    return (this.comment if this is not None else "", nxt, prev)


def rupture_moments(sims: Sequence[SimEpisode]) -> list[Moment]:
    rows = []
    for n, sim in enumerate(sims):
        events: list[tuple[datetime, CheckIn | None]] = [(c.at, c) for c in sim.evidence.checkins]
        events += [(v.start, None) for v in sim.evidence.visits if v.status in MISSED]
        seen: set[int] = set()
        for at, checkin in sorted(events, key=lambda e: e[0]):
            features = _moment_features(sim, at, checkin, checkin is None)
            window = _window(sim, at)
            onset = window is not None and id(window) not in seen
            if window is not None:
                seen.add(id(window))
            texts = _texts(sim, at, checkin)
            rows.append(Moment(n, at, features, window is not None, onset, texts))
    return rows


def _text_model(train: list[Moment]) -> tuple[Any, list[float]]:
    """TF-IDF and logistic regression on the comments (is this comment's check-in inside an
    injected window?), and its out-of-fold probabilities on the training comments (so the
    boosting model never learns from a text score that saw its own label)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline

    rows = [m for m in train if m.texts[0]]
    texts, labels = [m.texts[0] for m in rows], [m.label for m in rows]
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(C=4.0, max_iter=2000),
    )
    folds = list(cross_val_predict(model, texts, labels, cv=5, method="predict_proba")[:, 1])
    model.fit(texts, labels)
    return model, folds


def _with_text(
    moments: list[Moment], model: Any, own: dict[str, float] | None
) -> list[list[float]]:
    """Each row's features and the text model's score of its three comments (NaN: none)."""
    wanted = sorted({t for m in moments for t in m.texts if t})
    scores = dict(zip(wanted, model.predict_proba(wanted)[:, 1], strict=True)) if wanted else {}
    if own:
        scores.update(own)  # out-of-fold scores for the training comments
    return [[*m.features, *(scores.get(t, NAN) if t else NAN for t in m.texts)] for m in moments]


# --- the flexible model and the exact bench scoring -------------------------------------------


def _boosting(rows_x: list[list[float]], rows_y: list[bool]) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    model = HistGradientBoostingClassifier(
        max_iter=300, learning_rate=0.05, max_leaf_nodes=31, l2_regularization=1.0, random_state=0
    )
    with threadpool_limits(1):  # a shared 2-core machine: threads only contend
        model.fit(rows_x, rows_y)
    return model


@dataclass
class RuptureCeiling:
    recall: float  # the best recall at precision >= TARGET_PRECISION (0 when never reached)
    precision: float
    alerts: float  # rupture episodes per therapist per week at CASELOAD clients
    best_precision_at_80: float  # the best precision with recall >= 0.80 (0 when unreachable)
    max_recall: float  # over every threshold
    # (recall, precision, rupture episodes per therapist per week) at each threshold
    curve: list[tuple[float, float, float]] = field(default_factory=list)

    def within(self, room: float) -> tuple[float, float, float]:
        """The best point at precision >= TARGET_PRECISION opening at most ``room`` rupture
        episodes per therapist per week (zeros when none does)."""
        fits = [c for c in self.curve if c[1] >= TARGET_PRECISION and c[2] <= room]
        return max(fits, default=(0.0, 0.0, 0.0))


def _score_at(
    sims: Sequence[SimEpisode],
    moments: list[Moment],
    probs: Sequence[float],
    threshold: float,
    runs: bool = True,
) -> Figures:
    """A run of flagged moments is one rupture episode, opened at its first moment (with
    ``runs`` False every flagged moment opens one: an upper bound, at a higher alert load)."""
    figures = Figures()
    by_episode: dict[int, list[tuple[datetime, bool]]] = {}
    for m, p in zip(moments, probs, strict=True):
        by_episode.setdefault(m.episode, []).append((m.at, p >= threshold))
    for n, sim in enumerate(sims):
        opened: list[tuple[datetime, list[tuple[str, datetime]]]] = []
        before = False
        for at, flagged in by_episode.get(n, []):
            if flagged and not before:
                opened.append((at, []))
            before = flagged and runs
        score_ruptures(figures, sim, opened)
    return figures


def client_weeks(sims: Sequence[SimEpisode]) -> float:
    weeks = 0.0
    for sim in sims:
        visits = sim.evidence.visits
        if visits:
            weeks += (visits[-1].start - visits[0].start).days / 7 + 1
    return weeks


def rupture_ceiling(
    train: Sequence[SimEpisode], test: Sequence[SimEpisode]
) -> tuple[RuptureCeiling, RuptureCeiling]:
    """The better of two boosting models (trained to spot any moment inside a window, or the
    first one), each with the comments' text score; scored on ``test`` as the bench does: a run
    of flagged moments one rupture episode (as the product groups them), and every flagged
    moment its own episode (an upper bound on recall, at more alerts)."""
    train_rows, test_rows = rupture_moments(train), rupture_moments(test)
    text, folds = _text_model(train_rows)
    own = {m.texts[0]: p for m, p in zip([m for m in train_rows if m.texts[0]], folds, strict=True)}
    train_x = _with_text(train_rows, text, own)
    test_x = _with_text(test_rows, text, None)
    results: dict[bool, list[RuptureCeiling]] = {True: [], False: []}
    for target in ("label", "onset"):
        model = _boosting(train_x, [getattr(m, target) for m in train_rows])
        probs = list(model.predict_proba(test_x)[:, 1])
        for runs in (True, False):
            results[runs].append(_sweep(test, test_rows, probs, runs))
    return _merged(results[True]), _merged(results[False])


def _merged(found: list[RuptureCeiling]) -> RuptureCeiling:
    """Both models' curves as one: the ceiling is the best either reaches."""
    best = max(found, key=lambda r: (r.recall, r.best_precision_at_80))
    return RuptureCeiling(
        best.recall,
        best.precision,
        best.alerts,
        max(r.best_precision_at_80 for r in found),
        max(r.max_recall for r in found),
        [c for r in found for c in r.curve],
    )


def _sweep(
    test: Sequence[SimEpisode], test_rows: list[Moment], probs: list[float], runs: bool
) -> RuptureCeiling:
    ordered = sorted(probs)
    thresholds = sorted({ordered[int(q * (len(ordered) - 1))] for q in _quantiles()})
    weeks = client_weeks(test)
    best = RuptureCeiling(0.0, 0.0, 0.0, 0.0, 0.0)
    for threshold in thresholds:
        f = _score_at(test, test_rows, probs, threshold, runs)
        recall, precision = f.rupture_recall, f.rupture_precision
        alerts = CASELOAD * f.rupture_episodes / weeks if weeks else 0.0
        best.curve.append((recall, precision, alerts))
        best.max_recall = max(best.max_recall, recall)
        if recall >= 0.80:
            best.best_precision_at_80 = max(best.best_precision_at_80, precision)
        if precision >= TARGET_PRECISION and recall > best.recall:
            best.recall, best.precision, best.alerts = recall, precision, alerts
    return best


def _quantiles() -> list[float]:
    fine = [0.5 + 0.005 * n for n in range(100)]  # the upper half finely, where flags sit
    return [0.0, 0.1, 0.2, 0.3, 0.4, *fine, 0.9995]


# --- dropout: a flexible model of the observables at each attended session --------------------


def _dropout_features(sim: SimEpisode, moment: datetime) -> list[float]:
    view = sim.evidence.until(moment + DAY)
    visits = [v for v in view.visits if v.start <= view.now]
    attended = [v for v in visits if v.status == "attended"]
    kept_or_missed = [v for v in visits if v.status != "cancelled"]
    checkins = [c for c in view.checkins if c.at <= view.now]
    totals = [c.total for c in checkins if c.total is not None]
    answered = {c.appointment_id for c in checkins}
    history = _history(totals)
    phq = [s.total for series in view.outcomes.values() for s in series if s.at <= view.now]
    gaps = [(b.start - a.start).days for a, b in itertools.pairwise(attended)]
    recent_text = [c for c in checkins[-3:] if c.comment]
    return [
        float(len(attended)),
        float(len(visits)),
        float(sum(v.status in MISSED for v in visits)),
        float(sum(v.status in MISSED for v in kept_or_missed[-4:])),
        float(sum(v.status == "cancelled" for v in visits)),
        float(sum(v.appointment_id not in answered for v in attended[-3:])),
        float(len(totals)),
        *history,
        min(totals) if totals else NAN,
        totals[-1] - history[0] if totals else NAN,
        totals[-1] - totals[-3] if len(totals) >= 3 else NAN,
        phq[0] if phq else NAN,
        phq[-1] if phq else NAN,
        phq[-1] - phq[0] if len(phq) > 1 else NAN,
        float(gaps[-1]) if gaps else NAN,
        fmean(gaps) if gaps else NAN,
        float(any(phrases.withdrawal_phrases(c.comment) for c in recent_text)),
        float(any(phrases.confrontation_phrases(c.comment) for c in recent_text)),
        float(len([c for c in checkins if c.comment])),
    ]


@dataclass(frozen=True)
class DropoutCeiling:
    auc_last: float  # gradient boosting on the observables, at the last attended session
    oracle_auc_last: float | None  # the scenario's true probability (the latent state)
    brier_all: float  # the boosting model's Brier score over every attended session


def dropout_rows(
    sims: Sequence[SimEpisode],
) -> tuple[list[list[float]], list[bool], list[bool], list[float | None]]:
    """Features, dropped out, is the last attended session, the true probability."""
    x: list[list[float]] = []
    y: list[bool] = []
    last: list[bool] = []
    truth: list[float | None] = []
    for sim in sims:
        times = sim.truth.attended_times
        risks = sim.truth.dropout_risk
        for n, moment in enumerate(times):
            x.append(_dropout_features(sim, moment))
            y.append(sim.truth.dropout)
            last.append(n == len(times) - 1)
            truth.append(risks[n] if len(risks) == len(times) else None)
    return x, y, last, truth


def dropout_ceiling(train: Sequence[SimEpisode], test: Sequence[SimEpisode]) -> DropoutCeiling:
    tx, ty, _, _ = dropout_rows(train)
    model = _boosting(tx, ty)
    x, y, last, truth = dropout_rows(test)
    probs = list(model.predict_proba(x)[:, 1])
    at_last = [(p, d) for p, d, is_last in zip(probs, y, last, strict=True) if is_last]
    oracle = [(t, d) for t, d, is_last in zip(truth, y, last, strict=True) if is_last]
    has_truth = all(t is not None for t, _ in oracle)
    brier = sum((p - float(d)) ** 2 for p, d in zip(probs, y, strict=True)) / max(len(y), 1)
    return DropoutCeiling(
        auc_last=auc(at_last),
        oracle_auc_last=auc([(t or 0.0, d) for t, d in oracle]) if has_truth else None,
        brier_all=brier,
    )
