"""What each client and therapist answered, decided before anything is written: the outcome
series (PHQ-9, GAD-7), the alliance series (check-ins, self-ratings, reviews), the dips in it and
the one safety answer.

Planned after the appointments, from the same ``random.Random`` as the episodes
(``episode_planning``): how many sessions each client attended is only known once the
appointments are drawn. Totals are planned here; the item answers that add up to them are drawn
when the rows are written (``alliance.demo.answers``). Everything here is pure.
"""

from __future__ import annotations

import enum
import math
import random
import statistics
from dataclasses import dataclass

from alliance.demo.episode_planning import SPECIAL_SHAPES, EpisodePlan
from alliance.demo.notes import CHECKIN_COMMENTS, DIP_COMMENTS, SELF_RATING_NOTES
from alliance.practice.models import EndReason, EpisodeStatus

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
        gave_up = plans[index].shape.end_reason in (
            EndReason.CLIENT_WITHDREW,
            EndReason.CLIENT_CHOSE_TO_STOP,
            EndReason.REFERRED,
        )
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
