"""Who is in the demo practice and what happened to them, decided before anything is written.

Everything here is pure: the only inputs are a ``random.Random`` and the date taken as today,
so the same seed and the same day give the same plans.
"""

from __future__ import annotations

import enum
import math
import random
import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.text import slugify

from alliance.accounts.models import Role
from alliance.appointments.models import AppointmentStatus
from alliance.demo.names import FIRST_NAMES, LAST_NAMES
from alliance.demo.notes import CHECKIN_COMMENTS, DIP_COMMENTS, SELF_RATING_NOTES
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
    EpisodeShape(Phase.LASTING_CHANGE, EpisodeStatus.ENDED, EndReason.MUTUAL),
    EpisodeShape(
        Phase.EXPLORING, EpisodeStatus.ENDED, EndReason.CLIENT_WITHDREW, Attendance.WITHDREW
    ),
    EpisodeShape(Phase.RAPPORT, EpisodeStatus.ENDED, EndReason.REFERRED),
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


# --- Measures -------------------------------------------------------------------------------
#
# Planned after the appointments, from the same generator: how many sessions each client
# attended is only known once the appointments are drawn. Totals are planned here; the item
# answers that add up to them are drawn when the rows are written (``alliance.demo.answers``).

# The practice schedule's defaults (``MeasureSchedule``): a review and the outcome measures
# after every fourth attended session, a check-in and a self-rating after every session.
REVIEW_EVERY = 4
OUTCOME_EVERY = 4
CHECKIN_MAX = 40  # four items, 0 to 10
PHQ9_MAX_WITHOUT_ITEM_9 = 24  # eight items, 0 to 3: item 9 stays 0 except for one answer
GAD7_MAX = 21
CHECKIN_ANSWERED = 0.85
SELF_RATING_ANSWERED = 0.95
REVIEW_ANSWERED = 0.9
OUTCOME_ANSWERED = 0.9
COMMENT_CHANCE = 0.05  # a free-text comment on a check-in outside a dip
NOTE_CHANCE = 0.04  # a therapist's note on a self-rating
DIP_DEPTH = (8, 12)
# A recovering dip needs a settled baseline before it (three check-ins) and room to recover.
DIP_EARLIEST = 4
DIP_MIN_ANSWERABLE = 10


class OutcomeCourse(enum.Enum):
    IMPROVING = "improving"
    FLAT = "flat"
    DETERIORATING = "deteriorating"


class AllianceCourse(enum.Enum):
    STABLE = "stable"
    DIP_RECOVERS = "a dip that recovers"  # V-shaped, back to the baseline in 1 to 3 sessions
    DIP_LASTS = "a dip that does not recover"


@dataclass(frozen=True)
class SessionMeasures:
    """The planned totals for one attended session; None where nothing is answered."""

    checkin: int | None = None
    comment: str = ""
    self_rating: int | None = None
    note: str = ""
    review: float | None = None  # mean of the twelve items, 1 to 5
    phq9: int | None = None
    gad7: int | None = None
    phq9_item_9: int = 0  # 1 once in the whole demo: a safety flag for the therapist


@dataclass(frozen=True)
class MeasurePlan:
    """One episode's measures: the intake outcome scores and one entry per attended session.

    The forms of an open episode's latest session are left unanswered: waiting for the client
    and the therapist, or (when that session is weeks ago) expired.
    """

    outcome: OutcomeCourse
    alliance: AllianceCourse
    intake_phq9: int
    intake_gad7: int
    sessions: tuple[SessionMeasures, ...]

    @property
    def safety_answer(self) -> bool:
        return any(session.phq9_item_9 for session in self.sessions)


@dataclass
class _Role:
    """What ``plan_measures`` decided about one episode before its numbers are drawn."""

    outcome: OutcomeCourse = OutcomeCourse.IMPROVING
    alliance: AllianceCourse = AllianceCourse.STABLE
    severity: tuple[int, int] | None = None  # intake PHQ-9 range, when not drawn freely
    safety: bool = False
    steady: bool = False
    therapist_notices_dip: bool = False


def answerable_sessions(plan: EpisodePlan, attended: int) -> int:
    """Attended sessions whose forms were answered (or skipped): all but an open episode's last."""
    return attended if plan.shape.status == EpisodeStatus.ENDED else max(0, attended - 1)


def plan_measures(
    rng: random.Random, plans: list[EpisodePlan], attended: list[int]
) -> list[MeasurePlan]:
    """Every episode's measures; ``attended`` is how many sessions each episode's client attended.

    Most clients improve, some stay flat, two or three deteriorate. Most alliances are high and
    stable; three or four dip and recover; exactly one dips and does not recover (the drifting
    client when there is enough of a history, else another of dana's clients). Exactly one PHQ-9
    answer (a client of dana's) has item 9 above 0.
    """
    roles = _measure_roles(rng, plans, attended)
    return [
        _measure_plan(rng, answerable_sessions(plan, count), count, role)
        for plan, count, role in zip(plans, attended, roles, strict=True)
    ]


def _measure_roles(
    rng: random.Random, plans: list[EpisodePlan], attended: list[int]
) -> list[_Role]:
    roles = [_Role() for _ in plans]
    answerable = [answerable_sessions(p, n) for p, n in zip(plans, attended, strict=True)]
    is_open = [plan.shape.status != EpisodeStatus.ENDED for plan in plans]
    generic = range(len(SPECIAL_SHAPES), len(plans))
    danas = [i for i in generic if plans[i].therapist == "dana" and is_open[i]]

    roles[0] = _Role(severity=(14, 17), steady=True)  # chris: improves steadily, stable alliance
    # The drifting client's alliance dipped and never came back, unless there are too few
    # check-ins to show it; then another of dana's clients takes the part.
    lasting = 1 if answerable[1] >= 6 else _pick(rng, [i for i in danas if answerable[i] >= 6])
    roles[lasting] = _Role(OutcomeCourse.DETERIORATING, AllianceCourse.DIP_LASTS, (7, 12))
    taken = {0, 1, 2, lasting}

    safety = _pick(rng, [i for i in danas if i not in taken and answerable[i] >= OUTCOME_EVERY])
    roles[safety] = _Role(OutcomeCourse.FLAT, severity=(15, 19), safety=True)
    taken.add(safety)

    # Three or four dips that recover, one of them with dana so that her caseload shows one.
    long_enough = [i for i in generic if i not in taken and answerable[i] >= DIP_MIN_ANSWERABLE]
    danas_long = [i for i in long_enough if plans[i].therapist == "dana"]
    dips = [rng.choice(danas_long)] if danas_long else []
    others = [i for i in long_enough if i not in dips]
    dips += rng.sample(others, min(len(others), rng.randint(3, 4) - len(dips)))
    for number, index in enumerate(dips):
        roles[index].alliance = AllianceCourse.DIP_RECOVERS
        roles[index].therapist_notices_dip = number == 1  # one therapist sees it; most do not
    taken.update(dips)

    worsening = [i for i in generic if i not in taken and is_open[i] and answerable[i] >= 8]
    for index in rng.sample(worsening, min(len(worsening), rng.randint(1, 2))):
        roles[index].outcome = OutcomeCourse.DETERIORATING
        roles[index].severity = (6, 12)
        taken.add(index)

    for index in generic:
        if index in taken:
            continue
        gave_up = plans[index].shape.end_reason in (EndReason.CLIENT_WITHDREW, EndReason.REFERRED)
        if gave_up or rng.random() < 0.2:
            roles[index].outcome = OutcomeCourse.FLAT
    return roles


def _pick(rng: random.Random, candidates: list[int]) -> int:
    if not candidates:
        raise ValueError("the demo plans leave no client to play this part")
    return rng.choice(candidates)


def _measure_plan(rng: random.Random, answerable: int, attended: int, role: _Role) -> MeasurePlan:
    phq9 = _outcome_series(rng, role, PHQ9_MAX_WITHOUT_ITEM_9, attended, None)
    gad7_start = _clamp(round(phq9[0] * GAD7_MAX / 27 + rng.gauss(0, 2.5)), 2, GAD7_MAX - 1)
    gad7 = _outcome_series(rng, role, GAD7_MAX, attended, gad7_start)
    checkins, selves, comments = _alliance_series(rng, role, answerable)
    answered = [checkin for checkin in checkins if checkin is not None]
    typical = round(statistics.median(answered)) if answered else CHECKIN_MAX - 4
    notes_ = [rng.choice(SELF_RATING_NOTES) if rng.random() < NOTE_CHANCE else "" for _ in selves]
    safety_at = None
    if role.safety:  # the latest PHQ-9 the client answered
        safety_at = max(n for n in range(OUTCOME_EVERY, answerable + 1, OUTCOME_EVERY)) - 1
    sessions = []
    for index in range(attended):
        number = index + 1
        if index >= answerable:
            sessions.append(SessionMeasures())
            continue
        review = None
        if number % REVIEW_EVERY == 0 and rng.random() < REVIEW_ANSWERED:
            checkin = checkins[index]
            review = _review_mean(rng, typical if checkin is None else checkin)
        outcomes_answered = number % OUTCOME_EVERY == 0 and (
            index == safety_at or rng.random() < OUTCOME_ANSWERED
        )
        sessions.append(
            SessionMeasures(
                checkin=checkins[index],
                comment=comments[index],
                self_rating=selves[index],
                note=notes_[index] if selves[index] is not None else "",
                review=review,
                phq9=phq9[number] + (index == safety_at) if outcomes_answered else None,
                gad7=gad7[number] if outcomes_answered else None,
                phq9_item_9=int(index == safety_at),
            )
        )
    return MeasurePlan(role.outcome, role.alliance, phq9[0], gad7[0], tuple(sessions))


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


# Intake PHQ-9 totals, mild to severe, with how often each band is drawn.
SEVERITIES = {(5, 9): 25, (10, 14): 35, (15, 19): 25, (20, 23): 15}


def _outcome_series(
    rng: random.Random, role: _Role, top: int, attended: int, start: int | None
) -> list[int]:
    """Totals at intake (index 0) and after each attended session (index = session number).

    Change comes early and levels off (1 - e^(-k/tau)), as it usually does in therapy.
    """
    if start is None:
        severity = role.severity or rng.choices(list(SEVERITIES), list(SEVERITIES.values()))[0]
        start = rng.randint(*severity)
    tau = rng.uniform(4, 8)
    if role.outcome == OutcomeCourse.IMPROVING:
        end = start * rng.uniform(0.3, 0.55)
    elif role.outcome == OutcomeCourse.DETERIORATING:
        end = start + rng.uniform(6, 9) * top / 24
        tau = rng.uniform(3, 5)
    else:
        end = start + rng.uniform(-1.5, 1.5)
    noise = 0.5 if role.steady else 1.0
    series = [start]
    for k in range(1, attended + 1):
        expected = start + (end - start) * (1 - math.exp(-k / tau))
        value = _clamp(round(expected + rng.gauss(0, noise)), 0, top)
        if role.steady:
            value = min(value, series[-1])  # chris never slips back
        series.append(value)
    return series


def _alliance_series(
    rng: random.Random, role: _Role, answerable: int
) -> tuple[list[int | None], list[int | None], list[str]]:
    """Client check-in and therapist self-rating totals, and client comments, per session.

    Many clients score near the top every time; others settle a few points lower after a
    cautious start. Therapists rate a little differently (usually a bit lower) and mostly miss
    a dip: their self-rating stays where it was while the client's falls.
    """
    roll = rng.random()
    if role.steady:
        level, growth = 37, 0
    elif roll < 0.45:
        level, growth = rng.randint(37, 40), 0  # near-top scores, every time
    elif roll < 0.9:
        level, growth = rng.randint(32, 37), rng.randint(0, 4)  # settles after a cautious start
    else:
        level, growth = rng.randint(28, 31), rng.randint(0, 2)  # lukewarm throughout
    offset = rng.gauss(-2, 1.5)
    usual = [
        _clamp(round(level - growth * max(0, 3 - k) / 3 + rng.gauss(0, 1.1)), 0, CHECKIN_MAX)
        for k in range(answerable)
    ]
    checkins: list[int | None] = list(usual)
    therapist_sees = [float(value) for value in usual]
    comments = [
        rng.choice(CHECKIN_COMMENTS) if rng.random() < COMMENT_CHANCE else ""
        for _ in range(answerable)
    ]
    forced: set[int] = set()  # check-ins the client answered for sure: the dip and around it
    if role.alliance != AllianceCourse.STABLE:
        dip_at, values = _dip(rng, role, usual)
        for index, value in values.items():
            checkins[index] = value
            comments[index] = ""
            if role.therapist_notices_dip:
                therapist_sees[index] = value + (usual[index] - value) / 3
        first, second = rng.sample(DIP_COMMENTS, 2)
        comments[dip_at] = first
        if role.alliance == AllianceCourse.DIP_LASTS and dip_at + 2 < answerable:
            comments[dip_at + 2] = second
        forced = set(range(dip_at - 3, dip_at)) | set(values)
    for index in range(answerable):
        if index not in forced and rng.random() > CHECKIN_ANSWERED:
            checkins[index], comments[index] = None, ""
    if answerable and all(checkin is None for checkin in checkins):
        checkins[-1] = usual[-1]  # everyone answered at least once
    selves: list[int | None] = [
        _clamp(round(seen + offset + rng.gauss(0, 1.3)), 0, CHECKIN_MAX)
        if rng.random() < SELF_RATING_ANSWERED
        else None
        for seen in therapist_sees
    ]
    return checkins, selves, comments


def _dip(rng: random.Random, role: _Role, usual: list[int]) -> tuple[int, dict[int, int]]:
    """Where the dip falls and the check-in totals it puts there (by session index).

    The drop (8 to 12 points) is measured from the median of the three check-ins before it, as
    the tests measure it. A recovering dip climbs back to that median in 1 to 3 sessions (a V);
    the lasting one stays down, sagging a point every other session.
    """
    depth = rng.randint(*DIP_DEPTH)
    answerable = len(usual)
    if role.alliance == AllianceCourse.DIP_LASTS:
        dip_at = max(3, answerable - 3)
        baseline = sorted(usual[dip_at - 3 : dip_at])[1]
        low = baseline - depth
        return dip_at, {i: low - (i - dip_at) // 2 for i in range(dip_at, answerable)}
    recovery = rng.randint(1, 3)
    dip_at = rng.randint(DIP_EARLIEST, answerable - recovery - 2)
    baseline = sorted(usual[dip_at - 3 : dip_at])[1]
    values = {
        dip_at + step: round(baseline - depth * (1 - step / recovery))
        for step in range(recovery + 1)
    }
    return dip_at, values


def _review_mean(rng: random.Random, checkin: int) -> float:
    """The twelve-item review tracks the check-in: 1 to 5, a little below its share of 40."""
    return max(1.0, min(5.0, 1 + 4 * checkin / CHECKIN_MAX * 0.97 + rng.gauss(0, 0.15)))
