"""Shared pieces of the runtime tests: run the worker in this process, read the queue; and real
``alliance`` processes, each with a fresh database (SQLite under a temp folder, or a throwaway
PostgreSQL database when the suite runs on PostgreSQL), started with the installed command,
stopped and cleaned up afterwards."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from alliance.runtime import queue
from alliance.testing.tasks import run_queued_tasks


def run_worker_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    run_queued_tasks(monkeypatch)


def only_task() -> DBTaskResult[..., Any]:
    [task] = DBTaskResult.objects.all()
    return task


def live_worker(worker_id: str = "tests-live-worker") -> str:
    """A worker that says it is alive, as a running ``alliance worker`` would."""
    from django.utils import timezone

    queue.beat(worker_id, started_at=timezone.now(), pid=1)
    return worker_id


# --- Real processes ---------------------------------------------------------------------------

ALLIANCE = str(Path(sys.executable).with_name("alliance"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(what: str, check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Install:
    """One install of Alliance: its environment, and its database to look into."""

    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "ALLIANCE_", "PYTEST", "DATABASE_URL"))
        }
        self.env |= {"ALLIANCE_DATA_DIR": str(data_dir), "ALLIANCE_ENV": "local"}
        if database_url:
            self.env["DATABASE_URL"] = database_url

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [ALLIANCE, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def start(self, *args: str, log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen(  # noqa: S603
                [ALLIANCE, *args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.database_url:
            with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as db:
                return db.execute(sql).fetchall()
        with sqlite3.connect(self.data_dir / "alliance.sqlite3", timeout=30) as db:
            return db.execute(sql).fetchall()

    def enqueue(self, task_path: str, *args: str) -> None:
        module, name = task_path.rsplit(".", 1)
        code = f"from {module} import {name}; {name}.enqueue(*{list(args)!r})"
        self.run("shell", "-c", code)


@contextmanager
def fresh_install(tmp_path: Path, *, sqlite: bool = False) -> Iterator[Install]:
    """Migrated and empty. On PostgreSQL (the suite's database) unless ``sqlite``."""
    database = settings.DATABASES["default"]
    on_postgres = database["ENGINE"].endswith("postgresql") and not sqlite
    name = f"test_alliance_proc_{uuid.uuid4().hex[:10]}"
    admin_url = ""
    url = None
    if on_postgres:
        host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
        user = database["USER"] or "postgres"
        admin_url = f"postgresql://{user}@{host}:{port}/postgres"
        url = f"postgres://{user}@{host}:{port}/{name}"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    install = Install(tmp_path, url)
    try:
        install.run("migrate", "--noinput", "-v0")
        yield install
    finally:
        if on_postgres:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def healthz(port: int) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
            body: dict[str, Any] = json.load(reply)
            return body
    except urllib.error.HTTPError as error:
        body = json.load(error)
        return body
    except OSError:
        return None


def stop(process: subprocess.Popen[bytes], timeout: float = 40) -> int:
    """SIGTERM, as a service manager would; returns the exit code."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
    return process.wait(timeout=timeout)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Last resort after a failed test: nothing may outlive it."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
