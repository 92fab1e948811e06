"""Placeholder until the trained weights exist."""

from __future__ import annotations

from alliance.signals.crisis_language.normalise import Normalised


def score(text: Normalised) -> float:
    return 0.0


def threshold() -> float:
    return 1.0
