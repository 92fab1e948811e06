"""An agreement is a draft, invisible to the client, until the therapist shares it; a draft that
still holds the template's placeholders cannot be shared, and says which ones are left."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from alliance.agreements.crisis import crisis_procedure_for_episode
from alliance.agreements.models import Agreement
from alliance.agreements.services import (
    acknowledge,
    current_version,
    draft_agreement,
    save_version,
    share_agreement,
)
from alliance.agreements.terms import terms_of
from alliance.agreements.tests.helpers import SETUP, fill_in_and_share, filled_in
from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.lib.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(personas) -> Agreement:
    return draft_agreement(actor=Actor(personas.dana), episode=personas.chris_episode)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_new_agreement_is_a_draft_the_client_cannot_see(signed_in, personas, draft):
    chris = signed_in("chris")

    own = page_text(chris.get(reverse("agreements:own")))
    assert "has not written up your agreement yet" in own
    assert "I have read and agree" not in own
    assert draft.versions.get().sections["roles"][:40] not in own
    version = current_version(draft)
    response = chris.post(reverse("agreements:acknowledge", args=[version.pk]))
    assert response.status_code == 404
    with pytest.raises(DomainError, match="not shared"):
        acknowledge(actor=Actor(personas.chris), version=version)


def test_a_draft_crisis_section_is_not_the_clients_yet(personas, draft):
    version = current_version(draft)
    save_version(
        actor=SETUP,
        agreement=draft,
        sections={**filled_in(version.sections), "crisis": "Call Dana's own crisis line."},
        terms=terms_of(version),
    )

    procedure = crisis_procedure_for_episode(personas.chris_episode)

    assert not procedure.agreed
    assert "Dana's own" not in procedure.text


def test_the_therapist_sees_the_draft_and_what_is_left_to_fill_in(signed_in, personas, draft):
    page = page_text(signed_in("dana").get(reverse("agreements:detail", args=[draft.pk])))

    assert "Draft: Chris cannot see it yet." in page
    assert "Still to fill in before it can be shared:" in page
    assert "“Payment”: [The practice's fee" in page
    assert "Share with Chris" in page


def test_sharing_a_draft_with_placeholders_is_refused_with_what_is_left(signed_in, personas, draft):
    response = signed_in("dana").post(reverse("agreements:share", args=[draft.pk]))

    assert response.status_code == 400
    text = page_text(response)
    assert "still has parts to fill in, so it cannot be shared with the client yet" in text
    assert "“What we are working towards”: [To be written together" in text
    assert "Back to the agreement" in text
    draft.refresh_from_db()
    assert draft.shared_at is None
    assert not AuditEvent.objects.filter(target="agreement shared").exists()


def test_a_filled_in_draft_is_shared_audited_and_then_the_client_acknowledges_it(
    signed_in, personas, draft
):
    version = current_version(draft)
    filled = save_version(
        actor=SETUP, agreement=draft, sections=filled_in(version.sections), terms=terms_of(version)
    )

    response = signed_in("dana").post(reverse("agreements:share", args=[draft.pk]))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.shared_at is not None and draft.shared_by == personas.dana
    event = AuditEvent.objects.get(target="agreement shared")
    assert (event.actor, event.client_id, event.detail) == (
        personas.dana,
        personas.chris_client.pk,
        {"version": filled.number},
    )
    chris = signed_in("chris")
    assert "I have read and agree" in page_text(chris.get(reverse("agreements:own")))
    assert chris.post(reverse("agreements:acknowledge", args=[filled.pk])).status_code == 302


def test_sharing_twice_changes_nothing(personas, draft):
    shared = fill_in_and_share(draft)
    first = shared.shared_at

    again = share_agreement(actor=SETUP, agreement=draft)

    assert again.shared_at == first
    assert AuditEvent.objects.filter(target="agreement shared").count() == 1


def test_a_shared_agreement_takes_no_new_placeholders(personas, draft):
    fill_in_and_share(draft)
    current = current_version(draft)

    with pytest.raises(DomainError, match=r"cannot be shown to the client: “Payment”: \[fee\]"):
        save_version(
            actor=SETUP,
            agreement=draft,
            sections={**current.sections, "payment": "[fee] per session."},
            terms=terms_of(current),
        )


def test_only_the_therapist_shares(signed_in, personas, draft):
    url = reverse("agreements:share", args=[draft.pk])
    for name in ["sam", "chris", "alex", "olga"]:
        assert signed_in(name).post(url).status_code == 404
