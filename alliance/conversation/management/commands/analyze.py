"""``alliance analyze FILE... [--json] [--speaker NAME=ROLE ...]``: code transcripts on this
machine and print their reports, without the database.

Without ``--json`` each file's report is printed as readable text. With ``--json`` each file is
one line of JSON (JSON Lines), exactly::

    {"file": ..., "turns": [{"index", "speaker", "text", "start", "codes", "primary"}],
     "figures": {...}}

A file that cannot be read prints its error to stderr; the others are still analysed, and the
command then exits with status 1. A progress bar runs on stderr when there are several files
and stderr is a terminal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm  # type: ignore[import-untyped]

from alliance.conversation.analysis import analyse, current_coder
from alliance.conversation.coding import Coder
from alliance.conversation.importers import (
    MAX_BYTES,
    ROLE_WORDS,
    TranscriptError,
    parse_transcript,
)
from alliance.conversation.report import as_text


def _speaker(value: str) -> tuple[str, str]:
    name, separator, role = value.rpartition("=")
    if not separator or not name.strip() or role.strip().lower() not in ROLE_WORDS:
        raise ValueError(value)
    return name.strip(), role.strip().lower()


class Command(BaseCommand):
    help = "Code session transcripts and print their conversation reports (no database)."
    # Nothing here touches the database, so no system checks or migrations are needed.
    requires_system_checks: list[str] = []
    coder: Coder | None = None

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="transcript files")
        parser.add_argument(
            "--json", action="store_true", help="one JSON object per file (JSON Lines)"
        )
        parser.add_argument(
            "--speaker",
            action="append",
            default=[],
            metavar="NAME=ROLE",
            help='who a name is: "Dr Lee=therapist" (repeat for each name)',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        speakers: dict[str, str] = {}
        for value in options["speaker"]:
            try:
                name, role = _speaker(value)
            except ValueError:
                raise CommandError(
                    f'--speaker {value!r}: write NAME=therapist or NAME=client, e.g. "Sam=client"'
                ) from None
            speakers[name] = role
        files: list[str] = options["files"]
        failed = 0
        progress = tqdm(
            files,
            unit="file",
            file=sys.stderr,
            disable=None if len(files) > 1 else True,
            leave=False,
        )
        for name in progress:
            try:
                output = self._analyse(name, speakers, as_json=options["json"])
            except TranscriptError as error:
                failed += 1
                progress.clear()
                self.stderr.write(f"{name}: {error}")
                continue
            progress.clear()
            self.stdout.write(output)
        progress.close()
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) could not be read.")

    def _coder(self) -> Coder:
        """The coder, loaded once and only when a file could be read."""
        if self.coder is None:
            self.coder = current_coder()
        return self.coder

    def _analyse(self, name: str, speakers: dict[str, str], *, as_json: bool) -> str:
        path = Path(name)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)  # one byte more tells it is too big
        except OSError as error:
            raise TranscriptError(f"cannot open the file ({error.strerror})") from None
        parsed = parse_transcript(data, filename=path.name, speakers=speakers)
        analysis = analyse(parsed.turns, self._coder())
        figures = analysis.report.as_json()
        if as_json:
            return json.dumps(
                {
                    "file": name,
                    "turns": [
                        {
                            "index": one.turn.index,
                            "speaker": one.turn.speaker,
                            "text": one.turn.text,
                            "start": one.turn.start,
                            "codes": list(one.codes),
                            "primary": one.primary,
                        }
                        for one in analysis.coded
                    ],
                    "figures": figures,
                },
                ensure_ascii=False,
            )
        header = (
            f"{name}: {parsed.format}, {len(parsed.turns)} turns, coded by "
            f"{analysis.coder_name} {analysis.coder_version}"
        )
        return f"{header}\n{as_text(figures)}\n"
