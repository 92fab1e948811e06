"""Writes to the practice: therapists, clients, assignments and the phase of a care episode."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.accounts.services import create_account
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.practice.events import episode_ending, episode_started
from alliance.practice.models import (
    CareEpisode,
    Client,
    EndReason,
    EpisodeStatus,
    Modality,
    Phase,
    PhaseChange,
    Practice,
    Style,
    TherapistProfile,
)
from alliance.practice.phases import is_step_back


@transaction.atomic
def create_therapist(
    *,
    actor: Actor,
    practice: Practice,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    password: str | None = None,
    modalities: list[str] | None = None,
    styles: list[str] | None = None,
    languages: list[str] | None = None,
    bio: str = "",
    validate_password: bool = True,
) -> TherapistProfile:
    user = create_account(
        actor=actor,
        practice=practice,
        role=Role.THERAPIST,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        password=password,
        validate=validate_password,
    )
    return TherapistProfile.objects.create(
        user=user,
        practice=practice,
        modalities=list(modalities or []),
        styles=list(styles or []),
        languages=list(languages or []),
        bio=bio,
    )


@transaction.atomic
def create_client(
    *,
    actor: Actor,
    practice: Practice,
    first_name: str,
    last_name: str,
    email: str = "",
    username: str | None = None,
    password: str | None = None,
    validate_password: bool = True,
) -> Client:
    user = None
    if username:
        user = create_account(
            actor=actor,
            practice=practice,
            role=Role.CLIENT,
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            password=password,
            validate=validate_password,
        )
    client = Client.objects.create(
        practice=practice, user=user, first_name=first_name, last_name=last_name, email=email
    )
    record(
        actor=actor, action=AuditAction.CREATE, target="client record", obj=client, client=client
    )
    return client


@transaction.atomic
def assign_client(
    *,
    actor: Actor,
    client: Client,
    therapist: TherapistProfile,
    modality: str = Modality.OTHER,
    style: str = Style.COLLABORATIVE,
    started_on: date | None = None,
) -> CareEpisode:
    """Start a care episode between ``client`` and ``therapist``.

    A client sees one therapist at a time here: an open episode with someone else is ended as a
    transfer, so its history stays with the therapist who held it.
    """
    if client.practice_id != therapist.practice_id:
        raise DomainError("The client and the therapist belong to different practices.")
    if not therapist.user.is_active:
        raise DomainError("That therapist's account is deactivated.", field="therapist")
    open_episodes = CareEpisode.objects.select_for_update().filter(client=client).open()
    if any(episode.therapist_id == therapist.pk for episode in open_episodes):
        raise DomainError(f"{client} is already assigned to {therapist}.", field="therapist")
    today = started_on or timezone.localdate()
    for episode in open_episodes:
        end_episode(actor=actor, episode=episode, reason=EndReason.TRANSFERRED, ended_on=today)
    episode = CareEpisode.objects.create(
        practice_id=client.practice_id,
        client=client,
        therapist=therapist,
        modality=modality,
        style=style,
        started_on=today,
    )
    # An episode recorded after the fact starts its phase history on the day it started.
    started_at = timezone.now()
    if today < timezone.localdate():
        started_at = timezone.make_aware(datetime.combine(today, time(9, 0)))
    PhaseChange.objects.create(
        episode=episode,
        from_phase="",
        to_phase=episode.phase,
        changed_by=actor.user,
        changed_at=started_at,
    )
    episode_started.send(sender=CareEpisode, episode=episode)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="care episode",
        obj=episode,
        client=client,
        detail={"therapist": therapist.user.username},
    )
    return episode


@transaction.atomic
def change_phase(
    *,
    actor: Actor,
    episode: CareEpisode,
    to_phase: Phase,
    note: str = "",
    step_back_confirmed: bool = False,
) -> None:
    """Move the episode to ``to_phase``. A step back to an earlier phase must be confirmed and
    say why (the reason stays in the phase history); it is never an accident of a form."""
    if not episode.is_open:
        raise DomainError("This care episode has ended; its phase can no longer change.")
    if episode.phase == to_phase:
        raise DomainError(f"The episode is already in the phase {to_phase.label!r}.", field="phase")
    step_back = is_step_back(episode.phase, to_phase)
    if step_back and not step_back_confirmed:
        raise DomainError(
            f"“{to_phase.label}” comes before “{Phase(episode.phase).label}”: confirm the step "
            "back first.",
            field="phase",
        )
    note = note.strip()
    if step_back and not note:
        raise DomainError(
            f"Say why the episode steps back to “{to_phase.label}”: the reason stays in its "
            "phase history.",
            field="note",
        )
    PhaseChange.objects.create(
        episode=episode,
        from_phase=episode.phase,
        to_phase=to_phase,
        changed_by=actor.user,
        note=note,
    )
    previous = episode.phase
    episode.phase = to_phase
    episode.save(update_fields=["phase"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="phase",
        obj=episode,
        client=episode.client,
        detail={
            "from": previous,
            "to": str(to_phase),
            **({"step_back": True} if step_back else {}),
        },
    )


@transaction.atomic
def end_episode(
    *, actor: Actor, episode: CareEpisode, reason: EndReason, ended_on: date | None = None
) -> None:
    if not episode.is_open:
        raise DomainError("This care episode has already ended.")
    # Apps that build on practice may refuse (signals: an unacknowledged crisis flag).
    episode_ending.send(sender=CareEpisode, episode=episode, reason=reason)
    episode.status = EpisodeStatus.ENDED
    episode.end_reason = reason
    episode.ended_on = ended_on or timezone.localdate()
    episode.save(update_fields=["status", "end_reason", "ended_on"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="episode ended",
        obj=episode,
        client=episode.client,
        detail={"reason": str(reason)},
    )


@transaction.atomic
def set_supervisors(
    *, actor: Actor, therapist: TherapistProfile, supervisors: list[User]
) -> TherapistProfile:
    """Who supervises ``therapist``: supervisors of the same practice, replacing the old list."""
    for supervisor in supervisors:
        if supervisor.role != Role.SUPERVISOR or supervisor.practice_id != therapist.practice_id:
            raise DomainError(f"{supervisor.display_name} is not a supervisor in this practice.")
    before = sorted(therapist.supervisors.values_list("username", flat=True))
    therapist.supervisors.set(supervisors)
    after = sorted(supervisor.username for supervisor in supervisors)
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="supervisors",
        obj=therapist,
        detail={"from": before, "to": after},
    )
    return therapist
