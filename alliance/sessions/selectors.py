"""Reads for the session page: agenda suggestions and the therapist's decrypted notes."""

from __future__ import annotations

from dataclasses import dataclass

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.lib.encryption import InvalidToken
from alliance.sessions.models import PrivateNote, SessionRecord


def _preparation(appointment: Appointment) -> list[str]:
    preparation = getattr(appointment, "preparation", None)
    return preparation.talk_about_items() if preparation is not None else []


def _follow_up_on_last_next_steps(appointment: Appointment) -> list[str]:
    previous = (
        SessionRecord.objects.filter(
            appointment__episode_id=appointment.episode_id,
            appointment__scheduled_start__lt=appointment.scheduled_start,
            appointment__status=AppointmentStatus.ATTENDED,
        )
        .exclude(next_steps="")
        .order_by("-appointment__scheduled_start")
        .first()
    )
    return ["Review the next steps from last time"] if previous is not None else []


def agenda_suggestions(appointment: Appointment) -> list[str]:
    """What the agenda starts from when the therapist has not written one yet.

    The hook for every source of agenda items: the client's preparation, a review of last
    session's next steps, and the goals due for review.
    """
    suggestions = (
        _preparation(appointment)
        + _follow_up_on_last_next_steps(appointment)
        + _goals_due(appointment)
    )
    return list(dict.fromkeys(suggestions))  # in order, without repeats


def _goals_due(appointment: Appointment) -> list[str]:
    from alliance.goals.selectors import goals_due_for_review

    return [
        f"Review goal: “{goal.client_words}”" for goal in goals_due_for_review(appointment.episode)
    ]


@dataclass(frozen=True)
class NoteView:
    note: PrivateNote
    # None when no configured key opens the note (a key was removed too early): the page says
    # so instead of failing.
    text: str | None


def private_notes_for_therapist(appointment: Appointment) -> list[NoteView]:
    """Decrypted notes for the session page. Call only for the episode's own therapist."""
    views = []
    for note in PrivateNote.objects.for_appointment(appointment):
        try:
            text: str | None = note.body
        except InvalidToken:
            text = None
        views.append(NoteView(note=note, text=text))
    return views
