"""Instruments and stored responses as FHIR R4 resources, and answers back out of a posted
``QuestionnaireResponse``. Pure functions: no database writes, no request.

Validation uses the R4B models of ``fhir.resources`` (the closest to R4 it ships); R4 and R4B do
not differ in the resources used here.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from alliance.measures.definitions import Instrument, Item, ItemType, Respondent
from alliance.measures.models import MeasureResponse
from alliance.measures.registry import UnknownInstrument, all_instruments, get_instrument

Resource = dict[str, Any]

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SCORE_SYSTEM = "urn:alliance:score"
QUESTIONNAIRE_SYSTEM = "urn:alliance:questionnaire"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
# A resource id: FHIR allows letters, digits, "-" and "." only, up to 64 characters.
_NOT_IN_ID = re.compile(r"[^A-Za-z0-9\-.]")


class FhirInputError(Exception):
    """A posted resource that cannot be used. ``issues`` are (FHIRPath expression, message)."""

    def __init__(self, issues: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{expression}: {message}" for expression, message in issues))
        self.issues = issues


class UnknownQuestionnaire(FhirInputError):
    """The posted ``questionnaire`` names no instrument (or no version) this server has."""


def item_expression(link_id: str) -> str:
    return f"QuestionnaireResponse.item.where(linkId='{link_id}')"


# --- Questionnaire -------------------------------------------------------------------------------


def canonical_url(instrument: Instrument) -> str:
    url = instrument.questionnaire.get("url")
    return url if isinstance(url, str) and url else f"{QUESTIONNAIRE_SYSTEM}:{instrument.id}"


_validated: set[tuple[str, str]] = set()


def questionnaire_resource(instrument: Instrument) -> Resource:
    """The instrument's ``Questionnaire``, as loaded from its file, checked against the model."""
    resource = copy.deepcopy(instrument.questionnaire)
    resource["resourceType"] = "Questionnaire"
    resource.setdefault("id", instrument.id)
    resource.setdefault("url", canonical_url(instrument))
    resource.setdefault("version", instrument.version)
    key = (instrument.id, instrument.version)
    if key not in _validated:  # instruments do not change while the process runs
        Questionnaire.model_validate(resource)
        _validated.add(key)
    return resource


def instrument_for_canonical(canonical: str) -> Instrument:
    """The instrument a ``QuestionnaireResponse.questionnaire`` canonical names.

    Accepted: ``<url>``, ``<url>|<version>``, ``Questionnaire/<id>`` (optionally ``|<version>``).
    """
    reference, _, version = canonical.strip().partition("|")
    found = None
    for instrument in all_instruments():
        if reference in {canonical_url(instrument), f"Questionnaire/{instrument.id}"}:
            found = instrument
            break
    if found is None:
        raise UnknownQuestionnaire(
            [("QuestionnaireResponse.questionnaire", f"Unknown questionnaire {canonical!r}.")]
        )
    if version and version != found.version:
        raise UnknownQuestionnaire(
            [
                (
                    "QuestionnaireResponse.questionnaire",
                    f"Unknown version {version!r} of {found.id}: this server has {found.version}.",
                )
            ]
        )
    return found


# --- QuestionnaireResponse out --------------------------------------------------------------------


def patient_reference(client_id: int) -> Resource:
    return {"reference": f"Patient/{client_id}"}


def _instrument_or_none(instrument_id: str) -> Instrument | None:
    try:
        return get_instrument(instrument_id)
    except UnknownInstrument:
        return None  # an instrument file was removed: its stored answers are still shown


def _option_systems(items: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """(linkId, code) -> the code system the Questionnaire gives that answer option."""
    systems: dict[tuple[str, str], str] = {}
    for q_item in items:
        for option in q_item.get("answerOption", []):
            coding = option.get("valueCoding") or {}
            if coding.get("system") and coding.get("code"):
                systems[(q_item["linkId"], coding["code"])] = coding["system"]
        systems.update(_option_systems(q_item.get("item", [])))
    return systems


def _as_number(value: object) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number.is_integer() else number
    return None


def _answer(item: Item | None, value: object, systems: dict[tuple[str, str], str]) -> Resource:
    number = _as_number(value)
    if item is not None and item.type == ItemType.CHOICE:
        for option in item.options:
            if number is not None and option.value == number:
                coding = {"code": option.code, "display": option.display}
                system = systems.get((item.link_id, option.code))
                return {"valueCoding": ({"system": system} if system else {}) | coding}
    if item is not None and item.type == ItemType.TEXT:
        return {"valueString": str(value)}
    if isinstance(number, int):
        return {"valueInteger": number}
    if isinstance(number, float):
        return {"valueDecimal": number}
    return {"valueString": str(value)}


def _has_answer(value: object) -> bool:
    return value is not None and value != ""


def _response_items(
    q_items: Iterable[Mapping[str, Any]],
    answers: Mapping[str, object],
    instrument: Instrument,
    systems: dict[tuple[str, str], str],
) -> list[Resource]:
    """Answers in the Questionnaire's own tree of items (groups stay groups)."""
    result: list[Resource] = []
    for q_item in q_items:
        link_id = q_item["linkId"]
        if q_item.get("type") == "group":
            children = _response_items(q_item.get("item", []), answers, instrument, systems)
            if children:
                result.append({"linkId": link_id, "item": children})
        elif q_item.get("type") != "display" and _has_answer(answers.get(link_id)):
            item = next((i for i in instrument.items if i.link_id == link_id), None)
            entry: Resource = {"linkId": link_id}
            if q_item.get("text"):
                entry["text"] = q_item["text"]
            entry["answer"] = [_answer(item, answers[link_id], systems)]
            result.append(entry)
    return result


def _all_link_ids(items: Iterable[Mapping[str, Any]]) -> set[str]:
    found: set[str] = set()
    for q_item in items:
        found.add(q_item["linkId"])
        found |= _all_link_ids(q_item.get("item", []))
    return found


def _author(response: MeasureResponse) -> Resource:
    if response.respondent_role == Respondent.THERAPIST:
        return {"reference": f"Practitioner/{response.episode.therapist_id}"}
    return patient_reference(response.client_id)


def questionnaire_response_resource(response: MeasureResponse) -> Resource:
    """A stored response as a completed ``QuestionnaireResponse``."""
    instrument = _instrument_or_none(response.instrument_id)
    answers: Mapping[str, object] = response.answers or {}
    if instrument is not None:
        q_items = instrument.questionnaire.get("item", [])
        systems = _option_systems(q_items)
        items = _response_items(q_items, answers, instrument, systems)
        listed = _all_link_ids(q_items)
        canonical = f"{canonical_url(instrument)}|{response.instrument_version}"
    else:
        items, listed, systems = [], set(), {}
        canonical = f"{QUESTIONNAIRE_SYSTEM}:{response.instrument_id}|{response.instrument_version}"
    for link_id, value in answers.items():  # anything the Questionnaire's tree does not hold
        if link_id not in listed and _has_answer(value):
            items.append({"linkId": link_id, "answer": [_answer(None, value, systems)]})
    resource: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "questionnaire": canonical,
        "status": "completed",
        "subject": patient_reference(response.client_id),
        "authored": response.submitted_at.isoformat(),
        "author": _author(response),
    }
    if response.external_key:
        resource["identifier"] = {"value": response.external_key}
    if items:
        resource["item"] = items
    return resource


# --- Observations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Score:
    key: str  # "total" or the subscale's name
    value: float
    code: Resource


def _score_code(instrument_id: str, key: str, title: str, loinc: str | None) -> Resource:
    display = f"{title} {'total' if key == 'total' else key} score"
    if loinc:
        return {"coding": [{"system": LOINC, "code": loinc, "display": display}], "text": display}
    coding = {"system": SCORE_SYSTEM, "code": f"{instrument_id}/{key}", "display": display}
    return {"coding": [coding], "text": display}


def _scores(response: MeasureResponse, instrument: Instrument | None) -> list[_Score]:
    title = instrument.title if instrument is not None else response.instrument_id
    loinc = instrument.scoring.total_loinc if instrument is not None else None
    scores = []
    if response.total is not None:
        code = _score_code(response.instrument_id, "total", title, loinc)
        scores.append(_Score("total", response.total, code))
    for name, value in (response.subscale_scores or {}).items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            code = _score_code(response.instrument_id, name, title, None)
            scores.append(_Score(name, float(value), code))
    return scores


def _quantity(value: float) -> Resource:
    number: int | float = int(value) if float(value).is_integer() else round(float(value), 2)
    return {"value": number, "unit": "{score}", "system": UCUM, "code": "{score}"}


def _interpretation(response: MeasureResponse) -> list[Resource]:
    interpretation: Resource = {"text": response.band} if response.band else {}
    if response.concern:
        interpretation["coding"] = [{"system": INTERPRETATION, "code": "A", "display": "Abnormal"}]
        interpretation.setdefault("text", "Crosses the instrument's clinical cut-off")
    return [interpretation] if interpretation else []


def observations_for(response: MeasureResponse) -> list[Resource]:
    """One final ``Observation`` per score of ``response``: the total, then each subscale."""
    instrument = _instrument_or_none(response.instrument_id)
    observations = []
    for score in _scores(response, instrument):
        observation: Resource = {
            "resourceType": "Observation",
            "id": _NOT_IN_ID.sub("-", f"{response.pk}-{score.key}")[:64],
            "status": "final",
            "category": [
                {
                    "coding": [
                        {"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
                    ]
                }
            ],
            "code": score.code,
            "subject": patient_reference(response.client_id),
            "effectiveDateTime": response.submitted_at.isoformat(),
            "valueQuantity": _quantity(score.value),
            "derivedFrom": [{"reference": f"QuestionnaireResponse/{response.pk}"}],
        }
        if score.key == "total":
            interpretation = _interpretation(response)
            if interpretation:
                observation["interpretation"] = interpretation
            if response.band:
                observation["note"] = [{"text": f"Band: {response.band}"}]
        observations.append(observation)
    return observations


# --- QuestionnaireResponse in ----------------------------------------------------------------------


def fhir_path(location: Iterable[int | str], resource_type: str) -> str:
    """A pydantic error location as a FHIRPath-like expression: ``Res.item[0].answer[0]``."""
    path = resource_type
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validation_issues(error: ValidationError, resource_type: str) -> list[tuple[str, str]]:
    return [
        (fhir_path(detail["loc"], resource_type), str(detail["msg"]).split("\n")[0].strip())
        for detail in error.errors()
    ]


def parse_questionnaire_response(payload: object) -> QuestionnaireResponse:
    """``payload`` checked against the FHIR model; a structural problem is a FhirInputError."""
    if not isinstance(payload, dict):
        raise FhirInputError([("QuestionnaireResponse", "The body must be a JSON object.")])
    if payload.get("resourceType") != "QuestionnaireResponse":
        got = payload.get("resourceType")
        raise FhirInputError(
            [("resourceType", f"Expected resourceType 'QuestionnaireResponse', got {got!r}.")]
        )
    try:
        return QuestionnaireResponse.model_validate(payload)
    except ValidationError as error:
        raise FhirInputError(validation_issues(error, "QuestionnaireResponse")) from None


def _flatten(items: Iterable[Any]) -> Iterable[Any]:
    for item in items:
        yield item
        yield from _flatten(item.item or [])


def _raw_value(item: Item | None, answer: Any, link_id: str) -> object:
    """One answer as a raw answer for ``submit_response``; wrong kinds are input errors."""
    expression = item_expression(link_id)
    if item is not None and item.type == ItemType.CHOICE:
        coding = answer.valueCoding
        if coding is None:
            if answer.valueInteger is not None:  # the option's value itself
                return answer.valueInteger
            raise FhirInputError([(expression, "Expected a valueCoding (one of the options).")])
        for option in item.options:
            if option.code == coding.code:
                return option.value
        codes = ", ".join(option.code for option in item.options)
        raise FhirInputError(
            [(expression, f"{coding.code!r} is not one of the answer options ({codes}).")]
        )
    if answer.valueInteger is not None:
        return answer.valueInteger
    if answer.valueDecimal is not None:
        decimal = Decimal(answer.valueDecimal)
        return int(decimal) if decimal == decimal.to_integral_value() else float(decimal)
    if answer.valueString is not None:
        return answer.valueString
    raise FhirInputError(
        [(expression, "Expected valueCoding, valueInteger, valueDecimal or valueString.")]
    )


def answers_from_questionnaire_response(
    instrument: Instrument, payload: Mapping[str, Any] | QuestionnaireResponse
) -> dict[str, object]:
    """The raw answers (``{link_id: value}``) in a posted ``QuestionnaireResponse``.

    Range and required-item checks are left to ``submit_response``, the one place that knows
    them; here only what cannot be mapped is refused: unknown linkIds, several answers to one
    item, a code that is not an option, a kind of value the item cannot take.
    """
    model = (
        payload
        if isinstance(payload, QuestionnaireResponse)
        else parse_questionnaire_response(dict(payload))
    )
    known = {item.link_id: item for item in instrument.items}
    group_ids = _all_link_ids(instrument.questionnaire.get("item", [])) - set(known)
    answers: dict[str, object] = {}
    seen: set[str] = set()
    issues: list[tuple[str, str]] = []
    for response_item in _flatten(model.item or []):
        link_id = response_item.linkId
        if link_id not in known:
            if link_id not in group_ids:
                issues.append(
                    (item_expression(link_id), f"{instrument.id} has no item {link_id!r}.")
                )
            continue
        given = response_item.answer or []
        if link_id in seen:
            issues.append((item_expression(link_id), "The item appears more than once."))
        elif len(given) > 1:
            issues.append((item_expression(link_id), "Only one answer per item is accepted."))
        elif given:
            try:
                answers[link_id] = _raw_value(known[link_id], given[0], link_id)
            except FhirInputError as error:
                issues.extend(error.issues)
        seen.add(link_id)
    if issues:
        raise FhirInputError(issues)
    return answers


# --- Bundles and outcomes --------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleEntry:
    full_url: str
    resource: Resource
    mode: str = "match"  # "include" for resources added by _revinclude


def searchset_bundle(self_url: str, entries: list[BundleEntry]) -> Resource:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": sum(1 for entry in entries if entry.mode == "match"),
        "link": [{"relation": "self", "url": self_url}],
        "entry": [
            {"fullUrl": entry.full_url, "resource": entry.resource, "search": {"mode": entry.mode}}
            for entry in entries
        ],
    }


def operation_outcome(issues: list[tuple[str, str]], *, code: str = "invalid") -> Resource:
    """An ``OperationOutcome`` with one error per (expression, message); "" means no expression."""
    outcome_issues = []
    for expression, message in issues:
        issue: Resource = {"severity": "error", "code": code, "diagnostics": message}
        if expression:
            issue["expression"] = [expression]
        outcome_issues.append(issue)
    return {"resourceType": "OperationOutcome", "issue": outcome_issues}
