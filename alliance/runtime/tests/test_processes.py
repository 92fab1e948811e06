"""The installed commands as a practice runs them: ``alliance serve`` keeps a background worker
alive and stops everything it started; ``alliance worker`` survives a locked database.
Real processes on a fresh database each (the suite's kind of database for ``serve``; SQLite for
the locked-database test, since that is SQLite's failure)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from pathlib import Path

from alliance.lib.tests.helpers import post_huge_body
from alliance.runtime.tests.helpers import (
    alive,
    free_port,
    fresh_install,
    healthz,
    kill_group,
    stop,
    wait_for,
)

TASKS = "alliance.runtime.tests.tasks_for_tests"


def _starts(marker: Path) -> list[int]:
    if not marker.exists():
        return []
    return [
        int(line.split()[1]) for line in marker.read_text().splitlines() if line.startswith("start")
    ]


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _worker_ids(value: str | list[str]) -> list[str]:
    """SQLite gives the JSON column as text, PostgreSQL as a list."""
    return list(json.loads(value)) if isinstance(value, str) else value


def test_serve_replaces_a_killed_worker_and_the_task_it_was_running_finishes_once(tmp_path):
    with fresh_install(tmp_path / "install") as install:
        port = free_port()
        serve = install.start("serve", "--port", str(port), "--workers", "1", log=tmp_path / "log")
        try:
            wait_for(
                "a live worker",
                lambda: (h := healthz(port)) and h["background"]["workers_alive"] == 1,
                timeout=60,
            )
            marker = tmp_path / "marker"
            install.enqueue(f"{TASKS}.hold_first_time", str(marker))
            [first_pid] = wait_for("the task to start", lambda: _starts(marker))

            os.kill(first_pid, signal.SIGKILL)
            killed_at = time.monotonic()
            starts = wait_for(
                "another worker to run it", lambda: len(_starts(marker)) == 2 and _starts(marker)
            )
            assert time.monotonic() - killed_at < 10, "a new worker within seconds"
            assert starts[1] != first_pid
            wait_for("the task to finish", lambda: "finish" in marker.read_text())
            time.sleep(2)  # time for a wrong third run to show

            assert marker.read_text().count("start") == 2
            assert marker.read_text().count("finish") == 1
            [(status, worker_ids)] = install.query(
                "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
                "WHERE task_path LIKE '%hold_first_time'"
            )
            assert status == "SUCCESSFUL"
            assert len(_worker_ids(worker_ids)) == 2
            assert healthz(port)["background"]["workers_alive"] == 1  # type: ignore[index]

            started = _descendants(serve.pid)
            assert len(started) >= 3  # web server (and its process), worker
            assert stop(serve) == 0
            wait_for("everything serve started to stop", lambda: not any(alive(p) for p in started))
        finally:
            kill_group(serve)
        assert "background worker 1 stopped (signal SIGKILL)" in (tmp_path / "log").read_text()


def test_serve_no_worker_runs_the_web_server_only_and_refuses_huge_bodies_unread(tmp_path):
    with fresh_install(tmp_path / "install") as install:
        spool = tmp_path / "tmp"
        spool.mkdir()
        install.env["TMPDIR"] = str(spool)
        port = free_port()
        serve = install.start("serve", "--no-worker", "--port", str(port), log=tmp_path / "log")
        try:
            body = wait_for("the web server", lambda: healthz(port), timeout=60)
            assert body["background"]["no_worker"] is True
            assert body["status"] == "behind"

            answer = post_huge_body(port, "/accounts/sign-in/", total=300 * 1024 * 1024)
            assert answer.status == 413, answer.head
            assert answer.bytes_sent < 32 * 1024 * 1024
            assert list(spool.iterdir()) == []
            assert healthz(port) is not None, "the server still answers"
        finally:
            stop(serve)
            kill_group(serve)


def test_the_worker_survives_a_locked_database(tmp_path):
    """SQLite answers "database is locked" when another process holds the write lock longer than
    the timeout: the worker waits it out (claiming, storing a result, beating), never exits."""
    with fresh_install(tmp_path / "install", sqlite=True) as install:
        install.env["ALLIANCE_SQLITE_TIMEOUT_SECONDS"] = "1"
        marker, go, after = tmp_path / "marker", tmp_path / "go", tmp_path / "after"
        install.enqueue(f"{TASKS}.wait_for_file", str(marker), str(go))
        log = tmp_path / "worker.log"
        worker = install.start("worker", "--no-startup-delay", "--interval", "0.2", log=log)
        try:
            wait_for("the task to start", lambda: _starts(marker))
            lock = sqlite3.connect(tmp_path / "install" / "alliance.sqlite3", isolation_level=None)
            lock.execute("BEGIN EXCLUSIVE")
            go.touch()  # the task finishes now, and its result cannot be stored yet
            time.sleep(5)
            assert worker.poll() is None, "the worker must not exit"
            lock.execute("COMMIT")
            lock.close()

            wait_for(
                "the result to be stored",
                lambda: (
                    install.query(
                        "SELECT status FROM django_tasks_database_dbtaskresult "
                        "WHERE task_path LIKE '%wait_for_file'"
                    )
                    == [("SUCCESSFUL",)]
                ),
                timeout=60,
            )
            install.enqueue(f"{TASKS}.note", str(after))
            wait_for("a later task to run", lambda: after.exists())
            assert worker.poll() is None
            assert len(_starts(marker)) == 1, "the finished task is not run again"
            assert "database is locked" in log.read_text()
        finally:
            stop(worker)
            kill_group(worker)
