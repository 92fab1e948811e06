"""Write a simulated practice into the database, so the batch evaluation runs on real rows.

Rows are bulk-created (no receivers fire): the point is to time ``evaluate_practice`` on a
practice of the simulated size, then read back what it raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from alliance.accounts.models import Role, User
from alliance.appointments.models import Appointment
from alliance.measures.definitions import CHECKIN_ID
from alliance.measures.models import MeasureResponse, ResponseSource
from alliance.practice.models import (
    CareEpisode,
    Client,
    EndReason,
    EpisodeStatus,
    Practice,
    TherapistProfile,
)
from simulation.episode import SimEpisode

THERAPISTS = 20
BATCH = 2000


@dataclass(frozen=True)
class StoredPractice:
    practice: Practice
    episode_of: dict[int, int]  # simulated episode number -> CareEpisode pk
    ref_of: dict[int, str]  # MeasureResponse pk -> simulated ref
    therapist_of: dict[int, int] = field(default_factory=dict)  # index -> TherapistProfile pk


@transaction.atomic
def store_practice(sims: list[SimEpisode], slug: str = "simulated") -> StoredPractice:
    practice = Practice.objects.create(name="Simulated practice", slug=slug)
    therapists = _store_therapists(practice, slug, _therapist_count(sims))
    episodes = _store_episodes(practice, sims, therapists)
    episode_of = {sim.number: e.pk for sim, e in zip(sims, episodes, strict=True)}
    appointment_of = _store_appointments(practice, sims, episodes)
    ref_of = _store_responses(sims, episodes, appointment_of)
    if ref_of is None:  # a backend that does not return keys from bulk inserts
        ref_of = _refs_by_lookup(practice, sims, episode_of)
    return StoredPractice(practice, episode_of, ref_of, {n: t.pk for n, t in enumerate(therapists)})


def _store_therapists(practice: Practice, slug: str, count: int) -> list[TherapistProfile]:
    therapists = []
    for n in range(count):
        user = User.objects.create(
            username=f"{slug}-therapist-{n}", role=Role.THERAPIST, practice=practice
        )
        therapists.append(TherapistProfile.objects.create(user=user, practice=practice))
    return therapists


def _store_episodes(
    practice: Practice, sims: list[SimEpisode], therapists: list[TherapistProfile]
) -> list[CareEpisode]:
    clients = Client.objects.bulk_create(
        [
            Client(practice=practice, first_name="Sim", last_name=f"Client {sim.number}")
            for sim in sims
        ],
        batch_size=BATCH,
    )
    return CareEpisode.objects.bulk_create(
        [
            CareEpisode(
                practice=practice,
                client=client,
                therapist=therapists[i % THERAPISTS if sim.therapist is None else sim.therapist],
                status=EpisodeStatus.ENDED,
                end_reason=(
                    EndReason.CLIENT_WITHDREW if sim.truth.dropout else EndReason.COMPLETED
                ),
                started_on=sim.evidence.started_at.date(),
                ended_on=sim.evidence.now.date(),
            )
            for i, (sim, client) in enumerate(zip(sims, clients, strict=True))
        ],
        batch_size=BATCH,
    )


def _store_appointments(
    practice: Practice, sims: list[SimEpisode], episodes: list[CareEpisode]
) -> dict[tuple[int, int | None], int]:
    """(simulated episode number, simulated appointment id) -> Appointment pk."""
    appointments: list[Appointment] = []
    keys: list[tuple[int, int | None]] = []
    for sim, episode in zip(sims, episodes, strict=True):
        for visit in sim.evidence.visits:
            appointments.append(
                Appointment(
                    practice=practice,
                    episode=episode,
                    scheduled_start=visit.start,
                    scheduled_end=visit.start + timedelta(minutes=50),
                    status=visit.status,
                    actual_start=visit.start if visit.status == "attended" else None,
                )
            )
            keys.append((sim.number, visit.appointment_id))
    stored = Appointment.objects.bulk_create(appointments, batch_size=BATCH)
    return {key: a.pk for key, a in zip(keys, stored, strict=True) if key[1]}


def _store_responses(
    sims: list[SimEpisode],
    episodes: list[CareEpisode],
    appointment_of: dict[tuple[int, int | None], int],
) -> dict[int, str] | None:
    """MeasureResponse pk -> simulated ref, or None when the backend gave no keys back."""
    responses: list[MeasureResponse] = []
    refs: list[str] = []
    for sim, episode in zip(sims, episodes, strict=True):
        safety = {s.ref for s in sim.evidence.safety}
        for checkin in sim.evidence.checkins:
            responses.append(
                _response(episode, CHECKIN_ID, checkin.at, checkin.total, checkin.comment)
            )
            responses[-1].appointment_id = appointment_of.get((sim.number, checkin.appointment_id))
            refs.append(checkin.ref)
        for score in sim.evidence.outcomes.get("phq9", []):
            response = _response(episode, "phq9", score.at, score.total, "")
            if score.ref in safety:
                response.safety_items = ["PHQ9_9"]
            responses.append(response)
            refs.append(score.ref)
    created = MeasureResponse.objects.bulk_create(responses, batch_size=BATCH)
    ref_of = {r.pk: ref for r, ref in zip(created, refs, strict=True) if r.pk}
    return ref_of if len(ref_of) == len(created) else None


def _therapist_count(sims: list[SimEpisode]) -> int:
    """Enough therapists for every index a scenario assigned (episodes without one are dealt
    round-robin to the first ``THERAPISTS``), so alerts per therapist can be counted."""
    assigned = [sim.therapist for sim in sims if sim.therapist is not None]
    return max(THERAPISTS, max(assigned, default=-1) + 1)


def _response(
    episode: CareEpisode, instrument_id: str, at: datetime, total: float | None, comment: str
) -> MeasureResponse:
    return MeasureResponse(
        practice_id=episode.practice_id,
        episode=episode,
        client_id=episode.client_id,
        instrument_id=instrument_id,
        instrument_version="sim",
        respondent_role="client",
        source=ResponseSource.PORTAL,
        answers={},
        submitted_at=at,
        total=total,
        comment=comment,
    )


def _refs_by_lookup(
    practice: Practice, sims: list[SimEpisode], episode_of: dict[int, int]
) -> dict[int, str]:
    wanted = {}
    for sim in sims:
        for checkin in sim.evidence.checkins:
            wanted[(episode_of[sim.number], CHECKIN_ID, checkin.at)] = checkin.ref
        for score in sim.evidence.outcomes.get("phq9", []):
            wanted[(episode_of[sim.number], "phq9", score.at)] = score.ref
    return {
        pk: wanted[(episode_id, instrument_id, at)]
        for pk, episode_id, instrument_id, at in MeasureResponse.objects.filter(
            practice=practice
        ).values_list("pk", "episode_id", "instrument_id", "submitted_at")
        if (episode_id, instrument_id, at) in wanted
    }
