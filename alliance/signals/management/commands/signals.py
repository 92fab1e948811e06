"""``alliance signals evaluate``: run every signal rule on every care episode, now, and say what
changed.

alliance signals evaluate                     # every practice
alliance signals evaluate --practice riverside
alliance signals rules-table                  # the rule catalogue in Markdown, for docs/signals.md

The same work as the admin's "Re-evaluate the whole practice now" button, without the queue.
Evaluating is idempotent: a second run with no new evidence prints nothing but zeros. New crisis
flags (for example after the crisis rules were switched back on) are emailed to the therapist, as
the background task does.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.practice.models import Practice
from alliance.signals import engine
from alliance.signals.catalogue_doc import rules_markdown
from alliance.signals.tasks import notify_crisis


class Command(BaseCommand):
    help = "Evaluate the signal rules for every care episode, now, and print what changed."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        evaluate = actions.add_parser("evaluate", help="evaluate every episode, now")
        evaluate.add_argument("--practice", metavar="SLUG", help="only this practice")
        actions.add_parser("rules-table", help="print the rule catalogue in Markdown")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rules-table":
            self.stdout.write(rules_markdown(), ending="")
            return
        practices = Practice.objects.order_by("slug")
        if options.get("practice"):
            practices = practices.filter(slug=options["practice"])
            if not practices.exists():
                raise CommandError(f"No practice with the slug {options['practice']!r}.")
        for practice in practices:
            self._evaluate(practice)

    def _evaluate(self, practice: Practice) -> None:
        def progress(done: int, total: int) -> None:
            if total > engine.CHUNK:  # a long run shows how far it has got
                self.stderr.write(f"{practice.slug}: {done} of {total} episodes evaluated")

        total = engine.evaluate_practice(practice.pk, progress=progress)
        emailed = notify_crisis(total.new_crisis_flags) if total.new_crisis_flags else 0
        self.stdout.write(f"{practice.name} ({practice.slug}): {describe(total, emailed)}")


def describe(outcome: engine.Outcome, emailed: int = 0) -> str:
    parts = [
        f"{outcome.episodes} episodes evaluated",
        f"{outcome.flags_raised} flags raised",
        f"{outcome.flags_cleared} cleared",
        f"{outcome.ruptures_opened} rupture episodes opened",
        f"{outcome.recoveries_suggested} recoveries suggested",
        f"{outcome.risks_changed} dropout risks changed",
    ]
    if outcome.new_crisis_flags:
        parts.append(f"{len(outcome.new_crisis_flags)} new crisis flags ({emailed} emailed)")
    return ", ".join(parts) + "."
