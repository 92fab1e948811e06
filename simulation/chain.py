"""The course of one episode as a small Markov chain, and the exact dropout probability it implies.

After each attended session a client can end as planned, leave without warning, or start to
disengage (missed appointments and a slide in the check-ins for a few appointments, the last of
which is kept, then leave or come back: so a disengaging client's warning is in the data by
their last session). A rupture that is not repaired raises both leaving hazards, most in the three
sessions after it began. The generator draws every transition from the functions here, and
``Oracle`` integrates over the same transitions by backward recursion, so the "true risk" a
scenario records is exactly the probability its own generative model assigns, given the latent
state (alliance, therapist, session count, recent unrepaired rupture, disengagement): the best
any predictor could do, because the observed data are noisy functions of that state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from simulation.stats import weighted_choice

RECENT = 3  # sessions during which an unrepaired rupture counts as recent (onset session = 1)
OLD = RECENT + 1  # "since" value of an unrepaired rupture that is no longer recent


def step(since: int) -> int:
    """Advance the sessions-since-unrepaired-rupture counter by one attended session."""
    return 0 if since == 0 else min(since + 1, OLD)


@dataclass(frozen=True)
class Hazards:
    """One client's transition probabilities (indexes are attended-session counts)."""

    completion: tuple[float, ...]  # P(planned ending at session k | reached k); last one is 1
    silent: tuple[float, ...]  # P(leaving without warning after session k), no recent rupture
    disengage: tuple[float, ...]  # P(starting to disengage after session k)
    recent_silent: float  # multiplier of ``silent`` while an unrepaired rupture is recent
    recent_disengage: float  # multiplier of ``disengage`` likewise
    old_mult: float  # multiplier of both once the unrepaired rupture is older
    onset: float  # P(a rupture begins) at an engaged attended session from ``onset_from`` on
    repair: float  # P(that rupture is repaired)
    disengage_lengths: tuple[tuple[int, float], ...]  # appointments a disengagement lasts
    disengaged_miss: float  # P(missing each of those appointments but the last)
    disengaged_drop: float  # P(leaving at the end of a disengagement; else re-engaging)
    onset_from: int = 2  # a rupture needs a level to fall from: none at the first session

    @property
    def last(self) -> int:
        return len(self.completion) - 1

    def _mult(self, since: int, recent: float) -> float:
        if since == 0:
            return 1.0
        return recent if since <= RECENT else self.old_mult

    def silent_at(self, k: int, since: int) -> float:
        if k >= len(self.silent):
            return 0.0
        return min(0.95, self.silent[k] * self._mult(since, self.recent_silent))

    def disengage_at(self, k: int, since: int) -> float:
        if k >= len(self.disengage):
            return 0.0
        leave = self.silent_at(k, since)
        return min(0.95 - leave, self.disengage[k] * self._mult(since, self.recent_disengage))

    def onset_at(self, k: int) -> float:
        return self.onset if k >= self.onset_from else 0.0


def after_session(rng: random.Random, hazards: Hazards, k: int, since: int) -> str:
    """What happens after engaged session ``k``: "complete", "silent", "disengage" or
    "continue" (the order of the draws is the order the oracle integrates in)."""
    if k >= hazards.last or rng.random() < hazards.completion[k]:
        return "complete"
    point = rng.random()
    leave = hazards.silent_at(k, since)
    if point < leave:
        return "silent"
    if point < leave + hazards.disengage_at(k, since):
        return "disengage"
    return "continue"


def onset(rng: random.Random, hazards: Hazards, k: int) -> tuple[bool, bool]:
    """(a rupture begins at engaged session ``k``, it will be repaired)."""
    begins = rng.random() < hazards.onset_at(k)
    return begins, begins and rng.random() < hazards.repair


def disengagement_length(rng: random.Random, hazards: Hazards) -> int:
    return weighted_choice(rng, hazards.disengage_lengths)


class Oracle:
    """Exact P(eventual dropout) for one client, memoised over the chain's small state space."""

    def __init__(self, hazards: Hazards) -> None:
        self.h = hazards
        self._engaged: dict[tuple[int, int], float] = {}
        self._disengaging: dict[tuple[int, int, int], float] = {}

    def engaged(self, k: int, since: int) -> float:
        """A day after engaged session ``k`` (its rupture draw done, the next draws to come)."""
        key = (k, since)
        if key not in self._engaged:
            self._engaged[key] = self._engaged_value(k, since)
        return self._engaged[key]

    def _engaged_value(self, k: int, since: int) -> float:
        h = self.h
        if k >= h.last:
            return 0.0
        leave, drift = h.silent_at(k, since), h.disengage_at(k, since)
        slide = sum(w * self.disengaging(k, since, n) for n, w in h.disengage_lengths) / sum(
            w for _, w in h.disengage_lengths
        )
        stay = 1.0 - leave - drift
        return (1.0 - h.completion[k]) * (
            leave + drift * slide + stay * self.ahead(k + 1, step(since))
        )

    def ahead(self, k: int, since: int) -> float:
        """On attending engaged session ``k`` (``since`` already stepped), before its rupture
        draw: a rupture that will not be repaired resets ``since`` to 1."""
        p = self.h.onset_at(k) * (1.0 - self.h.repair)
        now = self.engaged(k, since)
        return now if since == 1 else (1.0 - p) * now + p * self.engaged(k, 1)

    def disengaging(self, k: int, since: int, remaining: int) -> float:
        """During a disengagement, with ``remaining`` appointments still to come after ``k``."""
        key = (k, since, remaining)
        if key not in self._disengaging:
            h = self.h
            kept = self.disengaging(k + 1, step(since), remaining - 1) if remaining else 0.0
            if remaining == 0:  # leave, or come back and carry on
                stay = self.ahead(k + 1, step(since))
                value = h.disengaged_drop + (1.0 - h.disengaged_drop) * stay
            elif remaining == 1:  # the last appointment of a disengagement is always kept
                value = kept
            else:
                missed = self.disengaging(k, since, remaining - 1)
                value = h.disengaged_miss * missed + (1.0 - h.disengaged_miss) * kept
            self._disengaging[key] = value
        return self._disengaging[key]
