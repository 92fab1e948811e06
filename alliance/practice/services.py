"""Writes to the practice: therapists, clients, assignments and the phase of a care episode."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from alliance.accounts.invitations import invite
from alliance.accounts.models import Role, User
from alliance.accounts.services import create_account
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.practice.consents import give_consents
from alliance.practice.events import episode_ending, episode_started
from alliance.practice.models import (
    CHOSEN_END_REASONS,
    CareEpisode,
    Client,
    ConsentKind,
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
    consents: Iterable[ConsentKind] = tuple(ConsentKind),
) -> Client:
    """A client record for setup code (tests, the demo): with an account if a
    username is given, and the consents recorded as given (every kind unless said otherwise).
    Staff add clients through ``add_client`` (intake: consents as the client chose, and an
    invitation instead of a password)."""
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
    give_consents(actor=actor, client=client, kinds=consents)
    return client


@dataclass(frozen=True)
class ClientDetails:
    """Who the client is and how to reach them: what intake asks and staff may correct."""

    first_name: str
    last_name: str
    email: str
    preferred_name: str = ""
    pronouns: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    preferred_language: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    emergency_contact_relation: str = ""
    emergency_contact_notes: str = ""  # encrypted: never in an audit row

    @classmethod
    def of(cls, client: Client) -> ClientDetails:
        return cls(**{f.name: getattr(client, f.name) for f in fields(cls)})

    @classmethod
    def from_data(cls, data: dict[str, object]) -> ClientDetails:
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})  # type: ignore[arg-type]


# Details whose values never go into an audit row (only that they changed).
PRIVATE_DETAILS = frozenset({"emergency_contact_notes"})


def _changes(before: ClientDetails, after: ClientDetails) -> dict[str, object]:
    old, new = asdict(before), asdict(after)
    return {
        name: (
            {"changed": True} if name in PRIVATE_DETAILS else {"from": old[name], "to": new[name]}
        )
        for name in old
        if old[name] != new[name]
    }


def _jsonable(changes: dict[str, object]) -> dict[str, object]:
    return {
        name: {k: (v.isoformat() if isinstance(v, date) else v) for k, v in change.items()}  # type: ignore[attr-defined]
        for name, change in changes.items()
    }


@transaction.atomic
def add_client(
    *,
    actor: Actor,
    therapist: TherapistProfile,
    details: ClientDetails,
    consents: Iterable[ConsentKind],
) -> tuple[Client, CareEpisode]:
    """Intake: the client record with its details and consents, a care episode with
    ``therapist``, and an account invited by email to set its own password (the email
    address is the username). Consents come first: the forms sent when the episode starts
    respect them."""
    practice = therapist.practice
    email = details.email.strip().lower()
    if not email:
        raise DomainError("An email address is needed to invite the client.", field="email")
    if User.objects.filter(username__iexact=email).exists():
        raise DomainError("There is already an account with that email address.", field="email")
    user = create_account(
        actor=actor,
        practice=practice,
        role=Role.CLIENT,
        username=email,
        first_name=details.first_name,
        last_name=details.last_name,
        email=email,
    )
    values = asdict(details) | {"email": email}
    client = Client.objects.create(practice=practice, user=user, **values)
    record(
        actor=actor, action=AuditAction.CREATE, target="client record", obj=client, client=client
    )
    give_consents(actor=actor, client=client, kinds=consents)
    episode = assign_client(actor=actor, client=client, therapist=therapist)
    invite(actor=actor, user=user, client_id=client.pk)
    return client, episode


@transaction.atomic
def update_client_details(*, actor: Actor, client: Client, details: ClientDetails) -> list[str]:
    """Correct the client's details; audited field by field (the encrypted notes only as
    changed). The account's name and email follow. Returns the names of the changed fields."""
    client = Client.objects.select_for_update(of=("self",)).select_related("user").get(pk=client.pk)
    before = ClientDetails.of(client)
    after = ClientDetails(**(asdict(details) | {"email": details.email.strip().lower()}))
    changes = _changes(before, after)
    if not changes:
        return []
    for name in changes:
        setattr(client, name, getattr(after, name))
    client.save(update_fields=list(changes))
    _follow_on_account(client)
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="client details",
        obj=client,
        client=client,
        detail=_jsonable(changes),
    )
    return list(changes)


def _follow_on_account(client: Client) -> None:
    user = client.user
    if user is None:
        return
    user.first_name, user.last_name, user.email = client.first_name, client.last_name, client.email
    user.save(update_fields=["first_name", "last_name", "email"])


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
    *,
    actor: Actor,
    episode: CareEpisode,
    reason: EndReason,
    ended_on: date | None = None,
    summary: str = "",
) -> None:
    """End the episode with a recorded reason and, for the client, a summary shown in the
    portal (encrypted; audited only as written or not)."""
    stored = CareEpisode.objects.select_for_update().filter(pk=episode.pk).values("status")
    if not episode.is_open or stored.get()["status"] == EpisodeStatus.ENDED:
        raise DomainError("This care episode has already ended.")
    # Apps that build on practice may refuse (signals: an unacknowledged crisis flag).
    episode_ending.send(sender=CareEpisode, episode=episode, reason=reason)
    episode.status = EpisodeStatus.ENDED
    episode.end_reason = reason
    episode.ended_on = ended_on or timezone.localdate()
    episode.ending_summary = summary.strip()
    episode.save(update_fields=["status", "end_reason", "ended_on", "ending_summary"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="episode ended",
        obj=episode,
        client=episode.client,
        # Whether a summary was written, never its words.
        detail={"reason": str(reason)} | ({"summary_written": True} if summary.strip() else {}),
    )


def end_episode_by_therapist(
    *, actor: Actor, episode: CareEpisode, reason: EndReason, summary: str
) -> None:
    """What the therapist's ending form does: one of the five reasons she may choose."""
    if reason not in CHOSEN_END_REASONS:
        raise DomainError("Choose how the episode ended.", field="reason")
    end_episode(actor=actor, episode=episode, reason=reason, summary=summary)


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
