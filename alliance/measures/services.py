"""Writes for measures: due forms after a session, and storing an answered form exactly once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.measures.definitions import (
    CHECKIN_ID,
    HEADLINE_OUTCOME_ID,
    REVIEW_ID,
    SELF_RATING_ID,
    Instrument,
    Respondent,
)
from alliance.measures.models import (
    FormRequest,
    FormRequestStatus,
    MeasureResponse,
    ResponseSource,
)
from alliance.measures.registry import get_instrument
from alliance.measures.schedules import schedule_for
from alliance.measures.scoring import ScoreResult, clean_answers, score
from alliance.practice.consents import has_consent, require_consent
from alliance.practice.models import CareEpisode, Client, ConsentKind


@dataclass(frozen=True)
class Submission:
    response: MeasureResponse
    created: bool  # False when this was a replay of something already stored


def submit_response(
    *,
    actor: Actor,
    instrument: Instrument,
    raw_answers: Mapping[str, object],
    episode: CareEpisode | None = None,
    source: ResponseSource,
    form_request: FormRequest | None = None,
    external_key: str | None = None,
    submitted_at: datetime | None = None,
) -> Submission:
    """Validate, score and store one answered form, or return the one already stored.

    A double submit, a replayed link or a retried API call stores exactly one response: the form
    request is locked and completed in the same transaction, and ``external_key`` is unique.
    Raises ``AnswerError`` (nothing stored) when answers are invalid, ``DomainError`` when the form
    can no longer be answered.
    """
    owner = _Owner.of(episode, form_request)
    answers = clean_answers(instrument, raw_answers)  # before any write: invalid stores nothing
    result = score(instrument, answers)
    submitted_at = submitted_at or timezone.now()
    try:
        with transaction.atomic():
            existing = _stored_before(form_request, external_key, submitted_at)
            if existing is not None:
                return Submission(existing, created=False)
            response = _store(
                actor=actor,
                instrument=instrument,
                owner=owner,
                source=source,
                form_request=form_request,
                external_key=external_key,
                answers=answers,
                result=result,
                submitted_at=submitted_at,
            )
    except IntegrityError:
        # Two requests raced past the checks: the unique constraints kept one; return it.
        existing = _existing_for(form_request, external_key)
        if existing is None:
            raise
        return Submission(existing, created=False)
    return Submission(response, created=True)


class _Owner(NamedTuple):
    """Whose answers these are: the episode's, or (answering a form) the form's."""

    practice_id: int
    episode_id: int
    client_id: int

    @classmethod
    def of(cls, episode: CareEpisode | None, form_request: FormRequest | None) -> _Owner:
        if episode is not None:
            return cls(episode.practice_id, episode.pk, episode.client_id)
        if form_request is not None:
            return cls(form_request.practice_id, form_request.episode_id, form_request.client_id)
        raise ValueError("submit_response needs an episode or a form request")


def _stored_before(
    form_request: FormRequest | None, external_key: str | None, submitted_at: datetime
) -> MeasureResponse | None:
    """The response already stored for this form (claiming the form if it is still open) or
    under this external key; ``DomainError`` if the form can no longer be answered."""
    if form_request is not None and not _claim(form_request, submitted_at):
        existing = MeasureResponse.objects.filter(form_request=form_request).first()
        if existing is not None:
            return existing
        raise DomainError("This form has expired or was withdrawn.")
    if form_request is None and external_key:
        return MeasureResponse.objects.filter(external_key=external_key).first()
    return None


def _store(
    *,
    actor: Actor,
    instrument: Instrument,
    owner: _Owner,
    source: ResponseSource,
    form_request: FormRequest | None,
    external_key: str | None,
    answers: dict[str, int | str],
    result: ScoreResult,
    submitted_at: datetime,
) -> MeasureResponse:
    """The response row and its audit row."""
    response = MeasureResponse.objects.create(
        practice_id=owner.practice_id,
        episode_id=owner.episode_id,
        client_id=owner.client_id,
        form_request=form_request,
        appointment_id=form_request.appointment_id if form_request else None,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        respondent=actor.user,
        respondent_role=instrument.respondent.value,
        source=source,
        external_key=external_key or None,
        answers=answers,
        submitted_at=submitted_at,
        total=result.total,
        subscale_scores=result.subscales,
        band=result.band or "",
        concern=result.concern,
        safety_items=list(result.safety_items),
        comment=result.comment,
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target=f"{instrument.title} response",
        obj=response,
        client_id=owner.client_id,
        detail={"source": str(source)},
    )
    return response


def _claim(form_request: FormRequest, at: datetime) -> bool:
    """Mark an open form completed; False if it was not open (answered, expired, withdrawn).

    One conditional UPDATE is both the check and the lock: a second submit of the same form
    waits for the first transaction and then finds nothing left to claim.
    """
    # Written as SQL: this statement is on the hot path of every check-in, and the ORM's
    # compilation cost more than the statement itself (bench/checkin_throughput.py).
    table = FormRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, completed_at = %s "  # noqa: S608 - constant name
            "WHERE id = %s AND status = %s AND expires_at > %s",
            [
                FormRequestStatus.COMPLETED.value,
                at,
                form_request.pk,
                FormRequestStatus.PENDING.value,
                at,
            ],
        )
        return bool(cursor.rowcount == 1)


def _existing_for(
    form_request: FormRequest | None, external_key: str | None
) -> MeasureResponse | None:
    if form_request is not None:
        return MeasureResponse.objects.filter(form_request=form_request).first()
    if external_key:
        return MeasureResponse.objects.filter(external_key=external_key).first()
    return None


def recompute_scores(response: MeasureResponse) -> MeasureResponse:
    """Score the stored raw answers again (after a scoring fix in an instrument file)."""
    instrument = get_instrument(response.instrument_id)
    result = score(instrument, response.answers)
    response.total = result.total
    response.subscale_scores = result.subscales
    response.band = result.band or ""
    response.concern = result.concern
    response.safety_items = list(result.safety_items)
    response.save(update_fields=["total", "subscale_scores", "band", "concern", "safety_items"])
    return response


def _request(
    episode: CareEpisode, instrument_id: str, appointment: Appointment | None, now: datetime
) -> FormRequest:
    instrument = get_instrument(instrument_id)
    schedule = schedule_for(episode)
    respondent_id = (
        episode.client.user_id
        if instrument.respondent == Respondent.CLIENT
        else episode.therapist.user_id
    )
    request, _ = FormRequest.objects.get_or_create(
        episode=episode,
        appointment=appointment,
        instrument_id=instrument_id,
        respondent_role=instrument.respondent.value,
        defaults={
            "practice_id": episode.practice_id,
            "client_id": episode.client_id,
            "respondent_id": respondent_id,
            "created_at": now,
            "expires_at": now + timedelta(days=schedule.link_valid_days),
        },
    )
    return request


@transaction.atomic
def create_forms_after_session(
    *, appointment: Appointment, now: datetime | None = None
) -> list[FormRequest]:
    """The forms due once a session has been attended, by the episode's schedule."""
    if appointment.status != AppointmentStatus.ATTENDED:
        return []
    now = now or timezone.now()
    episode = appointment.episode
    schedule = schedule_for(episode)
    session_number = Appointment.objects.filter(
        episode=episode,
        status=AppointmentStatus.ATTENDED,
        scheduled_start__lte=appointment.scheduled_start,
    ).count()
    due: list[str] = []
    if schedule.checkin_after_every_session:
        due.append(CHECKIN_ID)
    if session_number % schedule.review_every_sessions == 0:
        due.append(REVIEW_ID)
    if session_number % schedule.outcome_every_sessions == 0:
        due.extend(schedule.outcome_instruments)
    if not has_consent(episode.client_id, ConsentKind.MEASUREMENT):
        # Without the client's consent to measures, only the therapist's own forms are due.
        due = [i for i in due if get_instrument(i).respondent != Respondent.CLIENT]
    if schedule.self_rating_after_every_session:
        due.append(SELF_RATING_ID)
    requests = [_request(episode, instrument_id, appointment, now) for instrument_id in due]
    _email_client_links(requests)
    return requests


@transaction.atomic
def create_intake_forms(*, episode: CareEpisode, now: datetime | None = None) -> list[FormRequest]:
    schedule = schedule_for(episode)
    if not schedule.outcome_at_intake or not has_consent(
        episode.client_id, ConsentKind.MEASUREMENT
    ):
        return []
    now = now or timezone.now()
    requests = [
        _request(episode, instrument_id, None, now)
        for instrument_id in schedule.outcome_instruments
    ]
    _email_client_links(requests)
    return requests


def withdraw_open_forms(*, episode: CareEpisode) -> int:
    """When an episode ends, the forms still waiting in it are withdrawn (the client is not
    asked for an intake or after-session form of work that has ended); a final measure is
    offered afresh after the ending."""
    return FormRequest.objects.filter(episode=episode, status=FormRequestStatus.PENDING).update(
        status=FormRequestStatus.WITHDRAWN
    )


def withdraw_client_forms(*, client: Client) -> int:
    """The forms waiting for a client who revoked consent to measures are withdrawn (so neither
    the portal nor a reminder asks for them); the therapist's own forms stay."""
    return FormRequest.objects.filter(
        client=client, respondent_role=Respondent.CLIENT.value, status=FormRequestStatus.PENDING
    ).update(status=FormRequestStatus.WITHDRAWN)


@transaction.atomic
def offer_final_measure(*, actor: Actor, episode: CareEpisode) -> FormRequest:
    """At the end of an episode: the headline outcome measure once more, for the client to
    answer in the portal (or by emailed link). Refused without consent to measures."""
    require_consent(episode.client, ConsentKind.MEASUREMENT)
    now = timezone.now()
    instrument = get_instrument(HEADLINE_OUTCOME_ID)
    form_request = FormRequest.objects.create(
        practice_id=episode.practice_id,
        episode=episode,
        client_id=episode.client_id,
        instrument_id=instrument.id,
        respondent_role=Respondent.CLIENT.value,
        respondent_id=episode.client.user_id,
        created_at=now,
        expires_at=now + timedelta(days=schedule_for(episode).link_valid_days),
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="final measure offered",
        obj=form_request,
        client=episode.client,
        detail={"instrument": instrument.id},
    )
    _email_client_links([form_request])
    return form_request


def _email_client_links(requests: list[FormRequest]) -> None:
    """After the transaction commits, one email with every new client form (if they want email)."""
    from alliance.measures.tasks import email_form_links

    ids = [r.pk for r in requests if r.respondent_role == Respondent.CLIENT.value]
    client = requests[0].episode.client if requests else None
    if ids and client is not None and client.email and client.form_links_by_email:
        transaction.on_commit(lambda: email_form_links.enqueue(ids))


def instrument_for_request(form_request: FormRequest) -> Instrument:
    return get_instrument(form_request.instrument_id)
