"""Clinician pages make the same number of queries whatever the size of the caseload.

Measured on SQLite (each count includes loading the session and the user, the audit row the
page writes, and saving the session's idle clock): dashboard 8, supervision overview 7,
supervised caseload 8, client page 10.
"""

from __future__ import annotations

from django.urls import reverse

from alliance.practice.models import EndReason, Phase
from alliance.practice.services import assign_client
from alliance.testing.queries import (
    GROW,
    add_clients,
    add_history,
    add_therapists,
    assert_does_not_grow,
    end_after_acknowledging,
    measure,
    walk_phases,
)


def test_the_dashboard_queries_do_not_grow_with_the_caseload(signed_in, personas):
    dana = signed_in("dana")
    url = reverse("clinic:dashboard")
    small = measure(dana, url)

    add_clients(personas.dana_profile, 12)
    big = measure(dana, url)

    assert_does_not_grow(small, big)
    # +1: agreement reviews due (alliance/agreements);
    # +3: what needs attention (alliance/signals/attention.py: flags, ruptures, dropout risk);
    # +1: the therapist's own rupture figures (alliance/signals/figures.py).
    assert (
        big.queries <= 12 + 3 + 1 + 2
    )  # +2: the background-work banner (alliance/runtime/health.py)
    # One caseload row each (their mid-scale PHQ-9 answers the safety item, so each is also named
    # in the crisis banner, as "Crisis flag: Extra…").
    assert dana.get(url).content.count(b'">Extra') == 12


def test_the_dashboard_with_ended_episodes_does_not_grow_either(signed_in, personas):
    dana = signed_in("dana")
    url = reverse("clinic:dashboard") + "?show=all"
    small = measure(dana, url)

    for episode in add_clients(personas.dana_profile, 6):
        end_after_acknowledging(episode, EndReason.COMPLETED)
    big = measure(dana, url)

    assert_does_not_grow(small, big)


def test_the_supervision_overview_queries_do_not_grow_with_the_therapists(signed_in, personas):
    sam = signed_in("sam")
    url = reverse("clinic:supervision")
    small = measure(sam, url)

    add_therapists(personas.practice, 6, supervisor=personas.sam, clients=3)
    big = measure(sam, url)

    assert_does_not_grow(small, big)
    # +1: the appointments behind the consistency figures (alliance/appointments);
    # +1: the agreed terms they are measured against (agreements.terms.terms_by_episode).
    # +1: rupture figures per therapist and for the practice (alliance/signals/figures.py);
    # +4: who needs attention across the therapists (their open episodes, then flags, ruptures
    # and dropout risk: alliance/signals/attention.py);
    # +2: the alert load, per therapist and per rule (alliance/signals/alert_load.py);
    # +2: the background-work banner (alliance/runtime/health.py).
    assert big.queries <= 7 + 1 + 1 + 1 + 4 + 2 + 2


def test_the_supervised_caseload_queries_do_not_grow_with_the_caseload(signed_in, personas):
    sam = signed_in("sam")
    url = reverse("clinic:supervised-caseload", kwargs={"therapist_id": personas.dana_profile.pk})
    small = measure(sam, url)

    add_clients(personas.dana_profile, 12)
    big = measure(sam, url)

    assert_does_not_grow(small, big)
    # +3: what needs attention (alliance/signals/attention.py); +2: the background-work banner
    assert big.queries <= 11 + 3 + 2


def test_the_client_page_queries_do_not_grow_with_the_history(signed_in, personas):
    url = reverse("clinic:client", kwargs={"client_id": personas.chris_client.pk})
    small = {name: measure(signed_in(name), url) for name in ("dana", "sam")}

    # A longer history: many more appointments and phase changes, and a second care episode.
    add_history(personas.chris_episode, past=30, upcoming=6)
    walk_phases(personas.chris_episode, [Phase.EXPLORING, Phase.LASTING_CHANGE, Phase.EXPLORING])
    end_after_acknowledging(personas.chris_episode, EndReason.COMPLETED)
    again = assign_client(actor=GROW, client=personas.chris_client, therapist=personas.dana_profile)
    add_history(again, past=10)
    walk_phases(again, [Phase.EXPLORING, Phase.LASTING_CHANGE, Phase.ENDING])
    big = {name: measure(signed_in(name), url) for name in ("dana", "sam")}

    for name in ("dana", "sam"):
        assert_does_not_grow(small[name], big[name])
        # +3 for goals (alliance/goals: goals, their ratings, attended sessions).
        # +1 for the agreement status of each episode (alliance/agreements), in one query.
        # +1 for the agreed terms behind the consistency figures (alliance/appointments).
        # +2 for signals: flags and rupture episodes (alliance/signals/selectors.py); dropout
        # risk and replies to feedback come with the episodes and responses (select_related).
        # +3 for the expected range on the outcome charts (alliance/measures/selectors.py: the
        # practice's rule settings, its ended episodes' scores, the attended sessions).
        # +2 for the background-work banner (alliance/runtime/health.py).
        # +7 for the paged lists (alliance/clinic/client_page.py: a count and a page of the
        # sessions, the notes and the transcripts, with no page query when a list is empty)
        # and the crisis procedure of each agreement (alliance/agreements/crisis.py).
        # +1 for the consents not in force (alliance/practice/templatetags).
        assert big[name].queries <= 12 + 3 + 1 + 1 + 2 + 3 + 2 + 7 + 1
