"""What the demo's steps share while they write the demo practice: ``DemoBuild`` (the random
generator, the plans, the rows written so far and the counts the summary reports), the demo
practice's name and slug, the system actor the demo writes as, and ``DemoError``.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

from alliance.accounts.models import User
from alliance.appointments.models import Appointment
from alliance.audit.services import Actor
from alliance.demo.episode_planning import EpisodePlan
from alliance.demo.measure_planning import MeasurePlan
from alliance.practice.models import CareEpisode, Practice, TherapistProfile

DEMO_SLUG = "demo"
DEMO_PRACTICE_NAME = "Harbour Lane Therapy (demo)"
DEMO_ACTOR = Actor.system("demo")


class DemoError(Exception):
    """The demo cannot be loaded as asked: it is already loaded, or a username it needs is taken."""


@dataclass
class DemoBuild:
    """What the steps share while the demo is written."""

    rng: random.Random
    today: date
    practice: Practice
    plans: list[EpisodePlan] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    therapists: dict[str, TherapistProfile] = field(default_factory=dict)
    episodes: list[CareEpisode] = field(default_factory=list)  # in the order of ``plans``
    # Each episode's attended past sessions, oldest first, in the order of ``plans``.
    attended: list[list[Appointment]] = field(default_factory=list)
    measure_plans: list[MeasurePlan] = field(default_factory=list)
    appointments: int = 0
    phase_changes: int = 0
    responses: Counter[str] = field(default_factory=Counter)  # by instrument id
    forms_waiting: int = 0
    agreements: int = 0
    acknowledged: int = 0
    goals: Counter[str] = field(default_factory=Counter)  # by status
    goal_ratings: int = 0
    session_records: int = 0
    shared_summaries: int = 0
    private_notes: int = 0
    preparations: int = 0
    calendar_feed_url: str = ""
    flags: Counter[str] = field(default_factory=Counter)  # by kind
    ruptures: Counter[str] = field(default_factory=Counter)  # by status
    transcripts: int = 0
    highlights: list[str] = field(default_factory=list)  # "worth a look", from the later steps

    def session_start(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))
