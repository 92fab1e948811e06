"""A simulated practice with known injected events, for measuring the signals engine.

Every figure this produces is about simulated clients, not real ones. What the simulator assumes
(stated again in docs/signals.md and bench/README.md; the bench's ``original`` scenario):

- Each client has their own alliance level on the 0-40 check-in and their own session-to-session
  wobble (standard deviation 0.5-2 points); a quarter answer the maximum (40) nearly every time;
  one in ten start low (24-31) and rise slowly as the bond forms. Scores are whole numbers.
- Scenarios, drawn per episode: steady course (nothing injected); a rupture that is repaired (a
  dip of 6-14 points for one or two sessions, then back to the client's level); a rupture that is
  not repaired (the dip stays; half of these clients then drop out); gradual disengagement (the
  alliance drifts down, sessions are cancelled late or missed, check-ins go unanswered, then the
  client stops coming: a dropout); deterioration (the PHQ-9 rises). A rupture shows in the
  check-in comment half of the time (a complaint: confrontation), a quarter of the time as a
  minimal or evasive answer (withdrawal), otherwise only in the score.
- Noise: comments on ordinary sessions (mostly neutral or positive, a few negative about life
  outside therapy), an occasional late cancellation or no-show by anyone.
- Crisis: some PHQ-9 answers have item 9 above 0, some check-in comments contain crisis words.

The engine never sees the scenario labels; the benchmark compares its flags with them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from alliance.signals.evidence import (
    CheckIn,
    EpisodeEvidence,
    FreeText,
    SafetyAnswer,
    Score,
    Visit,
)
from simulation.episode import CHECKIN_CUTOFF, PHQ9, InjectedRupture, SimEpisode, Truth

__all__ = ["CHECKIN_CUTOFF", "PHQ9", "SimEpisode", "simulate_episode", "simulate_practice"]

SCENARIOS = (
    ("steady", 0.45),
    ("rupture_repaired", 0.17),
    ("rupture_unrepaired", 0.08),
    ("disengagement", 0.15),
    ("deterioration", 0.15),
)

NEUTRAL_COMMENTS = (
    "Good session, thank you.",
    "Helpful to talk about work.",
    "I liked the exercise we did.",
    "Bit tired today but ok.",
    "Useful. Looking forward to next week.",
    "It was good to go over the plan again.",
    "Talking about my mum was hard but good.",
    "Thanks for making time.",
    "Better than last week.",
    "More time for homework please.",
)
NOISE_COMMENTS = (  # negative words about life outside the room: realistic false alarms
    "Frustrating week at work, glad to talk.",
    "The waiting room was cold.",
    "Parking was a nightmare.",
    "Annoyed at myself for being late.",
)
CONFRONTATION_COMMENTS = (
    "I didn't feel heard today.",
    "You kept interrupting me.",
    "Felt judged when I talked about drinking.",
    "Too much advice, not enough listening.",
    "Honestly this felt like a waste of time.",
    "You don't get what I'm going through.",
    "Felt rushed at the end again.",
    "I'm not sure this is helping.",
    "It felt like you weren't listening.",
    "Not what I need right now.",
)
WITHDRAWAL_COMMENTS = ("fine", "ok", "I don't know.", "whatever", "Nothing to say.", "dunno")
CRISIS_COMMENTS = (
    "Some days I want to die.",
    "I keep thinking about ending my life.",
    "Everyone would be better off without me.",
    "I've been hurting myself again.",
)


def _scenario(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for name, share in SCENARIOS:
        total += share
        if roll < total:
            return name
    return SCENARIOS[0][0]


def _clip(value: float, low: float = 0, high: float = 40) -> int:
    return int(max(low, min(high, round(value))))


@dataclass
class _Plan:
    """What one episode will be, drawn before its first session (in this order, so that a seed
    gives the same practice as before the function was split)."""

    number: int
    scenario: str
    ceiling: bool
    low_start: bool
    level: float
    wobble: float
    planned: int
    phq_start: float
    phq_rate: float
    rupture_at: int  # attended session of the injected rupture, -1: none
    dip_length: int
    dip: float
    drop_out_after: int | None
    disengage_from: int  # -1: none
    style: float  # how the rupture shows: comment, minimal answer or only the score


def _draw_plan(number: int, rng: random.Random) -> _Plan:
    scenario = _scenario(rng)
    kind = rng.random()
    ceiling = kind < 0.25
    low_start = 0.25 <= kind < 0.35
    level = 40.0 if ceiling else rng.uniform(24, 31) if low_start else rng.uniform(32, 38)
    wobble = 0.3 if ceiling else rng.uniform(0.5, 2.0)
    planned = rng.randint(8, 20)
    phq_start = rng.uniform(8, 24)
    phq_rate = -rng.uniform(0.3, 1.0) if scenario != "deterioration" else rng.uniform(0.4, 1.0)
    rupture_at = rng.randint(3, max(3, planned - 4)) if "rupture" in scenario else -1
    dip_length = rng.choice((1, 1, 2))
    dip = rng.uniform(6, 14)
    drop_out_after = None
    if scenario == "rupture_unrepaired" and rng.random() < 0.5:
        drop_out_after = rupture_at + rng.randint(1, 3)
    disengage_from = rng.randint(3, max(3, planned - 5)) if scenario == "disengagement" else -1
    if scenario == "disengagement":
        drop_out_after = disengage_from + rng.randint(3, 5)
    style = rng.random()
    return _Plan(
        number, scenario, ceiling, low_start, level, wobble, planned, phq_start, phq_rate,
        rupture_at, dip_length, dip, drop_out_after, disengage_from, style,
    )  # fmt: skip


def _new_evidence(number: int, start: datetime) -> EpisodeEvidence:
    return EpisodeEvidence(
        episode_id=number,
        started_at=start,
        now=start,
        checkins=[],
        checkin_cutoff=CHECKIN_CUTOFF,
        visits=[],
        scales={"phq9": PHQ9},
        agreed_gap_days=7.0,
        is_open=False,
    )


def _not_attended(plan: _Plan, rng: random.Random, attended: int) -> str | None:
    """The status of an appointment the client did not attend, or None when they came."""
    disengaging = 0 <= plan.disengage_from <= attended
    miss_chance = 0.04 + (0.35 if disengaging else 0.0)
    after_rupture = (
        plan.rupture_at >= 0 and attended == plan.rupture_at + plan.dip_length and plan.style < 0.75
    )
    if after_rupture and plan.scenario == "rupture_unrepaired":
        miss_chance += 0.3
    if rng.random() < miss_chance:
        return str(rng.choice(("late_cancelled", "no_show")))
    if rng.random() < 0.03:  # cancelled with notice: not a missed session
        return "cancelled"
    return None


def _checkin_total(plan: _Plan, rng: random.Random, session: int) -> int:
    disengaging = 0 <= plan.disengage_from <= session
    value = plan.level
    if plan.low_start:
        value = min(37.0, plan.level + 0.6 * session)
    in_dip = 0 <= plan.rupture_at <= session < plan.rupture_at + plan.dip_length
    after_dip = plan.rupture_at >= 0 and session >= plan.rupture_at + plan.dip_length
    if in_dip or (after_dip and plan.scenario == "rupture_unrepaired"):
        share = 1.0 if session == plan.rupture_at else rng.uniform(0.6, 1.0)
        value = plan.level - plan.dip * share
    if disengaging:
        value -= 1.5 * (session - plan.disengage_from + 1)
    total = _clip(value + rng.gauss(0, plan.wobble))
    if plan.ceiling and not (in_dip or disengaging) and rng.random() < 0.9:
        total = 40
    return total


def _comment(plan: _Plan, rng: random.Random, session: int) -> tuple[str, bool]:
    """The check-in's comment, and whether crisis words were put in it."""
    in_dip = 0 <= plan.rupture_at <= session < plan.rupture_at + plan.dip_length
    comment = ""
    if session == plan.rupture_at or (in_dip and rng.random() < 0.5):
        if plan.style < 0.5:
            comment = rng.choice(CONFRONTATION_COMMENTS)
        elif plan.style < 0.75:
            comment = rng.choice(WITHDRAWAL_COMMENTS)
    elif rng.random() < 0.25:
        comment = rng.choice(NEUTRAL_COMMENTS)
    elif rng.random() < 0.02:
        comment = rng.choice(NOISE_COMMENTS)
    crisis_text = rng.random() < 0.002
    if crisis_text:
        comment = (comment + " " + rng.choice(CRISIS_COMMENTS)).strip()
    return comment, crisis_text


def _record_injected(plan: _Plan, truth: Truth, session: int, answer_at: datetime) -> None:
    if session == plan.rupture_at:
        truth.ruptures.append(
            InjectedRupture(
                start=answer_at,
                end=answer_at + timedelta(days=7 * (plan.dip_length + 1)),
                start_session=session,
                repaired=plan.scenario == "rupture_repaired",
            )
        )
    if session == plan.disengage_from:
        truth.ruptures.append(
            InjectedRupture(
                start=answer_at,
                end=answer_at + timedelta(days=7 * 12),  # the drift lasts until they stop
                start_session=session,
                repaired=False,
                kind="drift",
            )
        )


def _attended_session(
    plan: _Plan, rng: random.Random, sim: SimEpisode, session: int, visit: tuple[str, int]
) -> None:
    """The check-in (sometimes unanswered) and, every second session, the outcome measure."""
    ref_base, appointment_id = visit
    evidence, truth = sim.evidence, sim.truth
    answer_at = truth.attended_times[-1] + timedelta(hours=2)
    disengaging = 0 <= plan.disengage_from <= session
    skip = 0.05 + (0.4 if disengaging and session >= plan.disengage_from + 1 else 0.0)
    total = _checkin_total(plan, rng, session)
    comment, crisis_text = _comment(plan, rng, session)
    _record_injected(plan, truth, session, answer_at)
    if rng.random() >= skip or session == plan.rupture_at:
        ref = f"response:{ref_base}:checkin"
        evidence.checkins.append(CheckIn(ref, answer_at, total, comment, appointment_id))
        if comment:
            evidence.texts.append(FreeText(ref, answer_at, comment, "check-in comment"))
        if crisis_text:
            truth.crisis_refs.add(ref)
    if session % 2 == 0:
        phq = _clip(plan.phq_start + plan.phq_rate * session + rng.gauss(0, 1.5), 0, 27)
        ref = f"response:{ref_base}:phq9"
        evidence.outcomes.setdefault("phq9", []).append(Score(ref, answer_at, phq))
        if rng.random() < 0.02:
            evidence.safety.append(SafetyAnswer(ref, answer_at, ("PHQ9_9",), "PHQ-9"))
            truth.crisis_refs.add(ref)


def _trailing_misses(sim: SimEpisode, rng: random.Random, moment: datetime) -> datetime:
    """What follows a dropout's last attended session: a missed appointment or two, then nothing."""
    for extra in range(rng.randint(1, 2)):
        status = rng.choice(("late_cancelled", "no_show"))
        sim.evidence.visits.append(
            Visit(f"appointment:sim:{sim.number}:x{extra}", None, moment, status)
        )
        moment += timedelta(days=7)
    return moment


def simulate_episode(number: int, rng: random.Random, start: datetime) -> SimEpisode:
    plan = _draw_plan(number, rng)
    sim = SimEpisode(number, _new_evidence(number, start), Truth(plan.scenario, plan.ceiling))
    attended = 0
    moment = start + timedelta(hours=rng.randint(9, 17))
    visit_number = 0
    stop = False
    while attended < plan.planned and not stop:
        visit_number += 1
        ref_base = f"sim:{number}:{visit_number}"
        missed = _not_attended(plan, rng, attended)
        appointment_id = None if missed else number * 1000 + visit_number
        sim.evidence.visits.append(
            Visit(f"appointment:{ref_base}", appointment_id, moment, missed or "attended")
        )
        if not missed:
            sim.truth.attended_times.append(moment)
            attended += 1
            _attended_session(plan, rng, sim, attended - 1, (ref_base, appointment_id or 0))
            stop = plan.drop_out_after is not None and attended > plan.drop_out_after
        moment += timedelta(days=7)
    truth = sim.truth
    truth.last_attended = truth.attended_times[-1] if truth.attended_times else None
    if plan.drop_out_after is not None and stop:
        truth.dropout = True
        moment = _trailing_misses(sim, rng, moment)
    sim.evidence.now = moment
    return sim


def simulate_practice(episodes: int = 2000, seed: int = 20261122) -> list[SimEpisode]:
    rng = random.Random(seed)
    base = datetime(2025, 1, 6, tzinfo=UTC)
    return [
        simulate_episode(n, rng, base + timedelta(days=rng.randint(0, 300)))
        for n in range(1, episodes + 1)
    ]
