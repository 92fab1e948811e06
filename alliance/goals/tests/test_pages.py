"""Goal pages and forms over HTTP: who may do what, bad input, and fixed query counts."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from alliance.audit.models import AuditAction, AuditEvent
from alliance.goals.models import Goal, GoalRating, GoalStatus
from alliance.goals.services import revise_goal
from alliance.goals.tests.helpers import (
    active_goal,
    as_user,
    olga_goal,
    proposed_goal,
    with_ratings,
)
from alliance.testing.queries import assert_does_not_grow, measure


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def client_page(personas) -> str:
    return reverse("clinic:client", kwargs={"client_id": personas.chris_client.pk})


def propose_url(episode) -> str:
    return reverse("goals:propose", kwargs={"episode_id": episode.pk})


def test_the_client_proposes_a_goal_in_the_portal_and_dana_sees_it(signed_in, personas):
    response = signed_in("chris").post(
        propose_url(personas.chris_episode), {"words": "Call my sister every week"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/portal/")
    goal = Goal.objects.get()
    assert goal.status == GoalStatus.PROPOSED and goal.proposed_by == "client"

    portal = page_text(signed_in("chris").get(reverse("portal:home")))
    assert "Your goals" in portal and "Waiting to talk over with Dana Reyes" in portal
    page = page_text(signed_in("dana").get(client_page(personas)))
    assert "“Call my sister every week”" in page and "Confirm goal" in page


def test_the_client_rates_their_own_goal_and_sees_their_last_rating(signed_in, personas):
    goal = active_goal(personas)
    chris = signed_in("chris")
    response = chris.post(reverse("goals:rate", args=[goal.pk]), {"score": "7", "note": "Better"})
    assert response.status_code == 302
    rating = GoalRating.objects.get()
    assert (rating.rated_by_role, rating.score, rating.note) == ("client", 7, "Better")
    portal = page_text(chris.get(reverse("portal:home")))
    assert "Your last rating: <strong>7/10</strong>" in portal
    assert "Sleep through most nights" in portal


def test_the_supervisor_reads_goals_without_forms(signed_in, personas):
    goal = active_goal(personas)
    with_ratings(personas, goal, 2)
    sam = signed_in("sam")
    page = page_text(sam.get(client_page(personas)))
    assert "Sleep through most nights" in page and "Mark achieved" not in page
    detail = page_text(sam.get(reverse("goals:detail", args=[goal.pk])))
    assert "Read-only view for supervision." in detail and "Progress (0–10)" in detail
    for name in ("confirm", "rate", "achieved", "drop"):
        assert sam.post(reverse(f"goals:{name}", args=[goal.pk]), {}).status_code == 404


def test_nobody_else_reaches_chris_goals(signed_in, personas):
    goal = active_goal(personas)
    for name in ("olga", "alex", "eve", "casey"):
        browser = signed_in(name)
        assert browser.get(reverse("goals:detail", args=[goal.pk])).status_code == 404
        assert browser.post(reverse("goals:rate", args=[goal.pk]), {"score": 5}).status_code == 404
        response = browser.post(propose_url(personas.chris_episode), {"words": "Mine now"})
        assert response.status_code == 404
    assert signed_in("chris").post(reverse("goals:achieved", args=[goal.pk])).status_code == 404
    assert GoalRating.objects.count() == 0 and Goal.objects.count() == 1


def test_a_client_cannot_propose_a_change_to_another_clients_goal(signed_in, personas):
    casey_goal = olga_goal(personas)
    response = signed_in("chris").post(
        propose_url(personas.chris_episode), {"words": "Steal it", "replaces": casey_goal.pk}
    )
    assert response.status_code == 404


def test_the_detail_page_shows_the_revision_chain_and_is_audited(signed_in, personas):
    old = active_goal(personas, "Sleep better")
    with_ratings(personas, old, 2)
    new = revise_goal(actor=as_user(personas, "dana"), goal=old, new_words="Sleep seven hours")
    page = page_text(signed_in("dana").get(reverse("goals:detail", args=[new.pk])))
    assert page.index("Sleep better") < page.index("revised from the wording above")
    assert "Revised" in page and "Active" in page
    read = AuditEvent.objects.filter(action=AuditAction.READ, target="goal").get()
    assert read.object_id == str(new.pk) and read.client_id == personas.chris_client.pk


@pytest.mark.parametrize(
    ("url_name", "data", "message"),
    [
        ("rate", {"score": "11"}, "Please choose a number from 0 to 10."),
        ("rate", {"score": "-1"}, "Please choose a number from 0 to 10."),
        ("rate", {"score": "lots"}, "Please choose a number from 0 to 10."),
        ("rate", {}, "Please choose a number from 0 to 10."),
        ("revise", {"words": "   "}, "Please write the goal in a few words."),
        ("drop", {"reason": ""}, "Please say why the goal is dropped."),
        ("confirm", {}, "Only a proposed goal can be confirmed."),
    ],
    ids=["score 11", "score -1", "score text", "no score", "empty words", "no reason", "confirm"],
)
def test_bad_input_from_the_therapist_answers_400_with_the_reason(
    signed_in, personas, url_name, data, message
):
    goal = active_goal(personas)
    dana = signed_in("dana")
    before = AuditEvent.objects.count()
    response = dana.post(reverse(f"goals:{url_name}", args=[goal.pk]), data)
    assert response.status_code == 400
    page = page_text(response)
    assert "That could not be saved" in page and message in page
    assert client_page(personas) in page
    assert AuditEvent.objects.count() == before
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACTIVE and GoalRating.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"words": ""}, "Please write the goal in a few words."),
        ({"words": "   "}, "Please write the goal in a few words."),
        ({"words": "x" * 1001}, "at most 1000 characters"),
    ],
    ids=["empty", "blank", "too long"],
)
def test_a_bad_proposal_from_the_client_answers_400_with_a_way_back(
    signed_in, personas, data, message
):
    response = signed_in("chris").post(propose_url(personas.chris_episode), data)
    assert response.status_code == 400
    page = page_text(response)
    assert message in page and reverse("portal:home") in page
    assert Goal.objects.count() == 0


def test_rating_a_dropped_goal_answers_400(signed_in, personas):
    goal = proposed_goal(personas)
    dana = signed_in("dana")
    assert (
        dana.post(reverse("goals:drop", args=[goal.pk]), {"reason": "Talked it over"}).status_code
        == 302
    )
    response = signed_in("chris").post(reverse("goals:rate", args=[goal.pk]), {"score": "5"})
    assert response.status_code == 400
    assert "Only an active goal can be rated." in page_text(response)


def _grow_goals(personas) -> None:
    for number in range(6):
        goal = active_goal(personas, f"Goal number {number}")
        with_ratings(personas, goal, 4)
    proposed_goal(personas, "One more, proposed")
    old = active_goal(personas, "To be revised")
    revise_goal(actor=as_user(personas, "dana"), goal=old, new_words="Revised wording")


def test_the_client_page_queries_do_not_grow_with_goals_and_ratings(signed_in, personas):
    with_ratings(personas, active_goal(personas, "The first goal"), 1)
    url = client_page(personas)
    small = {name: measure(signed_in(name), url) for name in ("dana", "sam")}

    _grow_goals(personas)
    big = {name: measure(signed_in(name), url) for name in ("dana", "sam")}

    for name in ("dana", "sam"):
        assert_does_not_grow(small[name], big[name])
    assert page_text(signed_in("dana").get(url)).count("Goal number") >= 6


def test_the_portal_queries_do_not_grow_with_goals_and_ratings(signed_in, personas):
    with_ratings(personas, active_goal(personas, "The first goal"), 1)
    chris = signed_in("chris")
    url = reverse("portal:home")
    small = measure(chris, url)

    _grow_goals(personas)
    big = measure(chris, url)

    assert_does_not_grow(small, big)
    assert page_text(chris.get(url)).count("Goal number") >= 6


def test_the_goal_detail_queries_do_not_grow_with_ratings(signed_in, personas):
    goal = active_goal(personas)
    with_ratings(personas, goal, 1)
    dana = signed_in("dana")
    url = reverse("goals:detail", args=[goal.pk])
    small = measure(dana, url)

    with_ratings(personas, goal, 10)
    newer = revise_goal(actor=as_user(personas, "dana"), goal=goal, new_words="Newer")
    with_ratings(personas, newer, 3)
    big = measure(dana, url)

    assert_does_not_grow(small, big)
