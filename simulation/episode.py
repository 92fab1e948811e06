"""What every simulated practice produces: an episode's evidence (as the engine reads it) and
the truth the simulator injected (what the bench scores the engine against).

The one place ``SimEpisode`` and its parts are defined; every scenario (``original``,
``calibrated``, ``contrary``) returns a list of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from alliance.signals.evidence import EpisodeEvidence, Scale

CHECKIN_CUTOFF = 32.0
PHQ9 = Scale("phq9", "PHQ-9", 10.0, 6.0)


@dataclass
class InjectedRupture:
    start: datetime  # the first check-in of the dip
    end: datetime  # the last moment a detection still counts (one session after the dip)
    start_session: int  # attended-session number of the first dip check-in
    repaired: bool
    kind: str = "dip"  # "dip": a sudden drop; "drift": the slide of a disengaging client
    form: str = ""  # "confrontation", "withdrawal" or "disengagement" ("" when not recorded)
    shows: str = ""  # in the check-in "total", one "item" only, or "none" (comments, attendance)
    # What the rupture left in the data, recorded by the calibrated scenarios (None: unknown):
    # the most points it took off an answered check-in total in its window (against the same
    # check-in without it; 0 when it hid above the ceiling or fell on unanswered check-ins),
    # whether a rupture comment was written in the window, and whether an appointment in the
    # window was missed (a no-show or late cancellation).
    total_shift: int | None = None
    voiced: bool | None = None
    missed: bool | None = None


@dataclass
class Truth:
    scenario: str
    ceiling: bool
    ruptures: list[InjectedRupture] = field(default_factory=list)
    dropout: bool = False
    last_attended: datetime | None = None
    attended_times: list[datetime] = field(default_factory=list)
    crisis_refs: set[str] = field(default_factory=set)
    # Optional, filled by the calibrated scenarios in the repository's ``simulation`` package:
    # the true probability of dropping out as it stood a day after each attended session (one
    # value per element of ``attended_times``), the check-ins that dipped for reasons outside
    # the relationship, the PHQ-9 change (last minus intake; None with a single score) and how
    # the dropout showed beforehand ("silent", "rupture", "disengaged"; "" for no dropout).
    dropout_risk: list[float] = field(default_factory=list)
    bad_days: list[datetime] = field(default_factory=list)
    phq_change: float | None = None
    dropout_path: str = ""


@dataclass
class SimEpisode:
    number: int
    evidence: EpisodeEvidence
    truth: Truth
    phq9_items: dict[str, dict[str, int]] = field(default_factory=dict)  # ref -> answers
    therapist: int | None = None  # which therapist (None: the store deals episodes round-robin)
    checkin_items: dict[str, dict[str, int]] = field(default_factory=dict)  # ref -> answers
