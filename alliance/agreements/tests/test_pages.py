"""Agreement pages over HTTP: the dashboard marker, the client page, editing with bad input, the
portal, the chokepoint per persona, and query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from alliance.agreements.access import get_agreement_for_user
from alliance.agreements.models import Acknowledgement
from alliance.agreements.services import acknowledge, current_version, save_version
from alliance.agreements.terms import DEFAULT_TERMS
from alliance.agreements.tests.helpers import SETUP, agreement_for, edit_data, fill_in_and_share
from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.practice.models import Phase
from alliance.practice.services import change_phase
from alliance.testing.queries import assert_does_not_grow, measure

pytestmark = pytest.mark.django_db
DUE = b"Agreement review due"


def test_a_due_review_shows_on_the_dashboard_n_weeks_later(signed_in, personas):
    agreement = agreement_for(personas.chris_episode)
    later = timezone.now() + timedelta(weeks=agreement.review_every_weeks, hours=1)
    assert DUE not in signed_in("dana").get(reverse("clinic:dashboard")).content

    with time_machine.travel(later - timedelta(days=1), tick=False):
        assert DUE not in signed_in("dana").get(reverse("clinic:dashboard")).content
    with time_machine.travel(later, tick=False):
        page = signed_in("dana").get(reverse("clinic:dashboard"))
    assert DUE in page.content
    assert reverse("agreements:detail", args=[agreement.pk]).encode() in page.content


def test_a_due_review_shows_on_the_dashboard_after_a_phase_change(signed_in, personas):
    agreement = agreement_for(personas.chris_episode)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        change_phase(actor=SETUP, episode=personas.chris_episode, to_phase=Phase.EXPLORING)
        dana = signed_in("dana")
        assert DUE in dana.get(reverse("clinic:dashboard")).content
        dana.post(reverse("agreements:reviewed", args=[agreement.pk]))
        assert DUE not in dana.get(reverse("clinic:dashboard")).content


def test_the_client_page_shows_the_version_and_whether_it_is_acknowledged(signed_in, personas):
    url = reverse("clinic:client", args=[personas.chris_client.pk])
    dana = signed_in("dana")
    assert b"Draft from the practice template" in dana.get(url).content
    assert b"Draft from the practice template" not in signed_in("sam").get(url).content

    response = dana.post(reverse("agreements:draft", args=[personas.chris_episode.pk]))
    agreement = personas.chris_episode.agreement
    assert response.headers["Location"] == reverse("agreements:edit", args=[agreement.pk])
    page = dana.get(url).content.decode()
    assert "Therapy agreement, version 1" in page and "draft, not shared with the client" in page
    fill_in_and_share(agreement)
    page = dana.get(url).content.decode()
    assert "Therapy agreement, version 2" in page and "not yet acknowledged" in page
    acknowledge(actor=Actor(personas.chris), version=current_version(agreement))
    assert ">acknowledged<" in dana.get(url).content.decode()


def test_editing_creates_a_version_and_the_diff_shows_what_changed(signed_in, personas):
    agreement = agreement_for(personas.chris_episode)
    dana = signed_in("dana")
    data = edit_data(current_version(agreement), payment="Sessions are free of charge.")
    response = dana.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    assert current_version(agreement).number == 2

    page = dana.get(reverse("agreements:detail", args=[agreement.pk]) + "?from=1&to=2")
    content = page.content.decode()
    assert "Changes from version 1 to version 2" in content
    # Word level: the new words are marked as added, the old fee text as removed.
    added = " ".join(re.findall(r"<ins>(.*?)</ins>", content, re.S))
    removed = " ".join(re.findall(r"<del>(.*?)</del>", content, re.S))
    assert "Sessions" in added and "free" in added
    assert "fee" in removed and "Sessions" not in removed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"crisis": ""}, "“If you are in crisis” cannot be empty."),
        ({"late_cancellation_hours": "-4"}, "The late-cancellation window cannot be negative."),
        ({"session_minutes": "long"}, "Enter a whole number."),
        ({}, "Nothing has changed since the current version."),
    ],
)
def test_bad_input_is_a_400_with_a_message(signed_in, personas, changes, message):
    agreement = agreement_for(personas.chris_episode)
    response = signed_in("dana").post(
        reverse("agreements:edit", args=[agreement.pk]),
        edit_data(current_version(agreement), **changes),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert current_version(agreement).number == 1


def test_comparing_versions_that_do_not_exist_is_a_400(signed_in, personas):
    agreement = agreement_for(personas.chris_episode)
    url = reverse("agreements:detail", args=[agreement.pk]) + "?from=1&to=9"
    response = signed_in("dana").get(url)
    assert response.status_code == 400
    assert b"Choose two versions" in response.content


def test_the_client_reads_and_acknowledges_the_current_version(signed_in, personas):
    agreement = agreement_for(personas.chris_episode)
    chris = signed_in("chris")
    page = chris.get(reverse("agreements:own")).content.decode()
    assert "I have read and agree" in page and "If you are in crisis" in page
    version = current_version(agreement)

    chris.post(reverse("agreements:acknowledge", args=[version.pk]))
    chris.post(reverse("agreements:acknowledge", args=[version.pk]))
    assert Acknowledgement.objects.filter(version=version, user=personas.chris).count() == 1
    page = chris.get(reverse("agreements:own")).content.decode()
    assert "You agreed to version 1" in page and "I have read and agree" not in page

    save_version(
        actor=SETUP,
        agreement=agreement,
        sections={**version.sections, "payment": "Paid monthly."},
        terms=DEFAULT_TERMS,
    )
    page = chris.get(reverse("agreements:own")).content.decode()
    assert "I have read and agree" in page
    # The old version, acknowledged already, is not the current one: nothing new is stored.
    assert chris.post(reverse("agreements:acknowledge", args=[version.pk])).status_code == 302


def test_the_crisis_page_shows_the_agreed_procedure_or_the_practice_default(signed_in, personas):
    casey = signed_in("casey")
    assert b"999" in casey.get(reverse("agreements:crisis")).content
    agreement = agreement_for(personas.chris_episode)
    version = current_version(agreement)
    save_version(
        actor=SETUP,
        agreement=agreement,
        sections={**version.sections, "crisis": "Call Riverside's line: 0100 000 000."},
        terms=DEFAULT_TERMS,
    )
    page = signed_in("chris").get(reverse("portal:home")).content.decode()
    assert reverse("agreements:crisis") in page and "In crisis?" in page
    assert "0100 000 000" in signed_in("chris").get(reverse("agreements:crisis")).content.decode()
    assert "In crisis?" not in signed_in("dana").get(reverse("clinic:dashboard")).content.decode()


def test_every_read_writes_an_audit_row(signed_in, personas):
    agreement = agreement_for(personas.chris_episode)
    signed_in("sam").get(reverse("agreements:detail", args=[agreement.pk]))
    signed_in("chris").get(reverse("agreements:own"))
    signed_in("chris").get(reverse("agreements:crisis"))
    reads = AuditEvent.objects.filter(action="read", client=personas.chris_client).order_by("id")
    assert [(row.actor, row.target) for row in reads] == [
        (personas.sam, "therapy agreement"),
        (personas.chris, "own therapy agreement"),
        (personas.chris, "crisis procedure"),
    ]


@pytest.mark.parametrize(
    ("persona", "reads", "changes"),
    [
        ("dana", True, True),
        ("sam", True, False),
        ("chris", True, False),
        ("olga", False, False),
        ("casey", False, False),
        ("alex", False, False),
        ("eve", False, False),
    ],
)
def test_the_agreement_chokepoint_per_persona(personas, persona, reads, changes):
    agreement = agreement_for(personas.chris_episode)
    user = getattr(personas, persona)
    for for_change, allowed in ((False, reads), (True, changes)):
        if allowed:
            assert get_agreement_for_user(user, agreement.pk, for_change=for_change) == agreement
        else:
            with pytest.raises(Http404):
                get_agreement_for_user(user, agreement.pk, for_change=for_change)


def test_the_agreement_page_queries_do_not_grow_with_the_history(signed_in, personas):
    agreement = agreement_for(personas.chris_episode)
    url = reverse("agreements:detail", args=[agreement.pk])
    dana = signed_in("dana")
    small = measure(dana, url)

    for number in range(6):
        version = save_version(
            actor=SETUP,
            agreement=agreement,
            sections={**current_version(agreement).sections, "payment": f"Plan {number}."},
            terms=DEFAULT_TERMS,
        )
        acknowledge(actor=Actor(personas.chris), version=version)
        change_phase(
            actor=SETUP,
            episode=personas.chris_episode,
            to_phase=Phase.EXPLORING if number % 2 == 0 else Phase.RAPPORT,
            note="Back to rapport after a rupture.",
            step_back_confirmed=True,
        )
    big = measure(dana, url)

    assert_does_not_grow(small, big)
    assert big.queries <= 11 + 2  # +2: the background-work banner (alliance/runtime/health.py)
