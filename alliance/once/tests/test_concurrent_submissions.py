"""Ten identical submissions at the same moment store one thing: real concurrent HTTP requests
to the live test server, each handled on its own thread with its own database connection.

On PostgreSQL (``make test-postgres``) the requests really run at once; on SQLite the write
lock puts them in a row. Either way each create action must store exactly one row and no
request may fail with a 500.
"""

from __future__ import annotations

import http.client
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.appointments.models import CalendarFeed
from alliance.appointments.tests.helpers import book_data
from alliance.conversation.models import Transcript
from alliance.conversation.tests.helpers import sample_upload
from alliance.goals.models import Goal, GoalRating
from alliance.goals.tests.helpers import active_goal
from alliance.sessions.models import PrivateNote, SessionPreparation, SessionRecord
from alliance.sessions.tests.helpers import preparation_data, record_data
from alliance.signals.models import FeedbackReply, RepairStep, RuptureEpisode
from alliance.signals.tests.helpers.clinic import feedback, made_rupture
from alliance.testing.personas import Personas

TIMES = 10


@dataclass(frozen=True)
class Action:
    url_name: str
    persona: str
    kwargs: Callable[[Personas], dict[str, Any]]
    data: Callable[[Personas], dict[str, Any]]
    stored: Callable[[Personas], int]
    multipart: bool = False


def _chris_episode(p: Personas) -> dict[str, Any]:
    return {"episode_id": p.chris_episode.pk}


def _past_session(p: Personas) -> dict[str, Any]:
    return {"appointment_id": p.chris_past_appointment.pk}


ACTIONS = {
    "goal proposal": Action(
        "goals:propose",
        "chris",
        _chris_episode,
        lambda p: {"words": "Walk to work twice a week"},
        # client_words is encrypted: compared after reading, not in the query
        lambda p: sum(g.client_words == "Walk to work twice a week" for g in Goal.objects.all()),
    ),
    "goal rating": Action(
        "goals:rate",
        "chris",
        lambda p: {"goal_id": active_goal(p).pk},
        lambda p: {"score": "7"},
        lambda p: GoalRating.objects.filter(score=7).count(),
    ),
    "private note": Action(
        "sessions:note-add",
        "dana",
        _past_session,
        lambda p: {"body": "Seemed lighter today."},
        lambda p: PrivateNote.objects.filter(appointment=p.chris_past_appointment).count(),
    ),
    "session summary": Action(
        "sessions:record",
        "dana",
        _past_session,
        record_data,
        lambda p: SessionRecord.objects.filter(appointment=p.chris_past_appointment).count(),
    ),
    "preparation": Action(
        "sessions:prepare",
        "chris",
        lambda p: {"appointment_id": p.chris_next_appointment.pk},
        preparation_data,
        lambda p: SessionPreparation.objects.filter(appointment=p.chris_next_appointment).count(),
    ),
    "booking": Action(
        "appointments:book-recurring",
        "dana",
        _chris_episode,
        lambda p: book_data(p) | {"count": "1"},
        lambda p: p.chris_episode.appointments.filter(status="scheduled").count() - 1,
    ),
    "calendar feed": Action(
        "appointments:calendar-feed-create",
        "dana",
        lambda p: {},
        lambda p: {},
        lambda p: CalendarFeed.objects.filter(therapist=p.dana_profile).count(),
    ),
    "rupture opened by hand": Action(
        "signals:rupture-open",
        "dana",
        _chris_episode,
        lambda p: {"rupture_type": "withdrawal", "description": "Quiet all session."},
        lambda p: RuptureEpisode.objects.filter(episode=p.chris_episode).count(),
    ),
    "repair step": Action(
        "signals:rupture-repair",
        "dana",
        lambda p: {"rupture_id": made_rupture(p.chris_episode).pk},
        lambda p: {"strategies": ["validate_feelings"], "what_was_said": "I heard you."},
        lambda p: RepairStep.objects.count(),
    ),
    "reply to feedback": Action(
        "signals:feedback-reply",
        "dana",
        lambda p: {"response_id": feedback(p.chris_episode).pk},
        lambda p: {"what_we_changed": "We start with your goals now."},
        lambda p: FeedbackReply.objects.count(),
    ),
    "transcript upload": Action(
        "conversation:upload",
        "dana",
        _past_session,
        lambda p: {"speakers": ""},
        lambda p: Transcript.objects.filter(appointment=p.chris_past_appointment).count(),
        multipart=True,
    ),
}


class Browser:
    """A signed-in browser speaking HTTP to the live server: its session cookie and a CSRF
    cookie with the matching token, as a page would have set them."""

    def __init__(self, live_url: str, user: User) -> None:
        parsed = urlparse(live_url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={self.csrf}"

    def post(self, path: str, body: bytes, content_type: str) -> int:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "Cookie": self.cookie,
                    "X-CSRFToken": self.csrf,
                    "Content-Type": content_type,
                },
            )
            return conn.getresponse().status
        finally:
            conn.close()


def _form(data: dict[str, Any]) -> tuple[bytes, str]:
    return urlencode(data, doseq=True).encode(), "application/x-www-form-urlencoded"


def _multipart(data: dict[str, Any], file: tuple[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in data.items()
    ]
    filename, content = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def at_once(send: Callable[[], int], times: int = TIMES) -> list[int]:
    """Run ``send`` on ``times`` threads released together; their HTTP statuses."""
    start = threading.Barrier(times)
    statuses: list[int] = []

    def one() -> None:
        start.wait()
        statuses.append(send())

    threads = [threading.Thread(target=one) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_ten_identical_submissions_at_once_store_one(name, live_server, personas):
    action = ACTIONS[name]
    url = reverse(action.url_name, kwargs=action.kwargs(personas))
    before = action.stored(personas)
    data = action.data(personas) | {"once": str(uuid.uuid4())}
    if action.multipart:
        upload = sample_upload()
        body, content_type = _multipart(data, (upload.name or "session.txt", upload.read()))
    else:
        body, content_type = _form(data)
    browser = Browser(live_server.url, personas.by_name(action.persona))

    statuses = at_once(lambda: browser.post(url, body, content_type))

    assert len(statuses) == TIMES
    assert all(status < 500 for status in statuses), statuses
    assert any(status in (200, 302) for status in statuses), statuses
    assert action.stored(personas) - before == 1, f"{name}: {connection.vendor}"


def test_two_different_bookings_of_one_hour_at_once_make_one_appointment(live_server, personas):
    """Two tabs, two forms (different keys), the same hour: the therapist's row lock lets one
    book it and the other finds it taken."""
    url = reverse("appointments:book-recurring", kwargs=_chris_episode(personas))
    slot = book_data(personas) | {"count": "1"}
    browser = Browser(live_server.url, personas.dana)
    before = personas.chris_episode.appointments.filter(status="scheduled").count()

    statuses = at_once(
        lambda: browser.post(url, *_form(slot | {"once": str(uuid.uuid4())})), times=6
    )

    assert all(status < 500 for status in statuses), statuses
    booked = personas.chris_episode.appointments.filter(status="scheduled").count() - before
    assert booked == 1


def test_feeds_created_from_two_forms_at_once_leave_one_active(live_server, personas):
    url = reverse("appointments:calendar-feed-create")
    browser = Browser(live_server.url, personas.dana)

    statuses = at_once(lambda: browser.post(url, *_form({"once": str(uuid.uuid4())})), times=6)

    assert all(status < 500 for status in statuses), statuses
    assert CalendarFeed.objects.active().filter(therapist=personas.dana_profile).count() == 1
