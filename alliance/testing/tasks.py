"""Run the background tasks a test has queued, with the real worker."""

from __future__ import annotations

import pytest
from django.core.management import call_command


def run_queued_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """``alliance worker --batch``: runs every queued task, then returns.

    The worker recycles old connections between tasks; inside a test's transaction that would
    close the connection under the test (on PostgreSQL), so only that is switched off.
    """
    monkeypatch.setattr("alliance.runtime.worker.close_old_connections", lambda: None)
    call_command("worker", "--batch", "--no-startup-delay", "--queue-name", "default", verbosity=0)
