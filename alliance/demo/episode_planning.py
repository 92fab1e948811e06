"""Who is in the demo practice and what happened to them, decided before anything is written:
the staff, the clients, their care episodes and the dates and outcomes of their appointments.

Everything here is pure: the only inputs are a ``random.Random`` and the date taken as today,
so the same seed and the same day give the same plans. The measures are planned afterwards, in
``measure_planning``.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.text import slugify

from alliance.accounts.models import Role
from alliance.appointments.models import AppointmentStatus
from alliance.demo.names import FIRST_NAMES, LAST_NAMES
from alliance.practice.models import EndReason, EpisodeStatus, Modality, Phase, Style

CLIENT_COUNT = 40
# Weekday (Monday to Friday) starting hours, in the practice's time zone; noon is lunch.
SESSION_HOURS = (9, 10, 11, 13, 14, 15, 16, 17)
WEEKDAYS = (0, 1, 2, 3, 4)
PHASE_ORDER = (Phase.RAPPORT, Phase.EXPLORING, Phase.LASTING_CHANGE, Phase.ENDING)
# How many weeks of appointments (past and booked) an episode has had, by its current phase.
PHASE_WEEKS: dict[Phase, tuple[int, int]] = {
    Phase.RAPPORT: (8, 10),
    Phase.EXPLORING: (10, 18),
    Phase.LASTING_CHANGE: (16, 26),
    Phase.ENDING: (22, 30),
}


# --- The staff ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: Role


@dataclass(frozen=True)
class TherapistSpec:
    username: str
    first_name: str
    last_name: str
    modalities: tuple[Modality, ...]
    styles: tuple[Style, ...]
    languages: tuple[str, ...]
    bio: str


THERAPISTS = (
    TherapistSpec(
        "dana",
        "Dana",
        "Whitfield",
        (Modality.CBT, Modality.HUMANISTIC),
        (Style.COLLABORATIVE, Style.SUPPORTIVE),
        ("English", "Spanish"),
        "Works with anxiety, low mood and life transitions. Warm, structured and curious; "
        "sessions usually end with one small thing to try before next week.",
    ),
    TherapistSpec(
        "miguel",
        "Miguel",
        "Arancibia",
        (Modality.PSYCHODYNAMIC, Modality.HUMANISTIC),
        (Style.SUPPORTIVE,),
        ("English", "Portuguese"),
        "Interested in how old relationships echo in new ones. Unhurried, open-ended work for "
        "people who want to understand themselves, not only feel better.",
    ),
    TherapistSpec(
        "priya",
        "Priya",
        "Venkatesan",
        (Modality.DBT, Modality.CBT),
        (Style.DIRECTIVE, Style.COLLABORATIVE),
        ("English", "Tamil", "Hindi"),
        "Skills-based work with strong emotions, self-harm urges and relationships that feel "
        "like a rollercoaster. Clear plans, honest feedback, lots of practice.",
    ),
)
SUPERVISOR = StaffSpec("sam", "Sam", "Adeyemi", Role.SUPERVISOR)
ADMIN = StaffSpec("alex", "Alex", "Nordahl", Role.ADMIN)
SUPERVISED_BY_SAM = ("dana", "miguel")
STAFF_USERNAMES = (*(spec.username for spec in THERAPISTS), SUPERVISOR.username, ADMIN.username)


# --- Attendance -----------------------------------------------------------------------------


class Attendance(enum.Enum):
    """How a client tends to turn up; decides the outcome of each past appointment."""

    STEADY = "steady"
    TYPICAL = "typical"
    SHAKY = "shaky"
    DRIFTING = "drifting"  # recent late cancellations and no-shows, nothing booked
    WITHDREW = "withdrew"  # stopped coming; the episode was ended


OUTCOME_WEIGHTS: dict[Attendance, dict[AppointmentStatus, int]] = {
    Attendance.STEADY: {AppointmentStatus.ATTENDED: 1},
    Attendance.TYPICAL: {
        AppointmentStatus.ATTENDED: 84,
        AppointmentStatus.CANCELLED: 8,
        AppointmentStatus.LATE_CANCELLED: 4,
        AppointmentStatus.NO_SHOW: 4,
    },
    Attendance.SHAKY: {
        AppointmentStatus.ATTENDED: 68,
        AppointmentStatus.CANCELLED: 14,
        AppointmentStatus.LATE_CANCELLED: 9,
        AppointmentStatus.NO_SHOW: 9,
    },
}
# The last past appointments of a drifting or withdrawing client, oldest first.
FORCED_ENDINGS: dict[Attendance, tuple[AppointmentStatus, ...]] = {
    Attendance.DRIFTING: (
        AppointmentStatus.LATE_CANCELLED,
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.LATE_CANCELLED,
        AppointmentStatus.NO_SHOW,
    ),
    Attendance.WITHDREW: (AppointmentStatus.NO_SHOW,) * 3,
}


def past_outcomes(
    rng: random.Random, attendance: Attendance, count: int
) -> list[tuple[AppointmentStatus, int | None]]:
    """Status and minutes late (for attended sessions) of each past appointment, oldest first."""
    ending = FORCED_ENDINGS.get(attendance, ())
    usual = attendance if attendance in OUTCOME_WEIGHTS else Attendance.TYPICAL
    outcomes = [_draw_outcome(rng, usual) for _ in range(count - len(ending))]
    return outcomes + [(status, None) for status in ending]


def _draw_outcome(
    rng: random.Random, attendance: Attendance
) -> tuple[AppointmentStatus, int | None]:
    weights = OUTCOME_WEIGHTS[attendance]
    status = rng.choices(list(weights), list(weights.values()))[0]
    if status != AppointmentStatus.ATTENDED:
        return status, None
    if attendance == Attendance.STEADY:
        return status, rng.choice((0, 0, 0, 1, 2))
    roll = rng.random()
    if roll < 0.6:
        return status, 0
    return status, rng.randint(1, 4) if roll < 0.85 else rng.randint(6, 15)


def transition_sessions(rng: random.Random, sessions: int, transitions: int) -> list[int]:
    """Indexes of the past sessions after which the phase moved on: spread out, a little jittered."""
    step = sessions / (transitions + 1)
    jitter = max(0, int(step) - 1) // 2
    return [int(step * number) + rng.randint(0, jitter) for number in range(1, transitions + 1)]


# --- Care episodes --------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeShape:
    """The kind of care episode to plan, before names, slots and dates are drawn."""

    phase: Phase
    status: EpisodeStatus = EpisodeStatus.ACTIVE
    end_reason: EndReason | None = None
    attendance: Attendance = Attendance.TYPICAL


STEADY = EpisodeShape(Phase.LASTING_CHANGE, attendance=Attendance.STEADY)
DRIFTING = EpisodeShape(Phase.EXPLORING, attendance=Attendance.DRIFTING)
COMPLETED = EpisodeShape(Phase.ENDING, EpisodeStatus.ENDED, EndReason.COMPLETED)
# Dana's steady attender (chris), drifting client and ended episode: the first three plans.
SPECIAL_SHAPES = (STEADY, DRIFTING, COMPLETED)
# Shapes every demo has besides the three special clients; the rest are active and drawn.
FIXED_SHAPES = (
    EpisodeShape(Phase.EXPLORING, EpisodeStatus.PAUSED),
    EpisodeShape(Phase.LASTING_CHANGE, EpisodeStatus.PAUSED),
    # Ended episodes of every reason a therapist can record (the practice's own dropout
    # figures and re-estimation read them).
    EpisodeShape(Phase.LASTING_CHANGE, EpisodeStatus.ENDED, EndReason.COMPLETED),
    EpisodeShape(
        Phase.EXPLORING, EpisodeStatus.ENDED, EndReason.CLIENT_WITHDREW, Attendance.WITHDREW
    ),
    EpisodeShape(Phase.EXPLORING, EpisodeStatus.ENDED, EndReason.CLIENT_CHOSE_TO_STOP),
    EpisodeShape(Phase.RAPPORT, EpisodeStatus.ENDED, EndReason.REFERRED),
    EpisodeShape(Phase.LASTING_CHANGE, EpisodeStatus.ENDED, EndReason.OTHER),
    *(EpisodeShape(phase) for phase in PHASE_ORDER),
)
ACTIVE_PHASE_WEIGHTS = {
    Phase.RAPPORT: 2,
    Phase.EXPLORING: 4,
    Phase.LASTING_CHANGE: 3,
    Phase.ENDING: 1,
}


@dataclass(frozen=True)
class EpisodePlan:
    """One client and their care episode, with every date decided."""

    first_name: str
    last_name: str
    username: str
    therapist: str
    shape: EpisodeShape
    modality: Modality
    style: Style
    hour: int
    started_on: date
    ended_on: date | None
    past_days: tuple[date, ...]
    future_days: tuple[date, ...]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    username: str


def plan_episodes(rng: random.Random, today: date) -> list[EpisodePlan]:
    """Every client's episode. The first three are the steady, drifting and ended clients."""
    slots = {spec.username: _shuffled_slots(rng) for spec in THERAPISTS}
    people = _client_people(rng, CLIENT_COUNT)
    generic = _generic_shapes(rng, CLIENT_COUNT - len(SPECIAL_SHAPES))
    shapes = [*SPECIAL_SHAPES, *generic]
    cycle = [spec.username for spec in THERAPISTS]
    therapists = ["dana"] * len(SPECIAL_SHAPES) + [
        cycle[i % len(cycle)] for i in range(len(generic))
    ]
    return [
        _plan(rng, today, person, shape, therapist, slots[therapist].pop())
        for person, shape, therapist in zip(people, shapes, therapists, strict=True)
    ]


def _shuffled_slots(rng: random.Random) -> list[tuple[int, int]]:
    slots = [(weekday, hour) for weekday in WEEKDAYS for hour in SESSION_HOURS]
    rng.shuffle(slots)
    return slots


def _client_people(rng: random.Random, count: int) -> list[Person]:
    """Chris (the named demo client) first, then synthetic people with numbered usernames."""
    firsts = rng.sample(FIRST_NAMES, count - 1)
    lasts = rng.sample(LAST_NAMES, count - 1)
    people = [Person("Chris", "Marlowe", "chris")]
    for number, (first, last) in enumerate(zip(firsts, lasts, strict=True), start=11):
        people.append(Person(first, last, f"{slugify(first).replace('-', '')}{number}"))
    return people


def _generic_shapes(rng: random.Random, count: int) -> list[EpisodeShape]:
    phases = list(ACTIVE_PHASE_WEIGHTS)
    weights = list(ACTIVE_PHASE_WEIGHTS.values())
    shapes = list(FIXED_SHAPES)
    while len(shapes) < count:
        phase = rng.choices(phases, weights)[0]
        attendance = Attendance.SHAKY if rng.random() < 0.2 else Attendance.TYPICAL
        shapes.append(EpisodeShape(phase, attendance=attendance))
    rng.shuffle(shapes)
    return shapes


def _plan(
    rng: random.Random,
    today: date,
    person: Person,
    shape: EpisodeShape,
    therapist: str,
    slot: tuple[int, int],
) -> EpisodePlan:
    spec = next(spec for spec in THERAPISTS if spec.username == therapist)
    weekday, hour = slot
    past_days, future_days = _session_days(rng, today, weekday, shape)
    return EpisodePlan(
        first_name=person.first_name,
        last_name=person.last_name,
        username=person.username,
        therapist=therapist,
        shape=shape,
        modality=rng.choice(spec.modalities),
        style=rng.choice(spec.styles),
        hour=hour,
        started_on=past_days[0] - timedelta(days=rng.randint(0, 6)),
        ended_on=_ended_on(rng, shape, past_days[-1]),
        past_days=past_days,
        future_days=future_days,
    )


def _session_days(
    rng: random.Random, today: date, weekday: int, shape: EpisodeShape
) -> tuple[tuple[date, ...], tuple[date, ...]]:
    """The weekly session days before today, and those booked from today on."""
    first_slot_from_today = today + timedelta(days=(weekday - today.weekday()) % 7)
    total_weeks = rng.randint(*PHASE_WEEKS[shape.phase])
    booked_weeks = _booked_weeks(rng, shape)
    weeks_since_last = _weeks_since_last_session(rng, shape)
    past = tuple(
        first_slot_from_today - timedelta(weeks=weeks_since_last + offset)
        for offset in reversed(range(total_weeks - len(booked_weeks)))
    )
    future = tuple(first_slot_from_today + timedelta(weeks=week) for week in booked_weeks)
    return past, future


def _booked_weeks(rng: random.Random, shape: EpisodeShape) -> tuple[int, ...]:
    """Weeks from now (0 is this week) with an appointment already booked."""
    if shape.status == EpisodeStatus.ENDED or shape.attendance == Attendance.DRIFTING:
        return ()
    if shape.status == EpisodeStatus.PAUSED:
        return (rng.randint(2, 3),)  # the session they resume with
    return tuple(range(rng.randint(2, 4)))


def _weeks_since_last_session(rng: random.Random, shape: EpisodeShape) -> int:
    if shape.status == EpisodeStatus.ENDED:
        return rng.randint(3, 10)
    if shape.status == EpisodeStatus.PAUSED:
        return rng.randint(3, 5)
    return 1


def _ended_on(rng: random.Random, shape: EpisodeShape, last_session: date) -> date | None:
    if shape.status != EpisodeStatus.ENDED:
        return None
    if shape.attendance == Attendance.WITHDREW:
        return last_session + timedelta(days=rng.randint(10, 14))  # after trying to reach them
    return last_session + timedelta(days=rng.randint(1, 6))
