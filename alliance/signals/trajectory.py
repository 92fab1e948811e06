"""Expected outcome trajectories: where a client who started at a given severity is expected to be
after n sessions, with a band above which they are "not on track".

The practice's own ended episodes are used once a starting band has enough of them (Lambert's
expected treatment response, computed locally); otherwise a default curve: the score falls towards
``start × (1 − expected_share_improved)`` with half of that change by ``half_life_sessions``.
The band's upper edge is the expected score plus ``tolerance`` × the instrument's reliable change
(default curve) or the 80th percentile of the practice's own scores at that session.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median, quantiles

from alliance.signals.catalogue import RuleSet
from alliance.signals.evidence import Scale

RULE = "not_on_track.below_expected"
MAX_SESSION = 30
MIN_POINTS_PER_SESSION = 5


@dataclass(frozen=True)
class Band:
    expected: float
    upper: float
    source: str


def start_band(scale: Scale | None, start: float) -> int:
    """Starting severity in steps of five points (PHQ-9 and GAD-7 bands are 5 points wide)."""
    return int(start // 5)


@dataclass
class ExpectedBands:
    rules: RuleSet
    scales: dict[str, Scale]
    # (instrument, start band) -> session -> (median, 80th percentile) from the practice's data
    practice: dict[tuple[str, int], dict[int, tuple[float, float]]] = field(default_factory=dict)

    @classmethod
    def from_ended_episodes(
        cls,
        rules: RuleSet,
        scales: dict[str, Scale],
        series: list[tuple[str, float, list[tuple[int, float]]]],
    ) -> ExpectedBands:
        """``series``: (instrument, first score, [(session, score), ...]) per ended episode."""
        min_episodes = int(rules.param(RULE, "min_episodes"))
        by_band: dict[tuple[str, int], list[list[tuple[int, float]]]] = defaultdict(list)
        for instrument_id, first, points in series:
            by_band[(instrument_id, start_band(scales.get(instrument_id), first))].append(points)
        practice: dict[tuple[str, int], dict[int, tuple[float, float]]] = {}
        for key, episodes in by_band.items():
            if len(episodes) < min_episodes:
                continue
            at: dict[int, list[float]] = defaultdict(list)
            for points in episodes:
                for session, score in points:
                    at[min(session, MAX_SESSION)].append(score)
            practice[key] = {
                session: (median(values), quantiles(values, n=5)[-1])
                for session, values in at.items()
                if len(values) >= MIN_POINTS_PER_SESSION
            }
        return cls(rules, scales, practice)

    def band(self, instrument_id: str, start: float, session: int) -> Band | None:
        scale = self.scales.get(instrument_id)
        own = self.practice.get((instrument_id, start_band(scale, start)), {})
        if min(session, MAX_SESSION) in own:
            expected, upper = own[min(session, MAX_SESSION)]
            return Band(expected, upper, "from this practice's ended episodes")
        if scale is None or scale.reliable_change is None:
            return None
        p = self.rules.params(RULE)
        fall = (
            start * p["expected_share_improved"] * (1 - 0.5 ** (session / p["half_life_sessions"]))
        )
        expected = start - fall
        return Band(expected, expected + p["tolerance"] * scale.reliable_change, "default curve")

    def curve(self, instrument_id: str, start: float, sessions: int) -> list[tuple[int, Band]]:
        """The band at each session from 0 to ``sessions``, for drawing on a chart."""
        out = []
        for session in range(sessions + 1):
            band = self.band(instrument_id, start, session)
            if band is not None:
                out.append((session, band))
        return out
