"""The demo's people: the staff (three therapists, a supervisor and an admin), one account per
client, and the published password every demo account shares. The steps
``check_usernames_are_free``, ``create_staff``, ``create_clients`` and ``share_demo_password``.
"""

from __future__ import annotations

from datetime import time

from django.contrib.auth.hashers import make_password
from django.db.models.functions import Lower

from alliance.accounts.models import User
from alliance.accounts.services import create_account
from alliance.appointments.selfservice import set_working_hours
from alliance.demo.build import DEMO_ACTOR, DemoBuild, DemoError
from alliance.demo.episode_planning import (
    ADMIN,
    STAFF_USERNAMES,
    SUPERVISED_BY_SAM,
    SUPERVISOR,
    THERAPISTS,
    StaffSpec,
)
from alliance.practice.models import Practice
from alliance.practice.services import create_client, create_therapist

DEMO_PASSWORD = "alliance-demo"  # noqa: S105 - published: the demo is synthetic and local


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
        # Monday to Friday, 9–13 and 14–18: the week view has free slots to book from.
        set_working_hours(
            actor=DEMO_ACTOR,
            therapist=profile,
            stretches=[
                (day, start, end)
                for day in range(5)
                for start, end in ((time(9), time(13)), (time(14), time(18)))
            ],
        )
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


def share_demo_password(build: DemoBuild) -> None:
    # Hash once: the product's hasher (Argon2) is deliberately slow, and every account shares it.
    password_hash = make_password(DEMO_PASSWORD)
    User.objects.filter(practice=build.practice).update(password=password_hash)


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
