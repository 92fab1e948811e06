"""Goals for tests, made through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance.appointments.models import AppointmentStatus
from alliance.appointments.services import record_attendance, schedule_appointment
from alliance.audit.services import Actor
from alliance.goals.models import Goal
from alliance.goals.services import propose_goal, rate_goal
from alliance.practice.models import CareEpisode
from alliance.testing.personas import SETUP, Personas


def as_user(personas: Personas, name: str) -> Actor:
    user = personas.by_name(name)
    assert user is not None
    return Actor(user=user, ip_address="192.0.2.7", path="/test")


def active_goal(personas: Personas, words: str = "Sleep through most nights") -> Goal:
    return propose_goal(
        actor=as_user(personas, "dana"), episode=personas.chris_episode, words=words
    )


def proposed_goal(personas: Personas, words: str = "Speak up at work meetings") -> Goal:
    return propose_goal(
        actor=as_user(personas, "chris"), episode=personas.chris_episode, words=words
    )


def olga_goal(personas: Personas) -> Goal:
    return propose_goal(
        actor=as_user(personas, "olga"), episode=personas.casey_episode, words="Walk daily"
    )


def attend_sessions(episode: CareEpisode, count: int, *, days_ago: int = 1) -> None:
    """``count`` attended sessions, one a day, the last ``days_ago`` days before now."""
    for back in range(count):
        start = (timezone.now() - timedelta(days=days_ago + back)).replace(microsecond=0)
        appointment = schedule_appointment(
            actor=SETUP, episode=episode, start=start, end=start + timedelta(minutes=50)
        )
        record_attendance(actor=SETUP, appointment=appointment, status=AppointmentStatus.ATTENDED)


def with_ratings(personas: Personas, goal: Goal, count: int) -> None:
    for number in range(count):
        rate_goal(actor=as_user(personas, "chris"), goal=goal, score=number % 11)
        rate_goal(actor=as_user(personas, "dana"), goal=goal, score=(number + 2) % 11)
