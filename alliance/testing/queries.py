"""Counting the database queries of a page, and making a practice bigger to see whether they grow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.accounts.services import create_account
from alliance.appointments.models import AppointmentStatus
from alliance.appointments.services import record_attendance, schedule_appointment
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.measures.models import FormRequest, ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.practice.models import (
    CareEpisode,
    Client,
    EndReason,
    Modality,
    Phase,
    Practice,
    TherapistProfile,
)
from alliance.practice.services import (
    assign_client,
    change_phase,
    create_client,
    create_therapist,
    end_episode,
)

GROW = Actor.system("test-growth")
PASSWORD = "correct-horse-battery"
# A mix of outcomes, so every kind of attendance figure has something to count.
PAST_STATUSES = [
    AppointmentStatus.ATTENDED,
    AppointmentStatus.ATTENDED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.LATE_CANCELLED,
    AppointmentStatus.CANCELLED,
]


@dataclass(frozen=True)
class Measured:
    status: int
    queries: int
    sql: list[str]


def measure(browser: HttpClient, url: str) -> Measured:
    """The queries of one GET of ``url``, after a first GET that warms the session up."""
    browser.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    return Measured(
        response.status_code, len(captured), [query["sql"] for query in captured.captured_queries]
    )


def add_history(episode: CareEpisode, *, past: int, upcoming: int = 2) -> None:
    """``past`` appointments with mixed outcomes and ``upcoming`` booked ones, weekly."""
    now = timezone.now()
    for week in range(-past, upcoming):
        start = (now + timedelta(weeks=week, days=1)).replace(second=0, microsecond=0)
        appointment = schedule_appointment(
            actor=GROW, episode=episode, start=start, end=start + timedelta(minutes=50)
        )
        if week < 0:
            status = PAST_STATUSES[week % len(PAST_STATUSES)]
            record_attendance(actor=GROW, appointment=appointment, status=status)
    answer_due_forms(episode)


def answer_due_forms(episode: CareEpisode) -> None:
    """Answer every open form of the episode (middle of each scale, with a comment), so that
    history includes check-ins, self-ratings and outcome scores."""
    for form_request in FormRequest.objects.open().filter(episode=episode):
        instrument = get_instrument(form_request.instrument_id)
        answers: dict[str, object] = {
            item.link_id: (item.lowest + item.highest) // 2 for item in instrument.scored_items
        }
        answers |= {item.link_id: "A comment" for item in instrument.text_items}
        submit_response(
            actor=GROW,
            instrument=instrument,
            episode=episode,
            raw_answers=answers,
            source=ResponseSource.DEMO,
            form_request=form_request,
        )


def walk_phases(episode: CareEpisode, phases: list[Phase]) -> None:
    for phase in phases:
        change_phase(
            actor=GROW,
            episode=episode,
            to_phase=phase,
            note=f"Now {phase.label}.",
            step_back_confirmed=True,
        )


def add_clients(therapist: TherapistProfile, count: int, *, past: int = 3) -> list[CareEpisode]:
    """``count`` new clients (with sign-in accounts) in ``therapist``'s caseload."""
    episodes = []
    for number in range(count):
        client = create_client(
            actor=GROW,
            practice=therapist.practice,
            first_name=f"Extra{number}",
            last_name=f"Client{therapist.pk}",
            username=f"extra-{therapist.pk}-{number}",
            password=PASSWORD,
            validate_password=False,
        )
        episode = assign_client(actor=GROW, client=client, therapist=therapist)
        add_history(episode, past=past)
        if number % 2:
            walk_phases(episode, [Phase.EXPLORING])
        episodes.append(episode)
    return episodes


def add_therapists(
    practice: Practice, count: int, *, supervisor: User | None = None, clients: int = 2
) -> list[TherapistProfile]:
    therapists = []
    for number in range(count):
        therapist = create_therapist(
            actor=GROW,
            practice=practice,
            username=f"extra-therapist-{practice.pk}-{number}",
            first_name="Extra",
            last_name=f"Therapist{number}",
            password=PASSWORD,
            modalities=[Modality.CBT, Modality.DBT],
            validate_password=False,
        )
        if supervisor is not None:
            therapist.supervisors.add(supervisor)
        add_clients(therapist, clients, past=2)
        therapists.append(therapist)
    return therapists


def add_staff(practice: Practice, count: int) -> None:
    for number in range(count):
        create_account(
            actor=GROW,
            practice=practice,
            role=Role.SUPERVISOR if number % 2 else Role.ADMIN,
            username=f"extra-staff-{practice.pk}-{number}",
            first_name="Extra",
            last_name=f"Staff{number}",
            validate=False,
        )


def add_reads(client: Client, readers: list[User], count: int) -> None:
    """``count`` audit rows about ``client``, by turns from each of ``readers``."""
    for number in range(count):
        reader = readers[number % len(readers)]
        record(
            actor=Actor(reader, "192.0.2.1", f"/clinic/clients/{client.pk}/"),
            action=AuditAction.READ,
            target="client page",
            obj=client,
            client=client,
        )


def assert_does_not_grow(small: Measured, big: Measured) -> None:
    """The page makes as many queries for a big practice as for a small one."""
    assert small.status == big.status == 200, (small.status, big.status)
    assert big.queries == small.queries, (
        f"{small.queries} queries before growing, {big.queries} after:\n" + "\n".join(big.sql)
    )


def end_after_acknowledging(episode: CareEpisode, reason: EndReason) -> None:
    """End ``episode`` as its therapist would: any open crisis flag acknowledged with a note
    first (an episode with an unacknowledged crisis flag cannot end)."""
    from alliance.signals.models import Flag, FlagKind, FlagStatus
    from alliance.signals.services import acknowledge_flag

    therapist = Actor(episode.therapist.user)
    for flag in Flag.objects.filter(episode=episode, kind=FlagKind.CRISIS, status=FlagStatus.OPEN):
        acknowledge_flag(actor=therapist, flag=flag, note="Called the client; safe; plan agreed.")
    end_episode(actor=GROW, episode=episode, reason=reason)
