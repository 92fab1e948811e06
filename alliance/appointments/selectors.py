"""Attendance figures for lists of care episodes, computed in the database in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from alliance.appointments.models import COUNTED_FOR_ATTENDANCE, AppointmentStatus
from alliance.practice.models import CareEpisode, CareEpisodeQuerySet


@dataclass(frozen=True)
class EpisodeAttendance:
    episode: CareEpisode
    sessions_attended: int
    last_attended: datetime | None
    next_appointment: datetime | None
    attendance_rate: float | None  # attended / (attended + late cancellations + no-shows)
    missed_recently: int

    @property
    def attendance_percent(self) -> int | None:
        return None if self.attendance_rate is None else round(self.attendance_rate * 100)


def with_attendance(episodes: CareEpisodeQuerySet, now: datetime) -> CareEpisodeQuerySet:
    attended = Q(appointments__status=AppointmentStatus.ATTENDED)
    return episodes.annotate(
        sessions_attended=Count("appointments", filter=attended),
        sessions_counted=Count(
            "appointments", filter=Q(appointments__status__in=COUNTED_FOR_ATTENDANCE)
        ),
        last_attended=Max("appointments__scheduled_start", filter=attended),
        next_appointment=Min(
            "appointments__scheduled_start",
            filter=Q(
                appointments__status=AppointmentStatus.SCHEDULED,
                appointments__scheduled_start__gte=now,
            ),
        ),
        missed_recently=Count(
            "appointments",
            filter=Q(
                appointments__status__in=[
                    AppointmentStatus.NO_SHOW,
                    AppointmentStatus.LATE_CANCELLED,
                ],
                appointments__scheduled_start__gte=now - timedelta(days=42),
            ),
        ),
    )


def attendance_of_episodes(
    episodes: CareEpisodeQuerySet, now: datetime | None = None
) -> list[EpisodeAttendance]:
    """Each episode with its attendance figures, ordered by client: a fixed number of queries
    for any number of episodes."""
    now = now or timezone.now()
    annotated = with_attendance(episodes.select_related("client", "therapist__user"), now).order_by(
        "client__last_name", "client__first_name", "id"
    )
    rows = []
    for episode in annotated:
        counted = episode.sessions_counted  # type: ignore[attr-defined]
        rows.append(
            EpisodeAttendance(
                episode=episode,
                sessions_attended=episode.sessions_attended,  # type: ignore[attr-defined]
                last_attended=episode.last_attended,  # type: ignore[attr-defined]
                next_appointment=episode.next_appointment,  # type: ignore[attr-defined]
                attendance_rate=(
                    episode.sessions_attended / counted  # type: ignore[attr-defined]
                    if counted
                    else None
                ),
                missed_recently=episode.missed_recently,  # type: ignore[attr-defined]
            )
        )
    return rows
