"""Latent draws and the session-by-session course of each episode, for any ``Params``.

The course is generated first, from latent quantities only (alliance, therapist, hazards):
which appointments were kept, missed or cancelled, where ruptures began and whether they were
repaired, whether the client disengaged, how the episode ended, and the true dropout risk after
every attended session. ``simulation.express`` then turns the course into what the engine sees
(check-ins, comments, PHQ-9 scores), so nothing observed can leak into the course.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from simulation.chain import (
    RECENT,
    Hazards,
    Oracle,
    after_session,
    disengagement_length,
    onset,
    step,
)
from simulation.params import Params
from simulation.stats import clamp, logistic, weighted_choice

ITEMS = ("bond", "goals", "approach", "overall")  # the check-in's four 0-10 items


@dataclass(frozen=True)
class Therapist:
    index: int
    alliance: float  # standard-normal therapist effect on the alliance
    rupture_mult: float  # multiplier of the rupture rate
    repair_shift: float  # added to the repair log-odds
    caseload: float  # relative share of the practice's episodes


@dataclass(frozen=True)
class Client:
    therapist: Therapist
    alliance: float  # standardised latent alliance, therapist part included
    style: str  # "ceiling", "typical" or "low"
    level: float  # settled latent check-in level, points (may exceed 40: censored)
    growth: float  # how far below ``level`` the first session sits
    noise_sd: float
    bad_day_rate: float
    answer_rate: float
    comment_rate: float  # 0 for a client who never comments
    intake: float  # true PHQ-9 at intake
    gain: float  # improvement a full course would bring
    ideation: float  # persistent log-odds shift of PHQ-9 item 9 and crisis words
    hazards: Hazards


@dataclass
class Appointment:
    at: datetime
    status: str  # an AppointmentStatus value
    session: int = 0  # attended-session number, 0 when not attended
    mode: str = "engaged"  # or "disengaging"
    risk: float = 0.0  # true dropout risk a day after this session (attended only)


@dataclass
class Rupture:
    form: str  # "confrontation" or "withdrawal"
    onset: int  # attended-session number of the first affected check-in
    depth: float  # latent points at the bottom
    acute_last: int  # last session of the acute phase (dip or slide)
    repaired: bool
    persist: float  # share of ``depth`` kept for good when not repaired
    shows: str  # "total", "item" (one check-in item only) or "none" (comments/attendance)
    item: str  # the item that drops when ``shows`` is "item"


@dataclass
class Slide:
    first: int  # index of the disengagement's first appointment
    step: float  # latent points lost per attended session while disengaging
    sessions: list[int] = field(default_factory=list)
    recovered: bool = False


@dataclass
class Course:
    client: Client
    appointments: list[Appointment] = field(default_factory=list)
    ruptures: list[Rupture] = field(default_factory=list)
    slides: list[Slide] = field(default_factory=list)
    dropout: bool = False
    path: str = ""  # "silent", "rupture" or "disengaged" for a dropout


def draw_therapists(rng: random.Random, p: Params) -> list[Therapist]:
    """The practice's therapists: alliance, rupture-rate and repair differences, and unequal
    caseloads (some work part-time). Each effect is standardised over the practice (mean 0,
    the intended SD), so that with only a score of therapists the practice as a whole still
    sits at its calibration targets instead of at one unlucky draw of therapists."""
    count = p.therapists
    alliance = _standardised([rng.gauss(0.0, 1.0) for _ in range(count)], 1.0)
    rupture = _standardised([rng.gauss(0.0, 1.0) for _ in range(count)], p.therapist_rupture_sd)
    repair = _standardised([rng.gauss(0.0, 1.0) for _ in range(count)], p.therapist_repair_sd)
    return [
        Therapist(
            index=n,
            alliance=alliance[n],
            rupture_mult=math.exp(rupture[n]),
            repair_shift=repair[n],
            caseload=rng.uniform(0.5, 1.5),
        )
        for n in range(count)
    ]


def _standardised(values: list[float], scale: float) -> list[float]:
    if len(values) < 2:
        return [0.0 for _ in values]
    centre = sum(values) / len(values)
    spread = math.sqrt(sum((v - centre) ** 2 for v in values) / len(values)) or 1.0
    return [scale * (v - centre) / spread for v in values]


def completion_hazards(p: Params) -> tuple[float, ...]:
    """P(planned ending at session k | reached k), from a Gaussian-shaped planned length."""
    low, high = p.planned_sessions
    weights = {
        n: math.exp(-(((n - p.planned_mode) / p.planned_spread) ** 2)) for n in range(low, high + 1)
    }
    hazards = [0.0] * (high + 1)
    remaining = sum(weights.values())
    for n in range(low, high + 1):
        hazards[n] = weights[n] / remaining if remaining > 0 else 1.0
        remaining -= weights[n]
    hazards[high] = 1.0
    return tuple(hazards)


def build_hazards(p: Params, alliance: float, therapist: Therapist) -> Hazards:
    """One client's chain: lower alliance raises leaving and rupture hazards (log-linearly)."""
    completion = completion_hazards(p)
    last = len(completion) - 1
    longest = max(n for n, _ in p.disengage_lengths)
    silent = [0.0] + [
        p.silent_base * p.silent_decay ** (k - 1) * math.exp(-p.silent_slope * alliance)
        for k in range(1, last)
    ]
    disengage = [0.0] + [
        p.disengage_base * p.disengage_decay ** (k - 1) * math.exp(-p.disengage_slope * alliance)
        for k in range(1, last - longest)
    ]
    return Hazards(
        completion=completion,
        silent=tuple(silent),
        disengage=tuple(disengage),
        recent_silent=p.recent_silent,
        recent_disengage=p.recent_disengage,
        old_mult=p.old_mult,
        onset=min(
            0.5, p.rupture_rate * therapist.rupture_mult * math.exp(-p.rupture_slope * alliance)
        ),
        repair=logistic(p.repair_logit + p.repair_slope * alliance + therapist.repair_shift),
        disengage_lengths=p.disengage_lengths,
        disengaged_miss=p.disengaged_miss,
        disengaged_drop=p.disengaged_drop,
    )


def draw_client(rng: random.Random, p: Params, therapist: Therapist) -> Client:
    """A client's latent make-up; the alliance is a therapist part plus a client part."""
    alliance = math.sqrt(p.therapist_share) * therapist.alliance + math.sqrt(
        1.0 - p.therapist_share
    ) * rng.gauss(0.0, 1.0)
    style, level = _style(rng, p, alliance)
    top_box = style == "ceiling"  # answers at the top from the start, with little wobble
    intake = clamp(rng.gauss(*p.intake), 5.0, 27.0)
    gain = p.gain_mean + p.gain_intake * (intake - 15.0) + p.gain_slope * alliance
    commenter = rng.random() >= p.never_comment
    return Client(
        therapist=therapist,
        alliance=alliance,
        style=style,
        level=level,
        growth=0.0 if top_box else max(0.0, rng.gauss(*p.growth)),
        noise_sd=rng.uniform(*p.noise_sd) * (p.ceiling_noise if top_box else 1.0),
        bad_day_rate=rng.uniform(*p.bad_day_rate),
        answer_rate=rng.betavariate(*p.answer_rate),
        comment_rate=rng.betavariate(*p.comment_rate) if commenter else 0.0,
        intake=intake,
        gain=clamp(gain + rng.gauss(0.0, p.gain_sd), -4.0, intake),
        ideation=rng.gauss(0.0, p.ideation_sd),
        hazards=build_hazards(p, alliance, therapist),
    )


def _style(rng: random.Random, p: Params, alliance: float) -> tuple[str, float]:
    """Response style and settled latent level. Top-box answering is more likely the better
    the alliance (a ceiling can be real information: Meier & Feeley 2022), but it hides how
    much better: every top-box client shows 40."""
    if rng.random() < logistic(p.ceiling_logit + p.ceiling_slope * alliance):
        return "ceiling", 40.0 + rng.uniform(*p.ceiling_headroom) + alliance
    if rng.random() < p.low_share:
        return "low", rng.uniform(*p.low_level) + 2.0 * alliance
    scale_use = rng.gauss(0.0, p.idiosyncratic_sd)
    return "typical", p.typical_mean + p.typical_sd * alliance + scale_use


class Walk:
    """Walks one client's chain appointment by appointment (see ``simulation.chain``)."""

    def __init__(
        self,
        rng: random.Random,
        p: Params,
        client: Client,
        first: datetime,
        oracle: Oracle | None = None,  # the client's, when walking them more than once
    ) -> None:
        self.rng, self.p, self.client = rng, p, client
        self.oracle = oracle or Oracle(client.hazards)
        self.t = first - timedelta(days=p.gap_days)
        self.k = 0
        self.since = 0
        self.course = Course(client)

    def run(self) -> Course:
        while True:
            self._attend_engaged()
            event = after_session(self.rng, self.client.hazards, self.k, self.since)
            if event == "complete":
                return self.course
            if event == "silent":
                self.course.path = "rupture" if 1 <= self.since <= RECENT else "silent"
                self._leave()
                return self.course
            if event == "disengage" and self._disengage():
                return self.course

    def _next_slot(self) -> datetime:
        self.t += timedelta(days=self.p.gap_days)
        if self.k and self.rng.random() < self.p.holiday:  # a holiday: nothing booked
            self.t += timedelta(days=self.p.gap_days)
        return self.t

    def _attend_engaged(self) -> None:
        while True:
            at = self._next_slot()
            status = "attended" if self.k == 0 else self._engaged_status()
            if status != "attended":
                self.course.appointments.append(Appointment(at, status))
                continue
            self.k += 1
            self.since = step(self.since)
            self._maybe_rupture()
            risk = self.oracle.engaged(self.k, self.since)
            self.course.appointments.append(Appointment(at, "attended", self.k, "engaged", risk))
            return

    def _engaged_status(self) -> str:
        """Base-rate misses; more of them in the weeks after an unrepaired rupture."""
        p = self.p
        mult = p.recent_miss_mult if 1 <= self.since <= RECENT else 1.0
        missed = (("no_show", p.no_show * mult), ("late_cancelled", p.late_cancel * mult))
        kept = 1.0 - sum(w for _, w in missed) - p.cancelled
        return weighted_choice(self.rng, (*missed, ("cancelled", p.cancelled), ("attended", kept)))

    def _maybe_rupture(self) -> None:
        begins, repaired = onset(self.rng, self.client.hazards, self.k)
        if not begins:
            return
        if not repaired:
            self.since = 1
        rng, p = self.rng, self.p
        form = "confrontation" if rng.random() < p.confrontation_share else "withdrawal"
        length = rng.choice((1, 2)) if form == "confrontation" else 3
        ruptures = self.course.ruptures
        if ruptures and ruptures[-1].acute_last >= self.k:
            # A second strain before the first was over: one longer rupture, repaired only if
            # both would have been.
            ruptures[-1].acute_last = max(ruptures[-1].acute_last, self.k + length - 1)
            ruptures[-1].repaired = ruptures[-1].repaired and repaired
            return
        ruptures.append(
            Rupture(
                form=form,
                onset=self.k,
                depth=rng.uniform(*p.rupture_depth),
                acute_last=self.k + length - 1,
                repaired=repaired,
                persist=rng.uniform(*p.persist),
                shows=weighted_choice(rng, p.rupture_shows),
                item=rng.choice(ITEMS),
            )
        )

    def _leave(self) -> None:
        """The next booked appointment is missed or cancelled, and nothing is booked again."""
        at = self._next_slot()
        status = weighted_choice(
            self.rng, (("no_show", 0.5), ("late_cancelled", 0.2), ("cancelled", 0.3))
        )
        self.course.appointments.append(Appointment(at, status))
        self.course.dropout = True

    def _disengage(self) -> bool:
        """A few appointments of missed sessions and sliding check-ins, the last one kept; True
        if the client then leaves (a dropout), False if they re-engage."""
        hazards, rng = self.client.hazards, self.rng
        count = disengagement_length(rng, hazards)
        slide = Slide(first=len(self.course.appointments), step=rng.uniform(*self.p.drift_step))
        for n in range(count):
            at = self._next_slot()
            if n < count - 1 and rng.random() < hazards.disengaged_miss:
                status = weighted_choice(rng, (("no_show", 0.6), ("late_cancelled", 0.4)))
                self.course.appointments.append(Appointment(at, status))
                continue
            self.k += 1
            self.since = step(self.since)
            risk = self.oracle.disengaging(self.k, self.since, count - n - 1)
            self.course.appointments.append(
                Appointment(at, "attended", self.k, "disengaging", risk)
            )
            slide.sessions.append(self.k)
        self.course.slides.append(slide)
        if rng.random() < hazards.disengaged_drop:
            self.course.path = "disengaged"
            self._leave()
            return True
        slide.recovered = True
        return False
