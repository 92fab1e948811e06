"""The clinician's client page with a long history against a short one, in one run.

    python bench/client_page_scaling.py              # SQLite (a throwaway database)
    python bench/client_page_scaling.py --postgres   # PostgreSQL at 127.0.0.1:5432 (created, dropped)

Two clients of the same therapist, one with 30 weekly sessions and one with 300, each session
attended, with a check-in, the therapist's self-rating and a written session record, and a PHQ-9
every fourth session. The two pages are loaded alternately, round after round, so that a busy
machine slows both alike. It prints the median time and the query count of each page and the
ratio t(300)/t(30). Done when the ratio is under 2 and the query counts are equal: the page
grows with what it shows (one page of sessions, notes and transcripts; the charts' points), not
with the whole history. The last line is the headline: ``ratio=<t(300)/t(30)>``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
ROUNDS = 15
SHORT, LONG = 30, 300
CHECKIN = {"bond": "8", "goals": "8", "approach": "8", "overall": "8", "change": ""}


def _history(personas: object, sessions: int, last_name: str) -> int:
    """A client of dana with ``sessions`` weekly attended sessions and their forms; its id."""
    from django.utils import timezone

    from alliance.appointments.models import Appointment, AppointmentStatus
    from alliance.audit.services import Actor
    from alliance.practice.services import assign_client, create_client
    from alliance.sessions.models import SessionRecord

    actor = Actor.system("bench")
    practice = personas.practice  # type: ignore[attr-defined]
    client = create_client(actor=actor, practice=practice, first_name="Hal", last_name=last_name)
    start = (timezone.now() - timedelta(weeks=sessions + 1)).replace(microsecond=0)
    episode = assign_client(
        actor=actor,
        client=client,
        therapist=personas.dana_profile,  # type: ignore[attr-defined]
        started_on=start.date(),
    )
    appointments = Appointment.objects.bulk_create(
        Appointment(
            practice=practice,
            episode=episode,
            scheduled_start=start + timedelta(weeks=week),
            scheduled_end=start + timedelta(weeks=week, minutes=50),
            status=AppointmentStatus.ATTENDED,
            actual_start=start + timedelta(weeks=week),
        )
        for week in range(sessions)
    )
    SessionRecord.objects.bulk_create(
        SessionRecord(
            appointment=appointment,
            summary=f"Week {week}: we looked at what helped and what got in the way.",
            next_steps="Try the plan once before next time.",
        )
        for week, appointment in enumerate(appointments)
    )
    _answer_forms(episode, start, sessions)
    return int(client.pk)


def _middle(instrument: Any) -> dict[str, object]:
    return {item.link_id: (item.lowest + item.highest) // 2 for item in instrument.scored_items}


def _answer_forms(episode: Any, start: datetime, sessions: int) -> None:
    """After each session a check-in (steady, so no rupture) and a self-rating; a PHQ-9 every
    fourth session, slowly improving."""
    from alliance.audit.services import Actor
    from alliance.measures.models import ResponseSource
    from alliance.measures.registry import get_instrument
    from alliance.measures.services import submit_response

    actor = Actor.system("bench")
    checkin, self_rating = (
        get_instrument("alliance-checkin"),
        get_instrument("alliance-self-rating"),
    )
    phq9 = get_instrument("phq9")
    for week in range(sessions):
        answers = [
            (checkin, CHECKIN | {"bond": str(7 + week % 3)}),
            (self_rating, _middle(self_rating)),
        ]
        if week % 4 == 0:
            level = max(0, 2 - week // 40)
            answers.append((phq9, {item.link_id: level for item in phq9.scored_items}))
        for instrument, raw in answers:
            submit_response(
                actor=actor,
                instrument=instrument,
                episode=episode,
                raw_answers=raw,
                source=ResponseSource.DEMO,
                submitted_at=start + timedelta(weeks=week, hours=1),
            )


def _timed_get(browser: Any, url: str) -> float:
    started = time.perf_counter()
    response = browser.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def _queries(browser: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        browser.get(url)
    return len(captured)


def child() -> None:
    """Runs inside a configured environment: set up data, measure, print one JSON line."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    django.setup()
    from django.core.management import call_command
    from django.test import Client as HttpClient
    from django.urls import reverse

    from alliance.testing.personas import build_personas

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    personas = build_personas()
    urls = {
        sessions: reverse("clinic:client", args=[_history(personas, sessions, f"Story{sessions}")])
        for sessions in (SHORT, LONG)
    }
    dana = HttpClient(HTTP_HOST="127.0.0.1")
    dana.force_login(personas.dana, backend="django.contrib.auth.backends.ModelBackend")
    times: dict[int, list[float]] = {SHORT: [], LONG: []}
    for url in urls.values():  # warm up: imports, templates, the connection
        _timed_get(dana, url)
    for _ in range(ROUNDS):
        for sessions, url in urls.items():
            times[sessions].append(_timed_get(dana, url))
    figures = {
        f"ms_{sessions}": statistics.median(times[sessions]) for sessions in (SHORT, LONG)
    } | {f"queries_{sessions}": _queries(dana, url) for sessions, url in urls.items()}
    figures["ratio"] = figures[f"ms_{LONG}"] / figures[f"ms_{SHORT}"]
    print(json.dumps(figures))


def run(database_url: str | None) -> dict[str, float]:
    env = dict(os.environ, ALLIANCE_ENV="local", LOG_LEVEL="WARNING")
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as data_dir:
        env["ALLIANCE_DATA_DIR"] = data_dir
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        result = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__, "--child"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("the benchmark child failed")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def _psql(command: str) -> None:
    subprocess.run(  # noqa: S603
        ["psql", f"{PG_SERVER}/postgres", "-q", "-c", command],  # noqa: S607
        check=True,
        capture_output=True,
    )


def _on_postgres() -> dict[str, float]:
    name = f"bench_client_page_{os.getpid()}"
    _psql(f"CREATE DATABASE {name}")
    try:
        return run(f"{PG_SERVER}/{name}")
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    if args.child:
        child()
        return
    figures = _on_postgres() if args.postgres else run(None)
    database = "PostgreSQL" if args.postgres else "SQLite"
    for sessions in (SHORT, LONG):
        print(
            f"{database}: client page with {sessions:>3} sessions: median "
            f"{figures[f'ms_{sessions}']:.0f} ms over {ROUNDS} loads, "
            f"{figures[f'queries_{sessions}']:.0f} queries"
        )
    print(f"ratio={figures['ratio']:.2f}")


if __name__ == "__main__":
    main()
