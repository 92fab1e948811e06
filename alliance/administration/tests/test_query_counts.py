"""Admin pages make the same number of queries however big the practice or the audit trail is.

Measured on SQLite: admin home 11 queries (therapists, their supervisors, clients, their open
episodes, supervisors and admins, the therapists to filter by, plus session, user and the
session's idle clock), the same with a search or a filter; audit page 9
(the client, a count and one page of rows, the audit row of the page itself...).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from alliance.practice.services import create_client
from alliance.testing.queries import (
    GROW,
    add_clients,
    add_reads,
    add_staff,
    add_therapists,
    assert_does_not_grow,
    measure,
)


def test_the_admin_home_queries_do_not_grow_with_the_practice(signed_in, personas):
    alex = signed_in("alex")
    url = reverse("administration:home")
    small = measure(alex, url)

    add_therapists(personas.practice, 6, supervisor=personas.sam, clients=2)
    add_clients(personas.dana_profile, 6)
    for number in range(4):
        create_client(
            actor=GROW, practice=personas.practice, first_name="Walk", last_name=f"In{number}"
        )
    add_staff(personas.practice, 4)
    big = measure(alex, url)

    assert_does_not_grow(small, big)
    assert big.queries <= 11 + 2  # +2: the background-work banner (alliance/runtime/health.py)


def test_a_search_and_filters_on_the_admin_home_do_not_add_queries(signed_in, personas):
    alex = signed_in("alex")
    searches = [
        {"q": "a"},  # matches before and after: an empty list skips its prefetch
        {"account": "active", "therapist": str(personas.dana_profile.pk)},
        {"therapist": "none"},
    ]
    small = [measure(alex, reverse("administration:home") + "?" + urlencode(q)) for q in searches]

    add_therapists(personas.practice, 4, supervisor=personas.sam, clients=2)
    add_clients(personas.dana_profile, 6)
    big = [measure(alex, reverse("administration:home") + "?" + urlencode(q)) for q in searches]

    for before, after in zip(small, big, strict=True):
        assert after.status == 200
        assert_does_not_grow(before, after)
        assert after.queries <= 11 + 2


def test_the_audit_page_queries_do_not_grow_with_the_trail(signed_in, personas):
    alex = signed_in("alex")
    url = reverse("administration:client-audit", kwargs={"client_id": personas.chris_client.pk})
    small = measure(alex, url)

    readers = [personas.dana, personas.sam, personas.alex, personas.chris]
    readers += [therapist.user for therapist in add_therapists(personas.practice, 4, clients=0)]
    add_reads(personas.chris_client, readers, 130)
    big = measure(alex, url)
    older = measure(alex, url + "?page=2")

    assert_does_not_grow(small, big)
    assert_does_not_grow(small, older)
    assert big.queries <= 9 + 2  # +2: the background-work banner (alliance/runtime/health.py)
