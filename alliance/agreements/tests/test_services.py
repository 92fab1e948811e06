"""Drafting, versions, acknowledgements, reviews and terms, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from alliance.agreements.models import Acknowledgement, AgreementReview, AgreementVersion
from alliance.agreements.sections import SECTION_KEYS
from alliance.agreements.services import (
    acknowledge,
    current_version,
    draft_agreement,
    mark_reviewed,
    review_due,
    save_version,
    share_agreement,
    template_for,
)
from alliance.agreements.terms import DEFAULT_TERMS, SessionTerms, terms_for
from alliance.agreements.tests.helpers import SETUP, agreement_for, filled_in
from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.lib.errors import DomainError
from alliance.practice.models import Phase
from alliance.practice.services import change_phase

pytestmark = pytest.mark.django_db


def _edited(version: AgreementVersion, **sections: str) -> dict[str, str]:
    return {**version.sections, **sections}


def test_a_new_practice_gets_the_default_template_once(personas):
    template = template_for(personas.practice)
    assert set(template.sections) == set(SECTION_KEYS)
    assert "999" in template.sections["crisis"] and "911" in template.sections["crisis"]
    assert template_for(personas.practice).pk == template.pk


def test_a_draft_is_version_one_of_the_template_with_the_terms_filled_in(personas):
    agreement = draft_agreement(actor=Actor(personas.dana), episode=personas.chris_episode)
    version = current_version(agreement)
    assert version.number == 1 and version.created_by == personas.dana
    assert "every 7 days, for 50 minutes" in version.sections["frequency"]
    assert "at least 24 hours" in version.sections["cancellation"]
    with pytest.raises(DomainError):
        draft_agreement(actor=SETUP, episode=personas.chris_episode)


def test_saving_a_version_numbers_it_and_an_unchanged_one_is_refused(personas):
    agreement = agreement_for(personas.chris_episode)
    first = current_version(agreement)
    second = save_version(
        actor=Actor(personas.dana),
        agreement=agreement,
        sections=_edited(first, purpose="Sleep better and argue less at home."),
        terms=DEFAULT_TERMS,
        note="Wrote the purpose together.",
    )
    assert second.number == 2 and second.created_by == personas.dana
    with pytest.raises(DomainError, match="Nothing has changed"):
        save_version(
            actor=Actor(personas.dana),
            agreement=agreement,
            sections=second.sections,
            terms=DEFAULT_TERMS,
        )
    assert agreement.versions.count() == 2


@pytest.mark.parametrize(
    ("sections", "terms", "message"),
    [
        ({"payment": "  "}, DEFAULT_TERMS, "“Payment” cannot be empty."),
        ({}, SessionTerms(late_cancellation_hours=-1), "cannot be negative"),
    ],
)
def test_bad_versions_are_refused(personas, sections, terms, message):
    agreement = agreement_for(personas.chris_episode)
    with pytest.raises(DomainError, match=message):
        save_version(
            actor=SETUP,
            agreement=agreement,
            sections=_edited(current_version(agreement), **sections),
            terms=terms,
        )


def test_an_acknowledgement_is_for_one_version_only(personas):
    agreement = agreement_for(personas.chris_episode)
    chris = Actor(personas.chris, ip_address="203.0.113.9")
    first = current_version(agreement)
    acknowledgement = acknowledge(actor=chris, version=first)
    assert acknowledgement.ip_address == "203.0.113.9"
    # A second tap stores nothing new.
    assert acknowledge(actor=chris, version=first).pk == acknowledgement.pk
    assert Acknowledgement.objects.count() == 1

    second = save_version(
        actor=SETUP,
        agreement=agreement,
        sections=_edited(first, payment="Paid monthly."),
        terms=DEFAULT_TERMS,
    )
    assert not second.acknowledgements.exists()
    # The old version cannot be acknowledged any more: the client must read the new one.
    acknowledge(actor=chris, version=second)
    assert list(second.acknowledgements.values_list("user", flat=True)) == [personas.chris.pk]
    third = save_version(
        actor=SETUP,
        agreement=agreement,
        sections=_edited(second, payment="Paid weekly."),
        terms=DEFAULT_TERMS,
    )
    assert not third.acknowledgements.exists()


def test_only_the_current_version_can_be_acknowledged_and_only_by_the_client(personas):
    agreement = agreement_for(personas.chris_episode)
    first = current_version(agreement)
    save_version(
        actor=SETUP,
        agreement=agreement,
        sections=_edited(first, payment="Paid monthly."),
        terms=DEFAULT_TERMS,
    )
    with pytest.raises(DomainError, match="newer version"):
        acknowledge(actor=Actor(personas.chris), version=first)
    with pytest.raises(DomainError):
        acknowledge(actor=Actor(personas.casey), version=current_version(agreement))
    assert not Acknowledgement.objects.exists()


def test_terms_for_reads_the_current_version_or_the_defaults(personas):
    assert terms_for(personas.chris_episode) == DEFAULT_TERMS
    agreement = agreement_for(personas.chris_episode)
    terms = SessionTerms(frequency_days=14, session_minutes=60, late_cancellation_hours=48)
    save_version(
        actor=SETUP,
        agreement=agreement,
        sections=current_version(agreement).sections,
        terms=terms,
    )
    assert terms_for(personas.chris_episode) == terms
    assert terms_for(personas.casey_episode) == DEFAULT_TERMS


def test_a_review_is_due_after_the_interval_and_after_a_phase_change(personas):
    agreement = agreement_for(personas.chris_episode)
    today = timezone.localdate()
    weeks = agreement.review_every_weeks
    assert not review_due(agreement, today)
    assert not review_due(agreement, today + timedelta(weeks=weeks, days=-1))
    assert review_due(agreement, today + timedelta(weeks=weeks))

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        change_phase(actor=SETUP, episode=personas.chris_episode, to_phase=Phase.EXPLORING)
    assert review_due(agreement, today + timedelta(days=3))

    with time_machine.travel(timezone.now() + timedelta(days=4)):
        review = mark_reviewed(actor=Actor(personas.dana), agreement=agreement, note="Still fits.")
    agreement.refresh_from_db()
    assert review.version.number == 1 and AgreementReview.objects.count() == 1
    assert not review_due(agreement, today + timedelta(days=4))


def test_every_change_writes_an_audit_row(personas):
    dana, chris = Actor(personas.dana), Actor(personas.chris)
    agreement = draft_agreement(actor=dana, episode=personas.chris_episode)
    version = save_version(
        actor=dana,
        agreement=agreement,
        sections=filled_in(_edited(current_version(agreement), payment="Paid monthly.")),
        terms=DEFAULT_TERMS,
    )
    share_agreement(actor=dana, agreement=agreement)
    acknowledge(actor=chris, version=version)
    acknowledge(actor=chris, version=version)
    mark_reviewed(actor=dana, agreement=agreement)

    rows = AuditEvent.objects.filter(object_type="agreements.agreement").order_by("id")
    assert [(row.actor, row.action, row.target) for row in rows] == [
        (personas.dana, "create", "therapy agreement"),
        (personas.dana, "change", "therapy agreement"),
        (personas.dana, "change", "agreement shared"),
        (personas.chris, "change", "agreement acknowledged"),
        (personas.dana, "change", "agreement reviewed"),
    ]
    assert all(row.client_id == personas.chris_client.pk for row in rows)
