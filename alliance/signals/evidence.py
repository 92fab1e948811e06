"""What the rules read about one care episode, as plain values: no database, no Django.

The engine (``alliance.signals.engine``) builds these from stored rows; the simulator builds them
from generated series. Rules are pure functions of this evidence and a ``RuleSet``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class CheckIn:
    ref: str  # "response:<id>"
    at: datetime
    total: float | None
    comment: str = ""
    appointment_id: int | None = None


@dataclass(frozen=True)
class Score:
    ref: str
    at: datetime
    total: float


@dataclass(frozen=True)
class Scale:
    """An outcome instrument's scoring facts the rules need (higher totals are worse)."""

    instrument_id: str
    title: str
    cutoff: float | None
    reliable_change: float | None


@dataclass(frozen=True)
class Visit:
    ref: str  # "appointment:<id>"
    appointment_id: int | None
    start: datetime
    status: str  # an AppointmentStatus value


@dataclass(frozen=True)
class SafetyAnswer:
    ref: str
    at: datetime
    items: tuple[str, ...]
    instrument_title: str


@dataclass(frozen=True)
class FreeText:
    ref: str  # "response:<id>" or "preparation:<id>"
    at: datetime
    text: str
    source: str  # "check-in comment", "session preparation", ...


@dataclass(frozen=True)
class TranscriptMarkers:
    """Rupture markers the conversation coder found in the client's turns of one session."""

    ref: str  # "transcript:<id>"
    at: datetime  # when the session took place
    withdrawal: int
    confrontation: int


@dataclass
class EpisodeEvidence:
    episode_id: int
    started_at: datetime
    now: datetime
    checkins: list[CheckIn]  # chronological, the client's alliance check-ins
    checkin_cutoff: float
    visits: list[Visit]  # chronological, every appointment of the episode
    outcomes: dict[str, list[Score]] = field(default_factory=dict)  # chronological per instrument
    scales: dict[str, Scale] = field(default_factory=dict)
    safety: list[SafetyAnswer] = field(default_factory=list)
    texts: list[FreeText] = field(default_factory=list)
    transcripts: list[TranscriptMarkers] = field(default_factory=list)
    agreed_gap_days: float | None = None  # from the agreement's session frequency
    is_open: bool = True
    checkin_maximum: float = 40.0  # the check-in's highest total (the top of its scale)

    def attended_before(self, moment: datetime) -> int:
        return sum(1 for v in self.visits if v.status == "attended" and v.start <= moment)

    def until(self, moment: datetime) -> EpisodeEvidence:
        """The evidence as it stood at ``moment`` (for replaying a history)."""
        return EpisodeEvidence(
            episode_id=self.episode_id,
            started_at=self.started_at,
            now=moment,
            checkins=[c for c in self.checkins if c.at <= moment],
            checkin_cutoff=self.checkin_cutoff,
            visits=[v for v in self.visits if v.start <= moment],
            outcomes={k: [s for s in v if s.at <= moment] for k, v in self.outcomes.items()},
            scales=self.scales,
            safety=[s for s in self.safety if s.at <= moment],
            texts=[t for t in self.texts if t.at <= moment],
            transcripts=[t for t in self.transcripts if t.at <= moment],
            agreed_gap_days=self.agreed_gap_days,
            is_open=self.is_open,
            checkin_maximum=self.checkin_maximum,
        )
