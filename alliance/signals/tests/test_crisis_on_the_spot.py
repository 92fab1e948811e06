"""A client whose answers raise a crisis flag sees the practice's crisis procedure at once, and
their therapist is emailed once the answers are stored; an ordinary answer gets the ordinary
thank-you and raises nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from alliance.agreements.sections import DEFAULT_SECTIONS
from alliance.agreements.tests.helpers import chris_current_version
from alliance.measures.access import form_link_token
from alliance.measures.models import FormRequest, MeasureResponse
from alliance.sessions.models import SessionPreparation
from alliance.signals.crisis import raised_crisis_for_preparation, raised_crisis_for_response
from alliance.signals.models import Flag

PHQ9_ITEM_9_SEVERAL_DAYS = {f"PHQ9_{n}": "1" for n in range(1, 10)}
PHQ9_NO_SAFETY_ANSWER = PHQ9_ITEM_9_SEVERAL_DAYS | {"PHQ9_9": "0"}
CHECKIN = {"bond": "8", "goals": "7", "approach": "9", "overall": "8", "change": "More homework"}
CRISIS_HEADING = "If you need help now"
# A line of the default crisis section, which the practice's template starts from.
CRISIS_LINE = "116 123"


@pytest.fixture
def dana_has_email(personas):
    personas.dana.email = "dana@riverside.example"
    personas.dana.save(update_fields=["email"])
    return personas.dana.email


def phq9_request(personas) -> FormRequest:
    return FormRequest.objects.get(
        episode=personas.chris_episode, appointment=None, instrument_id="phq9"
    )


def crisis_flags(response: MeasureResponse):
    return Flag.objects.filter(kind="crisis", key__startswith=f"crisis:response:{response.pk}:")


def answer(browser: HttpClient, url: str, data: dict[str, str], capture) -> str:
    with capture(execute=True):
        posted = browser.post(url, data)
    assert posted.status_code == 302
    page = browser.get(posted["Location"])
    assert page.status_code == 200
    return page.content.decode()


def test_the_default_crisis_text_holds_the_line_the_tests_look_for():
    assert CRISIS_LINE in DEFAULT_SECTIONS["crisis"]


def test_phq9_item_9_shows_the_crisis_procedure_and_emails_the_therapist(
    signed_in, personas, dana_has_email, django_capture_on_commit_callbacks
):
    form_request = phq9_request(personas)
    url = reverse("measures:answer", args=[form_request.pk])
    page = answer(
        signed_in("chris"), url, PHQ9_ITEM_9_SEVERAL_DAYS, django_capture_on_commit_callbacks
    )

    response = MeasureResponse.objects.get(form_request=form_request)
    assert crisis_flags(response).filter(rule="crisis.safety_item").exists()
    assert raised_crisis_for_response(response)
    assert CRISIS_HEADING in page
    assert CRISIS_LINE in page
    assert "Thank you for telling us" in page
    assert [m.to for m in mail.outbox] == [[dana_has_email]]
    assert "urgent" in mail.outbox[0].subject


def test_crisis_words_in_a_checkin_comment_show_the_crisis_procedure(
    signed_in, personas, dana_has_email, django_capture_on_commit_callbacks
):
    url = reverse("measures:answer", args=[personas.chris_checkin.pk])
    data = CHECKIN | {"change": "I want to end my life"}
    page = answer(signed_in("chris"), url, data, django_capture_on_commit_callbacks)

    response = MeasureResponse.objects.get(form_request=personas.chris_checkin)
    assert crisis_flags(response).filter(rule="crisis.language").exists()
    assert CRISIS_HEADING in page and CRISIS_LINE in page
    assert [m.to for m in mail.outbox] == [[dana_has_email]]


def test_the_crisis_procedure_shows_after_answering_by_link_too(
    personas, dana_has_email, django_capture_on_commit_callbacks
):
    url = reverse("measures:answer-by-link", args=[form_link_token(phq9_request(personas))])
    page = answer(HttpClient(), url, PHQ9_ITEM_9_SEVERAL_DAYS, django_capture_on_commit_callbacks)

    assert CRISIS_HEADING in page and CRISIS_LINE in page
    assert "Back to my therapy" not in page  # no portal to go back to without signing in
    assert len(mail.outbox) == 1


def test_the_clients_own_agreement_text_is_the_one_shown(
    signed_in, personas, django_capture_on_commit_callbacks
):
    version = chris_current_version(personas)
    version.sections = version.sections | {"crisis": "Ring the practice line: 0100 200 300."}
    version.save(update_fields=["sections"])
    url = reverse("measures:answer", args=[phq9_request(personas).pk])
    page = answer(
        signed_in("chris"), url, PHQ9_ITEM_9_SEVERAL_DAYS, django_capture_on_commit_callbacks
    )
    assert "0100 200 300" in page
    assert CRISIS_LINE not in page


@pytest.mark.parametrize(
    ("form", "data"),
    [("phq9", PHQ9_NO_SAFETY_ANSWER), ("checkin", CHECKIN)],
)
def test_an_ordinary_answer_gets_the_ordinary_thanks_and_no_flag(
    form, data, signed_in, personas, dana_has_email, django_capture_on_commit_callbacks
):
    form_request = phq9_request(personas) if form == "phq9" else personas.chris_checkin
    url = reverse("measures:answer", args=[form_request.pk])
    page = answer(signed_in("chris"), url, data, django_capture_on_commit_callbacks)

    response = MeasureResponse.objects.get(form_request=form_request)
    assert not crisis_flags(response).exists()
    assert not Flag.objects.filter(kind="crisis").exists()
    assert "Thank you" in page
    assert CRISIS_HEADING not in page
    assert mail.outbox == []


def test_crisis_words_in_a_session_preparation_show_the_crisis_procedure(
    signed_in, personas, dana_has_email, django_capture_on_commit_callbacks
):
    appointment = personas.chris_next_appointment
    url = reverse("sessions:prepare", args=[appointment.pk])
    data = {"talk_about": "Some days I want to die", "since_last_time": "", "feeling_today": "2"}
    with django_capture_on_commit_callbacks(execute=True):
        page = signed_in("chris").post(url, data)

    assert page.status_code == 200
    assert CRISIS_HEADING in page.content.decode()
    preparation = SessionPreparation.objects.get(appointment=appointment)
    assert Flag.objects.filter(
        kind="crisis", key__startswith=f"crisis:preparation:{preparation.pk}:"
    ).exists()
    assert raised_crisis_for_preparation(preparation)
    assert [m.to for m in mail.outbox] == [[dana_has_email]]


def test_an_ordinary_preparation_gets_the_ordinary_thanks(signed_in, personas):
    appointment = personas.chris_next_appointment
    url = reverse("sessions:prepare", args=[appointment.pk])
    data = {"talk_about": "My sister's visit", "since_last_time": "", "feeling_today": "6"}
    posted = signed_in("chris").post(url, data)
    assert posted.status_code == 302
    assert posted["Location"] == reverse("portal:home")
    assert not Flag.objects.filter(kind="crisis").exists()


def test_a_preparation_rewritten_without_crisis_words_is_thanked_as_usual(signed_in, personas):
    appointment = personas.chris_next_appointment
    url = reverse("sessions:prepare", args=[appointment.pk])
    chris = signed_in("chris")
    chris.post(url, {"talk_about": "I can't go on", "since_last_time": "", "feeling_today": ""})
    posted = chris.post(
        url, {"talk_about": "My sister's visit", "since_last_time": "", "feeling_today": ""}
    )
    assert posted.status_code == 302
    assert Flag.objects.filter(kind="crisis").count() == 1  # never cleared automatically
