"""The demo practice: three therapists, about forty clients and months of history, from one seed.

``load_demo_practice`` runs ``DEMO_STEPS`` in order inside one transaction: first the plans
(pure data drawn from one ``random.Random(seed)``, see ``planning``), then the rows. A later
feature (check-ins, goals, agreements) adds a step to ``DEMO_STEPS`` and the query for its rows
to ``DEMO_ROWS_IN_DELETE_ORDER``, so that ``reset_demo_practice`` removes them again.

The same seed and the same ``today`` give the same practice, row for row (database ids and
creation stamps aside). Every name is synthetic.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models.functions import Lower

from alliance.accounts.models import User
from alliance.accounts.services import create_account
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.audit.models import AuditAction, AuditEvent
from alliance.audit.services import Actor, record
from alliance.demo import notes
from alliance.demo.planning import (
    ADMIN,
    PHASE_ORDER,
    STAFF_USERNAMES,
    SUPERVISED_BY_SAM,
    SUPERVISOR,
    THERAPISTS,
    EpisodePlan,
    StaffSpec,
    past_outcomes,
    plan_episodes,
    transition_sessions,
)
from alliance.practice.models import (
    CareEpisode,
    Client,
    EpisodeStatus,
    Phase,
    PhaseChange,
    Practice,
    TherapistProfile,
)
from alliance.practice.services import create_client, create_therapist

DEMO_SLUG = "demo"
DEMO_PRACTICE_NAME = "Harbour Lane Therapy (demo)"
DEMO_PASSWORD = "alliance-demo"  # noqa: S105 - published: the demo is synthetic and local
DEMO_ACTOR = Actor.system("demo")
SESSION_LENGTH = timedelta(minutes=50)


class DemoError(Exception):
    """The demo cannot be loaded as asked: it is already loaded, or a username it needs is taken."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str


@dataclass(frozen=True)
class DemoSummary:
    practice_name: str
    seed: int
    today: date
    therapists: int
    clients: int
    episodes_by_status: dict[str, int]
    appointments: int
    phase_changes: int
    accounts: tuple[DemoAccount, ...]
    highlights: tuple[str, ...]
    example_client_usernames: tuple[str, ...]


@dataclass
class DemoBuild:
    """What the steps share while the demo is written."""

    rng: random.Random
    today: date
    practice: Practice
    plans: list[EpisodePlan] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    therapists: dict[str, TherapistProfile] = field(default_factory=dict)
    episodes: list[CareEpisode] = field(default_factory=list)  # in the order of ``plans``
    appointments: int = 0
    phase_changes: int = 0

    def session_start(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


# --- Loading -------------------------------------------------------------------------------


def demo_practice_exists() -> bool:
    return Practice.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def load_demo_practice(*, seed: int, today: date) -> DemoSummary:
    if demo_practice_exists():
        raise DemoError("The demo practice is already loaded.")
    practice = Practice.objects.create(name=DEMO_PRACTICE_NAME, slug=DEMO_SLUG)
    build = DemoBuild(rng=random.Random(seed), today=today, practice=practice)
    for step in DEMO_STEPS:
        step(build)
    return _summarise(build, seed)


def plan_the_episodes(build: DemoBuild) -> None:
    build.plans = plan_episodes(build.rng, build.today)


def check_usernames_are_free(build: DemoBuild) -> None:
    wanted = [*STAFF_USERNAMES, *(plan.username for plan in build.plans)]
    taken = sorted(
        User.objects.annotate(lowered=Lower("username"))
        .filter(lowered__in=[username.lower() for username in wanted])
        .values_list("username", flat=True)
    )
    if taken:
        raise DemoError(
            "These usernames are already taken by accounts outside the demo, and the demo needs "
            f"them: {', '.join(taken)}. Load the demo into an empty database instead."
        )


def create_staff(build: DemoBuild) -> None:
    for spec in THERAPISTS:
        profile = create_therapist(
            actor=DEMO_ACTOR,
            practice=build.practice,
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.org",
            modalities=list(spec.modalities),
            styles=list(spec.styles),
            languages=list(spec.languages),
            bio=spec.bio,
        )
        build.therapists[spec.username] = profile
        build.users[spec.username] = profile.user
    for staff in (SUPERVISOR, ADMIN):
        build.users[staff.username] = _create_staff_account(build.practice, staff)
    for username in SUPERVISED_BY_SAM:
        build.therapists[username].supervisors.add(build.users[SUPERVISOR.username])


def create_clients(build: DemoBuild) -> None:
    for plan in build.plans:
        client = create_client(
            actor=DEMO_ACTOR,
            practice=build.practice,
            first_name=plan.first_name,
            last_name=plan.last_name,
            email=f"{plan.username}@example.org",
            username=plan.username,
        )
        assert client.user is not None
        build.users[plan.username] = client.user


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
        )
        for plan in build.plans
    ]
    build.episodes = CareEpisode.objects.bulk_create(episodes)


def create_appointments(build: DemoBuild) -> None:
    # Hundreds of rows of setup data: one bulk insert instead of a schedule_appointment and a
    # record_attendance call (two audit rows) per appointment. The load's audit row covers them.
    rows: list[Appointment] = []
    for plan, episode in zip(build.plans, build.episodes, strict=True):
        rows += _appointments_for(build, plan, episode)
    build.appointments = len(Appointment.objects.bulk_create(rows))


def create_phase_history(build: DemoBuild) -> None:
    # Back-dated history, written in bulk for the same reason as the appointments.
    rows: list[PhaseChange] = []
    for plan, episode in zip(build.plans, build.episodes, strict=True):
        rows += _phase_history_for(build, plan, episode)
    build.phase_changes = len(PhaseChange.objects.bulk_create(rows))


def share_demo_password(build: DemoBuild) -> None:
    # Hash once: the product's hasher (Argon2) is deliberately slow, and every account shares it.
    password_hash = make_password(DEMO_PASSWORD)
    User.objects.filter(practice=build.practice).update(password=password_hash)


def record_demo_loaded(build: DemoBuild) -> None:
    record(
        actor=DEMO_ACTOR,
        action=AuditAction.CREATE,
        target="demo practice",
        obj=build.practice,
        detail={
            "today": build.today.isoformat(),
            "clients": len(build.plans),
            "appointments": build.appointments,
            "phase_changes": build.phase_changes,
        },
    )


DemoStep = Callable[[DemoBuild], None]
# The demo, in the order it is written. A feature that adds data to the demo adds a step here.
DEMO_STEPS: tuple[DemoStep, ...] = (
    plan_the_episodes,
    check_usernames_are_free,
    create_staff,
    create_clients,
    create_episodes,
    create_appointments,
    create_phase_history,
    share_demo_password,
    record_demo_loaded,
)


# --- Rows -----------------------------------------------------------------------------------


def _create_staff_account(practice: Practice, spec: StaffSpec) -> User:
    return create_account(
        actor=DEMO_ACTOR,
        practice=practice,
        role=spec.role,
        username=spec.username,
        first_name=spec.first_name,
        last_name=spec.last_name,
        email=f"{spec.username}@example.org",
        password=None,  # replaced by the shared demo password hash
        validate=False,
    )


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


def _summarise(build: DemoBuild, seed: int) -> DemoSummary:
    statuses = Counter(plan.shape.status for plan in build.plans)
    steady, drifting, ended = build.plans[:3]
    return DemoSummary(
        practice_name=build.practice.name,
        seed=seed,
        today=build.today,
        therapists=len(build.therapists),
        clients=len(build.plans),
        episodes_by_status={status.value: statuses[status] for status in EpisodeStatus},
        appointments=build.appointments,
        phase_changes=build.phase_changes,
        accounts=DEMO_ACCOUNTS,
        highlights=(
            f"{steady.full_name} ({steady.username}): a steady attender",
            f"{drifting.full_name} ({drifting.username}): drifting away, recent late "
            "cancellations and no-shows, nothing booked",
            f"{ended.full_name} ({ended.username}): an episode that ended as planned",
        ),
        example_client_usernames=tuple(plan.username for plan in build.plans[3:6]),
    )


DEMO_ACCOUNTS = (
    DemoAccount("dana", "therapist; chris is her client, sam supervises her"),
    DemoAccount("miguel", "therapist, supervised by sam"),
    DemoAccount("priya", "therapist"),
    DemoAccount("chris", "client of dana, a steady attender"),
    DemoAccount("sam", f"supervisor of {' and '.join(SUPERVISED_BY_SAM)}"),
    DemoAccount("alex", "practice admin"),
)


# --- Resetting ------------------------------------------------------------------------------


def _delete_demo_audit_rows(practice: Practice) -> int:
    """Delete the demo practice's audit rows; returns how many went.

    The audit trail is append-only: ``AuditEventQuerySet.delete`` raises, on purpose. Resetting a
    synthetic demo practice is the one sanctioned exception: its rows describe made-up people
    and must go before the clients and accounts they point at (``on_delete=PROTECT``). Besides
    the rows of the practice and of its clients and accounts, this removes the rows the system
    actor wrote about the demo's accounts and the practice itself (they carry no practice id).
    """
    audit, users, clients = (model._meta.db_table for model in (AuditEvent, User, Client))
    user_ids = [
        str(pk) for pk in User.objects.filter(practice=practice).values_list("pk", flat=True)
    ]
    user_id_params = ", ".join(["%s"] * len(user_ids)) or "NULL"
    sql = (
        f"DELETE FROM {audit} WHERE practice_id = %s"  # noqa: S608 - table names, not input
        f" OR client_id IN (SELECT id FROM {clients} WHERE practice_id = %s)"
        f" OR actor_id IN (SELECT id FROM {users} WHERE practice_id = %s)"
        " OR (practice_id IS NULL AND path = %s AND ("
        f"(object_type = %s AND object_id IN ({user_id_params}))"
        " OR (object_type = %s AND object_id = %s)))"
    )
    params: list[int | str] = [practice.pk, practice.pk, practice.pk, DEMO_ACTOR.path]
    params += [User._meta.label_lower, *user_ids, Practice._meta.label_lower, str(practice.pk)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


# Rows go before what they point at: foreign keys protect their targets. A feature that adds data
# to the demo adds the query for it here, before the rows it refers to.
DEMO_ROWS_IN_DELETE_ORDER: tuple[Callable[[Practice], models.QuerySet[Any]], ...] = (
    lambda practice: Appointment.objects.filter(practice=practice),
    lambda practice: PhaseChange.objects.filter(episode__practice=practice),
    lambda practice: CareEpisode.objects.filter(practice=practice),
    lambda practice: Client.objects.filter(practice=practice),
    lambda practice: TherapistProfile.supervisors.through.objects.filter(
        therapistprofile__practice=practice
    ),
    lambda practice: TherapistProfile.objects.filter(practice=practice),
    lambda practice: User.objects.filter(practice=practice),
    lambda practice: Practice.objects.filter(pk=practice.pk),
)


@transaction.atomic
def reset_demo_practice() -> bool:
    """Delete the demo practice and everything in it; False if there was none."""
    practice = Practice.objects.filter(slug=DEMO_SLUG).first()
    if practice is None:
        return False
    deleted_audit_rows = _delete_demo_audit_rows(practice)
    for rows in DEMO_ROWS_IN_DELETE_ORDER:
        rows(practice).delete()
    # The deletion itself leaves a trace in the append-only trail.
    record(
        actor=DEMO_ACTOR,
        action=AuditAction.CHANGE,
        target="demo practice reset",
        detail={"audit_rows_deleted": deleted_audit_rows},
    )
    return True
