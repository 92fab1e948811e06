"""``alliance rotate_note_keys``: the old name of ``alliance rotate_keys`` (deprecated).

It was named for private notes, but the same keys encrypt session transcripts and conversation
reports, and ``rotate_keys`` re-encrypts every encrypted field. This alias runs it and says so.
"""

from __future__ import annotations

from typing import Any

from alliance.administration.management.commands.rotate_keys import Command as RotateKeys


class Command(RotateKeys):
    help = "Deprecated: the old name of `alliance rotate_keys`, which it runs."
    actor_label = "rotate_note_keys"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stderr.write(
            self.style.WARNING(
                "`alliance rotate_note_keys` is deprecated: use `alliance rotate_keys`, which "
                "re-encrypts every encrypted field (notes, transcripts, reports). Running it now."
            )
        )
        super().handle(*args, **options)
