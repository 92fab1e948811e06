"""The practice admin's agreement template: the text and terms every new agreement starts from.
Saved (audited) for the admin's own practice only; new drafts and the crisis page of a client
with no agreement yet use it, agreements already drafted keep theirs; bad input is refused
with the form kept as typed, never a 500."""

from __future__ import annotations

from django.urls import reverse

from alliance.agreements.models import AgreementTemplate
from alliance.agreements.sections import DEFAULT_SECTIONS, SECTION_KEYS
from alliance.agreements.services import current_version, template_for
from alliance.agreements.tests.helpers import agreement_for
from alliance.audit.models import AuditAction, AuditEvent

URL = reverse("administration:agreement-template")
CRISIS = "Call 112, or our out-of-hours line 0800 000 000. {session_minutes} minute sessions."


def template_data(**changes: object) -> dict[str, object]:
    """The default template as the form posts it, with ``changes``."""
    return {
        **DEFAULT_SECTIONS,
        "frequency_days": 7,
        "session_minutes": 50,
        "late_cancellation_hours": 24,
        "review_every_weeks": 12,
        **changes,
    }


def test_the_page_shows_the_text_terms_and_placeholders(signed_in):
    page = signed_in("alex").get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    for key in SECTION_KEYS:
        assert f'name="{key}"' in html
    assert "Samaritans" in html  # the default crisis procedure, to be adapted
    assert 'name="review_every_weeks"' in html and 'value="12"' in html
    assert "<code>{late_cancellation_hours}</code>" in html
    assert "Agreement template" in signed_in("alex").get(reverse("administration:home")).text


def test_saving_changes_new_agreements_and_not_existing_ones(signed_in, personas):
    drafted_before = current_version(agreement_for(personas.chris_episode))
    response = signed_in("alex").post(
        URL, template_data(crisis=CRISIS, frequency_days=14, review_every_weeks=6)
    )
    assert response.status_code == 302
    template = AgreementTemplate.objects.get(practice=personas.practice)
    assert template.sections["crisis"] == CRISIS
    assert (template.frequency_days, template.review_every_weeks) == (14, 6)
    event = AuditEvent.objects.get(target="agreement template")
    assert event.action == AuditAction.CHANGE and event.actor == personas.alex
    assert event.detail == {"changed": ["crisis", "frequency_days", "review_every_weeks"]}

    drafted_before.refresh_from_db()
    assert drafted_before.sections["crisis"] == DEFAULT_SECTIONS["crisis"]
    new = agreement_for(personas.casey_episode)
    version = current_version(new)
    assert version.sections["crisis"] == CRISIS.replace("{session_minutes}", "50")
    assert version.frequency_days == 14 and new.review_every_weeks == 6


def test_a_client_without_an_agreement_reads_the_practice_crisis_procedure(signed_in, personas):
    signed_in("alex").post(URL, template_data(crisis="Ring 0800 000 000 at any hour."))
    html = signed_in("casey").get(reverse("agreements:crisis")).content.decode()
    # The number is a tel: link on the crisis page (agreements/templates/agreements/crisis.html).
    assert 'Ring <a class="tel" href="tel:0800000000">0800 000 000</a> at any hour.' in html


def test_saving_the_same_again_writes_nothing(signed_in):
    admin = signed_in("alex")
    admin.post(URL, template_data(crisis=CRISIS))
    again = admin.post(URL, template_data(crisis=CRISIS), follow=True)
    assert "Nothing had changed." in again.content.decode()
    assert AuditEvent.objects.filter(target="agreement template").count() == 1


def test_bad_input_is_refused_and_the_form_kept(signed_in, personas):
    admin = signed_in("alex")
    for changes, message in (
        ({"crisis": "   "}, "“If you are in crisis” cannot be empty."),
        ({"review_every_weeks": "0"}, "greater than or equal to 1"),
        ({"review_every_weeks": "soon"}, "Enter a whole number."),
        ({"frequency_days": "-3"}, "greater than or equal to 1"),
        ({"payment": "x" * 10_001}, "at most 10000 characters"),
    ):
        response = admin.post(URL, template_data(purpose="Our own purpose text.", **changes))
        assert response.status_code == 400, changes
        html = response.content.decode()
        assert message in html, changes
        assert "Our own purpose text." in html  # what was typed is not lost
    assert not AuditEvent.objects.filter(target="agreement template").exists()
    assert template_for(personas.practice).sections == DEFAULT_SECTIONS


def test_each_admin_edits_only_their_own_practice(signed_in, personas):
    signed_in("eve").post(URL, template_data(crisis=CRISIS))
    assert template_for(personas.practice).sections["crisis"] == DEFAULT_SECTIONS["crisis"]
    assert template_for(personas.erin_client.practice).sections["crisis"] == CRISIS
    for username in ("dana", "sam", "chris"):
        assert signed_in(username).post(URL, template_data(crisis="x")).status_code == 404
    assert template_for(personas.practice).sections["crisis"] == DEFAULT_SECTIONS["crisis"]
