"""Closing the loop: the portal shows a client their own written feedback that the therapist
answered, with what was changed, newest first, a handful at most, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.measures.models import MeasureResponse, ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.signals.feedback import CLOSED_LOOP_SHOWN
from alliance.signals.services import reply_to_feedback
from alliance.testing.queries import add_history, assert_does_not_grow, measure

CHECKIN = {"bond": 8, "goals": 7, "approach": 9, "overall": 8}


def checkin(episode, comment: str) -> MeasureResponse:
    return submit_response(
        actor=Actor.system("test"),
        instrument=get_instrument("alliance-checkin"),
        episode=episode,
        raw_answers=CHECKIN | {"change": comment},
        source=ResponseSource.PORTAL,
    ).response


def reply(personas, response: MeasureResponse, text: str, therapist=None) -> None:
    reply_to_feedback(
        actor=Actor(therapist or personas.dana), response=response, what_we_changed=text
    )


def portal(signed_in, name: str = "chris") -> str:
    page = signed_in(name).get(reverse("portal:home"))
    assert page.status_code == 200
    content: str = page.content.decode()
    return content


def test_no_card_until_the_therapist_has_replied(signed_in, personas):
    checkin(personas.chris_episode, "Less talk about my mother")
    assert "You told us" not in portal(signed_in)


def test_the_client_sees_what_they_said_and_what_changed(signed_in, personas):
    response = checkin(personas.chris_episode, "Less talk about my mother")
    reply(personas, response, "We now start each session with your week.")

    page = portal(signed_in)
    assert "You told us:" in page
    assert "Less talk about my mother" in page
    assert "What we changed:" in page
    assert "We now start each session with your week." in page
    assert timezone.localdate().strftime("%-d %b %Y") in page


def test_newest_reply_first_and_only_a_handful(signed_in, personas):
    start = timezone.now() - timedelta(days=30)
    names = [f"change-{chr(ord('a') + n)}" for n in range(CLOSED_LOOP_SHOWN + 2)]
    for day, name in enumerate(names):
        with time_machine.travel(start + timedelta(days=day), tick=False):
            response = checkin(personas.chris_episode, f"Wish for {name}")
            reply(personas, response, name)

    page = portal(signed_in)
    shown = sorted((page.index(name), name) for name in names if name in page)
    assert [name for _, name in shown] == names[::-1][:CLOSED_LOOP_SHOWN]


def test_only_the_clients_own_feedback(signed_in, personas):
    theirs = checkin(personas.casey_episode, "Casey's own wish")
    reply(personas, theirs, "Casey's change", therapist=personas.olga)
    mine = checkin(personas.chris_episode, "Chris's wish")
    reply(personas, mine, "Chris's change")

    chris = portal(signed_in, "chris")
    casey = portal(signed_in, "casey")
    assert "Chris&#x27;s change" in chris and "Casey" not in chris
    assert "Casey&#x27;s change" in casey and "Chris&#x27;s" not in casey


def test_reading_the_portal_is_audited_once(signed_in, personas):
    response = checkin(personas.chris_episode, "Less talk about my mother")
    reply(personas, response, "We now start each session with your week.")
    chris = signed_in("chris")
    reads = AuditEvent.objects.filter(actor=personas.chris, action="read")
    before = reads.count()
    assert chris.get(reverse("portal:home")).status_code == 200
    read = reads.order_by("-pk")
    assert read.count() == before + 1
    assert read[0].target == "portal home"
    assert read[0].client_id == personas.chris_client.pk


def test_the_replies_cost_no_query_more(signed_in, personas):
    chris = signed_in("chris")
    url = reverse("portal:home")
    add_history(personas.chris_episode, past=3, upcoming=1)
    small = measure(chris, url)

    add_history(personas.chris_episode, past=12, upcoming=1)
    for response in MeasureResponse.objects.filter(
        episode=personas.chris_episode, respondent_role="client"
    ).exclude(comment=""):
        reply(personas, response, f"Changed after {response.pk}")
    big = measure(chris, url)

    assert_does_not_grow(small, big)
    assert "Changed after" in chris.get(url).content.decode()
