"""The conversions, for every shipped instrument, checked against the fhir.resources models."""

from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from alliance.accounts.models import User
from alliance.fhir.fhir import (
    SCORE_SYSTEM,
    BundleEntry,
    FhirInputError,
    UnknownQuestionnaire,
    answers_from_questionnaire_response,
    canonical_url,
    instrument_for_canonical,
    item_expression,
    observations_for,
    operation_outcome,
    questionnaire_resource,
    questionnaire_response_resource,
    searchset_bundle,
)
from alliance.fhir.tests.helpers import answers_for, payload, store
from alliance.measures.definitions import Respondent
from alliance.measures.registry import all_instruments, get_instrument
from alliance.testing.personas import Personas

SHIPPED = ["phq9", "gad7", "alliance-checkin", "alliance-review", "alliance-self-rating"]


def respondent_for(personas: Personas, instrument_id: str) -> User:
    instrument = get_instrument(instrument_id)
    return personas.dana if instrument.respondent == Respondent.THERAPIST else personas.chris


def test_every_shipped_instrument_is_in_the_registry():
    assert set(SHIPPED) <= {instrument.id for instrument in all_instruments()}


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_each_questionnaire_is_a_valid_fhir_questionnaire(instrument_id):
    instrument = get_instrument(instrument_id)
    resource = questionnaire_resource(instrument)
    model = Questionnaire.model_validate(resource)
    assert model.id == instrument.id
    assert model.url == canonical_url(instrument)
    assert resource is not instrument.questionnaire  # callers cannot change the registry's copy


@pytest.mark.parametrize("instrument_id", SHIPPED)
@pytest.mark.parametrize("high", [False, True])
def test_each_stored_response_is_a_valid_questionnaire_response(personas, instrument_id, high):
    instrument = get_instrument(instrument_id)
    respondent = respondent_for(personas, instrument_id)
    response = store(instrument_id, personas.chris_episode, respondent, high=high)

    resource = questionnaire_response_resource(response)
    model = QuestionnaireResponse.model_validate(resource)
    assert model.status == "completed"
    assert model.questionnaire == f"{canonical_url(instrument)}|{instrument.version}"
    assert resource["subject"] == {"reference": f"Patient/{personas.chris_client.pk}"}
    expected_author = (
        f"Practitioner/{personas.dana_profile.pk}"
        if instrument.respondent == Respondent.THERAPIST
        else f"Patient/{personas.chris_client.pk}"
    )
    assert resource["author"] == {"reference": expected_author}
    assert "identifier" not in resource


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_answers_survive_the_round_trip_through_fhir(personas, instrument_id):
    instrument = get_instrument(instrument_id)
    response = store(instrument_id, personas.chris_episode, respondent_for(personas, instrument_id))
    back = answers_from_questionnaire_response(
        instrument, questionnaire_response_resource(response)
    )
    assert back == response.answers


def test_choice_answers_carry_the_options_code_and_display(personas):
    instrument = get_instrument("phq9")
    response = store("phq9", personas.chris_episode, personas.chris, high=True)
    resource = questionnaire_response_resource(response)
    answers: dict[str, Any] = {}

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            walk(item.get("item", []))
            if "answer" in item:
                answers[item["linkId"]] = item["answer"][0]

    walk(resource["item"])
    first = instrument.scored_items[0]
    top = max(first.options, key=lambda option: option.value)
    assert answers[first.link_id]["valueCoding"]["code"] == top.code
    assert answers[first.link_id]["valueCoding"]["display"] == top.display


def test_the_external_key_becomes_the_identifier(personas):
    response = store("gad7", personas.chris_episode, personas.chris, external_key="ehr-123")
    resource = questionnaire_response_resource(response)
    assert resource["identifier"] == {"value": "ehr-123"}
    QuestionnaireResponse.model_validate(resource)


@pytest.mark.parametrize("instrument_id", SHIPPED)
@pytest.mark.parametrize("high", [False, True])
def test_each_score_is_a_valid_final_survey_observation(personas, instrument_id, high):
    response = store(
        instrument_id, personas.chris_episode, respondent_for(personas, instrument_id), high=high
    )
    observations = observations_for(response)

    scores = [response.total, *response.subscale_scores.values()]
    expected = sum(1 for value in scores if value is not None)
    assert len(observations) == expected
    assert len({observation["id"] for observation in observations}) == len(observations)
    for resource in observations:
        assert Observation.model_validate(resource).status == "final"
        assert resource["category"][0]["coding"][0]["code"] == "survey"
        assert resource["subject"] == {"reference": f"Patient/{personas.chris_client.pk}"}
        assert resource["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{response.pk}"}]
        assert resource["valueQuantity"]["unit"] == "{score}"
        assert resource["valueQuantity"]["system"] == "http://unitsofmeasure.org"


@pytest.mark.parametrize(("instrument_id", "loinc"), [("phq9", "44261-6"), ("gad7", "70274-6")])
def test_outcome_totals_are_coded_in_loinc_with_their_band(personas, instrument_id, loinc):
    response = store(instrument_id, personas.chris_episode, personas.chris, high=True)
    total = observations_for(response)[0]
    assert total["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": loinc,
        "display": total["code"]["coding"][0]["display"],
    }
    assert total["valueQuantity"]["value"] == response.total
    assert response.band and total["interpretation"][0]["text"] == response.band
    assert total["note"] == [{"text": f"Band: {response.band}"}]


def test_alliance_totals_use_the_alliance_score_system(personas):
    response = store("alliance-checkin", personas.chris_episode, personas.chris)
    total = observations_for(response)[0]
    assert total["code"]["coding"][0]["system"] == SCORE_SYSTEM
    assert total["code"]["coding"][0]["code"] == "alliance-checkin/total"


def test_a_bundle_and_an_outcome_are_valid(personas):
    response = store("phq9", personas.chris_episode, personas.chris)
    entries = [
        BundleEntry(
            "http://testserver/fhir/QuestionnaireResponse/1",
            questionnaire_response_resource(response),
        )
    ]
    entries += [
        BundleEntry(f"http://testserver/fhir/Observation/{o['id']}", o, mode="include")
        for o in observations_for(response)
    ]
    bundle = searchset_bundle("http://testserver/fhir/QuestionnaireResponse", entries)
    assert Bundle.model_validate(bundle).total == 1
    outcome = operation_outcome([("QuestionnaireResponse.status", "Wrong."), ("", "Also wrong.")])
    assert len(OperationOutcome.model_validate(outcome).issue) == 2


# --- Answers in ------------------------------------------------------------------------------------


def test_answers_come_out_of_a_flat_posted_response():
    instrument = get_instrument("phq9")
    answers = answers_for(instrument, high=True)
    assert (
        answers_from_questionnaire_response(instrument, payload(instrument, 1, answers)) == answers
    )


def test_integer_answers_may_come_as_decimals():
    instrument = get_instrument("alliance-checkin")
    item = instrument.scored_items[0]
    posted = payload(instrument, 1, {})
    posted["item"] = [{"linkId": item.link_id, "answer": [{"valueDecimal": item.highest}]}]
    assert answers_from_questionnaire_response(instrument, posted) == {item.link_id: item.highest}


@pytest.mark.parametrize(
    ("change", "expression"),
    [
        (lambda r: r.update(item=[{"linkId": "nope", "answer": [{"valueInteger": 1}]}]), "nope"),
        (lambda r: r["item"][0]["answer"][0]["valueCoding"].update(code="99"), "first"),
        (lambda r: r["item"][0].update(answer=[{"valueBoolean": True}]), "first"),
        (lambda r: r["item"][0]["answer"].append(r["item"][0]["answer"][0]), "first"),
        (lambda r: r["item"].append(r["item"][0]), "first"),
    ],
    ids=["unknown-link-id", "unknown-code", "wrong-value-type", "two-answers", "item-twice"],
)
def test_unusable_answers_are_input_errors_naming_the_item(change, expression):
    instrument = get_instrument("phq9")
    posted = payload(instrument, 1)
    change(posted)
    link_id = instrument.items[0].link_id if expression == "first" else expression
    with pytest.raises(FhirInputError) as raised:
        answers_from_questionnaire_response(instrument, posted)
    assert item_expression(link_id) in [issue[0] for issue in raised.value.issues]


@pytest.mark.parametrize(
    ("spoil", "expression"),
    [
        (
            lambda r: r["item"][0]["answer"].__setitem__(0, {"valueInteger": "many"}),
            "QuestionnaireResponse.item[0].answer[0].valueInteger",
        ),
        (lambda r: r.pop("status"), "QuestionnaireResponse.status"),
        (lambda r: r["item"][0].pop("linkId"), "QuestionnaireResponse.item[0].linkId"),
        (lambda r: r.update(mood="fine"), "QuestionnaireResponse.mood"),
    ],
    ids=["not-an-integer", "no-status", "no-link-id", "unknown-element"],
)
def test_a_structurally_invalid_response_names_the_bad_element(spoil, expression):
    instrument = get_instrument("phq9")
    posted = payload(instrument, 1)
    spoil(posted)
    with pytest.raises(FhirInputError) as raised:
        answers_from_questionnaire_response(instrument, posted)
    assert expression in [issue[0] for issue in raised.value.issues]


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_a_questionnaire_is_found_by_canonical_url_with_or_without_version(instrument_id):
    instrument = get_instrument(instrument_id)
    url = canonical_url(instrument)
    assert instrument_for_canonical(url) == instrument
    assert instrument_for_canonical(f"{url}|{instrument.version}") == instrument
    assert instrument_for_canonical(f"Questionnaire/{instrument.id}") == instrument


@pytest.mark.parametrize("canonical", ["http://example.org/Questionnaire/x", "phq9", ""])
def test_an_unknown_questionnaire_is_refused(canonical):
    with pytest.raises(UnknownQuestionnaire):
        instrument_for_canonical(canonical)


def test_an_unknown_version_is_refused():
    instrument = get_instrument("phq9")
    with pytest.raises(UnknownQuestionnaire, match="version"):
        instrument_for_canonical(f"{canonical_url(instrument)}|0.0.0-nope")
