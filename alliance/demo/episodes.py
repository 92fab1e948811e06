"""The demo's care episodes and their back-dated history: the episode plans
(``plan_the_episodes``), then the episodes, their appointments (attended, missed and booked) and
their phase history, each written in one bulk insert.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.demo import notes
from alliance.demo.build import DemoBuild
from alliance.demo.episode_planning import (
    ADMIN,
    PHASE_ORDER,
    EpisodePlan,
    past_outcomes,
    plan_episodes,
    transition_sessions,
)
from alliance.practice.models import CareEpisode, EndReason, Phase, PhaseChange

SESSION_LENGTH = timedelta(minutes=50)


def plan_the_episodes(build: DemoBuild) -> None:
    build.plans = plan_episodes(build.rng, build.today)


# What the therapist wrote for the client at the end, by how the episode ended (synthetic).
ENDING_SUMMARIES = {
    EndReason.COMPLETED: (
        "We met to work on the worry that kept you awake, and you found ways to put it down "
        "in the evening. Keep the wind-down routine and the worry list; you know where we are "
        "if you want a check-in."
    ),
    EndReason.REFERRED: (
        "You and I agreed that a specialist service fits what you need now better than weekly "
        "sessions here. The referral letter has gone; you can come back to us at any time."
    ),
    EndReason.CLIENT_CHOSE_TO_STOP: (
        "You decided to stop for now, and that is your choice to make. Thank you for the work "
        "we did together; the door stays open."
    ),
}


def create_episodes(build: DemoBuild) -> None:
    # Setup data with a back-dated history: assign_client and change_phase stamp "now" and write
    # one audit row each, so the episodes go in in bulk and the load gets one audit row.
    episodes = [
        CareEpisode(
            practice=build.practice,
            client=build.users[plan.username].client_record,
            therapist=build.therapists[plan.therapist],
            phase=plan.shape.phase,
            modality=plan.modality,
            style=plan.style,
            status=plan.shape.status,
            end_reason=plan.shape.end_reason or "",
            started_on=plan.started_on,
            ended_on=plan.ended_on,
            ending_summary=ENDING_SUMMARIES.get(plan.shape.end_reason, "")
            if plan.shape.end_reason
            else "",
        )
        for plan in build.plans
    ]
    build.episodes = CareEpisode.objects.bulk_create(episodes)


def create_appointments(build: DemoBuild) -> None:
    # Hundreds of rows of setup data: one bulk insert instead of a schedule_appointment and a
    # record_attendance call (two audit rows) per appointment. The load's audit row covers them.
    rows: list[Appointment] = []
    for plan, episode in zip(build.plans, build.episodes, strict=True):
        mine = _appointments_for(build, plan, episode)
        build.attended.append([a for a in mine if a.status == AppointmentStatus.ATTENDED])
        rows += mine
    build.appointments = len(Appointment.objects.bulk_create(rows))


def create_phase_history(build: DemoBuild) -> None:
    # Back-dated history, written in bulk for the same reason as the appointments.
    rows: list[PhaseChange] = []
    for plan, episode in zip(build.plans, build.episodes, strict=True):
        rows += _phase_history_for(build, plan, episode)
    build.phase_changes = len(PhaseChange.objects.bulk_create(rows))


def _appointments_for(
    build: DemoBuild, plan: EpisodePlan, episode: CareEpisode
) -> list[Appointment]:
    outcomes = past_outcomes(build.rng, plan.shape.attendance, len(plan.past_days))
    past = [
        _appointment(episode, build.session_start(day, plan.hour), status, minutes_late)
        for day, (status, minutes_late) in zip(plan.past_days, outcomes, strict=True)
    ]
    booked = [
        _appointment(episode, build.session_start(day, plan.hour), AppointmentStatus.SCHEDULED)
        for day in plan.future_days
    ]
    return past + booked


def _appointment(
    episode: CareEpisode,
    start: datetime,
    status: AppointmentStatus,
    minutes_late: int | None = None,
) -> Appointment:
    return Appointment(
        practice_id=episode.practice_id,
        episode=episode,
        scheduled_start=start,
        scheduled_end=start + SESSION_LENGTH,
        status=status,
        actual_start=None if minutes_late is None else start + timedelta(minutes=minutes_late),
        created_at=start - timedelta(weeks=1),  # booked a week ahead
    )


def _phase_history_for(
    build: DemoBuild, plan: EpisodePlan, episode: CareEpisode
) -> list[PhaseChange]:
    """The starting row, then one row per move along the phases up to the current one."""
    rng = build.rng
    path = PHASE_ORDER[: PHASE_ORDER.index(plan.shape.phase) + 1]
    rows = [
        PhaseChange(
            episode=episode,
            from_phase="",
            to_phase=Phase.RAPPORT,
            changed_at=build.session_start(plan.started_on, 8) + timedelta(minutes=30),
            changed_by=build.users[ADMIN.username],  # the admin who assigned the client
            note=rng.choice(notes.STARTING),
        )
    ]
    sessions = transition_sessions(rng, len(plan.past_days), len(path) - 1)
    for (previous, phase), session in zip(pairwise(path), sessions, strict=True):
        session_end = build.session_start(plan.past_days[session], plan.hour) + SESSION_LENGTH
        rows.append(
            PhaseChange(
                episode=episode,
                from_phase=previous,
                to_phase=phase,
                changed_at=session_end + timedelta(minutes=rng.randint(5, 40)),
                changed_by=build.users[plan.therapist],
                note=rng.choice(notes.ENTERING[phase]),
            )
        )
    return rows
