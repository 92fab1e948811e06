"""Named people for tests, built through the real services.

Riverside practice:
- dana: therapist; chris is her client (a weekly attender), sam supervises her.
- olga: an outsider therapist in the same practice; casey is her client. sam does not supervise her.
- sam: supervisor of dana.
- alex: practice admin.
Elsewhere practice:
- eve: admin of another practice; erin is a client there, seen by therapist theo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.accounts.services import create_account
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.appointments.services import record_attendance, schedule_appointment
from alliance.audit.services import Actor
from alliance.measures.models import FormRequest
from alliance.practice.models import CareEpisode, Client, Modality, Practice, TherapistProfile
from alliance.practice.services import assign_client, create_client, create_therapist

PASSWORD = "correct-horse-battery"
SETUP = Actor.system("test-setup")


@dataclass
class Personas:
    practice: Practice
    dana: User
    olga: User
    sam: User
    alex: User
    chris: User
    casey: User
    eve: User
    dana_profile: TherapistProfile
    olga_profile: TherapistProfile
    chris_client: Client
    casey_client: Client
    erin_client: Client
    chris_episode: CareEpisode
    casey_episode: CareEpisode
    chris_past_appointment: Appointment
    chris_next_appointment: Appointment
    # Due after chris's latest attended session: his check-in and dana's self-rating.
    chris_checkin: FormRequest
    dana_self_rating: FormRequest

    def by_name(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def _therapist(practice: Practice, username: str, first: str, last: str) -> TherapistProfile:
    return create_therapist(
        actor=SETUP,
        practice=practice,
        username=username,
        first_name=first,
        last_name=last,
        password=PASSWORD,
        modalities=[Modality.CBT],
        validate_password=False,
    )


def _client(practice: Practice, username: str, first: str, last: str) -> Client:
    return create_client(
        actor=SETUP,
        practice=practice,
        first_name=first,
        last_name=last,
        username=username,
        password=PASSWORD,
        validate_password=False,
    )


def _weekly_appointments(episode: CareEpisode, first: datetime, count: int) -> list[Appointment]:
    return [
        schedule_appointment(
            actor=SETUP,
            episode=episode,
            start=first + timedelta(weeks=week),
            end=first + timedelta(weeks=week, minutes=50),
        )
        for week in range(count)
    ]


def _staff(practice: Practice, role: Role, username: str, first: str, last: str) -> User:
    return create_account(
        actor=SETUP,
        practice=practice,
        role=role,
        username=username,
        first_name=first,
        last_name=last,
        password=PASSWORD,
        validate=False,
    )


def _assign(client: Client, therapist: TherapistProfile, now: datetime) -> CareEpisode:
    """An episode that started four weeks before ``now``."""
    start = (now - timedelta(weeks=4)).date()
    return assign_client(actor=SETUP, client=client, therapist=therapist, started_on=start)


def build_personas(now: datetime | None = None) -> Personas:
    now = now or timezone.now()
    practice = Practice.objects.create(name="Riverside Therapy", slug="riverside")
    elsewhere = Practice.objects.create(name="Elsewhere Counselling", slug="elsewhere")
    dana_profile = _therapist(practice, "dana", "Dana", "Reyes")
    olga_profile = _therapist(practice, "olga", "Olga", "Berg")
    sam = _staff(practice, Role.SUPERVISOR, "sam", "Sam", "Okafor")
    dana_profile.supervisors.add(sam)
    alex = _staff(practice, Role.ADMIN, "alex", "Alex", "Lindqvist")
    eve = _staff(elsewhere, Role.ADMIN, "eve", "Eve", "Marsh")
    chris_client = _client(practice, "chris", "Chris", "Moreau")
    casey_client = _client(practice, "casey", "Casey", "Nakamura")
    erin_client = _client(elsewhere, "erin", "Erin", "Walsh")
    theo_profile = _therapist(elsewhere, "theo", "Theo", "Grant")

    chris_episode = _assign(chris_client, dana_profile, now)
    casey_episode = _assign(casey_client, olga_profile, now)
    erin_episode = _assign(erin_client, theo_profile, now)
    first = (now - timedelta(weeks=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    chris_appointments = _weekly_appointments(chris_episode, first, 5)
    for appointment in chris_appointments[:3]:
        record_attendance(actor=SETUP, appointment=appointment, status=AppointmentStatus.ATTENDED)
    for episode in (casey_episode, erin_episode):
        _weekly_appointments(episode, first, 2)

    latest = chris_appointments[2].form_requests.all()
    return Personas(
        practice=practice,
        dana=dana_profile.user,
        olga=olga_profile.user,
        sam=sam,
        alex=alex,
        chris=chris_client.user,  # type: ignore[arg-type]
        casey=casey_client.user,  # type: ignore[arg-type]
        eve=eve,
        dana_profile=dana_profile,
        olga_profile=olga_profile,
        chris_client=chris_client,
        casey_client=casey_client,
        erin_client=erin_client,
        chris_episode=chris_episode,
        casey_episode=casey_episode,
        chris_past_appointment=chris_appointments[2],
        chris_next_appointment=chris_appointments[4],
        chris_checkin=latest.get(instrument_id="alliance-checkin"),
        dana_self_rating=latest.get(instrument_id="alliance-self-rating"),
    )
