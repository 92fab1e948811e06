"""Turn a generated course into what the engine sees, and the truth the bench scores against.

Check-ins: a latent level (response style, early growth, AR(1) noise with heavy tails) minus
whatever the relationship costs at that session (rupture dips, a disengaging slide), minus a
bad day now and then, rounded and censored to 0-40. Comments: ordinary ones at the client's own
rate; complaints or minimal answers with ruptures; life-outside ones on bad days; crisis words
at a small rate. PHQ-9 at intake and every second session (and at a planned ending), following
the client's improvement, with item 9 above 0 more likely the more depressed the client is.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from alliance.signals.evidence import (
    CheckIn,
    EpisodeEvidence,
    FreeText,
    SafetyAnswer,
    Score,
    Visit,
)
from simulation.episode import CHECKIN_CUTOFF, PHQ9, InjectedRupture, SimEpisode, Truth
from simulation.generator import ITEMS, Course, Rupture, Slide
from simulation.params import Params
from simulation.stats import clamp, logistic, student_t, weighted_choice
from simulation.text import CommentBook

AFTER_SESSION = timedelta(days=1)  # the bench reads a session's evidence a day later


@dataclass(frozen=True)
class Extras:
    """Lines the caller supplies: crisis phrasings and extra benign lines."""

    crisis: Sequence[str] = ()
    ordinary: Sequence[str] = ()


@dataclass
class Observed:
    checkins: list[CheckIn] = field(default_factory=list)
    texts: list[FreeText] = field(default_factory=list)
    items: dict[str, dict[str, int]] = field(default_factory=dict)
    bad_days: list[datetime] = field(default_factory=list)
    crisis_refs: set[str] = field(default_factory=set)
    checkin_at: dict[int, datetime] = field(default_factory=dict)  # session -> check-in time
    # session -> (latent check-in after a bad day, before rounding; answered with a total;
    # the kind of comment written; points that ruptures showing in one item took off the
    # total): what ``windows`` needs to say what a rupture left behind
    shown: dict[int, tuple[float, bool, str, int]] = field(default_factory=dict)


def magnitude(r: Rupture, j: int) -> float:
    """Latent points a rupture costs at session ``j``: a sudden dip (confrontation) or a slide
    over three sessions (withdrawal); back to the client's own level when repaired (a trace
    at the next session), a lasting part of the depth when not."""
    if j < r.onset:
        return 0.0
    if j <= r.acute_last:
        if r.form == "confrontation":
            return r.depth if j == r.onset else 0.8 * r.depth
        return r.depth * min(1.0, (j - r.onset + 1) / 3)
    if r.repaired:
        return 0.35 * r.depth if j == r.acute_last + 1 else 0.0
    return r.persist * r.depth


def slide_magnitude(s: Slide, j: int) -> float:
    """A disengaging slide deepens with each attended session; after a recovery it fades."""
    if not s.sessions or j < s.sessions[0]:
        return 0.0
    if j in s.sessions:
        return s.step * (s.sessions.index(j) + 1)
    if not s.recovered:
        return 0.0
    bottom, after = s.step * len(s.sessions), j - s.sessions[-1]
    return bottom * (0.5 if after == 1 else 0.2 if after == 2 else 0.0)


def split_items(rng: random.Random, total: int, count: int, top: int) -> list[int]:
    """Spread a total over ``count`` items of 0..``top`` unevenly, as people answer."""
    items = [total // count] * count
    for n in range(total % count):
        items[n] += 1
    rng.shuffle(items)
    for _ in range(count):
        a, b = rng.randrange(count), rng.randrange(count)
        if a != b and items[a] > 0 and items[b] < top:
            items[a] -= 1
            items[b] += 1
    return items


def latent_series(rng: random.Random, p: Params, course: Course) -> dict[int, float]:
    """Each attended session's latent check-in before bad days: level, early growth, AR(1)
    noise with Student-t innovations, minus ruptures that show in the total and slides."""
    client = course.client
    series: dict[int, float] = {}
    noise = client.noise_sd * student_t(rng, p.noise_df)
    innovation_sd = client.noise_sd * math.sqrt(1.0 - p.noise_phi**2)
    for appt in course.appointments:
        j = appt.session
        if not j:
            continue
        if j > 1:
            noise = p.noise_phi * noise + innovation_sd * student_t(rng, p.noise_df)
        cost = sum(magnitude(r, j) for r in course.ruptures if r.shows == "total")
        cost += sum(slide_magnitude(s, j) for s in course.slides)
        growth = client.growth * math.exp(-(j - 1) / 2.5)
        series[j] = client.level - growth + noise - cost
    return series


def acute_rupture(course: Course, j: int) -> Rupture | None:
    return next((r for r in course.ruptures if r.onset <= j <= r.acute_last), None)


def in_slide(course: Course, j: int) -> bool:
    return any(j in s.sessions for s in course.slides)


def observe_checkins(
    rng: random.Random, p: Params, book: CommentBook, course: Course, number: int, extras: Extras
) -> Observed:
    """Check-ins, their comments and items, bad days and crisis words, session by session."""
    observed = Observed()
    latent = latent_series(rng, p, course)
    client = course.client
    for index, appt in enumerate(course.appointments):
        j = appt.session
        if not j:
            continue
        rupture, sliding = acute_rupture(course, j), in_slide(course, j)
        bad = 0.0
        if rupture is None and not sliding and rng.random() < client.bad_day_rate:
            bad = rng.uniform(*p.bad_day_depth)
        rate = client.answer_rate * (p.disengaged_answer if sliding else 1.0)
        if rng.random() >= rate:
            continue
        at = appt.at + timedelta(minutes=rng.uniform(50, 300))
        ref = f"response:sim:{number}:{index}:checkin"
        score, items, dipped = _score(rng, course, j, latent[j], bad)
        comment, kind = _comment(rng, p, book, course, j, bad > 0, extras)
        total = None if comment and rng.random() < p.blank_total else float(score)
        observed.checkins.append(CheckIn(ref, at, total, comment, _appointment_id(number, index)))
        observed.checkin_at[j] = at
        item_drop = int(clamp(round(latent[j] - bad), 0, 40)) - score
        observed.shown[j] = (latent[j] - bad, total is not None, kind, item_drop)
        if total is not None:
            observed.items[ref] = dict(zip(ITEMS, items, strict=True))
        if comment:
            observed.texts.append(FreeText(ref, at, comment, "check-in comment"))
        if kind == "crisis":
            observed.crisis_refs.add(ref)
        if dipped and total is not None:
            observed.bad_days.append(at)
    return observed


def _score(
    rng: random.Random, course: Course, j: int, latent: float, bad: float
) -> tuple[int, list[int], bool]:
    """Censor to 0-40, spread over the four items, then take one item down for ruptures that
    show in a single item only. Returns the total, the items and whether a bad day showed."""
    without_bad = int(clamp(round(latent), 0, 40))
    total = int(clamp(round(latent - bad), 0, 40))
    items = split_items(rng, total, len(ITEMS), 10)
    for r in course.ruptures:
        if r.shows == "item":
            k = ITEMS.index(r.item)
            items[k] = max(0, items[k] - round(magnitude(r, j)))
    return sum(items), items, bad > 0 and without_bad - total >= 2


def _comment(
    rng: random.Random,
    p: Params,
    book: CommentBook,
    course: Course,
    j: int,
    bad_day: bool,
    extras: Extras,
) -> tuple[str, str]:
    """The comment box, by priority: crisis words, rupture markers, a bad day, ordinary."""
    client = course.client
    commenter = client.comment_rate > 0
    crisis = p.crisis_rate * math.exp(client.ideation - p.ideation_sd**2 / 2)
    if extras.crisis and rng.random() < crisis:
        return rng.choice(list(extras.crisis)), "crisis"
    rupture = acute_rupture(course, j)
    if rupture is not None and rupture.form == "confrontation":
        chance = p.confrontation_comment[0 if commenter else 1] * (
            1.0 if j == rupture.onset else 0.5
        )
        if rng.random() < chance:
            return book.confrontation(rng), "confrontation"
    elif (rupture is not None or in_slide(course, j)) and rng.random() < p.withdrawal_comment[
        0 if commenter else 1
    ]:
        return book.withdrawal(rng), "withdrawal"
    if bad_day and rng.random() < p.life_comment[0 if commenter else 1]:
        return book.life(rng), "life"
    if rng.random() < client.comment_rate:
        if extras.ordinary and rng.random() < p.extra_rate:
            return rng.choice(list(extras.ordinary)), "extra"
        return book.ordinary(rng), "ordinary"
    return "", ""


def _appointment_id(number: int, index: int) -> int:
    return number * 1000 + index


@dataclass
class Outcomes:
    scores: list[Score] = field(default_factory=list)
    safety: list[SafetyAnswer] = field(default_factory=list)
    items: dict[str, dict[str, int]] = field(default_factory=dict)
    crisis_refs: set[str] = field(default_factory=set)


def true_phq(p: Params, course: Course, j: int, engaged: int) -> float:
    """The client's true PHQ-9 at session ``j`` after ``engaged`` engaged sessions: the
    improvement builds with engaged sessions only (it stalls while disengaging); a repaired
    rupture adds to it, one not repaired takes from it (Eubanks et al. 2018)."""
    client = course.client
    improvement = client.gain * (1.0 - math.exp(-(engaged - 1) / p.gain_tau))
    for r in course.ruptures:
        if r.repaired and j > r.acute_last:
            improvement += p.repaired_bonus
        elif not r.repaired and j > r.onset:
            improvement -= p.unrepaired_loss
    return client.intake - improvement


def observe_phq(rng: random.Random, p: Params, course: Course, number: int) -> Outcomes:
    """PHQ-9 before the first session and every second session after it, and before a
    planned last session; item 9 answered from the true severity and the client's ideation."""
    out = Outcomes()
    attended = [(i, a) for i, a in enumerate(course.appointments) if a.session]
    last = attended[-1][1].session
    engaged = 0
    for index, appt in attended:
        j = appt.session
        engaged += appt.mode == "engaged"
        due = j % 2 == 1 or (j == last and not course.dropout)
        if not due or (j > 1 and rng.random() < p.phq_missing):
            continue
        truth = true_phq(p, course, j, engaged)
        total = int(clamp(round(truth + rng.gauss(0.0, p.phq_noise)), 0, 27))
        item9 = 0
        if rng.random() < logistic(
            p.item9_logit + p.item9_slope * (truth - 15.0) + course.client.ideation
        ):
            item9 = min(total, weighted_choice(rng, ((1, 0.6), (2, 0.25), (3, 0.15))))
        ref = f"response:sim:{number}:{index}:phq9"
        at = appt.at - timedelta(minutes=rng.uniform(10, 1200))
        rest = split_items(rng, min(total - item9, 24), 8, 3)
        out.items[ref] = {f"PHQ9_{n + 1}": v for n, v in enumerate([*rest, item9])}
        out.scores.append(Score(ref, at, float(sum(rest) + item9)))
        if item9 > 0:
            out.safety.append(SafetyAnswer(ref, at, ("PHQ9_9",), "PHQ-9"))
            out.crisis_refs.add(ref)
    return out


def windows(p: Params, course: Course, observed: Observed) -> list[InjectedRupture]:
    """Each rupture's window: from its first affected check-in to a day after the session
    that follows its acute phase (one session's grace, as the bench scores); a disengaging
    slide's from its first appointment on."""
    times = {a.session: a.at for a in course.appointments if a.session}
    last = max(times)
    after_end = course.appointments[-1].at + timedelta(days=p.gap_days) + AFTER_SESSION

    def end_after(j: int) -> datetime:
        return times[j + 1] + AFTER_SESSION if j + 1 in times else after_end

    found = [
        InjectedRupture(
            start=observed.checkin_at.get(r.onset, times[r.onset] + timedelta(hours=1)),
            end=end_after(r.acute_last),
            start_session=r.onset,
            repaired=r.repaired,
            kind="dip",
            form=r.form,
            shows=r.shows,
            **_trace(course, observed, r, end_after(r.acute_last)),
        )
        for r in course.ruptures
        if r.onset <= last
    ]
    for s in course.slides:
        if s.sessions:
            found.append(
                InjectedRupture(
                    start=course.appointments[s.first].at,
                    end=end_after(s.sessions[-1]),
                    start_session=s.sessions[0],
                    repaired=s.recovered,
                    kind="drift",
                    form="disengagement",
                    shows="total" if s.step > 0 else "none",
                )
            )
    return sorted(found, key=lambda r: r.start)


def _trace(course: Course, observed: Observed, r: Rupture, end: datetime) -> dict[str, Any]:
    """What rupture ``r`` left in the data from its onset to the session after its acute phase:
    the most points it took off an answered total (the same check-in without it, every other
    draw unchanged), a rupture comment, a missed appointment. Recorded, never drawn."""
    shift = 0
    voiced = False
    for j in range(r.onset, r.acute_last + 2):
        if j not in observed.shown:
            continue
        x, scored, kind, item_drop = observed.shown[j]
        voiced = voiced or kind in ("confrontation", "withdrawal")
        if scored and r.shows == "total":
            without = clamp(round(x + magnitude(r, j)), 0, 40)
            shift = max(shift, int(without - clamp(round(x), 0, 40)))
        elif scored and r.shows == "item":
            shift = max(shift, min(round(magnitude(r, j)), item_drop))
    onset_at = next(a.at for a in course.appointments if a.session == r.onset)
    missed = any(
        onset_at < a.at <= end and a.status in ("no_show", "late_cancelled")
        for a in course.appointments
    )
    return {"total_shift": shift, "voiced": voiced, "missed": missed}


def label(course: Course) -> str:
    """A readable summary of what was injected (the engine never sees it)."""
    if course.dropout:
        return f"dropout-{course.path}"
    if any(not r.repaired for r in course.ruptures):
        return "rupture-unrepaired"
    if course.ruptures:
        return "rupture-repaired"
    return "disengaged-recovered" if course.slides else "steady"


def express(
    rng: random.Random,
    p: Params,
    book: CommentBook,
    course: Course,
    number: int,
    extras: Extras,
) -> SimEpisode:
    """The episode as evidence plus its truth."""
    observed = observe_checkins(rng, p, book, course, number, extras)
    outcomes = observe_phq(rng, p, course, number)
    appts = course.appointments
    attended = [a for a in appts if a.session]
    scores = [s.total for s in outcomes.scores]
    evidence = EpisodeEvidence(
        episode_id=number,
        started_at=(appts[0].at - timedelta(days=rng.randint(3, 21))).replace(hour=9, minute=0),
        now=appts[-1].at + timedelta(days=21 if course.dropout else 1),
        checkins=observed.checkins,
        checkin_cutoff=CHECKIN_CUTOFF,
        visits=[
            Visit(f"appointment:sim:{number}:{i}", _appointment_id(number, i), a.at, a.status)
            for i, a in enumerate(appts)
        ],
        outcomes={"phq9": outcomes.scores},
        scales={"phq9": PHQ9},
        safety=outcomes.safety,
        texts=observed.texts,
        agreed_gap_days=float(p.gap_days),
        is_open=False,
    )
    truth = Truth(
        scenario=label(course),
        ceiling=course.client.style == "ceiling",
        ruptures=windows(p, course, observed),
        dropout=course.dropout,
        last_attended=attended[-1].at,
        attended_times=[a.at for a in attended],
        crisis_refs=observed.crisis_refs | outcomes.crisis_refs,
        dropout_risk=[a.risk for a in attended],
        bad_days=observed.bad_days,
        phq_change=scores[-1] - scores[0] if len(scores) > 1 else None,
        dropout_path=course.path,
    )
    return SimEpisode(
        number,
        evidence,
        truth,
        phq9_items=outcomes.items,
        therapist=course.client.therapist.index,
        checkin_items=observed.items,
    )
