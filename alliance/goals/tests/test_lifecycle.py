"""The life of a goal through the services: proposed, active, rated, achieved, revised, dropped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.audit.models import AuditAction, AuditEvent
from alliance.goals.models import Goal, GoalRating, GoalStatus
from alliance.goals.selectors import goal_history
from alliance.goals.services import (
    confirm_goal,
    drop_goal,
    goals_due_for_review,
    mark_achieved,
    propose_goal,
    rate_goal,
    revise_goal,
)
from alliance.goals.tests.helpers import active_goal, as_user, attend_sessions, proposed_goal
from alliance.lib.errors import DomainError
from alliance.practice.models import EndReason
from alliance.practice.services import end_episode
from alliance.testing.personas import SETUP


def test_a_clients_goal_is_proposed_then_confirmed_rated_and_achieved(personas):
    goal = proposed_goal(personas)
    assert goal.status == GoalStatus.PROPOSED and goal.proposed_by == "client"

    confirm_goal(actor=as_user(personas, "dana"), goal=goal, framing="Assertiveness")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACTIVE and goal.therapist_framing == "Assertiveness"

    rate_goal(actor=as_user(personas, "chris"), goal=goal, score=3, note="A start")
    rate_goal(actor=as_user(personas, "dana"), goal=goal, score=4)
    assert list(goal.ratings.values_list("rated_by_role", "score")) == [
        ("client", 3),
        ("therapist", 4),
    ]

    mark_achieved(actor=as_user(personas, "dana"), goal=goal)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED


def test_a_therapists_goal_is_active_at_once(personas):
    goal = active_goal(personas)
    assert goal.status == GoalStatus.ACTIVE and goal.proposed_by == "therapist"


def test_revising_a_goal_links_the_new_wording_to_the_old(personas):
    old = active_goal(personas, "Sleep better")
    rate_goal(actor=as_user(personas, "chris"), goal=old, score=2)

    new = revise_goal(actor=as_user(personas, "dana"), goal=old, new_words="Sleep 7 hours")

    old.refresh_from_db()
    assert old.status == GoalStatus.REVISED
    assert new.status == GoalStatus.ACTIVE and new.revised_from == old
    assert list(new.ratings.all()) == [] and old.ratings.count() == 1
    assert goal_history(old) == [old, new] == goal_history(new)


def test_a_clients_proposed_change_revises_the_goal_when_confirmed(personas):
    old = active_goal(personas, "Sleep better")
    change = propose_goal(
        actor=as_user(personas, "chris"),
        episode=personas.chris_episode,
        words="Fall asleep before midnight",
        replaces=old,
    )
    old.refresh_from_db()
    assert old.status == GoalStatus.ACTIVE  # nothing changes until the therapist agrees

    confirm_goal(actor=as_user(personas, "dana"), goal=change)

    old.refresh_from_db()
    change.refresh_from_db()
    assert old.status == GoalStatus.REVISED and change.status == GoalStatus.ACTIVE
    assert change.revised_from == old


def test_dropping_a_goal_needs_a_reason(personas):
    goal = active_goal(personas)
    with pytest.raises(DomainError, match="why"):
        drop_goal(actor=as_user(personas, "dana"), goal=goal, reason="   ")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACTIVE

    drop_goal(actor=as_user(personas, "dana"), goal=goal, reason="No longer matters to Chris")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.DROPPED
    assert goal.drop_reason == "No longer matters to Chris"


def test_rating_a_dropped_goal_is_refused(personas):
    goal = active_goal(personas)
    drop_goal(actor=as_user(personas, "dana"), goal=goal, reason="Replaced by another plan")
    with pytest.raises(DomainError, match="Only an active goal can be rated"):
        rate_goal(actor=as_user(personas, "chris"), goal=goal, score=5)
    assert GoalRating.objects.count() == 0


def test_a_proposed_goal_cannot_be_rated_or_achieved(personas):
    goal = proposed_goal(personas)
    with pytest.raises(DomainError):
        rate_goal(actor=as_user(personas, "chris"), goal=goal, score=5)
    with pytest.raises(DomainError):
        mark_achieved(actor=as_user(personas, "dana"), goal=goal)


@pytest.mark.parametrize("score", [-1, 11])
def test_a_score_outside_0_to_10_is_refused(personas, score):
    goal = active_goal(personas)
    with pytest.raises(DomainError, match="from 0 to 10"):
        rate_goal(actor=as_user(personas, "chris"), goal=goal, score=score)


def test_a_goal_needs_words(personas):
    with pytest.raises(DomainError, match="a few words"):
        propose_goal(actor=as_user(personas, "chris"), episode=personas.chris_episode, words=" ")
    assert Goal.objects.count() == 0


def test_goals_of_an_ended_episode_do_not_change(personas):
    goal = active_goal(personas)
    end_episode(actor=SETUP, episode=personas.chris_episode, reason=EndReason.COMPLETED)
    goal.refresh_from_db()
    with pytest.raises(DomainError, match="ended"):
        revise_goal(actor=as_user(personas, "dana"), goal=goal, new_words="Other")
    with pytest.raises(DomainError, match="ended"):
        propose_goal(actor=as_user(personas, "chris"), episode=personas.chris_episode, words="X")


def test_every_change_writes_an_audit_row_about_the_client(personas):
    goal = proposed_goal(personas)
    confirm_goal(actor=as_user(personas, "dana"), goal=goal)
    rate_goal(actor=as_user(personas, "chris"), goal=goal, score=6)
    revised = revise_goal(actor=as_user(personas, "dana"), goal=goal, new_words="Speak up twice")
    drop_goal(actor=as_user(personas, "dana"), goal=revised, reason="Achieved another way")

    rows = AuditEvent.objects.filter(object_type="goals.goal").order_by("id")
    assert [(row.actor_role, row.action, row.target) for row in rows] == [
        ("client", AuditAction.CREATE, "goal"),
        ("therapist", AuditAction.CHANGE, "goal confirmed"),
        ("client", AuditAction.CREATE, "goal rating"),
        ("therapist", AuditAction.CHANGE, "goal revised"),
        ("therapist", AuditAction.CHANGE, "goal dropped"),
    ]
    assert {row.client_id for row in rows} == {personas.chris_client.pk}
    assert {row.actor_id for row in rows} == {personas.chris.pk, personas.dana.pk}
    assert rows[2].detail["score"] == 6
    assert rows[3].detail["into"] == revised.pk


class TestDueForReview:
    """Due after ``review_every_sessions`` attended sessions without a client rating."""

    def test_a_new_goal_is_not_due_until_n_sessions_are_attended_after_it(self, personas):
        attend_sessions(personas.chris_episode, 3, days_ago=1)
        goal = active_goal(personas)  # after every attended session so far
        assert goal.review_every_sessions == 4
        assert goals_due_for_review(personas.chris_episode) == []

        # Active for ten days: the 3 recent sessions count, the weekly ones before do not...
        Goal.objects.filter(pk=goal.pk).update(status_changed_at=timezone.now() - timedelta(days=5))
        assert goals_due_for_review(personas.chris_episode) == []
        # ... until the goal is older than chris's session a week ago: 4 attended since.
        Goal.objects.filter(pk=goal.pk).update(status_changed_at=timezone.now() - timedelta(days=8))
        assert goals_due_for_review(personas.chris_episode) == [goal]

    def test_counting_restarts_at_the_clients_last_rating(self, personas):
        goal = active_goal(personas)
        Goal.objects.filter(pk=goal.pk).update(
            status_changed_at=timezone.now() - timedelta(days=60)
        )
        assert goals_due_for_review(personas.chris_episode) == []  # only 3 attended so far
        attend_sessions(personas.chris_episode, 1, days_ago=5)
        assert goals_due_for_review(personas.chris_episode) == [goal]

        rate_goal(actor=as_user(personas, "chris"), goal=goal, score=5)
        assert goals_due_for_review(personas.chris_episode) == []
        # The therapist's rating does not count as the client's review.
        rate_goal(actor=as_user(personas, "dana"), goal=goal, score=5)
        GoalRating.objects.filter(goal=goal, rated_by_role="client").update(
            rated_at=timezone.now() - timedelta(days=3, hours=12)
        )
        attend_sessions(personas.chris_episode, 3, days_ago=1)
        assert goals_due_for_review(personas.chris_episode) == []  # 3 since the rating
        attend_sessions(personas.chris_episode, 1, days_ago=0)
        assert goals_due_for_review(personas.chris_episode) == [goal]

    def test_sessions_not_attended_do_not_count_and_only_active_goals_are_due(self, personas):
        goal = active_goal(personas)
        proposed = proposed_goal(personas)
        Goal.objects.filter(pk__in=[goal.pk, proposed.pk]).update(
            status_changed_at=timezone.now() - timedelta(days=60), review_every_sessions=3
        )
        # chris has 3 attended sessions and 2 booked ones (not attended): exactly 3 count.
        assert goals_due_for_review(personas.chris_episode) == [goal]
        Goal.objects.filter(pk=goal.pk).update(review_every_sessions=4)
        assert goals_due_for_review(personas.chris_episode) == []
