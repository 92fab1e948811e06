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
    """Exact P(eventual dropout) for one client, by backward induction over the chain's small
    state space (attended sessions x sessions since an unrepaired rupture x appointments left
    in a disengagement), filled once from the last session down to the first.

    With V(k, s) the risk a day after engaged session k, A(k, s) the risk on attending engaged
    session k before its rupture draw, and W(k, s, r) the risk during a disengagement with r
    appointments to come (p = P(a rupture that will not be repaired), c = completion,
    l = leaving, d = starting to disengage, m = missing, q = leaving after disengaging):

        A(k, s) = (1 - p) V(k, s) + p V(k, 1)
        V(k, s) = (1 - c) [l + d E_D W(k, s, D) + (1 - l - d) A(k + 1, s')]      s' = step(s)
        W(k, s, 0) = q + (1 - q) A(k + 1, s');  W(k, s, 1) = W(k + 1, s', 0)
        W(k, s, r) = m W(k, s, r - 1) + (1 - m) W(k + 1, s', r - 1)
    """

    def __init__(self, hazards: Hazards) -> None:
        self.h = hazards
        longest = max(n for n, _ in hazards.disengage_lengths)
        self._top = hazards.last + longest + 2
        size = self._top + 2
        self._v = [[0.0] * (OLD + 1) for _ in range(size)]
        self._w = [[[0.0] * (longest + 1) for _ in range(OLD + 1)] for _ in range(size)]
        for k in range(self._top, 0, -1):
            self._fill(k, longest)

    def _fill(self, k: int, longest: int) -> None:
        h, v, w = self.h, self._v, self._w
        total = sum(weight for _, weight in h.disengage_lengths)
        for since in range(OLD + 1):
            onward = step(since)
            stay = self.ahead(k + 1, onward)
            w[k][since][0] = h.disengaged_drop + (1.0 - h.disengaged_drop) * stay
            for r in range(1, longest + 1):
                kept = w[k + 1][onward][r - 1]
                missed = w[k][since][r - 1]
                w[k][since][r] = (
                    kept
                    if r == 1
                    else h.disengaged_miss * missed + (1.0 - h.disengaged_miss) * kept
                )
            if k < h.last:
                leave, drift = h.silent_at(k, since), h.disengage_at(k, since)
                slide = sum(weight * w[k][since][n] for n, weight in h.disengage_lengths) / total
                carry_on = (1.0 - leave - drift) * stay
                v[k][since] = (1.0 - h.completion[k]) * (leave + drift * slide + carry_on)

    def engaged(self, k: int, since: int) -> float:
        """A day after engaged session ``k`` (its rupture draw done, the next draws to come)."""
        return self._v[k][since] if k <= self._top else 0.0

    def ahead(self, k: int, since: int) -> float:
        """On attending engaged session ``k`` (``since`` already stepped), before its rupture
        draw: a rupture that will not be repaired resets ``since`` to 1."""
        p = self.h.onset_at(k) * (1.0 - self.h.repair)
        now = self.engaged(k, since)
        return now if since == 1 else (1.0 - p) * now + p * self.engaged(k, 1)

    def disengaging(self, k: int, since: int, remaining: int) -> float:
        """During a disengagement, with ``remaining`` appointments still to come after ``k``."""
        return self._w[k][since][remaining]
