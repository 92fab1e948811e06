"""Builders for session tests and the access matrix: notes, records and preparations of chris."""

from __future__ import annotations

from typing import Any

from alliance.appointments.models import Appointment
from alliance.audit.services import Actor
from alliance.sessions.models import PrivateNote, SessionRecord
from alliance.sessions.services import add_private_note, save_session_record
from alliance.testing.personas import Personas

NOTE_TEXT = "Chris mentioned his brother again; explore the rivalry next time."
SUMMARY = "We looked at the Sunday evening worry spiral."
NEXT_STEPS = "Try the 10-minute worry window on two evenings."


def chris_note(p: Personas, text: str = NOTE_TEXT) -> PrivateNote:
    return add_private_note(actor=Actor(p.dana), appointment=p.chris_past_appointment, body=text)


def chris_shared_record(p: Personas) -> SessionRecord:
    return save_session_record(
        actor=Actor(p.dana),
        appointment=p.chris_past_appointment,
        agenda=["Sunday evenings"],
        summary=SUMMARY,
        next_steps=NEXT_STEPS,
        share=True,
    )


def casey_appointment(p: Personas) -> Appointment:
    appointment = Appointment.objects.filter(episode=p.casey_episode).first()
    assert appointment is not None
    return appointment


def record_data(p: Personas) -> dict[str, Any]:
    return {"agenda": "Sleep\nWork", "summary": SUMMARY, "next_steps": NEXT_STEPS, "share": "on"}


def preparation_data(p: Personas) -> dict[str, Any]:
    return {"talk_about": "My sister's visit", "since_last_time": "", "feeling_today": "6"}
