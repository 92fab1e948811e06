"""The client's portal makes the same number of queries however long their history is.

Measured on SQLite: 7 queries (session, user, client record, upcoming and past appointments,
current episode, the audit row).
"""

from __future__ import annotations

from django.urls import reverse

from alliance.practice.services import assign_client
from alliance.testing.queries import GROW, add_history, assert_does_not_grow, measure


def test_the_portal_queries_do_not_grow_with_the_history(signed_in, personas):
    chris = signed_in("chris")
    url = reverse("portal:home")
    small = measure(chris, url)

    add_history(personas.chris_episode, past=30, upcoming=8)
    # A transfer: the history now spans two therapists.
    with_olga = assign_client(
        actor=GROW, client=personas.chris_client, therapist=personas.olga_profile
    )
    add_history(with_olga, past=5, upcoming=3)
    big = measure(chris, url)

    assert_does_not_grow(small, big)
    # +3 for goals (alliance/goals: goals, their ratings, attended sessions).
    assert big.queries <= 9 + 3
