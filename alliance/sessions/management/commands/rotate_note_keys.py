"""``alliance rotate_note_keys``: re-encrypt every private note under the newest note key.

Put the new key first in ALLIANCE_NOTE_KEYS (keeping the old ones after it), restart, run this,
then remove the old keys. Running it again changes nothing and reports 0.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.audit.services import Actor
from alliance.conversation.services import rotate_conversation_keys
from alliance.lib.errors import DomainError
from alliance.sessions.services import ROTATION_BATCH_SIZE, rotate_private_notes


class Command(BaseCommand):
    help = (
        "Re-encrypt every private note, session transcript and conversation report with the "
        "newest key in ALLIANCE_NOTE_KEYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=ROTATION_BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        actor = Actor.system("rotate_note_keys")
        try:
            rotated = rotate_private_notes(actor=actor, batch_size=options["batch_size"])
            # Session transcripts and conversation reports are under the same keys.
            conversation = rotate_conversation_keys(actor=actor, batch_size=options["batch_size"])
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {rotated} private note(s) with the newest key.")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {conversation} transcript(s) and conversation report(s) with the "
                "newest key."
            )
        )
