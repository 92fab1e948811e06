"""Measures answers what practice and appointments announce: a care episode starts (intake
forms) or ends (its waiting forms are withdrawn), a client revokes consent to measures (their
waiting forms are withdrawn), a session is attended (the forms due after it)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from alliance.appointments.events import session_attended
from alliance.appointments.models import Appointment
from alliance.measures.services import (
    create_forms_after_session,
    create_intake_forms,
    withdraw_client_forms,
    withdraw_open_forms,
)
from alliance.practice.events import consent_revoked, episode_ending, episode_started
from alliance.practice.models import CareEpisode, Client, ConsentKind


@receiver(episode_started, dispatch_uid="measures-intake-forms")
def send_intake_forms(sender: Any, episode: CareEpisode, **kwargs: Any) -> None:
    create_intake_forms(episode=episode)


@receiver(episode_ending, dispatch_uid="measures-withdraw-open-forms")
def withdraw_forms_of_ending_episode(sender: Any, episode: CareEpisode, **kwargs: Any) -> None:
    withdraw_open_forms(episode=episode)


@receiver(consent_revoked, dispatch_uid="measures-withdraw-forms-without-consent")
def withdraw_forms_without_consent(
    sender: Any, client: Client, kind: ConsentKind, **kwargs: Any
) -> None:
    if kind == ConsentKind.MEASUREMENT:
        withdraw_client_forms(client=client)


@receiver(session_attended, dispatch_uid="measures-forms-after-session")
def send_forms_after_session(sender: Any, appointment: Appointment, **kwargs: Any) -> None:
    create_forms_after_session(appointment=appointment)
