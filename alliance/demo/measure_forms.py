"""The demo's measures: the measure plans (``plan_the_measures``), the practice's measure
schedule, and the forms each episode had with the responses to them (intake outcome measures,
then the check-ins, self-ratings, reviews and outcome measures due after each attended session),
answered as planned, skipped now and then, or still waiting.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from alliance.appointments.models import Appointment
from alliance.demo.answers import answers_for
from alliance.demo.build import DemoBuild
from alliance.demo.episode_planning import EpisodePlan
from alliance.demo.measure_planning import (
    OUTCOME_EVERY,
    REVIEW_EVERY,
    MeasurePlan,
    SessionMeasures,
    plan_measures,
)
from alliance.measures.definitions import CHECKIN_ID, REVIEW_ID, SELF_RATING_ID, Respondent
from alliance.measures.models import (
    FormRequest,
    FormRequestStatus,
    MeasureResponse,
    MeasureSchedule,
    ResponseSource,
)
from alliance.measures.registry import get_instrument
from alliance.measures.schedules import DEFAULT_OUTCOME_INSTRUMENTS
from alliance.measures.scoring import clean_answers, score
from alliance.practice.models import CareEpisode

PHQ9_ID = "phq9"
GAD7_ID = "gad7"
# How long ago an open episode's latest session may be for its forms to be still waiting; older
# ones (a paused episode, the drifting client) expired unanswered.
STILL_WAITING = timedelta(days=14)


def plan_the_measures(build: DemoBuild) -> None:
    build.measure_plans = plan_measures(
        build.rng, build.plans, [len(attended) for attended in build.attended]
    )


def create_measure_schedule(build: DemoBuild) -> None:
    MeasureSchedule.objects.create(
        practice=build.practice, outcome_instruments=list(DEFAULT_OUTCOME_INSTRUMENTS)
    )


def create_measures(build: DemoBuild) -> None:
    """The forms each episode had: outcome measures at intake, then those due after each attended
    session by the practice schedule, answered as planned, skipped now and then, and for an open
    episode's latest session still waiting (or, weeks later, expired).
    """
    # About a thousand answers of back-dated setup data. Written through ``submit_response`` (a
    # handful of queries and an audit row each) they took the whole load from about 2 seconds
    # to 7 or more, so they go in bulk instead, checked and scored by the same functions it uses
    # (``clean_answers``, ``score``). The load's one audit row covers them.
    schedule = MeasureSchedule.objects.get(practice=build.practice, episode=None)
    valid = timedelta(days=schedule.link_valid_days)
    forms: list[_DemoForm] = []
    for plan, episode, attended, measures in zip(
        build.plans, build.episodes, build.attended, build.measure_plans, strict=True
    ):
        forms += _forms_for(build, plan, episode, attended, measures, valid)
    FormRequest.objects.bulk_create([form.request for form in forms])
    responses = [_response(form.request, form.answer) for form in forms if form.answer is not None]
    MeasureResponse.objects.bulk_create(sorted(responses, key=lambda r: r.submitted_at))
    build.responses.update(response.instrument_id for response in responses)
    build.forms_waiting = sum(form.request.status == FormRequestStatus.PENDING for form in forms)


@dataclass(frozen=True)
class _Answer:
    answers: dict[str, int | str]
    submitted_at: datetime


@dataclass(frozen=True)
class _DemoForm:
    request: FormRequest
    answer: _Answer | None = None  # None: not answered


def _forms_for(
    build: DemoBuild,
    plan: EpisodePlan,
    episode: CareEpisode,
    attended: list[Appointment],
    measures: MeasurePlan,
    valid: timedelta,
) -> list[_DemoForm]:
    rng = build.rng
    # Intake: sent when the admin assigned the client, answered before the first session.
    assigned = build.session_start(plan.started_on, 8) + timedelta(minutes=35)
    before_first = build.session_start(plan.past_days[0], plan.hour) - timedelta(minutes=20)
    forms = []
    for instrument_id, total in ((PHQ9_ID, measures.intake_phq9), (GAD7_ID, measures.intake_gad7)):
        request = _form_request(episode, instrument_id, None, assigned, valid)
        request.status, request.completed_at = FormRequestStatus.COMPLETED, before_first
        forms.append(_DemoForm(request, _Answer(_answers(rng, instrument_id, total), before_first)))
    still_waiting = build.session_start(build.today, 0) - STILL_WAITING
    for number, (appointment, planned) in enumerate(
        zip(attended, measures.sessions, strict=True), start=1
    ):
        latest_of_open = episode.is_open and number == len(attended)
        for instrument_id, answers, delay in _session_forms(rng, number, planned):
            request = _form_request(
                episode, instrument_id, appointment, appointment.scheduled_end, valid
            )
            if answers is not None:
                answer = _Answer(answers, appointment.scheduled_end + delay)
                request.status = FormRequestStatus.COMPLETED
                request.completed_at = answer.submitted_at
                forms.append(_DemoForm(request, answer))
                continue
            if latest_of_open and appointment.scheduled_start >= still_waiting:
                # Waiting for the client (or the therapist), for a week from the day the demo
                # is loaded whatever the hour.
                request.status = FormRequestStatus.PENDING
                request.expires_at = max(
                    request.expires_at, build.session_start(build.today, 0) + valid
                )
            forms.append(_DemoForm(request))
    return forms


def _session_forms(
    rng: random.Random, number: int, planned: SessionMeasures
) -> list[tuple[str, dict[str, int | str] | None, timedelta]]:
    """The forms due after attended session ``number`` (as ``create_forms_after_session`` has
    them), each with its answers (None: not answered) and how long after the session."""
    client, therapist = timedelta(hours=1), timedelta(minutes=15)
    due: list[tuple[str, int | None, timedelta, str, dict[str, int]]] = [
        (CHECKIN_ID, planned.checkin, client, planned.comment, {}),
        (SELF_RATING_ID, planned.self_rating, therapist, planned.note, {}),
    ]
    if number % REVIEW_EVERY == 0:
        items = len(get_instrument(REVIEW_ID).scored_items)
        total = None if planned.review is None else round(planned.review * items)
        due.append((REVIEW_ID, total, client, "", {}))
    if number % OUTCOME_EVERY == 0:
        item_9 = {_safety_item(PHQ9_ID): planned.phq9_item_9}
        due += [
            (PHQ9_ID, planned.phq9, client, "", item_9),
            (GAD7_ID, planned.gad7, client, "", {}),
        ]
    return [
        (
            instrument_id,
            None
            if total is None
            else _answers(rng, instrument_id, total, pinned=pinned, text=text),
            delay,
        )
        for instrument_id, total, delay, text, pinned in due
    ]


def _answers(
    rng: random.Random,
    instrument_id: str,
    total: int,
    *,
    pinned: Mapping[str, int] | None = None,
    text: str = "",
) -> dict[str, int | str]:
    """Item answers adding up to the planned total, with the free-text answer if there is one.

    PHQ-9 item 9 is never drawn: it is 0 unless the plan pins it higher.
    """
    instrument = get_instrument(instrument_id)
    if instrument.id == PHQ9_ID:
        pinned = {_safety_item(PHQ9_ID): 0, **(pinned or {})}
    texts = {item.link_id: text for item in instrument.text_items[:1]} if text else None
    return answers_for(rng, instrument, total, pinned=pinned, text=texts)


def _response(request: FormRequest, answer: _Answer) -> MeasureResponse:
    """The stored response to an answered form, as ``submit_response`` would store it."""
    instrument = get_instrument(request.instrument_id)
    answers = clean_answers(instrument, answer.answers)
    result = score(instrument, answers)
    return MeasureResponse(
        practice_id=request.practice_id,
        episode=request.episode,
        client_id=request.episode.client_id,
        form_request=request,
        appointment=request.appointment,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        respondent_id=request.respondent_id,
        respondent_role=instrument.respondent.value,
        source=ResponseSource.DEMO,
        answers=answers,
        submitted_at=answer.submitted_at,
        total=result.total,
        subscale_scores=result.subscales,
        band=result.band or "",
        concern=result.concern,
        safety_items=list(result.safety_items),
        comment=result.comment,
    )


def _safety_item(instrument_id: str) -> str:
    instrument = get_instrument(instrument_id)
    return next(item.link_id for item in instrument.items if item.safety_threshold is not None)


def _form_request(
    episode: CareEpisode,
    instrument_id: str,
    appointment: Appointment | None,
    created_at: datetime,
    valid: timedelta,
) -> FormRequest:
    respondent = get_instrument(instrument_id).respondent
    return FormRequest(
        practice_id=episode.practice_id,
        episode=episode,
        client_id=episode.client_id,
        instrument_id=instrument_id,
        respondent_role=respondent.value,
        respondent_id=(
            episode.client.user_id if respondent == Respondent.CLIENT else episode.therapist.user_id
        ),
        appointment=appointment,
        status=FormRequestStatus.EXPIRED,  # unless answered or still waiting
        created_at=created_at,
        expires_at=created_at + valid,
    )
