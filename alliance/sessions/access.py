"""The only ways to fetch a session, its private notes and its shared summary for a person.

- The session page is for the episode's therapist (may change) and their supervisor (read-only).
  A client never opens it: they prepare and read the shared summary on their own pages.
- A private note is for the episode's therapist only: supervisors and clients get 404.
Anything a person may not see raises ``Http404``, like every other chokepoint.
"""

from __future__ import annotations

from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.appointments.models import Appointment
from alliance.practice.access import episodes_for_user
from alliance.sessions.models import PrivateNote, SessionRecord

CLINICIANS = (Role.THERAPIST, Role.SUPERVISOR)


def get_session_for_user(
    user: User, appointment_id: int, *, for_change: bool = False
) -> Appointment:
    if user.role not in CLINICIANS:
        raise Http404("No such session.")
    appointment = (
        Appointment.objects.select_related(
            "episode__client", "episode__therapist__user", "preparation", "session_record"
        )
        .filter(pk=appointment_id, episode__in=episodes_for_user(user, for_change=for_change))
        .first()
    )
    if appointment is None:
        raise Http404("No such session.")
    return appointment


def get_private_note_for_user(user: User, note_id: int) -> PrivateNote:
    """A note, for the therapist of its episode only (``for_change`` keeps supervisors out)."""
    if user.role != Role.THERAPIST:
        raise Http404("No such note.")
    note = (
        PrivateNote.objects.select_related("appointment__episode__client")
        .filter(
            pk=note_id,
            appointment__episode__in=episodes_for_user(user, for_change=True),
        )
        .first()
    )
    if note is None:
        raise Http404("No such note.")
    return note


def get_own_appointment_for_client(user: User, appointment_id: int) -> Appointment:
    if user.role != Role.CLIENT:
        raise Http404("No such appointment.")
    appointment = (
        Appointment.objects.select_related("episode__therapist__user", "preparation")
        .filter(pk=appointment_id, episode__in=episodes_for_user(user))
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment.")
    return appointment


def get_shared_record_for_client(user: User, appointment_id: int) -> SessionRecord:
    """The summary of one of the client's own sessions, once the therapist has shared it."""
    if user.role != Role.CLIENT:
        raise Http404("No such summary.")
    session_record = (
        SessionRecord.objects.select_related("appointment__episode__therapist__user")
        .filter(
            appointment_id=appointment_id,
            appointment__episode__in=episodes_for_user(user),
            summary_shared_at__isnull=False,
        )
        .first()
    )
    if session_record is None:
        raise Http404("No such summary.")
    return session_record
