"""A transcript is stored once per session: a double submit of the upload form, or two requests
racing, keep one transcript and one analysis; another file, or the same file for another
session, is a new transcript; uploading a transcript whose analysis failed tries again."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from alliance.appointments.models import Appointment
from alliance.audit import services as audit
from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.conversation import importers, services
from alliance.conversation.models import AnalysisStatus, Transcript
from alliance.conversation.services import mark_analysis_failed, upload_transcript
from alliance.conversation.tests.helpers import SESSION_TEXT, sample_upload, uploaded

pytestmark = pytest.mark.django_db


def _created_rows() -> int:
    return AuditEvent.objects.filter(target="session transcript", action="create").count()


def test_a_double_submit_keeps_one_transcript(
    signed_in, personas, django_capture_on_commit_callbacks
):
    appointment = personas.chris_past_appointment
    dana = signed_in("dana")
    url = reverse("conversation:upload", args=[appointment.pk])
    with django_capture_on_commit_callbacks() as queued:
        first = dana.post(url, {"file": sample_upload(), "speakers": ""})
        second = dana.post(url, {"file": sample_upload(), "speakers": ""})
    [transcript] = Transcript.objects.filter(appointment=appointment)
    report = reverse("conversation:report", args=[transcript.pk])
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == report
    assert _created_rows() == 1
    assert len(queued) == 1  # one analysis queued, not two
    assert len(transcript.content_digest) == 64


def test_the_same_text_written_differently_is_the_same_transcript(personas):
    first = uploaded(personas)
    again = uploaded(personas, text=SESSION_TEXT.replace("\n", "\r\n"))
    assert again.pk == first.pk


def test_another_file_or_another_session_is_a_new_transcript(personas):
    first = uploaded(personas)
    other_text = uploaded(personas, text=SESSION_TEXT + "T: One more thing before you go.\n")
    earlier = (
        Appointment.objects.filter(episode=personas.chris_past_appointment.episode)
        .exclude(pk=personas.chris_past_appointment.pk)
        .order_by("scheduled_start")
        .first()
    )
    other_session = uploaded(personas, appointment=earlier)
    assert len({first.pk, other_text.pk, other_session.pk}) == 3
    assert _created_rows() == 3


def test_two_requests_racing_keep_one(personas, monkeypatch):
    """The second request looked before the first had stored it: the database's unique
    constraint refuses the copy and the upload returns the stored transcript."""
    first = uploaded(personas)
    looked = []

    def too_early(transcript: Transcript) -> Transcript | None:
        looked.append(transcript.content_digest)
        if len(looked) == 1:
            return None
        return Transcript.objects.get(pk=first.pk)

    monkeypatch.setattr(services, "_same_upload", too_early)
    again = uploaded(personas)
    assert again.pk == first.pk
    assert looked == [first.content_digest, first.content_digest]
    assert Transcript.objects.count() == 1
    assert _created_rows() == 1


def test_uploading_again_after_a_failed_analysis_tries_again(
    personas, django_capture_on_commit_callbacks
):
    first = uploaded(personas)
    mark_analysis_failed(transcript_id=first.pk, reason="The analysis stopped with an error.")
    with django_capture_on_commit_callbacks() as queued:
        again = upload_transcript(
            actor=Actor(personas.dana),
            appointment=personas.chris_past_appointment,
            data=SESSION_TEXT.encode(),
            filename="s.txt",
        )
    assert again.pk == first.pk
    assert (again.status, again.failure) == (AnalysisStatus.PENDING, "")
    assert len(queued) == 1


def test_deleted_for_good_then_uploaded_again(personas):
    first = uploaded(personas)
    services.delete_transcript(actor=Actor(personas.dana), transcript=first)
    again = uploaded(personas)
    assert again.pk != first.pk


@pytest.mark.django_db(transaction=True)
def test_the_file_is_read_before_the_write_transaction_opens(personas, monkeypatch):
    """Reading a 2 MB file takes a second or two, and on SQLite a write transaction holds the
    database's lock all along: the file is parsed and its turns encrypted before the transaction
    opens; the transcript and its audit row are written inside one. (A transactional test: the
    usual test runs inside a transaction of its own.)"""
    seen: list[tuple[str, bool]] = []

    def in_transaction() -> bool:
        return bool(transaction.get_connection().in_atomic_block)

    def parse(*args: Any, **kwargs: Any) -> importers.ParsedTranscript:
        seen.append(("parse", in_transaction()))
        return importers.parse_transcript(*args, **kwargs)

    def set_turns(self: Transcript, turns: Any) -> None:
        seen.append(("encrypt", in_transaction()))
        real_set_turns(self, turns)

    def record(**kwargs: Any) -> Any:
        stored = Transcript.objects.filter(pk=kwargs["obj"].pk).exists()
        seen.append(("audit beside the stored transcript", in_transaction() and stored))
        return audit.record(**kwargs)

    real_set_turns = Transcript.set_turns
    monkeypatch.setattr(services, "parse_transcript", parse)
    monkeypatch.setattr(Transcript, "set_turns", set_turns)
    monkeypatch.setattr(services, "record", record)
    transcript = uploaded(personas)
    assert seen == [
        ("parse", False),
        ("encrypt", False),
        ("audit beside the stored transcript", True),
    ]
    assert len(transcript.turns()) == 8
    assert _created_rows() == 1
