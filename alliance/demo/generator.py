"""The demo practice: three therapists, about forty clients and months of history, from one seed.

``load_demo_practice`` runs ``DEMO_STEPS`` in order inside one transaction: first the plans (pure
data drawn from one ``random.Random(seed)``, see ``episode_planning``), then the rows: people
(``staff_and_clients``), episodes, appointments, phase history (``episodes``), then the measures,
planned (``measure_planning``) and written (``measure_forms``: intake outcome measures, and the
check-ins, self-ratings, reviews and outcome measures due after each attended session), then the
agreements, goals, session records and calendar feed (``agreements_goals_and_records``), and last
the signals engine's flags over all of it, with what the therapists did about some of them
(``signals``), then one analysed session transcript (``conversation``). The steps share a
``DemoBuild`` (``build``); what the load reports is a ``DemoSummary`` (``summary``). A later
feature that adds data adds a step to ``DEMO_STEPS`` and the query for its rows to
``reset.DEMO_ROWS_IN_DELETE_ORDER``, so that ``reset_demo_practice`` removes them again.

The same seed and the same ``today`` give the same practice, row for row (database ids and
creation stamps aside). Every name is synthetic.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from django.db import transaction

from alliance.audit.models import AuditAction
from alliance.audit.services import record
from alliance.demo.agreements_goals_and_records import (
    create_agreements,
    create_calendar_feed,
    create_goals,
    create_session_records,
)
from alliance.demo.build import DEMO_ACTOR, DEMO_PRACTICE_NAME, DEMO_SLUG, DemoBuild, DemoError
from alliance.demo.conversation import create_transcript
from alliance.demo.episodes import (
    create_appointments,
    create_episodes,
    create_phase_history,
    plan_the_episodes,
)
from alliance.demo.measure_forms import create_measure_schedule, create_measures, plan_the_measures
from alliance.demo.signals import create_signals
from alliance.demo.staff_and_clients import (
    check_usernames_are_free,
    create_clients,
    create_staff,
    share_demo_password,
)
from alliance.demo.summary import DemoSummary, summarise
from alliance.practice.models import Practice


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
    return summarise(build, seed)


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
            "measure_responses": build.responses.total(),
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
    plan_the_measures,
    create_measure_schedule,
    create_measures,
    create_agreements,
    create_goals,
    create_session_records,
    create_calendar_feed,
    create_signals,
    create_transcript,
    share_demo_password,
    record_demo_loaded,
)
