"""``alliance worker``: run queued background tasks and periodic jobs (see runtime/worker.py).

``alliance serve`` runs one of these for you; run more (or run them on other machines, with
``alliance serve --no-worker`` for the web side) when the queue grows on PostgreSQL.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands import db_worker

from alliance.runtime.worker import ResilientWorker


class Command(db_worker.Command):
    help = "Run Alliance's background tasks and periodic jobs until stopped."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # Reloading on code changes is for development and stops tasks uncleanly: not offered.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
            # A batch run (tests, one-off catch-up) is short: it beats between tasks instead.
            beat_in_thread=not options["batch"],
        )
        worker.configure_signals()
        worker.run()
