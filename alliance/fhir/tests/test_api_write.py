"""Posting a QuestionnaireResponse: stored once, scored, audited; anything wrong stores nothing
and says what is wrong in an OperationOutcome."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.fhir.fhir import item_expression
from alliance.fhir.tests.helpers import answers_for, payload
from alliance.fhir.tokens import issue_token
from alliance.measures.models import MeasureResponse
from alliance.measures.registry import get_instrument

URL = "/fhir/QuestionnaireResponse"
FHIR_JSON = "application/fhir+json"


def token_client(user: User, **kwargs: Any) -> HttpClient:
    _token, plaintext = issue_token(actor=Actor.system("test"), user=user, name="EHR")
    return HttpClient(headers={"authorization": f"Bearer {plaintext}"}, **kwargs)


def post(client: HttpClient, resource: Any) -> Any:
    data = resource if isinstance(resource, str | bytes) else json.dumps(resource)
    return client.post(URL, data=data, content_type=FHIR_JSON)


def stored_rows() -> tuple[int, int, int]:
    return (
        MeasureResponse.objects.count(),
        AuditEvent.objects.filter(action="create").count(),
        AuditEvent.objects.filter(action="read").count(),
    )


def outcome_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:800])
    assert response["Content-Type"] == FHIR_JSON
    outcome: dict[str, Any] = json.loads(response.content)
    OperationOutcome.model_validate(outcome)
    assert outcome["issue"]
    assert all(issue["severity"] == "error" and issue["diagnostics"] for issue in outcome["issue"])
    return outcome


def expressions(outcome: dict[str, Any]) -> list[str]:
    return [expression for issue in outcome["issue"] for expression in issue.get("expression", [])]


@pytest.fixture
def phq9():
    return get_instrument("phq9")


def test_dana_posts_a_phq9_for_chris(personas, phq9):
    dana = token_client(personas.dana)
    response = post(dana, payload(phq9, personas.chris_client.pk, answers_for(phq9, high=True)))

    assert response.status_code == 201, response.content
    resource = json.loads(response.content)
    QuestionnaireResponse.model_validate(resource)
    stored = MeasureResponse.objects.get()
    assert response["Location"] == f"http://testserver/fhir/QuestionnaireResponse/{stored.pk}"
    assert resource["id"] == str(stored.pk)
    assert stored.source == "fhir"
    assert stored.episode == personas.chris_episode
    assert stored.respondent == personas.dana
    assert stored.answers == answers_for(phq9, high=True)
    assert stored.total is not None and stored.safety_items  # scored like any other response
    assert stored.submitted_at.isoformat().startswith("2026-01-05T10:30")
    created = AuditEvent.objects.get(
        action="create", object_type="measures.measureresponse", object_id=str(stored.pk)
    )
    assert created.actor == personas.dana and created.client == personas.chris_client


def test_chris_posts_his_own_checkin_from_his_session(signed_in, personas):
    checkin = get_instrument("alliance-checkin")
    response = post(signed_in("chris"), payload(checkin, personas.chris_client.pk))
    assert response.status_code == 201, response.content
    assert MeasureResponse.objects.get().respondent == personas.chris


def test_a_retry_with_the_same_identifier_stores_one_response(personas, phq9):
    dana = token_client(personas.dana)
    sent = payload(phq9, personas.chris_client.pk, identifier="ehr-visit-77")
    first = post(dana, sent)
    count_after_first = MeasureResponse.objects.count()
    again = post(dana, sent)

    assert (first.status_code, again.status_code) == (201, 200)
    assert MeasureResponse.objects.count() == count_after_first == 1
    assert json.loads(again.content)["id"] == json.loads(first.content)["id"]
    assert json.loads(again.content)["identifier"]["value"] == "ehr-visit-77"
    assert again["Location"] == first["Location"]


def test_an_identifier_used_for_another_patient_is_a_conflict(personas, phq9):
    post(token_client(personas.dana), payload(phq9, personas.chris_client.pk, identifier="k-1"))
    olga = token_client(personas.olga)
    before = stored_rows()
    response = post(olga, payload(phq9, personas.casey_client.pk, identifier="k-1"))
    outcome_of(response, 409)
    assert stored_rows() == before


def test_a_token_post_needs_no_csrf_token_but_a_session_post_does(personas, phq9):
    _token, plaintext = issue_token(actor=Actor.system("test"), user=personas.dana, name="EHR")
    by_token = HttpClient(
        enforce_csrf_checks=True, headers={"authorization": f"Bearer {plaintext}"}
    )
    assert post(by_token, payload(phq9, personas.chris_client.pk)).status_code == 201

    by_session = HttpClient(enforce_csrf_checks=True)
    by_session.force_login(personas.dana, backend="django.contrib.auth.backends.ModelBackend")
    before = stored_rows()
    outcome_of(post(by_session, payload(phq9, personas.chris_client.pk)), 403)
    assert stored_rows() == before


def test_a_signed_out_post_is_401(personas, phq9):
    before = stored_rows()
    outcome_of(post(HttpClient(), payload(phq9, personas.chris_client.pk)), 401)
    assert stored_rows() == before


# --- Who may post for whom -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "patient", "status"),
    [
        ("sam", "chris_client", 403),  # sees chris, may not add to his record
        ("sam", "casey_client", 404),
        ("olga", "chris_client", 404),
        ("alex", "chris_client", 404),  # admins read and write no clinical data
        ("eve", "chris_client", 404),
        ("casey", "chris_client", 404),
        ("chris", "casey_client", 404),
        ("dana", "erin_client", 404),
    ],
)
def test_who_may_not_post_for_whom(signed_in, personas, phq9, persona, patient, status):
    client_id = getattr(personas, patient).pk
    before = stored_rows()
    outcome_of(post(signed_in(persona), payload(phq9, client_id)), status)
    assert stored_rows() == before


def test_a_client_cannot_post_the_therapists_self_rating(signed_in, personas):
    self_rating = get_instrument("alliance-self-rating")
    before = stored_rows()
    outcome_of(post(signed_in("chris"), payload(self_rating, personas.chris_client.pk)), 403)
    assert stored_rows() == before


# --- Bad input -------------------------------------------------------------------------------------


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], Any]:
    def change(resource: dict[str, Any]) -> dict[str, Any]:
        target = resource
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return resource

    return change


def _drop_item(link_id: str) -> Callable[[dict[str, Any]], Any]:
    def change(resource: dict[str, Any]) -> dict[str, Any]:
        resource["item"] = [item for item in resource["item"] if item["linkId"] != link_id]
        return resource

    return change


CHECKIN = "alliance-checkin"


def _first_scored(instrument_id: str) -> str:
    return get_instrument(instrument_id).scored_items[0].link_id


BAD_INPUT: dict[str, tuple[Callable[[dict[str, Any]], Any], int, str | None]] = {
    # name: (how the payload is spoiled, status, an expression the outcome must name)
    "not JSON": (lambda r: "{not json", 400, None),
    "a JSON array": (lambda r: [r], 400, None),
    "wrong resourceType": (_set(["resourceType"], "Observation"), 400, "resourceType"),
    "schema error": (
        _set(["item", 0, "answer", 0], {"valueInteger": "lots"}),
        400,
        "QuestionnaireResponse.item[0].answer[0].valueInteger",
    ),
    "unknown element": (_set(["colour"], "blue"), 400, "QuestionnaireResponse.colour"),
    "not completed": (_set(["status"], "in-progress"), 400, "QuestionnaireResponse.status"),
    "unknown questionnaire": (
        _set(["questionnaire"], "http://example.org/Questionnaire/nope"),
        422,
        "QuestionnaireResponse.questionnaire",
    ),
    "no subject": (
        lambda r: {k: v for k, v in r.items() if k != "subject"},
        400,
        "QuestionnaireResponse.subject",
    ),
    "a subject that is not a patient": (
        _set(["subject"], {"reference": "Group/1"}),
        400,
        "QuestionnaireResponse.subject",
    ),
    "a subject nobody has": (_set(["subject"], {"reference": "Patient/999999"}), 404, None),
    "missing required answer": (
        lambda r: _drop_item(_first_scored(CHECKIN))(r),
        400,
        "first-scored",
    ),
    "out-of-range value": (
        _set(["item", 0, "answer", 0], {"valueInteger": 99}),
        400,
        "first-scored",
    ),
    "unknown linkId": (
        lambda r: r | {"item": [*r["item"], {"linkId": "mood", "answer": [{"valueInteger": 3}]}]},
        400,
        item_expression("mood"),
    ),
    "authored in the future": (
        _set(["authored"], (timezone.now() + timedelta(days=2)).isoformat()),
        400,
        "QuestionnaireResponse.authored",
    ),
    "authored without a time": (
        _set(["authored"], "2026-01-05"),
        400,
        "QuestionnaireResponse.authored",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_stores_nothing_and_says_what_is_wrong(personas, case):
    spoil, status, expression = BAD_INPUT[case]
    checkin = get_instrument(CHECKIN)
    assert checkin.scored_items[0] == checkin.items[0]  # the spoilers above rely on it
    dana = token_client(personas.dana)
    before = stored_rows()

    response = post(dana, spoil(payload(checkin, personas.chris_client.pk, identifier="bad-1")))

    outcome = outcome_of(response, status)
    if expression == "first-scored":
        expression = item_expression(_first_scored(CHECKIN))
    if expression is not None:
        assert expression in expressions(outcome), outcome
    assert stored_rows() == before
    # The rejected identifier stays free: the corrected resource is then stored.
    assert (
        post(dana, payload(checkin, personas.chris_client.pk, identifier="bad-1")).status_code
        == 201
    )


def test_every_bad_answer_is_reported_at_once(personas):
    checkin = get_instrument(CHECKIN)
    answers: dict[str, object] = {item.link_id: 99 for item in checkin.scored_items}
    response = post(
        token_client(personas.dana), payload(checkin, personas.chris_client.pk, answers)
    )
    outcome = outcome_of(response, 400)
    named = set(expressions(outcome))
    assert {item_expression(item.link_id) for item in checkin.scored_items} <= named
