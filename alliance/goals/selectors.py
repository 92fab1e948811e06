"""Reads over goals: which are due for review, and what the clinic and portal pages show.

Every page read here takes a fixed number of queries whatever the number of goals and ratings:
goals, their ratings and the episodes' attended sessions are each fetched once, and the rest is
worked out in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.goals.models import SCORE_MAX, SCORE_MIN, Goal, GoalRating, GoalRole, GoalStatus
from alliance.measures.charts import Chart, Point, Series, line_chart
from alliance.practice.models import CareEpisode


@dataclass(frozen=True)
class GoalLine:
    goal: Goal
    ratings: tuple[GoalRating, ...]
    due: bool
    chart: Chart | None

    @property
    def scale(self) -> range:
        return range(SCORE_MIN, SCORE_MAX + 1)

    @property
    def latest_client(self) -> GoalRating | None:
        return _latest(self.ratings, GoalRole.CLIENT)

    @property
    def latest_therapist(self) -> GoalRating | None:
        return _latest(self.ratings, GoalRole.THERAPIST)


@dataclass(frozen=True)
class EpisodeGoals:
    episode_id: int
    lines: tuple[GoalLine, ...]

    @property
    def active(self) -> tuple[GoalLine, ...]:
        return tuple(line for line in self.lines if line.goal.status == GoalStatus.ACTIVE)

    @property
    def proposed(self) -> tuple[GoalLine, ...]:
        return tuple(line for line in self.lines if line.goal.status == GoalStatus.PROPOSED)


def _latest(ratings: Iterable[GoalRating], role: str) -> GoalRating | None:
    mine = [rating for rating in ratings if rating.rated_by_role == role]
    return mine[-1] if mine else None


def is_due(goal: Goal, ratings: Sequence[GoalRating], attended: Sequence[datetime]) -> bool:
    """An active goal is due when the client has not rated it for ``review_every_sessions``
    attended sessions: counted since their last rating, or since the goal became active."""
    if goal.status != GoalStatus.ACTIVE:
        return False
    last_client = _latest(ratings, GoalRole.CLIENT)
    since = last_client.rated_at if last_client is not None else goal.status_changed_at
    sessions = sum(1 for start in attended if start > since)
    return sessions >= goal.review_every_sessions


def attended_starts(episode_ids: Iterable[int]) -> dict[int, list[datetime]]:
    starts: dict[int, list[datetime]] = defaultdict(list)
    rows = Appointment.objects.filter(
        episode_id__in=list(episode_ids), status=AppointmentStatus.ATTENDED
    ).values_list("episode_id", "scheduled_start")
    for episode_id, start in rows:
        starts[episode_id].append(start)
    return starts


def _with_ratings(goals: QuerySet[Goal]) -> list[Goal]:
    return list(
        goals.prefetch_related(
            Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_at", "id"))
        )
    )


def goals_due_for_review(episode: CareEpisode) -> list[Goal]:
    goals = _with_ratings(Goal.objects.filter(episode=episode).active())
    attended = attended_starts([episode.pk])[episode.pk]
    return [goal for goal in goals if is_due(goal, list(goal.ratings.all()), attended)]


def progress_chart(chart_id: str, goal: Goal, ratings: Sequence[GoalRating]) -> Chart | None:
    if not ratings:
        return None
    series = [
        Series(
            label,
            role,
            tuple(
                Point(r.rated_at, r.score, note=r.note) for r in ratings if r.rated_by_role == role
            ),
        )
        for role, label in ((GoalRole.CLIENT, "Client"), (GoalRole.THERAPIST, "Therapist"))
    ]
    return line_chart(
        chart_id=chart_id,
        title="Progress (0–10)",
        summary=f"{len(series[0].points)} client and {len(series[1].points)} therapist ratings "
        f"of progress on “{goal.client_words[:80]}”, from 0 to 10",
        series=series,
        y_min=SCORE_MIN,
        y_max=SCORE_MAX,
        y_step=5,
    )


def goal_lines(goals: Sequence[Goal], attended: dict[int, list[datetime]]) -> list[GoalLine]:
    lines = []
    for goal in goals:
        ratings = tuple(goal.ratings.all())
        lines.append(
            GoalLine(
                goal=goal,
                ratings=ratings,
                due=is_due(goal, ratings, attended.get(goal.episode_id, [])),
                chart=progress_chart(f"goal-{goal.pk}", goal, ratings),
            )
        )
    return lines


def episode_goal_boards(episode_ids: Sequence[int]) -> list[EpisodeGoals]:
    """Current (proposed and active) goals of each episode, with ratings, due flags and charts:
    three queries for any number of episodes, goals and ratings."""
    goals = _with_ratings(Goal.objects.filter(episode_id__in=list(episode_ids)).current())
    lines = goal_lines(goals, attended_starts(episode_ids))
    return [
        EpisodeGoals(
            episode_id, tuple(line for line in lines if line.goal.episode_id == episode_id)
        )
        for episode_id in episode_ids
    ]


def goal_history(goal: Goal) -> list[Goal]:
    """Every wording of this goal, oldest first: the revisions chain it belongs to.

    The episode's goals are read once and the chain is followed in Python."""
    by_id = {one.pk: one for one in Goal.objects.filter(episode_id=goal.episode_id)}
    chain = [goal]
    while chain[0].revised_from_id is not None and chain[0].revised_from_id in by_id:
        chain.insert(0, by_id[chain[0].revised_from_id])
    newer = {one.revised_from_id: one for one in by_id.values() if one.revised_from_id is not None}
    while chain[-1].pk in newer:
        chain.append(newer[chain[-1].pk])
    return chain
