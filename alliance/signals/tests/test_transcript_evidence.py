"""Client rupture markers from a session transcript reach the signals engine as evidence: the
real coder codes an uploaded transcript, the report keeps only the counts in the clear, and a
session full of complaints opens a rupture (its quotes stay in the encrypted report)."""

from __future__ import annotations

import pytest

from alliance.audit.services import Actor
from alliance.conversation.models import ConversationReport
from alliance.conversation.services import upload_transcript
from alliance.conversation.tasks import analyze_transcript
from alliance.signals.engine import evaluate_episodes
from alliance.signals.models import Flag, RuptureEpisode

pytestmark = pytest.mark.django_db

STRAINED = """T: How has the week been since we last met?
C: Honestly, you don't get it. You never listen to me.
T: It sounds like last time left you feeling unheard.
C: This is a waste of time. You keep telling me what to do.
T: What would make today more useful for you?
C: I don't know.
T: You came anyway, which matters.
C: Whatever. I don't know why I keep coming.
"""
CALM = """T: How has the week been since we last met?
C: Better. I walked every morning and I want to keep that going.
T: You've been building a routine that works for you.
C: Yes, I think I can do it again this week.
"""


def analysed(personas, text: str) -> ConversationReport:
    appointment = personas.chris_past_appointment
    transcript = upload_transcript(
        actor=Actor(personas.dana), appointment=appointment, data=text.encode(), filename="s.txt"
    )
    assert analyze_transcript.call(transcript.pk)
    return ConversationReport.objects.get(transcript=transcript)


def test_a_strained_session_raises_a_rupture_from_its_markers(personas):
    report = analysed(personas, STRAINED)
    assert report.client_confrontation_markers + report.client_withdrawal_markers >= 3
    evaluate_episodes([personas.chris_episode.pk])
    flag = Flag.objects.get(episode=personas.chris_episode, rule="rupture.transcript_markers")
    assert flag.key == f"transcript:{report.transcript_id}:markers"
    assert flag.rupture is not None
    assert RuptureEpisode.objects.filter(episode=personas.chris_episode).exists()
    # Only counts reach the flag: nothing the client said.
    stored = f"{flag.explanation} {flag.evidence}"
    assert "waste of time" not in stored and "listen" not in stored


def test_a_calm_session_raises_nothing(personas):
    report = analysed(personas, CALM)
    assert report.client_confrontation_markers == 0
    evaluate_episodes([personas.chris_episode.pk])
    assert not Flag.objects.filter(rule="rupture.transcript_markers").exists()
