"""The order of an episode's phases: which comes next, and which move is a step back.

Phases normally move forward (rapport, exploring, lasting change, ending); a step back happens
(a rupture sends the work back to rapport) but is never an accident: ``change_phase`` asks for
it to be confirmed and for the reason (alliance/practice/services.py)."""

from __future__ import annotations

from alliance.practice.models import Phase

PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)


def next_phase(phase: str) -> Phase | None:
    """The phase after ``phase``; None after the last one."""
    index = PHASE_ORDER.index(Phase(phase))
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def is_step_back(from_phase: str, to_phase: str) -> bool:
    return PHASE_ORDER.index(Phase(to_phase)) < PHASE_ORDER.index(Phase(from_phase))
