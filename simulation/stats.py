"""Small statistics shared by the generators and the calibration checks (standard library only).

Kept dependency-free so the simulators run anywhere the product runs and stay deterministic:
every random draw goes through a ``random.Random`` the caller seeded.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence


def logistic(x: float) -> float:
    """The logistic function, guarded against overflow for very negative arguments."""
    if x < -700:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def student_t(rng: random.Random, df: float) -> float:
    """A draw from Student's t scaled to unit variance: heavy tails without a larger spread,
    so a scenario's noise SD means the same whatever ``df`` it picks."""
    normal = rng.gauss(0.0, 1.0)
    chi2 = rng.gammavariate(df / 2.0, 2.0)
    return normal / math.sqrt(chi2 / df) * math.sqrt((df - 2.0) / df)


def weighted_choice[T](rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    """One option drawn with the given weights (weights need not sum to one)."""
    total = sum(weight for _, weight in options)
    point = rng.random() * total
    for option, weight in options:
        point -= weight
        if point < 0:
            return option
    return options[-1][0]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def sd(values: Sequence[float]) -> float:
    """Sample standard deviation (n - 1); 0 for fewer than two values."""
    if len(values) < 2:
        return 0.0
    centre = mean(values)
    return math.sqrt(sum((v - centre) ** 2 for v in values) / (len(values) - 1))


def cohen_d(higher: Sequence[float], lower: Sequence[float]) -> float:
    """Cohen's d with the pooled SD, positive when ``higher`` has the larger mean: the form
    Sharf et al. (2010) report for alliance in completers against dropouts."""
    n1, n2 = len(higher), len(lower)
    if n1 < 2 or n2 < 2:
        return 0.0
    pooled = math.sqrt(((n1 - 1) * sd(higher) ** 2 + (n2 - 1) * sd(lower) ** 2) / (n1 + n2 - 2))
    return (mean(higher) - mean(lower)) / pooled if pooled else 0.0


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's r; 0 when either series has no spread."""
    if len(xs) != len(ys) or len(xs) < 2:
        return 0.0
    mx, my = mean(xs), mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def auc(labelled: Sequence[tuple[float, bool]]) -> float:
    """Probability that a random positive scores above a random negative (ties count half):
    the Mann-Whitney form the bench uses, restated here so the calibration needs no Django."""
    ranked = sorted(labelled, key=lambda pair: pair[0])
    n_pos = sum(1 for _, y in ranked if y)
    n_neg = len(ranked) - n_pos
    if not n_pos or not n_neg:
        return 0.0
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        average = (i + j) / 2 + 1
        rank_sum += average * sum(1 for k in range(i, j + 1) if ranked[k][1])
        i = j + 1
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
