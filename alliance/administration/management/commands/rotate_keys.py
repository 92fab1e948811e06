"""``alliance rotate_keys``: re-encrypt every encrypted field under the newest key.

Put the new key first in ALLIANCE_ENCRYPTION_KEYS (keeping the old ones after it), restart, run
this, then remove the old keys (docs/encryption.md). It finds the fields itself: every
``EncryptedTextField`` of every installed model. Running it again changes nothing and reports 0.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.administration.services import FieldRotation, rotate_encryption_keys
from alliance.audit.services import Actor
from alliance.lib.encrypted_fields import (
    ROTATION_BATCH_BYTES,
    ROTATION_BATCH_ROWS,
    RotationBatch,
    UnreadableValue,
)
from alliance.lib.encryption import configured_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field (private notes, session transcripts, conversation "
        "reports, and any other) with the newest key in ALLIANCE_ENCRYPTION_KEYS."
    )
    actor_label = "rotate_keys"
    verbosity = 1

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=ROTATION_BATCH_ROWS,
            help=f"rows per batch, each its own short transaction (default {ROTATION_BATCH_ROWS})",
        )
        parser.add_argument(
            "--batch-megabytes",
            type=int,
            default=ROTATION_BATCH_BYTES // 2**20,
            help="most stored text a batch holds in memory, in MB (default "
            f"{ROTATION_BATCH_BYTES // 2**20}; a single larger value is still one batch)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["batch_megabytes"] < 1:
            raise CommandError("--batch-megabytes must be at least 1.")
        self.verbosity = int(options["verbosity"])
        self.stdout.write(
            f"Re-encrypting with the newest of {len(configured_keys())} configured key(s)."
        )
        try:
            done = rotate_encryption_keys(
                actor=Actor.system(self.actor_label),
                batch_size=options["batch_size"],
                batch_bytes=options["batch_megabytes"] * 2**20,
                progress=self._progress,
            )
        except UnreadableValue as error:
            raise CommandError(str(error)) from None
        for one in done.fields:
            line = f"{one.label}: {one.rotated} of {one.checked} row(s) re-encrypted"
            if one.changed_meanwhile:
                line += (
                    f", {one.changed_meanwhile} changed meanwhile (already under the newest key)"
                )
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {done.rotated} value(s) in {len(done.fields)} encrypted field(s) "
                "with the newest key."
            )
        )

    def _progress(self, field: FieldRotation, batch: RotationBatch | None) -> None:
        if batch is None:
            self.stdout.write(f"{field.label}: {field.rows} row(s) to check")
        elif self.verbosity >= 1:
            self.stdout.write(
                f"  {field.label}: {field.checked}/{field.rows} checked, "
                f"{field.rotated} re-encrypted"
            )
