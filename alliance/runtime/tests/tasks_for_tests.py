"""Tasks the runtime tests queue; real tasks (the worker imports them by path), harmless."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.tasks import task

from alliance.runtime.models import PeriodicJob


@task
def note(marker: str) -> str:
    """Append "done <pid>" to the marker file."""
    with Path(marker).open("a") as out:
        out.write(f"done {os.getpid()}\n")
    return "done"


@task
def fail_always(marker: str) -> None:
    with Path(marker).open("a") as out:
        out.write("tried\n")
    raise RuntimeError("this task always fails")


@task
def hold_first_time(marker: str) -> str:
    """The first attempt writes "start <pid>" and waits (to be killed); any later attempt
    finishes at once and writes "finish"."""
    path = Path(marker)
    earlier = path.read_text().count("start") if path.exists() else 0
    with path.open("a") as out:
        out.write(f"start {os.getpid()}\n")
    if earlier == 0:
        time.sleep(120)
    with path.open("a") as out:
        out.write("finish\n")
    return "finished"


@task
def wait_for_file(marker: str, go: str) -> str:
    """Writes "start", waits until the file ``go`` exists, then writes a row and finishes."""
    with Path(marker).open("a") as out:
        out.write(f"start {os.getpid()}\n")
    while not Path(go).exists():
        time.sleep(0.05)
    return "went"


@task
def touch_database(name: str) -> str:
    """A write, so that a held lock makes the task itself fail with 'database is locked'."""
    PeriodicJob.objects.update_or_create(
        name=name, defaults={"next_run_at": "2100-01-01T00:00:00Z"}
    )
    return name
