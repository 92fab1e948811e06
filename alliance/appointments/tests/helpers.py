"""Builders the scheduling tests and the access matrix share."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from alliance.appointments.services import create_feed
from alliance.audit.services import Actor
from alliance.practice.models import TherapistProfile
from alliance.testing.personas import Personas

HELPER = Actor.system("scheduling-test")


def local_input(moment: datetime) -> str:
    """What a datetime-local field posts for ``moment``."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def days_ahead(days: int, hour: int = 15) -> datetime:
    return timezone.localtime(timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def feed_token(therapist: TherapistProfile) -> str:
    return create_feed(actor=HELPER, therapist=therapist)[1]


def new_feed_id(therapist: TherapistProfile) -> int:
    return create_feed(actor=HELPER, therapist=therapist)[0].pk


def book_data(p: Personas) -> dict[str, Any]:
    return {"first_start": local_input(days_ahead(20)), "count": "3"}


def reschedule_data(p: Personas) -> dict[str, Any]:
    return {"new_start": local_input(days_ahead(10))}


def slot_data(p: Personas) -> dict[str, Any]:
    return {"start": days_ahead(9, hour=8).isoformat(), "episode": p.chris_episode.pk, "count": 1}


def chris_move_request(p: Personas) -> dict[str, Any]:
    from alliance.appointments.selfservice import request_move

    appointment = p.chris_next_appointment
    later = appointment.scheduled_start + timedelta(days=1)
    return {"move_id": request_move(actor=HELPER, appointment=appointment, proposed_start=later).pk}


def chris_next(p: Personas) -> dict[str, Any]:
    return {"appointment_id": p.chris_next_appointment.pk}
