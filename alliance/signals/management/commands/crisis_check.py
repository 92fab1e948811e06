"""``alliance crisis-check``: read lines of text on standard input and print, for each line in
order, one JSON object (JSON Lines)::

    {"text": "...", "crisis": true, "constructs": ["ideation"]}

``text`` is the line as read (UTF-8; undecodable bytes become U+FFFD; the line ending is left
out). An empty or blank line is not skipped: it prints ``"crisis": false`` with no constructs, so
output line N always answers input line N. ``constructs`` are the lexicon's (see docs/signals.md);
a line only the classifier reads as risk has ``"crisis": true`` and no constructs. With
``--evidence`` each object also carries ``evidence`` (the wording read as risk, or the
classifier's note) and the classifier's ``score``.

No database is touched and nothing is downloaded: the lexicon and the classifier's weights ship
with Alliance.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandParser

from alliance.signals.crisis_language import detect


def _lines(stream: IO[bytes] | IO[str]) -> Iterator[str]:
    for raw in stream:
        line = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        yield line.rstrip("\r\n")


def reading_json(text: str, with_evidence: bool) -> str:
    reading = detect(text)
    result: dict[str, Any] = {
        "text": text,
        "crisis": reading.crisis,
        "constructs": list(reading.constructs),
    }
    if with_evidence:
        result["evidence"] = list(reading.evidence)
        result["score"] = round(reading.score, 4)
    return json.dumps(result, ensure_ascii=False)


class Command(BaseCommand):
    help = "Read lines on standard input for crisis language; print one JSON object per line."
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)  # tests pass a text stream instead of the real standard input

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--evidence",
            action="store_true",
            help="also print the wording read as risk and the classifier's score",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stream: IO[bytes] | IO[str] = options.get("stdin") or sys.stdin.buffer
        if self.stdout._out is sys.stdout and isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(encoding="utf-8")
        for line in _lines(stream):
            self.stdout.write(reading_json(line, options["evidence"]))
            self.stdout.flush()
