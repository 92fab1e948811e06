"""What a client does with her own sessions in the portal (cancel one, ask to move one) and what
the therapist answers (accept or decline the move), plus the therapist's working hours.

Cancelling goes through ``services.cancel(by="client")``, so the agreement's late-cancellation
window applies exactly as when the therapist records a client's cancellation; the client is shown
``cancellation_preview`` (the same rule, ``is_late_cancellation``) before she confirms.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.agreements.terms import terms_for
from alliance.appointments.models import (
    Appointment,
    AppointmentStatus,
    MoveRequest,
    MoveRequestStatus,
    WorkingHours,
)
from alliance.appointments.services import (
    _busy_times,
    _require_future_scheduled,
    is_late_cancellation,
    require_within_reach,
    reschedule,
)
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.practice.models import CareEpisode, TherapistProfile


@dataclass(frozen=True)
class CancelPreview:
    late: bool  # cancelling now counts as a late cancellation
    window_hours: int  # the agreement's late-cancellation window
    late_so_far: int  # late cancellations already counted in this episode


def late_cancellations(episode: CareEpisode) -> int:
    return Appointment.objects.filter(
        episode=episode, status=AppointmentStatus.LATE_CANCELLED
    ).count()


def cancellation_preview(appointment: Appointment, *, now: datetime | None = None) -> CancelPreview:
    """What cancelling this session now would mean, told to the client before she confirms."""
    now = now or timezone.now()
    return CancelPreview(
        late=is_late_cancellation(appointment, now=now, by="client"),
        window_hours=terms_for(appointment.episode).late_cancellation_hours,
        late_so_far=late_cancellations(appointment.episode),
    )


def request_move(
    *,
    actor: Actor,
    appointment: Appointment,
    proposed_start: datetime,
    now: datetime | None = None,
) -> MoveRequest:
    """The client asks to move a future session; the therapist decides. One request waits per
    session at a time."""
    now = now or timezone.now()
    _require_future_scheduled(appointment, now, "moved")
    if proposed_start <= now:
        raise DomainError("The new time must be in the future.", field="proposed_start")
    require_within_reach(proposed_start, now, "proposed_start")
    length = appointment.scheduled_end - appointment.scheduled_start
    therapist_id = appointment.episode.therapist_id
    if _busy_times(therapist_id, proposed_start, proposed_start + length, exclude=appointment.pk):
        raise DomainError("Your therapist is not free then; please choose another time.")
    try:
        with transaction.atomic():
            move = MoveRequest.objects.create(
                practice_id=appointment.practice_id,
                appointment=appointment,
                proposed_start=proposed_start,
                created_at=now,
            )
            record(
                actor=actor,
                action=AuditAction.CREATE,
                target="move request",
                obj=move,
                client=appointment.episode.client,
                detail={"to": proposed_start.isoformat()},
            )
    except IntegrityError:
        raise DomainError(
            "You have already asked to move this session; your therapist will answer soon."
        ) from None
    return move


def _decide(move: MoveRequest, status: MoveRequestStatus, now: datetime) -> None:
    if move.status != MoveRequestStatus.PENDING:
        label = MoveRequestStatus(move.status).label.lower()
        raise DomainError(f"This request was already answered ({label}).")
    move.status = status
    move.decided_at = now
    move.save(update_fields=["status", "decided_at"])


@transaction.atomic
def accept_move(*, actor: Actor, move: MoveRequest, now: datetime | None = None) -> Appointment:
    """The session moves to the proposed time (refused if that time is taken meanwhile)."""
    now = now or timezone.now()
    _decide(move, MoveRequestStatus.ACCEPTED, now)
    return reschedule(
        actor=actor, appointment=move.appointment, new_start=move.proposed_start, now=now
    )


@transaction.atomic
def decline_move(*, actor: Actor, move: MoveRequest, now: datetime | None = None) -> MoveRequest:
    now = now or timezone.now()
    _decide(move, MoveRequestStatus.DECLINED, now)
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="move request declined",
        obj=move,
        client=move.appointment.episode.client,
    )
    return move


Stretch = tuple[int, time, time]  # weekday (0 = Monday), start, end


@transaction.atomic
def set_working_hours(
    *, actor: Actor, therapist: TherapistProfile, stretches: list[Stretch]
) -> list[WorkingHours]:
    """Replace the therapist's working week. Stretches of one day may not overlap."""
    ordered = sorted(stretches)
    for weekday, start, end in ordered:
        if not 0 <= weekday <= 6:
            raise DomainError("A working day is Monday to Sunday.", field="weekday")
        if end <= start:
            raise DomainError("Working hours must end after they start.", field="end")
    for (day_a, _, end_a), (day_b, start_b, _) in itertools.pairwise(ordered):
        if day_a == day_b and start_b < end_a:
            raise DomainError("Two stretches of working hours overlap on one day.")
    WorkingHours.objects.filter(therapist=therapist).delete()
    created = WorkingHours.objects.bulk_create(
        WorkingHours(therapist=therapist, weekday=weekday, start=start, end=end)
        for weekday, start, end in ordered
    )
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="working hours",
        obj=therapist,
        detail={"stretches": len(created)},
    )
    return created
