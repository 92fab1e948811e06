"""Who needs attention first, and why: the ranking itself, the therapist's dashboard (urgent
banner, order, reasons) and the supervisor's pages, with fixed query counts."""

from __future__ import annotations

import html
import re

from django.urls import reverse

from alliance.practice.models import EndReason
from alliance.practice.services import end_episode
from alliance.signals.attention import (
    CRISIS,
    HIGH_RISK,
    MODERATE_RISK,
    NOT_ON_TRACK,
    RUPTURE_NOT_ACKNOWLEDGED,
    RUPTURE_UNDER_WAY,
    WEAK_ALLIANCE,
    attention_for,
)
from alliance.signals.models import FlagKind, FlagStatus
from alliance.signals.services import acknowledge_rupture, close_rupture, record_repair
from alliance.signals.tests.helpers.clinic import (
    as_user,
    made_flag,
    made_risk,
    made_rupture,
    new_episode,
)
from alliance.testing.personas import SETUP
from alliance.testing.queries import add_therapists, assert_does_not_grow, measure


def page_text(response) -> str:
    markup = html.unescape(response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))


def test_the_ranking_and_its_reasons(personas, django_assert_num_queries):
    dana = personas.dana_profile
    quiet = new_episode(dana, "Quinn", "Quiet")
    moderate = new_episode(dana, "Mo", "Moderate")
    made_risk(moderate, "moderate", "early in therapy (1 session so far)")
    high = new_episode(dana, "Hi", "High")
    made_risk(high, "high", "2 no-shows in the last 4 appointments")
    weak = new_episode(dana, "Wes", "Weak")
    made_flag(weak, FlagKind.LOW_ALLIANCE)
    off = new_episode(dana, "Otto", "Offtrack")
    made_flag(off, FlagKind.NOT_ON_TRACK)
    repairing = new_episode(dana, "Ray", "Repairing")
    rupture = made_rupture(repairing, days_ago=12)
    record_repair(
        actor=as_user(personas, "dana"),
        rupture=rupture,
        strategies=["validate_feelings"],
        what_was_said="I said I had rushed us.",
    )
    unseen = new_episode(dana, "Una", "Unseen")
    made_rupture(unseen, days_ago=9)
    crisis = new_episode(dana, "Cris", "Crisis")
    made_flag(crisis)
    made_flag(crisis, FlagKind.LOW_ALLIANCE)
    ids = [e.pk for e in (quiet, moderate, high, weak, off, repairing, unseen, crisis)]

    with django_assert_num_queries(3):
        found = attention_for(ids)

    assert quiet.pk not in found
    assert (found[moderate.pk].rank, found[moderate.pk].reasons) == (
        MODERATE_RISK,
        ["Moderate dropout risk (early in therapy (1 session so far))"],
    )
    assert found[high.pk].reasons == ["High dropout risk (2 no-shows in the last 4 appointments)"]
    assert found[high.pk].rank == HIGH_RISK
    assert (found[weak.pk].rank, found[weak.pk].reasons) == (
        WEAK_ALLIANCE,
        ["Weak alliance from the start"],
    )
    assert found[off.pk].rank == NOT_ON_TRACK
    assert found[off.pk].reasons == ["Not on track on PHQ-9: reliable deterioration"]
    assert (found[repairing.pk].rank, found[repairing.pk].reasons) == (
        RUPTURE_UNDER_WAY,
        ["Rupture open 12 days, repair under way"],
    )
    assert (found[unseen.pk].rank, found[unseen.pk].reasons) == (
        RUPTURE_NOT_ACKNOWLEDGED,
        ["Rupture open 9 days, not acknowledged"],
    )
    assert found[crisis.pk].rank == CRISIS and found[crisis.pk].urgent
    assert found[crisis.pk].reasons == [
        "Crisis flag, not yet acknowledged",
        "Weak alliance from the start",
    ]


def test_what_no_longer_needs_attention_drops_out(personas):
    dana = personas.dana_profile
    seen = new_episode(dana, "Seen", "Crisis")
    made_flag(seen, status=FlagStatus.ACKNOWLEDGED)  # a crisis flag dealt with
    made_flag(seen, FlagKind.LOW_ALLIANCE, status=FlagStatus.CLEARED)
    closed = new_episode(dana, "Closed", "Rupture")
    rupture = made_rupture(closed)
    close_rupture(actor=as_user(personas, "dana"), rupture=rupture, resolved=False, note="Ended.")
    ended = new_episode(dana, "Ended", "Risk")
    made_risk(ended, "high")
    end_episode(actor=SETUP, episode=ended, reason=EndReason.COMPLETED)
    low = new_episode(dana, "Low", "Risk")
    made_risk(low, "low")

    assert attention_for([seen.pk, closed.pk, ended.pk, low.pk]) == {}
    assert attention_for([]) == {}


def test_an_acknowledged_rupture_without_repair_and_one_back_at_baseline(personas):
    dana = personas.dana_profile
    waiting = new_episode(dana, "Wait", "Ing")
    acknowledge_rupture(actor=as_user(personas, "dana"), rupture=made_rupture(waiting, days_ago=1))
    back = new_episode(dana, "Back", "Again")
    acknowledge_rupture(
        actor=as_user(personas, "dana"), rupture=made_rupture(back, days_ago=20, recovered=True)
    )
    unseen = new_episode(dana, "Un", "Seen")
    made_rupture(unseen, days_ago=20, recovered=True)

    found = attention_for([waiting.pk, back.pk, unseen.pk])
    assert found[waiting.pk].reasons == ["Rupture open 1 day, acknowledged, no repair step yet"]
    assert found[back.pk].reasons == [
        "Rupture open 20 days, check-ins back at baseline: confirm it resolved"
    ]
    assert found[unseen.pk].reasons == [
        "Rupture open 20 days, not acknowledged; check-ins back at baseline"
    ]


def test_the_dashboard_puts_who_needs_attention_first_with_reasons(signed_in, personas):
    dana_profile = personas.dana_profile
    # Alphabetically first, nothing to see: stays below those who need attention.
    new_episode(dana_profile, "Abe", "Aaronson")
    risky = new_episode(dana_profile, "Rita", "Risky")
    made_risk(risky, "high", "3 no-shows in the last 4 appointments")
    made_rupture(personas.chris_episode, days_ago=9)
    urgent = new_episode(dana_profile, "Zed", "Zimmer")
    made_flag(urgent)

    response = signed_in("dana").get(reverse("clinic:dashboard"))
    page = page_text(response)
    assert "Urgent" in page and "Crisis flag: Zed Zimmer — acknowledge with a note" in page
    link = reverse("clinic:client", kwargs={"client_id": urgent.client_id})
    assert f'href="{link}#signals-{urgent.pk}"' in response.content.decode()
    table = page[page.index("Caseload Client") :]
    order = [table.index(name) for name in ("Zed Zimmer", "Chris Moreau", "Rita Risky", "Abe")]
    assert order == sorted(order)
    assert "Rupture open 9 days, not acknowledged" in page
    assert "High dropout risk (3 no-shows in the last 4 appointments)" in page


def test_no_banner_when_nothing_is_urgent(signed_in, personas):
    made_flag(personas.chris_episode, status=FlagStatus.ACKNOWLEDGED)
    page = page_text(signed_in("dana").get(reverse("clinic:dashboard")))
    assert "Urgent" not in page and "Crisis flag:" not in page


def test_the_supervisor_sees_the_same_order_across_their_therapists(signed_in, personas):
    (other,) = add_therapists(personas.practice, 1, supervisor=personas.sam, clients=0)
    ruptured = new_episode(other, "Ruth", "Ruptured")
    made_rupture(ruptured, days_ago=3)
    made_flag(personas.chris_episode)
    outsider = new_episode(personas.olga_profile, "Olive", "Outsider")  # olga: not sam's
    made_flag(outsider)

    response = signed_in("sam").get(reverse("clinic:supervision"))
    page = page_text(response)
    assert "Crisis flag: Chris Moreau — acknowledge with a note (Dana Reyes)" in page
    section = page[page.index("Needs attention across your therapists") :]
    assert section.index("Chris Moreau") < section.index("Ruth Ruptured")
    assert "Rupture open 3 days, not acknowledged" in section
    assert "Olive" not in page

    caseload = page_text(
        signed_in("sam").get(
            reverse("clinic:supervised-caseload", kwargs={"therapist_id": other.pk})
        )
    )
    assert "Rupture open 3 days, not acknowledged" in caseload


def test_the_dashboard_queries_do_not_grow_with_signals(signed_in, personas):
    dana = signed_in("dana")
    url = reverse("clinic:dashboard")
    made_flag(personas.chris_episode)
    small = measure(dana, url)

    for number in range(8):
        episode = new_episode(personas.dana_profile, f"Extra{number}", "Signals")
        made_flag(episode, [FlagKind.CRISIS, FlagKind.LOW_ALLIANCE][number % 2])
        made_flag(episode, FlagKind.NOT_ON_TRACK)
        made_risk(episode, ["high", "moderate"][number % 2])
        rupture = made_rupture(episode, days_ago=number)
        if number % 3 == 0:
            record_repair(
                actor=as_user(personas, "dana"),
                rupture=rupture,
                strategies=["revisit_goals"],
                what_was_said=f"Step {number}",
            )
        if number % 4 == 0:
            close_rupture(actor=SETUP, rupture=rupture, resolved=False, note="Closed.")
    big = measure(dana, url)

    assert_does_not_grow(small, big)


def test_the_supervision_queries_do_not_grow_with_signals(signed_in, personas):
    sam = signed_in("sam")
    url = reverse("clinic:supervision")
    made_rupture(personas.chris_episode)
    small = measure(sam, url)

    for therapist in add_therapists(personas.practice, 3, supervisor=personas.sam, clients=0):
        for number in range(3):
            episode = new_episode(therapist, f"Extra{number}", f"Of{therapist.pk}")
            made_flag(episode)
            made_risk(episode, "moderate")
            rupture = made_rupture(episode)
            acknowledge_rupture(actor=SETUP, rupture=rupture)
    big = measure(sam, url)

    assert_does_not_grow(small, big)
