"""The admin finds people by name, account state and therapist; deactivating asks first, is
audited and can be undone."""

from __future__ import annotations

import html

from django.urls import reverse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.practice.services import create_client
from alliance.testing.personas import SETUP


def home(signed_in, **query) -> str:
    response = signed_in("alex").get(reverse("administration:home"), query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_search_finds_clients_and_staff_by_any_part_of_their_name(signed_in, personas):
    page = home(signed_in, q="chri")

    assert "Chris Moreau" in page
    assert "Casey" not in page
    assert '<th scope="row">Dana Reyes</th>' not in page  # (still a choice of the filter)
    assert "No therapist matches." in page


def test_two_words_must_both_match(signed_in, personas):
    assert "Chris Moreau" in home(signed_in, q="chris moreau")
    assert "Chris Moreau" not in home(signed_in, q="chris reyes")


def test_clients_of_one_therapist_or_of_none(signed_in, personas):
    walk_in = create_client(
        actor=SETUP, practice=personas.practice, first_name="Walk", last_name="In"
    )

    of_dana = home(signed_in, therapist=personas.dana_profile.pk)
    assert "Chris Moreau" in of_dana and "Walk In" not in of_dana
    assert "Casey" not in of_dana
    unassigned = home(signed_in, therapist="none")
    assert walk_in.full_name in unassigned and "Chris Moreau" not in unassigned


def test_a_deactivated_account_filter(signed_in, personas):
    personas.casey.is_active = False
    personas.casey.save(update_fields=["is_active"])

    page = home(signed_in, account="deactivated")

    assert "Casey" in page and "Chris Moreau" not in page


def test_a_bad_filter_answers_400_with_a_way_back(signed_in, personas):
    response = signed_in("alex").get(reverse("administration:home"), {"therapist": "999999"})

    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "Select a valid choice" in text and "Show everyone" in text


def test_deactivating_asks_first_and_nothing_happens_on_the_question(signed_in, personas):
    url = reverse("administration:deactivate", args=[personas.dana.pk])

    page = html.unescape(signed_in("alex").get(url).content.decode())

    assert "Deactivate Dana Reyes?" in page
    assert "Yes, deactivate Dana Reyes" in page and "No, keep the account active" in page
    assert User.objects.get(pk=personas.dana.pk).is_active


def test_deactivate_then_reactivate_is_audited_and_signing_in_works_again(signed_in, personas):
    alex = signed_in("alex")
    alex.post(
        reverse("administration:deactivate", args=[personas.chris.pk]), {"reason": "Moved away"}
    )
    assert not User.objects.get(pk=personas.chris.pk).is_active
    page = home(signed_in)
    assert 'Reactivate<span class="visually-hidden"> Chris Moreau</span>' in page

    response = alex.post(reverse("administration:reactivate", args=[personas.chris.pk]))

    assert response.status_code == 302
    assert User.objects.get(pk=personas.chris.pk).is_active
    events = AuditEvent.objects.filter(target__startswith="account ").order_by("pk")
    assert [(e.actor, e.target, e.client_id, e.detail) for e in events] == [
        (
            personas.alex,
            "account deactivated",
            personas.chris_client.pk,
            {"username": "chris", "reason": "Moved away"},
        ),
        (personas.alex, "account reactivated", personas.chris_client.pk, {"username": "chris"}),
    ]
    assert signed_in("chris").get(reverse("portal:home")).status_code == 200


def test_every_account_button_and_link_names_the_person(signed_in, personas):
    page = home(signed_in)

    assert 'Deactivate<span class="visually-hidden"> Dana Reyes</span>' in page
    assert 'aria-label="Deactivate' not in page  # the visible word is part of the name
