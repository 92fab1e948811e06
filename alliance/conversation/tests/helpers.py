"""Test-only: a tiny rule coder (so tests never depend on the shipped coder's accuracy), sample
transcripts, and builders of analysed transcripts for the page tests and the access matrix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from alliance.appointments.models import Appointment
from alliance.audit.services import Actor
from alliance.conversation.analysis import analyse
from alliance.conversation.coding import (
    CHANGE_TALK,
    CLIENT,
    CLOSED_QUESTION,
    COMPLEX_REFLECTION,
    NEUTRAL,
    OPEN_QUESTION,
    OTHER,
    STRUCTURING,
    WITHDRAWAL,
    CodedTurn,
    Turn,
)
from alliance.conversation.models import Transcript
from alliance.conversation.services import store_report, upload_transcript
from alliance.practice.models import TherapistProfile
from alliance.testing.personas import Personas

OPEN_WORDS = ("what", "how", "why", "tell")


class RuleCoder:
    """A few plain rules: "?" is a question (open if it starts with what/how/why/tell), "It
    sounds like" a complex reflection, "Let's" structuring, anything else from the therapist
    "other"; the client is neutral, "I will" is change talk, "Whatever" withdrawal."""

    name = "test-rules"
    version = "1"

    def code(self, turns: Sequence[Turn]) -> list[CodedTurn]:
        coded = []
        for turn in turns:
            text = turn.text.strip()
            first = text.split()[0].lower().strip(",.") if text.split() else ""
            if turn.speaker == CLIENT:
                primary = CHANGE_TALK if text.startswith("I will") else NEUTRAL
                codes = (primary, WITHDRAWAL) if text.startswith("Whatever") else (primary,)
            elif text.endswith("?"):
                primary = OPEN_QUESTION if first in OPEN_WORDS else CLOSED_QUESTION
                codes = (primary,)
            elif text.startswith("It sounds like"):
                primary, codes = COMPLEX_REFLECTION, (COMPLEX_REFLECTION,)
            elif text.startswith("Let's"):
                primary, codes = STRUCTURING, (STRUCTURING,)
            else:
                primary, codes = OTHER, (OTHER,)
            coded.append(CodedTurn(turn, codes, primary))
        return coded


SESSION_TEXT = """T: Let's start by setting an agenda for today.
C: Sure.
T: How have the evenings been since we last met?
C: Whatever. They were bad again, I keep lying awake-
T: Did you try the worry window?
C: I will try it on Sunday.
T: It sounds like part of you is ready to change how Sundays go.
C: Yes.
"""
# The turn the browser test clicks through to: the complex reflection.
REFLECTION_INDEX = 6


def sample_upload(name: str = "session.txt", text: str = SESSION_TEXT) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def upload_data(p: Personas) -> dict[str, Any]:
    return {"file": sample_upload(), "speakers": ""}


def uploaded(
    p: Personas, appointment: Appointment | None = None, text: str = SESSION_TEXT
) -> Transcript:
    appointment = appointment or p.chris_past_appointment
    therapist = appointment.episode.therapist.user
    return upload_transcript(
        actor=Actor(therapist), appointment=appointment, data=text.encode(), filename="s.txt"
    )


def analysed(
    p: Personas, appointment: Appointment | None = None, text: str = SESSION_TEXT
) -> Transcript:
    transcript = uploaded(p, appointment, text)
    store_report(
        actor=Actor.system("test"),
        transcript_id=transcript.pk,
        analysis=analyse(transcript.turns(), RuleCoder()),
    )
    transcript.refresh_from_db()
    return transcript


def share_reports(therapist: TherapistProfile, share: bool = True) -> None:
    therapist.share_conversation_reports = share
    therapist.save(update_fields=["share_conversation_reports"])


def chris_report(p: Personas) -> dict[str, Any]:
    """dana's analysed session with chris; she does not share reports with sam."""
    return {"transcript_id": analysed(p).pk}


def chris_report_shared(p: Personas) -> dict[str, Any]:
    share_reports(p.dana_profile)
    return {"transcript_id": analysed(p).pk}


def dana_trends(p: Personas, *, share: bool) -> dict[str, Any]:
    """Dana's trends page as her supervisor would open it, with one analysed session."""
    share_reports(p.dana_profile, share)
    analysed(p)
    return {"therapist_id": p.dana_profile.pk}


def casey_report(p: Personas) -> dict[str, Any]:
    appointment = Appointment.objects.filter(episode=p.casey_episode).first()
    return {"transcript_id": analysed(p, appointment).pk}
