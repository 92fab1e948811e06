"""Stored evidence for the engine tests, written through the real services: clients, weekly
sessions in the past, check-ins and outcome forms answered after them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count

from django.db.models import Model
from django.utils import timezone

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.appointments.services import record_attendance, schedule_appointment
from alliance.audit.services import Actor
from alliance.measures.definitions import CHECKIN_ID
from alliance.measures.models import MeasureResponse, ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.practice.models import CareEpisode, TherapistProfile
from alliance.practice.services import assign_client, create_client
from alliance.signals.models import EpisodeRisk, Flag, RuptureEpisode

SETUP = Actor.system("signals-test")
_numbers = count()


def checkin_answers(total: int, comment: str = "") -> dict[str, object]:
    """Four 0–10 items adding up to ``total``, and the free-text answer."""
    low, extra = divmod(total, 4)
    values = [low + 1] * extra + [low] * (4 - extra)
    answers: dict[str, object] = dict(
        zip(("bond", "goals", "approach", "overall"), values, strict=True)
    )
    if comment:
        answers["change"] = comment
    return answers


def phq9_answers(total: int, item9: int = 0) -> dict[str, object]:
    """PHQ-9 answers with item 9 as given and the rest adding up to ``total`` − item 9."""
    rest = total - item9
    values = [min(3, max(0, rest - 3 * i)) for i in range(8)]
    assert sum(values) == rest, "PHQ-9 items 1-8 add up to at most 24"
    answers: dict[str, object] = {f"PHQ9_{i + 1}": v for i, v in enumerate(values)}
    answers["PHQ9_9"] = item9
    return answers


def new_episode(therapist: TherapistProfile, *, weeks: int = 20) -> CareEpisode:
    number = next(_numbers)
    client = create_client(
        actor=SETUP,
        practice=therapist.practice,
        first_name=f"Test{number}",
        last_name="Client",
        username=f"signals-client-{number}",
        password="correct-horse-battery",
        validate_password=False,
    )
    started = timezone.localdate() - timedelta(weeks=weeks)
    return assign_client(actor=SETUP, client=client, therapist=therapist, started_on=started)


@dataclass
class History:
    """What ``sessions`` stored, by session index."""

    episode: CareEpisode
    appointments: list[Appointment] = field(default_factory=list)
    checkins: dict[int, MeasureResponse] = field(default_factory=dict)


def checkin(
    episode: CareEpisode,
    total: int,
    at: datetime,
    *,
    comment: str = "",
    appointment: Appointment | None = None,
) -> MeasureResponse:
    """One check-in by the client: through the appointment's form when there is one."""
    form_request = None
    if appointment is not None:
        form_request = appointment.form_requests.filter(instrument_id=CHECKIN_ID).first()
    return submit_response(
        actor=Actor(episode.client.user),
        instrument=get_instrument(CHECKIN_ID),
        episode=None if form_request else episode,
        raw_answers=checkin_answers(total, comment),
        source=ResponseSource.PORTAL,
        form_request=form_request,
        submitted_at=at,
    ).response


def phq9(episode: CareEpisode, total: int, at: datetime, *, item9: int = 0) -> MeasureResponse:
    return submit_response(
        actor=Actor(episode.client.user),
        instrument=get_instrument("phq9"),
        episode=episode,
        raw_answers=phq9_answers(total, item9),
        source=ResponseSource.PORTAL,
        submitted_at=at,
    ).response


def sessions(
    episode: CareEpisode,
    totals: Sequence[int | None],
    *,
    now: datetime,
    statuses: Sequence[str] | None = None,
    comments: dict[int, str] | None = None,
) -> History:
    """Weekly sessions, the last one a day before ``now``; after each attended session with a
    total, the check-in an hour after it ends (``None``: no check-in)."""
    statuses = statuses or [AppointmentStatus.ATTENDED] * len(totals)
    history = History(episode)
    first = now - timedelta(days=1) - timedelta(weeks=len(statuses) - 1)
    for index, status in enumerate(statuses):
        start = first + timedelta(weeks=index)
        appointment = schedule_appointment(
            actor=SETUP, episode=episode, start=start, end=start + timedelta(minutes=50)
        )
        if status != AppointmentStatus.SCHEDULED:
            record_attendance(
                actor=SETUP, appointment=appointment, status=AppointmentStatus(status)
            )
        history.appointments.append(appointment)
        total = totals[index] if index < len(totals) else None
        if total is not None and status == AppointmentStatus.ATTENDED:
            history.checkins[index] = checkin(
                episode,
                total,
                start + timedelta(hours=2),
                comment=(comments or {}).get(index, ""),
                appointment=appointment,
            )
    return history


def rows(model: type[Model]) -> list[dict[str, object]]:
    return list(model.objects.order_by("pk").values())  # type: ignore[attr-defined]


def snapshot() -> dict[str, list[dict[str, object]]]:
    return {"flags": rows(Flag), "ruptures": rows(RuptureEpisode), "risks": rows(EpisodeRisk)}
