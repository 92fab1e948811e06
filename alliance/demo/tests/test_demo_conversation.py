"""The demo's session transcript: the steady client's latest attended session has a transcript
with its conversation report when the demo loads, and a reset removes both."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from alliance.accounts.models import User
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.conversation.importers import parse_transcript
from alliance.conversation.models import AnalysisStatus, ConversationReport, Transcript
from alliance.demo.conversation import TRANSCRIPT, transcript_text
from alliance.demo.generator import load_demo_practice
from alliance.demo.reset import reset_demo_practice
from alliance.demo.tests.test_demo_practice import SEED, TODAY, run_demo


@pytest.fixture
def demo(db):
    return load_demo_practice(seed=SEED, today=TODAY)


def latest_attended_of_chris() -> Appointment:
    appointment = (
        Appointment.objects.filter(
            episode__client__user__username="chris", status=AppointmentStatus.ATTENDED
        )
        .order_by("-scheduled_start")
        .first()
    )
    assert appointment is not None
    return appointment


def test_the_transcript_file_is_marked_synthetic_and_reads_as_a_session():
    first_line = TRANSCRIPT.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("#") and "synthetic" in first_line.lower()
    parsed = parse_transcript(transcript_text().encode(), filename=TRANSCRIPT.name)
    assert 40 <= len(parsed.turns) <= 60
    assert {turn.speaker for turn in parsed.turns} == {"therapist", "client"}


def test_chris_latest_session_has_an_analysed_transcript(demo):
    session = latest_attended_of_chris()
    assert session.episode.therapist.user.username == "dana"
    (transcript,) = Transcript.objects.filter(practice__slug="demo")
    assert transcript.appointment == session
    assert transcript.status == AnalysisStatus.DONE
    assert transcript.uploaded_by.username == "dana"
    assert transcript.uploaded_at > session.scheduled_end
    report = transcript.report
    figures = report.figures()
    assert figures["turns"] == transcript.turn_count
    for name in ("open_question_pct", "complex_reflection_pct", "reflection_to_question"):
        assert figures[name] is not None
        assert getattr(report, name) == figures[name]
    assert figures["affirmations"] >= 1
    assert figures["advice_with_permission"] >= 1
    assert figures["opened_with_agenda"] and figures["closed_with_summary"]
    assert report.client_withdrawal_markers == report.client_confrontation_markers == 0
    assert len(report.coded_turns()) == transcript.turn_count
    assert demo.transcripts == 1
    assert any("the transcript of the session" in line for line in demo.highlights)


def test_dana_can_read_the_report(demo):
    transcript = Transcript.objects.get(practice__slug="demo")
    browser = HttpClient()
    browser.force_login(User.objects.get(username="dana"))
    response = browser.get(reverse("conversation:report", args=[transcript.pk]))
    assert response.status_code == 200


def test_reset_removes_the_transcript_and_its_report(demo):
    assert reset_demo_practice()
    assert not Transcript.objects.exists()
    assert not ConversationReport.objects.exists()


def test_the_command_prints_the_transcript_and_reset_reloads_it(db):
    assert "1 session transcript analysed" in run_demo(today=TODAY)
    output = run_demo("--reset", today=TODAY)
    assert "Deleted the previous demo practice." in output
    assert "1 session transcript analysed" in output
    assert Transcript.objects.count() == ConversationReport.objects.count() == 1
