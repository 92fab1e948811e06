"""Answering forms: by portal, by link and as a therapist; each answered form is stored once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from alliance.appointments.models import AppointmentStatus
from alliance.appointments.services import record_attendance, schedule_appointment
from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.measures.access import form_link_token
from alliance.measures.models import FormRequest, FormRequestStatus, MeasureResponse

GOOD_CHECKIN = {
    "bond": "8",
    "goals": "7",
    "approach": "9",
    "overall": "8",
    "change": "More homework",
}


def answer_url(form_request: FormRequest) -> str:
    return reverse("measures:answer", args=[form_request.pk])


def link_url(form_request: FormRequest) -> str:
    return reverse("measures:answer-by-link", args=[form_link_token(form_request)])


def test_an_attended_session_makes_a_checkin_for_the_client_and_a_self_rating_for_the_therapist(
    personas,
):
    appointment = personas.chris_past_appointment
    due = {(r.instrument_id, r.respondent_role) for r in appointment.form_requests.all()}
    assert ("alliance-checkin", "client") in due
    assert ("alliance-self-rating", "therapist") in due


def test_intake_outcome_forms_are_due_when_an_episode_starts(personas):
    intake = FormRequest.objects.filter(episode=personas.chris_episode, appointment=None)
    assert {r.instrument_id for r in intake} == {"phq9", "gad7"}


def test_the_portal_lists_forms_waiting_for_the_client(signed_in, personas):
    page = signed_in("chris").get(reverse("portal:home"))
    assert page.status_code == 200
    assert answer_url(personas.chris_checkin).encode() in page.content


def test_a_client_answers_a_checkin_in_the_portal(signed_in, personas):
    browser = signed_in("chris")
    assert browser.get(answer_url(personas.chris_checkin)).status_code == 200
    response = browser.post(answer_url(personas.chris_checkin), GOOD_CHECKIN)
    assert response.status_code == 302
    stored = MeasureResponse.objects.get(form_request=personas.chris_checkin)
    assert stored.total == 32
    assert stored.comment == "More homework"
    assert stored.source == "portal"
    assert stored.respondent == personas.chris
    assert stored.instrument_version
    personas.chris_checkin.refresh_from_db()
    assert personas.chris_checkin.status == FormRequestStatus.COMPLETED
    assert b"Thank you" in browser.get(response["Location"]).content


def test_a_double_submit_stores_one_response(signed_in, personas):
    browser = signed_in("chris")
    first = browser.post(answer_url(personas.chris_checkin), GOOD_CHECKIN)
    second = browser.post(answer_url(personas.chris_checkin), GOOD_CHECKIN | {"bond": "2"})
    assert first.status_code == 302
    assert second.status_code == 200 and b"Thank you" in second.content
    assert MeasureResponse.objects.filter(form_request=personas.chris_checkin).count() == 1
    assert MeasureResponse.objects.get(form_request=personas.chris_checkin).answers["bond"] == 8


def test_invalid_answers_are_shown_again_with_errors_and_nothing_is_stored(signed_in, personas):
    browser = signed_in("chris")
    response = browser.post(answer_url(personas.chris_checkin), {"bond": "11", "goals": "x"})
    assert response.status_code == 400
    assert b"Please check" in response.content
    assert MeasureResponse.objects.count() == 0
    personas.chris_checkin.refresh_from_db()
    assert personas.chris_checkin.status == FormRequestStatus.PENDING


def test_opening_a_form_and_leaving_stores_nothing_clinical(signed_in, personas):
    signed_in("chris").get(answer_url(personas.chris_checkin))
    assert MeasureResponse.objects.count() == 0


def test_a_link_opens_the_form_without_signing_in_and_works_once(personas):
    browser = HttpClient()
    url = link_url(personas.chris_checkin)
    assert browser.get(url).status_code == 200
    assert browser.post(url, GOOD_CHECKIN).status_code == 302
    replay = HttpClient().post(url, GOOD_CHECKIN | {"bond": "1"})
    assert replay.status_code == 200 and b"Thank you" in replay.content
    stored = MeasureResponse.objects.get()
    assert stored.source == "link" and stored.answers["bond"] == 8
    event = AuditEvent.objects.get(object_type="measures.measureresponse", object_id=str(stored.pk))
    assert event.actor is None and event.actor_role == "client via link"


def test_a_tampered_link_is_not_found(personas):
    url = link_url(personas.chris_checkin)
    assert HttpClient().get(url[:-3] + "xyz/").status_code == 404


def test_an_expired_link_is_closed_and_stores_nothing(personas):
    url = link_url(personas.chris_checkin)
    with time_machine.travel(personas.chris_checkin.expires_at + timedelta(minutes=1)):
        response = HttpClient().post(url, GOOD_CHECKIN)
    assert response.status_code == 410
    assert MeasureResponse.objects.count() == 0


def test_a_link_cannot_open_a_therapists_self_rating(personas):
    assert HttpClient().get(link_url(personas.dana_self_rating)).status_code == 404


def test_the_therapist_answers_her_self_rating_and_is_prompted_on_the_client_page(
    signed_in, personas
):
    dana = signed_in("dana")
    page = dana.get(reverse("clinic:client", args=[personas.chris_client.pk]))
    assert answer_url(personas.dana_self_rating).encode() in page.content
    answers = {"bond": "7", "goals": "7", "approach": "8", "overall": "7"}
    assert dana.post(answer_url(personas.dana_self_rating), answers).status_code == 302
    stored = MeasureResponse.objects.get(form_request=personas.dana_self_rating)
    assert stored.respondent_role == "therapist" and stored.total == 29


@pytest.mark.parametrize("persona", ["olga", "sam", "alex", "casey", "dana"])
def test_nobody_else_can_open_a_clients_checkin(signed_in, personas, persona):
    assert signed_in(persona).get(answer_url(personas.chris_checkin)).status_code == 404


def test_clients_who_prefer_email_get_a_link_after_the_session(
    personas, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client = personas.chris_client
    client.email, client.form_links_by_email = "chris@example.org", True
    client.save()
    start = timezone.now() - timedelta(days=2)
    appointment = schedule_appointment(
        actor=Actor(personas.dana),
        episode=personas.chris_episode,
        start=start,
        end=start + timedelta(minutes=50),
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_attendance(
            actor=Actor(personas.dana), appointment=appointment, status=AppointmentStatus.ATTENDED
        )
    assert len(mail.outbox) == 1  # one email, however many forms are due
    assert mail.outbox[0].to == ["chris@example.org"]
    for form_request in appointment.form_requests.filter(respondent_role="client"):
        assert link_url(form_request) in mail.outbox[0].body
    assert (
        not appointment.form_requests.filter(respondent_role="therapist")
        .filter(
            pk__in=[
                r.pk for r in appointment.form_requests.all() if link_url(r) in mail.outbox[0].body
            ]
        )
        .exists()
    )


def test_a_deactivated_clients_link_is_refused_and_stores_nothing(personas):
    from alliance.accounts.services import deactivate_account

    deactivate_account(actor=Actor(personas.alex), user=personas.chris)
    url = link_url(personas.chris_checkin)
    opened = HttpClient().get(url)
    assert opened.status_code == 410 and b"no longer active" in opened.content
    assert HttpClient().post(url, GOOD_CHECKIN).status_code == 410
    assert MeasureResponse.objects.count() == 0
    personas.chris_checkin.refresh_from_db()
    assert personas.chris_checkin.status == FormRequestStatus.PENDING


def test_an_ended_episodes_forms_are_refused_but_its_final_measure_is_not(personas):
    from alliance.measures.services import offer_final_measure
    from alliance.practice.models import EndReason
    from alliance.practice.services import end_episode

    episode = personas.chris_episode
    end_episode(actor=Actor(personas.dana), episode=episode, reason=EndReason.COMPLETED)
    url = link_url(personas.chris_checkin)
    assert HttpClient().post(url, GOOD_CHECKIN).status_code == 410  # withdrawn at the ending
    # A form of the episode left pending (from before this rule, or a race): refused all the same.
    FormRequest.objects.filter(pk=personas.chris_checkin.pk).update(
        status=FormRequestStatus.PENDING, created_at=timezone.now() - timedelta(days=3)
    )
    refused = HttpClient().post(url, GOOD_CHECKIN)
    assert refused.status_code == 410 and b"has ended" in refused.content
    assert MeasureResponse.objects.count() == 0
    final = offer_final_measure(actor=Actor(personas.dana), episode=episode)
    assert HttpClient().get(link_url(final)).status_code == 200
