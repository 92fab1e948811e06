"""Check-in throughput and client-page time, on SQLite and PostgreSQL.

    python bench/checkin_throughput.py            # both databases (PostgreSQL at 127.0.0.1:5432)
    python bench/checkin_throughput.py --sqlite   # one of them
    python bench/checkin_throughput.py --postgres

For each database it measures, in one run on the same machine:
- check-ins per second: a client POSTs an answered check-in through the whole Django stack
  (middleware, session, CSRF-exempt test client, validation, scoring, storage, audit);
- bare inserts per second: the same client POSTs to an endpoint that inserts one row;
- ratio = check-ins per second / bare inserts per second (1.0 would mean the pipeline is free);
- the therapist's client page with 200 sessions of history (median of several loads, in ms).

The last line is the headline: ``ratio=<lowest ratio across the databases>``.
Each database runs in a fresh child process with its own throwaway database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
SUBMISSIONS = 300
PAGE_LOADS = 15
HISTORY_SESSIONS = 200


def child() -> None:
    """Runs inside a configured environment: set up data, measure, print one JSON line."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from bench.fixtures import build_bench_data, measure

    data = build_bench_data(submissions=SUBMISSIONS, history_sessions=HISTORY_SESSIONS)
    print(json.dumps(measure(data, page_loads=PAGE_LOADS)))


def run(label: str, database_url: str | None) -> dict[str, float]:
    env = dict(os.environ, ALLIANCE_BENCH_ENDPOINTS="1", ALLIANCE_ENV="local", LOG_LEVEL="WARNING")
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
        raise SystemExit(f"{label}: the benchmark child failed")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def postgres_database() -> tuple[str, str]:
    name = f"bench_alliance_{os.getpid()}"
    return name, f"{PG_SERVER}/{name}"


def psql(command: str) -> None:
    subprocess.run(  # noqa: S603
        ["psql", f"{PG_SERVER}/postgres", "-q", "-c", command],  # noqa: S607
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    if args.child:
        child()
        return
    targets = [
        name for name, wanted in (("sqlite", args.sqlite), ("postgres", args.postgres)) if wanted
    ]
    targets = targets or ["sqlite", "postgres"]
    ratios = []
    for target in targets:
        if target == "sqlite":
            figures = run("SQLite", None)
        else:
            name, url = postgres_database()
            psql(f"CREATE DATABASE {name}")
            try:
                figures = run("PostgreSQL", url)
            finally:
                psql(f"DROP DATABASE IF EXISTS {name}")
        ratios.append(figures["ratio"])
        print(
            f"{target:>8}: check-ins {figures['checkins_per_second']:.0f}/s, "
            f"bare inserts {figures['bare_per_second']:.0f}/s, ratio {figures['ratio']:.2f}; "
            f"client page with {HISTORY_SESSIONS} sessions: median {figures['page_ms']:.0f} ms "
            f"({figures['page_queries']:.0f} queries)"
        )
    print(f"submissions per run: {SUBMISSIONS}, page loads: {PAGE_LOADS}")
    print(f"ratio={min(ratios):.2f}")


if __name__ == "__main__":
    main()
