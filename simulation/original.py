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


def simulate_episode(number: int, rng: random.Random, start: datetime) -> SimEpisode:
    scenario = _scenario(rng)
    kind = rng.random()
    ceiling = kind < 0.25
    low_start = 0.25 <= kind < 0.35
    level = 40.0 if ceiling else rng.uniform(24, 31) if low_start else rng.uniform(32, 38)
    wobble = 0.3 if ceiling else rng.uniform(0.5, 2.0)
    planned = rng.randint(8, 20)
    truth = Truth(scenario, ceiling)
    evidence = EpisodeEvidence(
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
    phq_start = rng.uniform(8, 24)
    phq_rate = -rng.uniform(0.3, 1.0) if scenario != "deterioration" else rng.uniform(0.4, 1.0)

    # Where the injected event sits (in attended sessions).
    rupture_at = rng.randint(3, max(3, planned - 4)) if "rupture" in scenario else -1
    dip_length = rng.choice((1, 1, 2))
    dip = rng.uniform(6, 14)
    drop_out_after = None
    if scenario == "rupture_unrepaired" and rng.random() < 0.5:
        drop_out_after = rupture_at + rng.randint(1, 3)
    disengage_from = rng.randint(3, max(3, planned - 5)) if scenario == "disengagement" else -1
    if scenario == "disengagement":
        drop_out_after = disengage_from + rng.randint(3, 5)
    style = rng.random()  # how the rupture shows: comment, minimal answer or only the score

    attended = 0
    moment = start + timedelta(hours=rng.randint(9, 17))
    visit_number = 0
    stop = False
    while attended < planned and not stop:
        visit_number += 1
        ref_base = f"sim:{number}:{visit_number}"
        disengaging = disengage_from >= 0 and attended >= disengage_from
        miss_chance = 0.04 + (0.35 if disengaging else 0.0)
        after_rupture = rupture_at >= 0 and attended == rupture_at + dip_length and style < 0.75
        if after_rupture and scenario == "rupture_unrepaired":
            miss_chance += 0.3
        if rng.random() < miss_chance:
            status = rng.choice(("late_cancelled", "no_show"))
            evidence.visits.append(Visit(f"appointment:{ref_base}", None, moment, status))
            moment += timedelta(days=7)
            continue
        if rng.random() < 0.03:  # cancelled with notice: not a missed session
            evidence.visits.append(Visit(f"appointment:{ref_base}", None, moment, "cancelled"))
            moment += timedelta(days=7)
            continue
        appointment_id = number * 1000 + visit_number
        evidence.visits.append(Visit(f"appointment:{ref_base}", appointment_id, moment, "attended"))
        truth.attended_times.append(moment)
        session = attended
        attended += 1
        answer_at = moment + timedelta(hours=2)

        # The check-in (sometimes unanswered).
        skip = 0.05 + (0.4 if disengaging and session >= disengage_from + 1 else 0.0)
        value = level
        if low_start:
            value = min(37.0, level + 0.6 * session)
        in_dip = rupture_at >= 0 and rupture_at <= session < rupture_at + dip_length
        after_dip = rupture_at >= 0 and session >= rupture_at + dip_length
        if in_dip or (after_dip and scenario == "rupture_unrepaired"):
            value = level - dip * (1.0 if session == rupture_at else rng.uniform(0.6, 1.0))
        if disengaging:
            value -= 1.5 * (session - disengage_from + 1)
        total = _clip(value + rng.gauss(0, wobble))
        if ceiling and not (in_dip or disengaging) and rng.random() < 0.9:
            total = 40
        comment = ""
        if session == rupture_at or (in_dip and rng.random() < 0.5):
            if style < 0.5:
                comment = rng.choice(CONFRONTATION_COMMENTS)
            elif style < 0.75:
                comment = rng.choice(WITHDRAWAL_COMMENTS)
        elif rng.random() < 0.25:
            comment = rng.choice(NEUTRAL_COMMENTS)
        elif rng.random() < 0.02:
            comment = rng.choice(NOISE_COMMENTS)
        crisis_text = rng.random() < 0.002
        if crisis_text:
            comment = (comment + " " + rng.choice(CRISIS_COMMENTS)).strip()
        if session == rupture_at:
            truth.ruptures.append(
                InjectedRupture(
                    start=answer_at,
                    end=answer_at + timedelta(days=7 * (dip_length + 1)),
                    start_session=session,
                    repaired=scenario == "rupture_repaired",
                )
            )
        if session == disengage_from:
            truth.ruptures.append(
                InjectedRupture(
                    start=answer_at,
                    end=answer_at + timedelta(days=7 * 12),  # the drift lasts until they stop
                    start_session=session,
                    repaired=False,
                    kind="drift",
                )
            )
        if rng.random() >= skip or session == rupture_at:
            ref = f"response:{ref_base}:checkin"
            evidence.checkins.append(CheckIn(ref, answer_at, total, comment, appointment_id))
            if comment:
                evidence.texts.append(FreeText(ref, answer_at, comment, "check-in comment"))
            if crisis_text:
                truth.crisis_refs.add(ref)

        # The outcome measure at intake and every second session.
        if session % 2 == 0:
            phq = _clip(phq_start + phq_rate * session + rng.gauss(0, 1.5), 0, 27)
            ref = f"response:{ref_base}:phq9"
            evidence.outcomes.setdefault("phq9", []).append(Score(ref, answer_at, phq))
            if rng.random() < 0.02:
                evidence.safety.append(SafetyAnswer(ref, answer_at, ("PHQ9_9",), "PHQ-9"))
                truth.crisis_refs.add(ref)
        if drop_out_after is not None and attended > drop_out_after:
            stop = True
        moment += timedelta(days=7)

    truth.last_attended = truth.attended_times[-1] if truth.attended_times else None
    if drop_out_after is not None and stop:
        truth.dropout = True
        # What follows the last attended session: a missed appointment or two, then nothing.
        for extra in range(rng.randint(1, 2)):
            status = rng.choice(("late_cancelled", "no_show"))
            evidence.visits.append(
                Visit(f"appointment:sim:{number}:x{extra}", None, moment, status)
            )
            moment += timedelta(days=7)
    evidence.now = moment
    return SimEpisode(number, evidence, truth)


def simulate_practice(episodes: int = 2000, seed: int = 20261122) -> list[SimEpisode]:
    rng = random.Random(seed)
    base = datetime(2025, 1, 6, tzinfo=UTC)
    return [
        simulate_episode(n, rng, base + timedelta(days=rng.randint(0, 300)))
        for n in range(1, episodes + 1)
    ]
