"""Data and measurements for checkin_throughput.py (runs inside the benchmark's child process)."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.audit.services import Actor
from alliance.measures.models import FormRequest, MeasureResponse, ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.practice.models import CareEpisode, Client
from alliance.testing.personas import build_personas

ROUND = 20
CHECKIN = {"bond": "8", "goals": "7", "approach": "9", "overall": "8", "change": ""}
FORM_BODY = urlencode(CHECKIN)


@dataclass
class BenchData:
    chris: User
    dana: User
    checkin_requests: list[int]
    history_client: Client


def _history_episode(personas: object, sessions: int) -> Client:
    """A client of dana with ``sessions`` attended sessions, each with a check-in and self-rating."""
    from alliance.practice.services import assign_client, create_client

    actor = Actor.system("bench")
    practice = personas.practice  # type: ignore[attr-defined]
    client = create_client(actor=actor, practice=practice, first_name="Hal", last_name="Story")
    start = timezone.now() - timedelta(weeks=sessions + 1)
    episode = assign_client(
        actor=actor,
        client=client,
        therapist=personas.dana_profile,
        started_on=start.date(),  # type: ignore[attr-defined]
    )
    Appointment.objects.bulk_create(
        Appointment(
            practice=practice,
            episode=episode,
            scheduled_start=start + timedelta(weeks=week),
            scheduled_end=start + timedelta(weeks=week, minutes=50),
            status=AppointmentStatus.ATTENDED,
            actual_start=start + timedelta(weeks=week),
        )
        for week in range(sessions)
    )
    checkin = get_instrument("alliance-checkin")
    for week in range(sessions):
        submit_response(
            actor=actor,
            instrument=checkin,
            episode=episode,
            raw_answers=CHECKIN | {"bond": str(5 + week % 5)},
            source=ResponseSource.DEMO,
            submitted_at=start + timedelta(weeks=week, hours=1),
        )
    return client


def build_bench_data(*, submissions: int, history_sessions: int) -> BenchData:
    personas = build_personas()
    episode: CareEpisode = personas.chris_episode
    now = timezone.now()
    requests = FormRequest.objects.bulk_create(
        FormRequest(
            practice=episode.practice,
            episode=episode,
            client_id=episode.client_id,
            instrument_id="alliance-checkin",
            respondent=personas.chris,
            respondent_role="client",
            created_at=now,
            expires_at=now + timedelta(days=7),
        )
        for _ in range(submissions)
    )
    return BenchData(
        chris=personas.chris,
        dana=personas.dana,
        checkin_requests=[r.pk for r in requests],
        history_client=_history_episode(personas, history_sessions),
    )


def _signed_in(user: User) -> HttpClient:
    browser = HttpClient(HTTP_HOST="127.0.0.1")
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


def measure(data: BenchData, *, page_loads: int) -> dict[str, float]:
    chris = _signed_in(data.chris)
    # Warm up both paths (imports, template loading, connection).
    chris.post(reverse("bench-bare-insert"))
    before = MeasureResponse.objects.count()

    # Alternate the two kinds in small rounds so that a busy machine slows both alike.
    checkin_seconds = bare_seconds = 0.0
    for first in range(0, len(data.checkin_requests), ROUND):
        batch = data.checkin_requests[first : first + ROUND]
        started = time.perf_counter()
        for request_id in batch:
            # Sent as a browser sends a form without files: URL-encoded.
            response = chris.post(
                reverse("measures:answer", args=[request_id]),
                FORM_BODY,
                content_type="application/x-www-form-urlencoded",
            )
            assert response.status_code == 302, response.status_code
        checkin_seconds += time.perf_counter() - started
        started = time.perf_counter()
        for _ in batch:
            assert chris.post(reverse("bench-bare-insert")).status_code == 204
        bare_seconds += time.perf_counter() - started
    assert MeasureResponse.objects.count() - before == len(data.checkin_requests)

    dana = _signed_in(data.dana)
    url = reverse("clinic:client", args=[data.history_client.pk])
    assert dana.get(url).status_code == 200
    timings = []
    for _ in range(page_loads):
        started = time.perf_counter()
        dana.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        dana.get(url)
    count = len(data.checkin_requests)
    return {
        "checkins_per_second": count / checkin_seconds,
        "bare_per_second": count / bare_seconds,
        "ratio": (count / checkin_seconds) / (count / bare_seconds),
        "page_ms": statistics.median(timings),
        "page_queries": len(queries),
    }
