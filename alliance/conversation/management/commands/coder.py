"""``alliance coder``: the practice's own coders, trained from its own labelled examples.

    alliance coder train FILE.csv --name NAME [--with-shipped]
    alliance coder list
    alliance coder use NAME          # or: alliance coder use shipped

The CSV has the columns of the shipped examples (``speaker,text,primary,codes``, codes separated
by ``;``); a bad row is refused with its line number. A trained coder is kept under
DATA_DIR/coders/NAME as a copy of the CSV and a manifest, and retrained from the CSV the first
time a process uses it (see alliance/conversation/coder/store.py for why no fitted model is
stored). ``use`` decides which coder new analyses use; reports already made keep the name and
version of the coder that made them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.conversation.coder import shipped_coder, store


class Command(BaseCommand):
    help = "Train, list and choose the coders that code session transcripts."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        train = actions.add_parser("train", help="train a coder from a labelled CSV")
        train.add_argument("file", type=Path, metavar="FILE.csv")
        train.add_argument("--name", required=True, help="the coder's name (a-z, 0-9, - and _)")
        train.add_argument(
            "--with-shipped",
            action="store_true",
            help="learn from the shipped examples as well as this file",
        )
        actions.add_parser("list", help="list the coders and show which one is in use")
        use = actions.add_parser("use", help="make a coder the one new analyses use")
        use.add_argument("name", metavar="NAME", help="a trained coder's name, or 'shipped'")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "train":
                self._train(options["file"], options["name"], options["with_shipped"])
            elif options["action"] == "list":
                self._list()
            else:
                store.use(options["name"])
                self.stdout.write(f"New analyses now use the coder {options['name']!r}.")
        except store.CoderError as error:
            raise CommandError(str(error)) from error

    def _train(self, source: Path, name: str, with_shipped: bool) -> None:
        trained = store.train(name, source, with_shipped=with_shipped)
        manifest = trained.manifest
        extra = " plus the shipped examples" if with_shipped else ""
        self.stdout.write(
            f"Trained the coder {name!r} from {manifest['rows']} rows "
            f"({manifest['therapist_rows']} therapist, {manifest['client_rows']} client){extra}."
        )
        for speaker in ("therapist", "client"):
            if not manifest[f"{speaker}_rows"] and not with_shipped:
                self.stdout.write(f"No {speaker} rows: {speaker} turns use the shipped examples.")
        if store.active_name() != name:
            self.stdout.write(f"Make new analyses use it with: alliance coder use {name}")

    def _list(self) -> None:
        active = store.active_name()
        shipped = shipped_coder()
        marker = "*" if active == store.SHIPPED else " "
        self.stdout.write(f"{marker} shipped  version {shipped.version}  (comes with Alliance)")
        for coder in store.stored():
            manifest = coder.manifest
            marker = "*" if active == coder.name else " "
            extra = ", with the shipped examples" if manifest.get("with_shipped") else ""
            self.stdout.write(
                f"{marker} {coder.name}  version {coder.version}  {manifest['rows']} rows from "
                f"{manifest['source']}, trained {manifest['created']}{extra}"
            )
        self.stdout.write("* = used by new analyses")
