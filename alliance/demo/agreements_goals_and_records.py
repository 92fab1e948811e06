"""The demo's therapy agreements, goals, session records, private notes, a preparation and a
calendar feed: the steps ``generator.DEMO_STEPS`` runs after the measures.

Rows go in through the product's services (``draft_agreement``, ``propose_goal``,
``save_session_record`` ...), each writing its own audit row; the services stamp "now", so the
steps back-date what they wrote with queryset ``update`` calls. Goal ratings and the one
preparation are the exceptions, written directly (see there why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils import timezone

from alliance.agreements.models import (
    Acknowledgement,
    Agreement,
    AgreementReview,
    AgreementTemplate,
    AgreementVersion,
)
from alliance.agreements.services import (
    acknowledge,
    current_version,
    draft_agreement,
    mark_reviewed,
    save_version,
    share_agreement,
    template_for,
)
from alliance.agreements.terms import terms_of
from alliance.appointments.models import Appointment
from alliance.appointments.services import create_feed
from alliance.audit.services import Actor
from alliance.demo import notes
from alliance.goals.models import SCORE_MAX, Goal, GoalRating, GoalRole, GoalStatus
from alliance.goals.services import drop_goal, mark_achieved, propose_goal, revise_goal
from alliance.practice.models import CareEpisode, PhaseChange
from alliance.sessions.models import PrivateNote, SessionPreparation, SessionRecord
from alliance.sessions.services import add_private_note, save_session_record

if TYPE_CHECKING:
    import random

    from alliance.demo.build import DemoBuild
    from alliance.demo.episode_planning import EpisodePlan

LOCAL_SERVER = "http://127.0.0.1:8000"
AFTER_SESSION = timedelta(minutes=20)


@dataclass(frozen=True)
class OpenEpisode:
    plan: EpisodePlan
    episode: CareEpisode
    attended: list[Appointment]  # oldest first

    @property
    def therapist(self) -> Actor:
        return Actor(user=self.episode.therapist.user)


def open_episodes(build: DemoBuild) -> list[OpenEpisode]:
    return [
        OpenEpisode(plan, episode, attended)
        for plan, episode, attended in zip(build.plans, build.episodes, build.attended, strict=True)
        if episode.is_open and attended
    ]


def _dana_pool(build: DemoBuild, opened: list[OpenEpisode]) -> list[OpenEpisode]:
    """Dana's open episodes other than chris's, oldest first."""
    chris = build.plans[0].username
    return sorted(
        (o for o in opened if o.plan.therapist == "dana" and o.plan.username != chris),
        key=lambda o: (o.plan.started_on, o.plan.username),
    )


# --- Agreements -----------------------------------------------------------------------------


def create_agreements(build: DemoBuild) -> None:
    """An agreement for every open episode: drafted at assignment, its purpose written in the
    client's words at an early session, acknowledged by the client a day later; reviewed since
    where a review is due. One of dana's newest clients has not acknowledged yet, and one of her
    older agreements is due for review."""
    template = _fill_in_template(build)
    opened = open_episodes(build)
    pool = _dana_pool(build, opened)
    unacknowledged = pool[-1]
    last_changes = _last_phase_changes(build)
    weeks = template.review_every_weeks
    due_candidates = [
        o
        for o in pool[:-1]
        if _is_due(build, _version_at(o), last_changes.get(o.episode.pk), weeks)
    ]
    due = (due_candidates or pool[:1])[0]
    written = _AgreementRows()
    for item in opened:
        version_at = _version_at(item)
        agreement, first, second = _draft_with_purpose(build, item)
        drafted = build.session_start(item.plan.started_on, 8) + timedelta(minutes=40)
        first.created_at, second.created_at = drafted, version_at
        written.versions += [first, second]
        reviewed_at = version_at
        last_change = last_changes.get(item.episode.pk)
        if item is not due and _is_due(build, version_at, last_change, weeks):
            reviewed_at = _review_at(build, item, last_change, weeks)
            written.reviews.append(_reviewed(build, item, agreement, reviewed_at))
        # Shared with the client once its purpose is written together.
        agreement.created_at, agreement.reviewed_at = drafted, reviewed_at
        agreement.shared_at = version_at
        written.agreements.append(agreement)
        build.agreements += 1
        if item is not unacknowledged:
            written.acknowledgements.append(_acknowledged(build, item, second, version_at))
            build.acknowledged += 1
    written.back_date()
    build.highlights += [
        f"{unacknowledged.plan.full_name} ({unacknowledged.plan.username}): "
        "their therapy agreement is waiting for them to acknowledge it",
        f"{due.plan.full_name} ({due.plan.username}): their therapy agreement is due for review",
    ]


@dataclass
class _AgreementRows:
    """What ``create_agreements`` wrote, with the times it should carry."""

    versions: list[AgreementVersion] = field(default_factory=list)
    reviews: list[AgreementReview] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    acknowledgements: list[Acknowledgement] = field(default_factory=list)

    def back_date(self) -> None:
        """Back-dated in one query per model (the services stamp "now")."""
        AgreementVersion.objects.bulk_update(self.versions, ["created_at"])
        AgreementReview.objects.bulk_update(self.reviews, ["reviewed_at"])
        Agreement.objects.bulk_update(self.agreements, ["created_at", "reviewed_at", "shared_at"])
        Acknowledgement.objects.bulk_update(self.acknowledgements, ["acknowledged_at"])


def _fill_in_template(build: DemoBuild) -> AgreementTemplate:
    """The practice's agreement template with the demo practice's details in its placeholders."""
    template = template_for(build.practice)
    sections = dict(template.sections)
    for placeholder, detail in notes.TEMPLATE_DETAILS:
        sections = {key: text.replace(placeholder, detail) for key, text in sections.items()}
    template.sections = sections
    template.save(update_fields=["sections"])
    return template


def _last_phase_changes(build: DemoBuild) -> dict[int, datetime]:
    """Each episode's latest phase change (its first phase, set at the start, left out)."""
    return dict(
        PhaseChange.objects.filter(episode__practice=build.practice)
        .exclude(from_phase="")
        .values("episode_id")
        .annotate(last=Max("changed_at"))
        .values_list("episode_id", "last")
    )


def _draft_with_purpose(
    build: DemoBuild, item: OpenEpisode
) -> tuple[Agreement, AgreementVersion, AgreementVersion]:
    """The agreement as drafted from the template, and its second version with the purpose
    written in the client's words."""
    agreement = draft_agreement(actor=item.therapist, episode=item.episode)
    first = current_version(agreement)
    words = dict(first.sections)
    words["purpose"] = (
        f"{words['purpose'].split('[')[0].rstrip()}\n\n"
        f"{notes.PURPOSE_INTRO} “{build.rng.choice(notes.PURPOSES)}”"
    )
    second = save_version(
        actor=item.therapist,
        agreement=agreement,
        sections=words,
        terms=terms_of(first),
        note="Purpose written together.",
    )
    agreement = share_agreement(actor=item.therapist, agreement=agreement)
    return agreement, first, second


def _reviewed(
    build: DemoBuild, item: OpenEpisode, agreement: Agreement, reviewed_at: datetime
) -> AgreementReview:
    review = mark_reviewed(
        actor=item.therapist, agreement=agreement, note=build.rng.choice(notes.REVIEW_NOTES)
    )
    review.reviewed_at = reviewed_at
    return review


def _acknowledged(
    build: DemoBuild, item: OpenEpisode, version: AgreementVersion, version_at: datetime
) -> Acknowledgement:
    """The client's acknowledgement, a day (and a few hours) after the version was written."""
    client = item.episode.client.user
    acknowledgement = acknowledge(actor=Actor(user=client), version=version)
    acknowledgement.acknowledged_at = version_at + timedelta(days=1, hours=build.rng.randint(0, 8))
    return acknowledgement


def _version_at(item: OpenEpisode) -> datetime:
    """The purpose is written together at the end of the second session (or the first)."""
    return item.attended[min(1, len(item.attended) - 1)].scheduled_end + AFTER_SESSION


def _is_due(
    build: DemoBuild, reviewed_at: datetime, last_change: datetime | None, weeks: int
) -> bool:
    """As ``agreements.services.is_due`` has it, before the agreement is written."""
    if last_change is not None and last_change > reviewed_at:
        return True
    return build.today >= timezone.localdate(reviewed_at) + timedelta(weeks=weeks)


def _review_at(
    build: DemoBuild, item: OpenEpisode, last_change: datetime | None, weeks: int
) -> datetime:
    """After the last phase change and the latest session; ten days ago if even that is due
    again by now (a paused episode, reviewed by phone)."""
    latest = item.attended[-1].scheduled_end + AFTER_SESSION
    when = max(latest, (last_change or latest) + AFTER_SESSION)
    if _is_due(build, when, last_change, weeks):
        when = build.session_start(build.today - timedelta(days=10), 17)
    return when


# --- Goals ----------------------------------------------------------------------------------


@dataclass
class _GoalLife:
    """What happens to one goal: set at attended session ``first``, rated until ``last``."""

    words: str
    first: int
    last: int
    ending: str = ""  # "", "achieved", "revised", "dropped"
    unrated_tail: bool = False  # the client stopped rating it: due for review


@dataclass(frozen=True)
class _GoalCast:
    """The episodes whose goals tell a story: chris's, and one each with a goal due for review,
    a goal revised and a goal dropped."""

    chris: OpenEpisode
    due_in: OpenEpisode
    revised_in: OpenEpisode
    dropped_in: OpenEpisode

    @classmethod
    def of(cls, build: DemoBuild, opened: list[OpenEpisode]) -> _GoalCast:
        long_ones = [o for o in opened if len(o.attended) >= 8]
        chris = opened[0]
        assert chris.plan.username == build.plans[0].username
        by_therapist = {
            name: [o for o in long_ones if o.plan.therapist == name and o is not chris]
            for name in ("dana", "miguel", "priya")
        }
        return cls(
            chris=chris,
            due_in=(by_therapist["priya"] or long_ones)[0],
            revised_in=(by_therapist["miguel"] or long_ones)[0],
            dropped_in=(by_therapist["priya"] or long_ones)[-1],
        )


def create_goals(build: DemoBuild) -> None:
    """One to three goals per open episode, rated by the client (and now and then the
    therapist) after each session, the ratings mostly rising. Across the practice some goals
    were achieved, one revised, one dropped; chris has proposed a new one, and one goal has
    gone unrated long enough to be due for review."""
    opened = open_episodes(build)
    cast = _GoalCast.of(build, opened)
    ratings: list[GoalRating] = []
    for item in opened:
        ratings += _goals_for(build, item, _goal_lives(build.rng, item, cast))
    # Several hundred back-dated ratings: ``rate_goal`` stamps "now" and writes an audit row,
    # so each would need a second query to back-date it; they go in bulk instead, checked
    # against the same 0-10 scale. The load's audit row covers them.
    GoalRating.objects.bulk_create(ratings)
    build.goal_ratings = len(ratings)

    chris = cast.chris
    words = _propose_a_goal(build, chris)
    build.goals[GoalStatus.PROPOSED] += 1
    build.highlights += [
        f"{chris.plan.full_name} ({chris.plan.username}): proposed a new goal (“{words}”), "
        "waiting for dana to confirm it",
        f"{cast.due_in.plan.full_name} ({cast.due_in.plan.username}): a goal due for review "
        "(not rated for four sessions)",
        f"{cast.revised_in.plan.full_name} ({cast.revised_in.plan.username}): a goal whose "
        "wording was revised",
    ]


def _goal_lives(rng: random.Random, item: OpenEpisode, cast: _GoalCast) -> list[_GoalLife]:
    """One to three goals for the episode, and what becomes of them."""
    count = len(item.attended)
    start = min(1, count - 1)
    lives = [
        _GoalLife(words, start, count - 1) for words in rng.sample(notes.GOALS, rng.randint(1, 3))
    ]
    if item is cast.chris or (item is not cast.due_in and count >= 10 and rng.random() < 0.3):
        lives[0].ending, lives[0].last = "achieved", max(start, count - rng.randint(3, 5))
    if item is cast.due_in:
        lives[-1].unrated_tail = True
    if item is cast.revised_in:
        old, new = rng.choice(notes.REVISIONS)
        lives.append(_GoalLife(old, start, max(start, count // 2), "revised"))
        lives.append(_GoalLife(new, min(count - 1, count // 2 + 1), count - 1))
    if item is cast.dropped_in:
        unused = [words for words in notes.GOALS if all(words != life.words for life in lives)]
        lives.append(_GoalLife(rng.choice(unused), start, start + 3, "dropped"))
    return lives


def _propose_a_goal(build: DemoBuild, chris: OpenEpisode) -> str:
    """Chris proposes a new goal the day after his latest session; its words."""
    words = build.rng.choice(notes.PROPOSALS)
    proposal = propose_goal(
        actor=Actor(user=chris.episode.client.user), episode=chris.episode, words=words
    )
    proposed_at = min(
        chris.attended[-1].scheduled_end + timedelta(days=1, hours=3),
        build.session_start(build.today, 7),
    )
    Goal.objects.filter(pk=proposal.pk).update(
        created_at=proposed_at, status_changed_at=proposed_at
    )
    return words


def _goals_for(build: DemoBuild, item: OpenEpisode, lives: list[_GoalLife]) -> list[GoalRating]:
    rng = build.rng
    ratings: list[GoalRating] = []
    revised: Goal | None = None
    for life in lives:
        set_at = item.attended[life.first].scheduled_end + AFTER_SESSION
        if revised is not None:
            # The new wording, linked to the old goal by the service.
            goal = revise_goal(actor=item.therapist, goal=revised, new_words=life.words)
            Goal.objects.filter(pk=revised.pk).update(status_changed_at=set_at)
            revised = None
        else:
            goal = propose_goal(actor=item.therapist, episode=item.episode, words=life.words)
        Goal.objects.filter(pk=goal.pk).update(created_at=set_at, status_changed_at=set_at)
        sessions = item.attended[life.first : life.last + 1]
        if life.unrated_tail:
            sessions = sessions[: max(1, len(sessions) - 5)]
        ratings += _ratings(rng, goal, sessions, rising=life.ending != "dropped")
        ended_at = item.attended[life.last].scheduled_end + AFTER_SESSION + timedelta(minutes=5)
        if life.ending == "achieved":
            mark_achieved(actor=item.therapist, goal=goal)
        elif life.ending == "dropped":
            drop_goal(actor=item.therapist, goal=goal, reason=rng.choice(notes.DROP_REASONS))
        elif life.ending == "revised":
            revised = goal  # revised into the next life's words
            continue
        else:
            build.goals[GoalStatus.ACTIVE] += 1
            continue
        Goal.objects.filter(pk=goal.pk).update(status_changed_at=ended_at)
        build.goals[life.ending] += 1
    if revised is not None:
        raise AssertionError("a revised goal needs its new wording next")
    build.goals[GoalStatus.REVISED] += sum(life.ending == "revised" for life in lives)
    return ratings


def _ratings(
    rng: random.Random, goal: Goal, sessions: list[Appointment], *, rising: bool
) -> list[GoalRating]:
    """Client ratings after most sessions (always the last three), therapist ratings after
    every other one; rising from a low start when ``rising``, flat and low otherwise."""
    low = rng.randint(1, 4)
    high = min(SCORE_MAX, low + rng.randint(3, 6)) if rising else low + 1
    rows: list[GoalRating] = []
    for number, session in enumerate(sessions):
        progress = number / max(1, len(sessions) - 1)
        score = round(low + (high - low) * progress)
        if number < len(sessions) - 3 and rng.random() < 0.2:
            continue  # the client skipped rating this week
        rows.append(
            GoalRating(
                goal=goal,
                rated_by_role=GoalRole.CLIENT,
                score=max(0, min(SCORE_MAX, score + rng.choice((-1, 0, 0, 0, 1)))),
                rated_at=session.scheduled_end + timedelta(minutes=5),
                appointment=session,
                note=rng.choice(notes.RATING_NOTES),
            )
        )
        if number % 2 == 1:
            rows.append(
                GoalRating(
                    goal=goal,
                    rated_by_role=GoalRole.THERAPIST,
                    score=max(0, min(SCORE_MAX, score - rng.choice((0, 1)))),
                    rated_at=session.scheduled_end + timedelta(minutes=10),
                    appointment=session,
                )
            )
    return rows


# --- Sessions -------------------------------------------------------------------------------


def create_session_records(build: DemoBuild) -> None:
    """A record (agenda, summary, next steps) of the last two or three sessions of each open
    episode, shared with the client but for one waiting to be shared; a private note on a few
    of them; and chris's preparation for his next session."""
    rng = build.rng
    opened = open_episodes(build)
    unshared = next(o for o in opened if o.plan.therapist == "miguel")
    records: list[SessionRecord] = []
    for item in opened:
        recent = item.attended[-rng.randint(2, 3) :]
        for appointment in recent:
            share = not (item is unshared and appointment is recent[-1])
            saved = save_session_record(
                actor=item.therapist,
                appointment=appointment,
                agenda=rng.sample(notes.AGENDA_ITEMS, rng.randint(2, 4)),
                summary=rng.choice(notes.SUMMARIES),
                next_steps=rng.choice(notes.NEXT_STEPS),
                share=False,  # shared below, at the back-dated time (the service stamps now)
            )
            saved.updated_at = appointment.scheduled_end + AFTER_SESSION
            saved.summary_shared_at = saved.updated_at if share else None
            records.append(saved)
            build.session_records += 1
            build.shared_summaries += share
        if item is opened[0] or rng.random() < 0.25:
            note = add_private_note(
                actor=item.therapist,
                appointment=recent[-1],
                body=rng.choice(notes.PRIVATE_NOTES),
            )
            written = recent[-1].scheduled_end + AFTER_SESSION + timedelta(minutes=5)
            PrivateNote.objects.filter(pk=note.pk).update(created_at=written, updated_at=written)
            build.private_notes += 1
    SessionRecord.objects.bulk_update(records, ["updated_at", "summary_shared_at"])
    build.highlights.append(
        f"{unshared.plan.full_name} ({unshared.plan.username}): the latest session summary "
        "is written but not shared yet"
    )
    _prepare_chris(build, opened[0])


def _prepare_chris(build: DemoBuild, chris: OpenEpisode) -> None:
    # Written directly: ``submit_preparation`` refuses a session that has started by the wall
    # clock, and the demo may be loaded with a ``today`` in the past.
    upcoming = (
        Appointment.objects.filter(
            episode=chris.episode, scheduled_start__gte=build.session_start(build.today, 0)
        )
        .order_by("scheduled_start")
        .first()
    )
    if upcoming is None:
        return
    SessionPreparation.objects.create(
        appointment=upcoming,
        talk_about=notes.PREPARATION_TALK_ABOUT,
        since_last_time=notes.PREPARATION_SINCE,
        feeling_today=7,
        submitted_by=chris.episode.client.user,
        submitted_at=build.session_start(build.today, 7),
    )
    build.preparations += 1


# --- Calendar feed --------------------------------------------------------------------------


def create_calendar_feed(build: DemoBuild) -> None:
    dana = build.therapists["dana"]
    _, token = create_feed(actor=Actor(user=dana.user), therapist=dana)
    # The path of appointments:calendar-feed-ics, written out: ``reverse`` would import every
    # view of the project first (a quarter of a second). A test checks the two agree.
    build.calendar_feed_url = f"{LOCAL_SERVER}/appointments/calendar/{token}.ics"
