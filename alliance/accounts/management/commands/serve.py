"""``alliance serve``: the production application server (gunicorn), not Django's runserver."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication


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
    help = "Serve Alliance with gunicorn. Binds to 127.0.0.1 unless HOST says otherwise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("ALLIANCE_WORKERS", "2"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
            }
        ).run()
