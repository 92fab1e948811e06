"""The periodic job that sends due reminders (registered in ``RemindersConfig.ready``)."""

from __future__ import annotations

from django.tasks import task

from alliance.reminders.sending import send_due


@task
def send_due_reminders() -> dict[str, int]:
    sent = send_due()
    return {"sessions": sent.sessions, "forms": sent.forms, "digests": sent.digests}
