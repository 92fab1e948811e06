"""``alliance serve``: everything the product needs, in one command.

By default it supervises the web server (gunicorn, not Django's runserver) *and* the background
worker, which also queues the periodic jobs (runtime/supervisor.py): a worker that dies is
replaced within seconds and stopping ``serve`` stops them all. ``--no-worker`` (or
``ALLIANCE_RUN_WORKER=0``) serves the web side only, for installs that run ``alliance worker``
processes of their own.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication

from alliance.runtime import queue
from alliance.runtime.supervisor import Child, Supervisor


class AllianceServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Imported only now, after collectstatic: WhiteNoise indexes the static files when the
        # application is created, and would otherwise miss files collected by this command.
        from alliance.wsgi import application

        return application


class Command(BaseCommand):
    help = (
        "Serve Alliance (gunicorn) and run its background worker. Binds to 127.0.0.1 unless "
        "HOST says otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("ALLIANCE_WORKERS", "2")),
            help="web server processes",
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=settings.TASK_WORKERS,
            help="background worker processes to supervise (ALLIANCE_TASK_WORKERS, default 1)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_false",
            dest="run_worker",
            default=settings.RUN_WORKER,
            help="serve the web side only; run `alliance worker` yourself (ALLIANCE_RUN_WORKER=0)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["run_worker"]:
            self._serve_web(options)
            return
        self.stdout.write(
            f"Alliance: web server and {options['task_workers']} background worker(s), "
            "supervised (Ctrl+C stops them all)."
        )
        web = Child("web server", lambda: self._web_argv(options), restart=False)
        workers = [_worker_child(index) for index in range(1, options["task_workers"] + 1)]
        connections.close_all()
        sys.exit(Supervisor([web, *workers]).run())

    def _web_argv(self, options: dict[str, Any]) -> list[str]:
        return [
            *_alliance_argv(),
            "serve",
            "--no-worker",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(options["workers"]),
        ]

    def _serve_web(self, options: dict[str, Any]) -> None:
        # Hashed static file names come from collectstatic's manifest: make sure it is current.
        call_command("collectstatic", interactive=False, verbosity=0)
        host, port = options["host"], options["port"]
        where = "this machine only" if host in {"127.0.0.1", "localhost", "::1"} else "the network"
        self.stdout.write(
            self.style.SUCCESS(
                f"Alliance is serving on http://{host}:{port}/ (reachable from {where})."
            )
        )
        if settings.DEBUG:
            self.stdout.write(
                self.style.WARNING("ALLIANCE_DEBUG is on: never do this in production.")
            )
        AllianceServer(
            {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": options["workers"],
                "threads": 4,
                "worker_class": "gthread",
                "accesslog": "-",
                "timeout": 60,
                "graceful_timeout": 20,
                # No gunicornc control socket: nothing uses it, and two installs on one machine
                # would fight over its one default path.
                "control_socket_disable": True,
            }
        ).run()


def _alliance_argv() -> list[str]:
    return [sys.executable, "-m", "alliance.cli"]


def _worker_child(index: int) -> Child:
    """A supervised background worker; each start gets a worker id of its own, so that the
    tasks of a worker that died can be told apart and put back in the queue."""
    prefix = f"{socket.gethostname()[:30]}-{os.getpid()}-w{index}"

    def worker_id(child: Child) -> str:
        return f"{prefix}-{child.generation}"

    def argv() -> list[str]:
        return [*_alliance_argv(), "worker", "--worker-id", worker_id(child), "--no-startup-delay"]

    def requeue_its_tasks(dead: Child) -> None:
        dead_id = worker_id(dead)
        queue.forget_worker(dead_id)
        queue.requeue_orphaned_tasks(also_worker_ids={dead_id})
        connections.close_all()

    child = Child(f"background worker {index}", argv, restart=True, on_exit=requeue_its_tasks)
    return child
