"""The demo's signals: what the engine finds in the demo's history, and what therapists did about
some of it. ``generator.DEMO_STEPS`` runs ``create_signals`` after the measures, agreements and
session records (the engine reads all of them).

The demo's rows go in by bulk insert, so the receivers that evaluate an episode when evidence
arrives never fire: this step runs the engine once over the whole practice, as of the morning of
the demo's ``today`` (``evaluation_time``). It then back-dates what the engine stamped "now" to
when the receivers would have run (a flag is raised as its evidence comes in), and plays out, through
the signals services with the therapist as actor:

- the client whose alliance dipped and did not recover (the drifting client when the history
  allows) keeps an open rupture, not yet acknowledged;
- one client whose check-in dipped and recovered (one of dana's when she has one): the therapist
  acknowledged the rupture, talked it through at the next session (a repair step with its
  strategies and what was said), replied to the client's comment on that check-in with what
  changed (the portal shows it) and, once the engine suggested recovery, closed it as resolved;
- the crisis flag of the one PHQ-9 item 9 answer, acknowledged the same day with a note.

Dropout risk and not-on-track flags come from the rules alone (the drifting client's missed
appointments, the deteriorating clients' outcome scores); the summary names one of each. Running
the engine again with the same ``now`` changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from alliance.appointments.models import Appointment
from alliance.audit.services import Actor
from alliance.demo.measure_planning import AllianceCourse
from alliance.measures.definitions import CHECKIN_ID
from alliance.measures.models import MeasureResponse
from alliance.practice.models import CareEpisode
from alliance.signals.engine import evaluate_practice
from alliance.signals.models import (
    EpisodeRisk,
    FeedbackReply,
    Flag,
    FlagKind,
    FlagStatus,
    RepairStep,
    RiskLevel,
    RuptureEpisode,
    RuptureStatus,
)
from alliance.signals.services import (
    acknowledge_flag,
    acknowledge_rupture,
    close_rupture,
    record_repair,
    reply_to_feedback,
)

if TYPE_CHECKING:
    from datetime import date

    from alliance.demo.build import DemoBuild
    from alliance.demo.episode_planning import EpisodePlan

# The engine runs at half past seven on the demo's "today", after the morning's preparation.
EVALUATED_AT = time(7, 30)
# How long after its evidence the background task raised a flag.
RAISED_AFTER = timedelta(minutes=2)
AFTER_SESSION = timedelta(minutes=20)


def evaluation_time(today: date) -> datetime:
    """The ``now`` the demo evaluates its practice at: rerun with it and nothing changes."""
    return datetime.combine(today, EVALUATED_AT, tzinfo=timezone.get_default_timezone())


@dataclass(frozen=True)
class _Repair:
    strategies: tuple[str, ...]
    what_was_said: str
    what_we_changed: str  # the reply to the client's comment, shown on their portal


# What the therapist did about each comment that comes with a dip (``notes.DIP_COMMENTS``).
REPAIRS: dict[str, _Repair] = {
    "Felt rushed at the end.": _Repair(
        ("acknowledge_mistake", "adjust_approach"),
        "Said the ending had been rushed and that it was on me, not them. We agreed to stop "
        "starting new topics ten minutes before the end and to use that time to wind down and "
        "check how the session went.",
        "We stop starting new topics ten minutes before the end, to wind down and check together "
        "how the session went.",
    ),
    "I wasn't sure why we went back to my childhood.": _Repair(
        ("clarify_expectations", "revisit_goals"),
        "Explained why I had brought up early memories and asked whether it felt relevant to "
        "what they came for. Agreed that I will say why before we look back, and ask first.",
        "Before we look back at the past I explain why and ask whether you want to go there, "
        "and we keep it tied to the goals you set.",
    ),
    "I didn't feel heard today.": _Repair(
        ("validate_feelings", "acknowledge_mistake", "discuss_relationship"),
        "Named that I had moved to solutions too quickly last week. Asked what that had been like "
        "and mostly listened; we agreed they can stop me when it happens again.",
        "More time to say things in your own words before we look for solutions, and you can "
        "stop me whenever it feels like I am not listening.",
    ),
    "We spent most of the time on things that aren't my priority.": _Repair(
        ("revisit_goals", "adjust_approach"),
        "Went back over the goals together and asked which matter most now. From now on they "
        "choose what we start with.",
        "Each session now starts with you choosing what we spend the time on.",
    ),
    "Not sure this is working for me at the moment.": _Repair(
        ("discuss_relationship", "validate_feelings", "revisit_goals"),
        "Thanked them for saying so. Talked openly about what has and has not helped, and "
        "agreed to review it together every four sessions.",
        "Every four sessions we look together at what is helping and what is not, and change "
        "course when something is not working.",
    ),
    "It felt more like a lecture than a conversation.": _Repair(
        ("acknowledge_mistake", "adjust_approach"),
        "Agreed that I had been explaining too much. Shorter explanations from me, and we work "
        "from their own examples of the week.",
        "Less explaining from me, and more working from your own examples of the week.",
    ),
}
GENERIC_REPAIR = _Repair(
    ("validate_feelings", "discuss_relationship"),
    "Thanked them for the feedback and asked what would make the sessions more useful; we "
    "agreed to check in on how the work is going at the end of each session.",
    "We now end each session by checking together how it went and what to change.",
)
RESOLVED_NOTE = "Check-ins back at their usual level since we talked it through."
CRISIS_NOTE = (
    "Phoned {name} the same day. Thoughts of being better off dead on bad evenings, no "
    "plan or intent. Went through the safety plan together and shared the crisis line; "
    "booked a check-in call before the next session."
)


@dataclass(frozen=True)
class _Person:
    plan: EpisodePlan
    episode: CareEpisode
    attended: list[Appointment]  # oldest first

    @property
    def therapist(self) -> Actor:
        return Actor(user=self.episode.therapist.user)

    @property
    def name(self) -> str:
        return f"{self.plan.full_name} ({self.plan.username})"


def create_signals(build: DemoBuild) -> None:
    now = evaluation_time(build.today)
    evaluate_practice(build.practice.pk, now=now)
    _raise_as_evidence_came_in(build, now)
    people = [
        _Person(plan, episode, attended)
        for plan, episode, attended in zip(build.plans, build.episodes, build.attended, strict=True)
    ]
    courses = [measures.alliance for measures in build.measure_plans]
    named: set[str] = set()

    lasting = next(
        (
            p
            for p, course in zip(people, courses, strict=True)
            if course == AllianceCourse.DIP_LASTS
        ),
        None,
    )
    if lasting is not None and _open_ruptures(lasting).exists():
        named.add(lasting.plan.username)
        build.highlights.append(
            f"{lasting.name}: a rupture flag waiting for {lasting.plan.therapist} to acknowledge "
            "it (the check-ins dropped and stayed down)"
        )

    recovering = sorted(
        (
            p
            for p, course in zip(people, courses, strict=True)
            if course == AllianceCourse.DIP_RECOVERS
        ),
        key=lambda p: p.plan.therapist != "dana",  # one of dana's first, as the summary has it
    )
    for person in recovering:
        rupture = _recovered_rupture(person)
        if rupture is not None:
            _repair(build, person, rupture, now)
            named.add(person.plan.username)
            break

    flagged = [p for p, m in zip(people, build.measure_plans, strict=True) if m.safety_answer]
    for person in flagged:
        if _acknowledge_crisis(person, now):
            named.add(person.plan.username)
            build.highlights.append(
                f"{person.name}: the crisis flag of that answer, acknowledged by "
                f"{person.plan.therapist} the same day with a note of what was done"
            )

    _name_a_dropout_risk(build, people, named)
    _name_a_client_not_on_track(build, people, named)
    build.flags = Counter(
        Flag.objects.filter(practice=build.practice).values_list("kind", flat=True)
    )
    build.ruptures = Counter(
        RuptureEpisode.objects.filter(practice=build.practice).values_list("status", flat=True)
    )


def _raise_as_evidence_came_in(build: DemoBuild, now: datetime) -> None:
    """In use, the receivers evaluate an episode as each answer comes in: back-date the flags and
    rupture episodes to then, rather than all to this morning."""
    flags = list(Flag.objects.filter(practice=build.practice))
    for flag in flags:
        flag.raised_at = min(flag.observed_at + RAISED_AFTER, now)
    Flag.objects.bulk_update(flags, ["raised_at"])
    ruptures = list(RuptureEpisode.objects.filter(practice=build.practice))
    for rupture in ruptures:
        rupture.opened_at = min(rupture.began_at + RAISED_AFTER, now)
    RuptureEpisode.objects.bulk_update(ruptures, ["opened_at"])


def _open_ruptures(person: _Person) -> QuerySet[RuptureEpisode]:
    return RuptureEpisode.objects.filter(episode=person.episode, status=RuptureStatus.OPEN)


def _recovered_rupture(person: _Person) -> RuptureEpisode | None:
    """The rupture of the dip: the one with the most flags among those the engine saw recover."""
    candidates = [
        rupture
        for rupture in RuptureEpisode.objects.filter(
            episode=person.episode, recovery_suggested_at__isnull=False
        ).order_by("began_at", "pk")
        if not rupture.is_closed
    ]
    if not candidates:
        return None
    flags = Counter(
        Flag.objects.filter(rupture__in=candidates).values_list("rupture_id", flat=True)
    )
    return max(candidates, key=lambda r: (flags[r.pk], r.began_at))


def _next_session(person: _Person, after: datetime) -> Appointment | None:
    return next((a for a in person.attended if a.scheduled_start > after), None)


def _repair(build: DemoBuild, person: _Person, rupture: RuptureEpisode, now: datetime) -> None:
    """Acknowledged the day after the dip, talked through at the next session (with a reply to
    the client's comment), resolved the day after the check-ins were back at baseline."""
    actor = person.therapist
    comment = _first_comment_since(person, rupture.began_at)
    repair = REPAIRS.get(comment.comment.strip(), GENERIC_REPAIR) if comment else GENERIC_REPAIR
    times = _RepairTimes.of(person, rupture, now)

    acknowledge_rupture(actor=actor, rupture=rupture)
    step = record_repair(
        actor=actor,
        rupture=rupture,
        strategies=list(repair.strategies),
        what_was_said=repair.what_was_said,
    )
    reply = None
    if comment is not None:
        reply = reply_to_feedback(
            actor=actor, response=comment, what_we_changed=repair.what_we_changed
        )
    close_rupture(actor=actor, rupture=rupture, resolved=True, note=RESOLVED_NOTE)

    _back_date_repair(rupture, step, times)
    labels = ", ".join(label.lower() for label in step.strategy_labels())
    line = (
        f"{person.name}: a rupture {person.plan.therapist} acknowledged and repaired ({labels}), "
        "resolved once the check-ins were back at their baseline"
    )
    if reply is not None:
        FeedbackReply.objects.filter(pk=reply.pk).update(
            written_at=min(times.talked_at + timedelta(minutes=5), now)
        )
        line += (
            f"; {person.plan.therapist} replied to the comment “{reply.response.comment.strip()}” "
            f"with what changed (sign in as {person.plan.username} to see it)"
        )
    build.highlights.append(line)


def _first_comment_since(person: _Person, began_at: datetime) -> MeasureResponse | None:
    """The client's first check-in comment from the start of the rupture on."""
    return (
        MeasureResponse.objects.filter(
            episode=person.episode,
            instrument_id=CHECKIN_ID,
            respondent_role="client",
            submitted_at__gte=began_at,
        )
        .exclude(comment="")
        .order_by("submitted_at", "pk")
        .first()
    )


@dataclass(frozen=True)
class _RepairTimes:
    """When the therapist acknowledged the rupture, talked it through, and resolved it."""

    acknowledged_at: datetime
    talked_at: datetime
    resolved_at: datetime

    @classmethod
    def of(cls, person: _Person, rupture: RuptureEpisode, now: datetime) -> _RepairTimes:
        assert rupture.recovery_suggested_at is not None
        session = _next_session(person, rupture.began_at)
        acknowledged_at = min(rupture.began_at + timedelta(hours=20), now)
        talked_at = session.scheduled_end + AFTER_SESSION if session else acknowledged_at
        talked_at = min(max(talked_at, acknowledged_at), now)
        resolved_at = min(max(rupture.recovery_suggested_at + timedelta(days=1), talked_at), now)
        return cls(acknowledged_at, talked_at, resolved_at)


def _back_date_repair(rupture: RuptureEpisode, step: RepairStep, times: _RepairTimes) -> None:
    """Back-dated (the services stamp "now"); a flag raised after the acknowledgement was
    acknowledged as it came in."""
    RuptureEpisode.objects.filter(pk=rupture.pk).update(
        acknowledged_at=times.acknowledged_at, closed_at=times.resolved_at
    )
    flags = list(Flag.objects.filter(rupture=rupture))
    for flag in flags:
        flag.acknowledged_at = max(times.acknowledged_at, flag.raised_at)
    Flag.objects.bulk_update(flags, ["acknowledged_at"])
    RepairStep.objects.filter(pk=step.pk).update(recorded_at=times.talked_at)


def _acknowledge_crisis(person: _Person, now: datetime) -> bool:
    """The therapist phoned the client the afternoon the answer came in."""
    crisis = list(
        Flag.objects.filter(
            episode=person.episode, kind=FlagKind.CRISIS, status=FlagStatus.OPEN
        ).order_by("observed_at", "pk")
    )
    for flag in crisis:
        acknowledge_flag(
            actor=person.therapist,
            flag=flag,
            note=CRISIS_NOTE.format(name=person.plan.first_name),
        )
        Flag.objects.filter(pk=flag.pk).update(
            acknowledged_at=min(flag.observed_at + timedelta(hours=2), now)
        )
    return bool(crisis)


def _prefer(people: list[_Person], named: set[str]) -> list[_Person]:
    """Dana's clients first, then those the summary has not named yet."""
    return sorted(people, key=lambda p: (p.plan.username in named, p.plan.therapist != "dana"))


def _name_a_dropout_risk(build: DemoBuild, people: list[_Person], named: set[str]) -> None:
    risks = {
        risk.episode_id: risk
        for risk in EpisodeRisk.objects.filter(
            practice=build.practice, level=RiskLevel.HIGH
        ).order_by("-score", "episode_id")
    }
    flagged = set(
        Flag.objects.filter(
            practice=build.practice, kind=FlagKind.DROPOUT_RISK, status=FlagStatus.OPEN
        ).values_list("episode_id", flat=True)
    )
    at_risk = sorted(
        (p for p in people if p.episode.pk in risks and p.episode.pk in flagged),
        key=lambda p: -risks[p.episode.pk].score,
    )
    if not at_risk:
        return
    person = _prefer(at_risk, named)[0]
    words = "; ".join(factor["words"] for factor in risks[person.episode.pk].factors[:2])
    named.add(person.plan.username)
    build.highlights.append(f"{person.name}: at high risk of dropping out ({words})")


def _name_a_client_not_on_track(build: DemoBuild, people: list[_Person], named: set[str]) -> None:
    flags = {
        flag.episode_id: flag
        for flag in Flag.objects.filter(
            practice=build.practice, kind=FlagKind.NOT_ON_TRACK, status=FlagStatus.OPEN
        ).order_by("observed_at", "pk")  # the latest per episode wins
    }
    off_track = [p for p in people if p.episode.pk in flags]
    if not off_track:
        return
    person = _prefer(off_track, named)[0]
    named.add(person.plan.username)
    build.highlights.append(f"{person.name}: not on track: {flags[person.episode.pk].explanation}")
