"""``alliance demo``: load a synthetic demo practice to try Alliance on this machine."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from alliance.demo.build import DemoError
from alliance.demo.generator import demo_practice_exists, load_demo_practice
from alliance.demo.reset import reset_demo_practice
from alliance.demo.staff_and_clients import DEMO_PASSWORD
from alliance.demo.summary import DemoSummary
from alliance.lib.errors import DomainError


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = "Load a demo practice with synthetic therapists, clients and appointments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="same seed, same demo")
        parser.add_argument(
            "--today", type=_iso_date, default=None, help="pretend today is YYYY-MM-DD"
        )
        parser.add_argument("--reset", action="store_true", help="delete the demo and reload it")
        parser.add_argument(
            "--force", action="store_true", help="run even when ALLIANCE_ENV=production"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "Refusing to load demo data into a production install (ALLIANCE_ENV=production). "
                "Use --force if you really mean it."
            )
        today = options["today"] or timezone.localdate()
        if isinstance(today, str):  # call_command("demo", today="...") skips argparse types
            today = _iso_date(today)
        with transaction.atomic():
            if options["reset"] and reset_demo_practice():
                self.stdout.write("Deleted the previous demo practice.")
            elif demo_practice_exists():
                self.stdout.write("The demo practice is already loaded (use --reset to reload).")
                return
            try:
                summary = load_demo_practice(seed=options["seed"], today=today)
            except (DemoError, DomainError) as error:
                raise CommandError(str(error)) from None
        self._print_summary(summary)

    def _print_summary(self, summary: DemoSummary) -> None:
        statuses = ", ".join(f"{n} {status}" for status, n in summary.episodes_by_status.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary.practice_name} (seed {summary.seed}, today {summary.today})."
            )
        )
        self.stdout.write(
            f"  {summary.therapists} therapists, {summary.clients} clients, care episodes: "
            f"{statuses}; {summary.appointments} appointments, "
            f"{summary.phase_changes} phase changes."
        )
        answered = ", ".join(f"{n} {title}" for title, n in summary.responses.items())
        self.stdout.write(
            f"  {sum(summary.responses.values())} answered forms ({answered}); "
            f"{summary.forms_waiting} forms waiting to be answered."
        )
        goals = ", ".join(f"{n} {status}" for status, n in summary.goals.items() if n)
        self.stdout.write(
            f"  {summary.agreements} therapy agreements ({summary.acknowledged} acknowledged); "
            f"goals: {goals}, with {summary.goal_ratings} progress ratings."
        )
        self.stdout.write(
            f"  {summary.session_records} session records ({summary.shared_summaries} shared "
            f"with the client), {summary.private_notes} private notes (encrypted), "
            f"{summary.preparations} session preparation."
        )
        flags = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in summary.flags.items() if n)
        ruptures = ", ".join(f"{n} {status}" for status, n in summary.ruptures.items() if n)
        self.stdout.write(
            f"  {sum(summary.flags.values())} signal flags ({flags or 'none'}); "
            f"{sum(summary.ruptures.values())} rupture episodes ({ruptures or 'none'})."
        )
        if summary.transcripts:
            plural = "" if summary.transcripts == 1 else "s"
            self.stdout.write(
                f"  {summary.transcripts} session transcript{plural} analysed, each with its "
                "conversation report."
            )
        if summary.calendar_feed_url:
            self.stdout.write(f"Calendar feed for dana: {summary.calendar_feed_url}")
        self.stdout.write(f"Demo accounts, all with the password {DEMO_PASSWORD!r}:")
        for account in summary.accounts:
            self.stdout.write(f"  {account.username:<8} {account.description}")
        examples = ", ".join(summary.example_client_usernames)
        self.stdout.write(f"  Every demo client can sign in too, e.g. {examples}.")
        self.stdout.write("Worth a look:")
        for highlight in summary.highlights:
            self.stdout.write(f"  {highlight}")
        self.stdout.write("The demo is for this machine only: `alliance serve` binds to 127.0.0.1.")
