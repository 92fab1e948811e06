"""Reading through the FHIR API: who sees which patient's responses, by session or by token."""

import json
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.fhir.tests.helpers import store
from alliance.fhir.tokens import issue_token, revoke_token
from alliance.measures.registry import all_instruments
from alliance.testing.queries import assert_does_not_grow, measure

FHIR_JSON = "application/fhir+json"


def body(response: Any) -> dict[str, Any]:
    assert response["Content-Type"] == FHIR_JSON, response["Content-Type"]
    data: dict[str, Any] = json.loads(response.content)
    return data


def assert_outcome(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:500])
    outcome = body(response)
    OperationOutcome.model_validate(outcome)
    assert outcome["issue"] and all(issue["diagnostics"] for issue in outcome["issue"])
    return outcome


def responses_url(client_id: int, **params: str) -> str:
    query = "&".join([f"subject=Patient/{client_id}"] + [f"{k}={v}" for k, v in params.items()])
    return f"{reverse('fhir:questionnaire-responses')}?{query}"


def match_ids(bundle: dict[str, Any]) -> set[str]:
    Bundle.model_validate(bundle)
    return {e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == "match"}


def token_client(user: User, name: str = "EHR sync") -> HttpClient:
    _token, plaintext = issue_token(actor=Actor.system("test"), user=user, name=name)
    return HttpClient(headers={"authorization": f"Bearer {plaintext}"})


@pytest.fixture
def chris_history(personas):
    """chris's answers: a PHQ-9, a check-in, and dana's self-rating of the same session."""
    return [
        store("phq9", personas.chris_episode, personas.chris, high=True),
        store("alliance-checkin", personas.chris_episode, personas.chris),
        store("alliance-self-rating", personas.chris_episode, personas.dana),
    ]


# --- Questionnaire ---------------------------------------------------------------------------------


def test_the_questionnaire_bundle_lists_every_instrument(signed_in):
    response = signed_in("alex").get(reverse("fhir:questionnaires"))
    assert response.status_code == 200
    bundle = body(response)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "searchset"
    assert bundle["total"] == len(all_instruments()) == len(bundle["entry"])
    for entry in bundle["entry"]:
        Questionnaire.model_validate(entry["resource"])
        assert entry["search"]["mode"] == "match"


def test_one_questionnaire_is_read_by_id(signed_in):
    response = signed_in("chris").get(reverse("fhir:questionnaire", args=["gad7"]))
    assert response.status_code == 200
    assert Questionnaire.model_validate(body(response)).id == "gad7"


def test_an_unknown_questionnaire_is_a_404_outcome(signed_in):
    assert_outcome(signed_in("dana").get(reverse("fhir:questionnaire", args=["nope"])), 404)


def test_a_signed_out_caller_gets_401_not_a_redirect(personas):
    response = HttpClient().get(reverse("fhir:questionnaires"))
    assert_outcome(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_another_method_is_a_405_outcome(signed_in):
    response = signed_in("dana").delete(reverse("fhir:questionnaires"))
    assert_outcome(response, 405)
    assert response["Allow"] == "GET"


def test_an_unknown_path_is_a_404_outcome(signed_in):
    assert_outcome(signed_in("dana").get("/fhir/Patient/1"), 404)
    assert_outcome(HttpClient().get("/fhir/Patient/1"), 401)


# --- QuestionnaireResponse search ------------------------------------------------------------------


def test_dana_reads_chriss_responses_with_their_scores(signed_in, personas, chris_history):
    response = signed_in("dana").get(responses_url(personas.chris_client.pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    bundle = body(response)
    assert bundle["total"] == 3
    assert match_ids(bundle) == {str(stored.pk) for stored in chris_history}
    for entry in bundle["entry"]:
        QuestionnaireResponse.model_validate(entry["resource"])
        assert entry["fullUrl"].endswith(f"/fhir/QuestionnaireResponse/{entry['resource']['id']}")


def test_observations_are_included_on_request(signed_in, personas, chris_history):
    url = responses_url(personas.chris_client.pk, _revinclude="Observation:derived-from")
    data = body(signed_in("dana").get(url))
    included = [entry for entry in data["entry"] if entry["search"]["mode"] == "include"]
    assert len(match_ids(data)) == data["total"] == 3
    assert included and all(e["resource"]["resourceType"] == "Observation" for e in included)


def test_the_search_can_be_narrowed_to_one_questionnaire(signed_in, personas, chris_history):
    url = responses_url(personas.chris_client.pk, questionnaire="Questionnaire/phq9")
    data = body(signed_in("dana").get(url))
    assert [entry["resource"]["id"] for entry in data["entry"]] == [str(chris_history[0].pk)]


def test_sam_reads_the_responses_of_a_therapist_he_supervises(signed_in, personas, chris_history):
    response = signed_in("sam").get(responses_url(personas.chris_client.pk))
    assert len(match_ids(body(response))) == 3


def test_chris_reads_his_own_answers_but_not_danas_self_rating(signed_in, personas, chris_history):
    response = signed_in("chris").get(responses_url(personas.chris_client.pk))
    assert match_ids(body(response)) == {str(chris_history[0].pk), str(chris_history[1].pk)}


@pytest.mark.parametrize("persona", ["olga", "casey", "alex", "eve"])
def test_anyone_else_gets_404_for_chris(signed_in, personas, chris_history, persona):
    assert_outcome(signed_in(persona).get(responses_url(personas.chris_client.pk)), 404)


def test_a_signed_out_search_is_401(personas):
    assert_outcome(HttpClient().get(responses_url(personas.chris_client.pk)), 401)


@pytest.mark.parametrize("subject", ["", "Group/1", "Patient/abc", "Patient/", "Patient/1/x"])
def test_a_missing_or_invalid_subject_is_a_400_outcome(signed_in, subject):
    url = reverse("fhir:questionnaire-responses")
    response = signed_in("dana").get(url, {"subject": subject} if subject else {})
    outcome = assert_outcome(response, 400)
    assert outcome["issue"][0]["expression"] == ["subject"]


def test_each_patient_read_is_audited_and_a_refused_one_is_not(signed_in, personas, chris_history):
    before = AuditEvent.objects.filter(action="read", client=personas.chris_client).count()
    signed_in("dana").get(responses_url(personas.chris_client.pk))
    signed_in("olga").get(responses_url(personas.chris_client.pk))
    reads = AuditEvent.objects.filter(action="read", client=personas.chris_client)
    assert reads.count() == before + 1
    latest = reads.first()
    assert latest is not None and latest.actor == personas.dana
    assert latest.target == "FHIR questionnaire responses"


def test_the_search_makes_as_many_queries_for_many_responses_as_for_few(signed_in, personas):
    dana = signed_in("dana")
    url = responses_url(personas.chris_client.pk, _revinclude="Observation:derived-from")
    store("phq9", personas.chris_episode, personas.chris)
    few = measure(dana, url)
    for number in range(10):
        instrument_id = ["phq9", "gad7", "alliance-checkin", "alliance-review"][number % 4]
        store(instrument_id, personas.chris_episode, personas.chris, high=bool(number % 2))
        store("alliance-self-rating", personas.chris_episode, personas.dana)
    many = measure(dana, url)
    assert_does_not_grow(few, many)


# --- One QuestionnaireResponse ---------------------------------------------------------------------


def test_one_response_is_read_by_id_within_the_same_rules(signed_in, personas, chris_history):
    phq9, _checkin, self_rating = chris_history
    url = reverse("fhir:questionnaire-response", args=[phq9.pk])
    read = signed_in("dana").get(url)
    assert QuestionnaireResponse.model_validate(body(read)).id == str(phq9.pk)
    assert signed_in("chris").get(url).status_code == 200
    assert_outcome(signed_in("olga").get(url), 404)
    assert_outcome(signed_in("alex").get(url), 404)
    self_rating_url = reverse("fhir:questionnaire-response", args=[self_rating.pk])
    assert_outcome(signed_in("chris").get(self_rating_url), 404)
    assert_outcome(
        signed_in("dana").get(reverse("fhir:questionnaire-response", args=[999999])), 404
    )


# --- Tokens ----------------------------------------------------------------------------------------


def test_a_token_reads_like_its_user(personas, chris_history):
    dana = token_client(personas.dana)
    assert len(match_ids(body(dana.get(responses_url(personas.chris_client.pk))))) == 3
    olga = token_client(personas.olga)
    assert_outcome(olga.get(responses_url(personas.chris_client.pk)), 404)


def test_a_revoked_token_is_401(personas, chris_history):
    token, plaintext = issue_token(actor=Actor.system("test"), user=personas.dana, name="old")
    revoke_token(actor=Actor.system("test"), token=token)
    client = HttpClient(headers={"authorization": f"Bearer {plaintext}"})
    assert_outcome(client.get(responses_url(personas.chris_client.pk)), 401)


def test_a_bad_token_is_401_even_with_a_signed_in_session(signed_in, personas):
    # The header decides: a program's broken token never falls back to a browser's session.
    dana = signed_in("dana")
    response = dana.get(
        responses_url(personas.chris_client.pk), headers={"authorization": "Bearer nope-nope-nope"}
    )
    assert_outcome(response, 401)
