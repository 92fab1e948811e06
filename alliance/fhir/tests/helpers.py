"""Answers and payloads for the FHIR tests, built from the instruments' own items."""

from __future__ import annotations

from typing import Any

from alliance.accounts.models import User
from alliance.audit.services import Actor
from alliance.fhir.fhir import canonical_url
from alliance.measures.definitions import Instrument, ItemType
from alliance.measures.models import MeasureResponse, ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.practice.models import CareEpisode


def answers_for(instrument: Instrument, *, high: bool = False) -> dict[str, object]:
    """Every item answered: scored items at their lowest (or highest) value, text items in words."""
    return {
        item.link_id: (
            "Felt heard today."
            if item.type == ItemType.TEXT
            else (item.highest if high else item.lowest)
        )
        for item in instrument.items
    }


def store(
    instrument_id: str,
    episode: CareEpisode,
    respondent: User,
    *,
    high: bool = False,
    external_key: str | None = None,
) -> MeasureResponse:
    instrument = get_instrument(instrument_id)
    submission = submit_response(
        actor=Actor(respondent),
        instrument=instrument,
        episode=episode,
        raw_answers=answers_for(instrument, high=high),
        source=ResponseSource.DEMO,
        external_key=external_key,
    )
    return submission.response


def fhir_answer(instrument: Instrument, link_id: str, value: object) -> dict[str, Any]:
    item = instrument.item(link_id)
    if item.type == ItemType.CHOICE:
        option = next(option for option in item.options if option.value == value)
        return {"valueCoding": {"code": option.code, "display": option.display}}
    if item.type == ItemType.INTEGER:
        return {"valueInteger": value}
    return {"valueString": value}


def payload(
    instrument: Instrument,
    client_id: int,
    answers: dict[str, object] | None = None,
    *,
    identifier: str | None = None,
) -> dict[str, Any]:
    """A QuestionnaireResponse as an EHR would post it (items flat, in the instrument's order)."""
    answers = answers_for(instrument) if answers is None else answers
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": f"{canonical_url(instrument)}|{instrument.version}",
        "subject": {"reference": f"Patient/{client_id}"},
        "authored": "2026-01-05T10:30:00+00:00",
        "item": [
            {"linkId": link_id, "answer": [fhir_answer(instrument, link_id, value)]}
            for link_id, value in answers.items()
        ],
    }
    if identifier is not None:
        resource["identifier"] = {"system": "urn:example:ehr", "value": identifier}
    return resource
