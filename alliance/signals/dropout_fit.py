"""Fitting the dropout model: rows from ended episodes, and a logistic regression with a Gaussian
prior (numpy, Newton's method).

A row is the evidence as it stood at one moment of an ended episode (``moments``: a day after
an appointment, or while waiting for the next session), labelled with how the episode ended: 1
when the client stopped attending, 0 for a planned ending. The
shipped coefficients were fitted so on simulated practices (``simulation/fit_dropout.py``); a
practice's own endings re-estimate them (``reestimate``), shrunk towards the shipped ones by a
prior worth ``prior_episodes`` episodes of the data they were fitted on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from alliance.signals.catalogue import RuleSet
from alliance.signals.dropout_model import DEFAULT_GAP_DAYS, FEATURES, DropoutModel
from alliance.signals.evidence import EpisodeEvidence

AFTER = timedelta(days=1)  # a moment's evidence is read a day after the appointment


@dataclass(frozen=True)
class Rows:
    """Feature rows (one per moment), their labels, and which episode each came from."""

    x: np.ndarray  # (n, len(FEATURES))
    y: np.ndarray  # (n,)
    episode: np.ndarray  # (n,) index of the episode in the input
    attended: np.ndarray  # (n,) True for a moment a day after an attended session

    @property
    def episodes(self) -> int:
        return len(set(self.episode.tolist()))

    def after_sessions(self) -> Rows:
        keep = self.attended
        return Rows(self.x[keep], self.y[keep], self.episode[keep], self.attended[keep])


def moments(evidence: EpisodeEvidence) -> list[tuple[EpisodeEvidence, bool]]:
    """The episode as it stood at the moments the engine evaluates it, each with whether it is a
    day after an attended session: a day after each appointment (attended, missed or cancelled
    late), and, while no session follows, at twice and three times the agreed gap after each
    attended session (the periodic evaluation, when time passing is the only news).
    ``evidence.now`` is when the episode ended."""
    attended = [v.start for v in evidence.visits if v.status == "attended"]
    if not attended:
        return []
    times = [
        (v.start + AFTER, v.status == "attended")
        for v in evidence.visits
        if v.status in ("attended", "no_show", "late_cancelled")
    ]
    gap = timedelta(days=evidence.agreed_gap_days or DEFAULT_GAP_DAYS)
    for start, following in zip(attended, [*attended[1:], evidence.now], strict=True):
        times += [(start + n * gap, False) for n in (2, 3) if start + n * gap < following]
    views = []
    for moment, after_session in sorted(t for t in times if t[0] <= evidence.now):
        view = evidence.until(moment)
        view.is_open = True
        views.append((view, after_session))
    return views


def observations(episodes: Sequence[tuple[EpisodeEvidence, bool]], rules: RuleSet) -> Rows:
    """Rows for ``(evidence, dropped_out)`` pairs, read the way the engine reads them."""
    from alliance.signals.rules import risk_now

    x: list[list[float]] = []
    y: list[float] = []
    owner: list[int] = []
    attended: list[bool] = []
    for index, (evidence, dropped) in enumerate(episodes):
        for view, after_session in moments(evidence):
            values = risk_now(view, rules).features
            x.append([values.get(name, 0.0) for name in FEATURES])
            y.append(float(dropped))
            owner.append(index)
            attended.append(after_session)
    return Rows(
        np.asarray(x, dtype=float).reshape(-1, len(FEATURES)),
        np.asarray(y, dtype=float),
        np.asarray(owner, dtype=int),
        np.asarray(attended, dtype=bool),
    )


def _design(x: np.ndarray) -> np.ndarray:
    design: np.ndarray = np.hstack([np.ones((x.shape[0], 1)), x])
    return design


def fit_logistic(
    rows: Rows,
    *,
    prior_mean: Sequence[float] | np.ndarray | None = None,
    prior_precision: np.ndarray | None = None,
    iterations: int = 50,
) -> np.ndarray:
    """The coefficients (intercept first) that maximise the log-likelihood plus the log of a
    Gaussian prior (mean ``prior_mean``, precision ``prior_precision``; without one, a weak
    ridge of 1e-3 keeps unused features at 0)."""
    design = _design(rows.x)
    width = design.shape[1]
    mean = np.zeros(width) if prior_mean is None else np.asarray(prior_mean, dtype=float)
    precision = np.eye(width) * 1e-3 if prior_precision is None else prior_precision
    beta = mean.copy()
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (rows.y - p) - precision @ (beta - mean)
        hessian = (design * (p * (1.0 - p))[:, None]).T @ design + precision
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return beta


def two_stage(
    rows: Rows,
    *,
    prior_mean: Sequence[float] | np.ndarray | None = None,
    prior_precision: np.ndarray | None = None,
) -> list[float]:
    """Every coefficient from the moments after attended sessions (where the risk is measured
    and a session's news is read), then the time-since-the-last-session coefficient alone, the
    others held, from every moment (after a miss, and while waiting for the next session): the
    moments after a session never show a gap, and the waiting moments, most of them of clients
    who have left, would otherwise pull the rest of the model towards them."""
    first = fit_logistic(
        rows.after_sessions(), prior_mean=prior_mean, prior_precision=prior_precision
    )
    gap = 1 + FEATURES.index("gap_ratio")
    held = np.eye(len(first)) * 1e6
    held[gap, gap] = 1e-3 if prior_precision is None else prior_precision[gap, gap]
    mean = first.copy()
    if prior_mean is not None:  # the gap coefficient is shrunk towards the prior's, not stage 1
        mean[gap] = float(np.asarray(prior_mean, dtype=float)[gap])
    return [float(b) for b in fit_logistic(rows, prior_mean=mean, prior_precision=held)]


def information_per_episode(rows: Rows, beta: Sequence[float]) -> np.ndarray:
    """The Fisher information of the fit divided by the number of episodes behind it: what one
    episode of this kind of data tells about the coefficients (the prior's unit)."""
    design = _design(rows.x)
    p = 1.0 / (1.0 + np.exp(-(design @ np.asarray(beta, dtype=float))))
    information: np.ndarray = (design * (p * (1.0 - p))[:, None]).T @ design
    return information / max(1, rows.episodes)


def prior_of(model: DropoutModel, prior_episodes: float) -> tuple[list[float], np.ndarray]:
    """The prior a re-estimation is shrunk with: centred on ``model``, as precise as
    ``prior_episodes`` episodes of the data it was fitted on."""
    per_episode = model.provenance.get("information_per_episode")
    width = len(FEATURES) + 1
    # An unfitted model has no information matrix: a weak ridge per episode stands in.
    matrix = np.eye(width) * 0.05 if per_episode is None else np.asarray(per_episode, dtype=float)
    return model.vector(), matrix * prior_episodes


def shrunk_fit(rows: Rows, model: DropoutModel, prior_episodes: float) -> list[float]:
    mean, precision = prior_of(model, prior_episodes)
    return two_stage(rows, prior_mean=mean, prior_precision=precision)


def predict(model: DropoutModel, x: np.ndarray) -> np.ndarray:
    beta = np.asarray(model.vector(), dtype=float)
    probability: np.ndarray = 1.0 / (1.0 + np.exp(-(_design(x) @ beta)))
    return probability


def model_from_fit(rows: Rows, beta: Sequence[float], provenance: dict[str, Any]) -> DropoutModel:
    full = dict(provenance)
    full["information_per_episode"] = [
        [round(float(v), 6) for v in row] for row in information_per_episode(rows, beta)
    ]
    return DropoutModel.from_vector([round(float(b), 4) for b in beta], full)
