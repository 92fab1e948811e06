"""Operator work over the whole database: re-encrypting every encrypted field under the newest
key (``alliance rotate_keys``). Its audit row says how many values were re-encrypted, per field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.encrypted_fields import (
    ROTATION_BATCH_BYTES,
    ROTATION_BATCH_ROWS,
    RotationBatch,
    encrypted_fields,
    field_label,
    rotate_field,
)


@dataclass
class FieldRotation:
    """What the rotation did to one field, all batches together."""

    label: str
    rows: int  # rows in the table when the field's turn came
    checked: int = 0
    rotated: int = 0
    changed_meanwhile: int = 0

    def add(self, batch: RotationBatch) -> None:
        self.checked += batch.checked
        self.rotated += batch.rotated
        self.changed_meanwhile += batch.changed_meanwhile


@dataclass
class KeyRotation:
    fields: list[FieldRotation] = field(default_factory=list)

    @property
    def rotated(self) -> int:
        return sum(one.rotated for one in self.fields)


def rotate_encryption_keys(
    *,
    actor: Actor,
    batch_size: int = ROTATION_BATCH_ROWS,
    batch_bytes: int = ROTATION_BATCH_BYTES,
    progress: Callable[[FieldRotation, RotationBatch | None], None] | None = None,
) -> KeyRotation:
    """Re-encrypt every value of every ``EncryptedTextField`` of every installed model that is
    not under the newest key yet; ``progress`` hears of each field as it starts (batch
    ``None``) and after each of its batches.

    Not one transaction: each batch commits on its own (alliance/lib/encrypted_fields.py,
    ``rotate_field``), so the database is never locked for long and an interrupted run can be
    started again. The audit row is written at the end, and also when a value no key opens
    stops the run (``UnreadableValue``, re-raised), with what was done until then."""
    done = KeyRotation()
    stopped_at = ""
    try:
        for encrypted in encrypted_fields():
            rows = encrypted.model._base_manager.count()
            current = FieldRotation(field_label(encrypted), rows)
            done.fields.append(current)
            if progress is not None:
                progress(current, None)
            for batch in rotate_field(encrypted, batch_size=batch_size, batch_bytes=batch_bytes):
                current.add(batch)
                if progress is not None:
                    progress(current, batch)
    except Exception:
        stopped_at = done.fields[-1].label if done.fields else "?"
        raise
    finally:
        _record_rotation(actor=actor, done=done, stopped_at=stopped_at)
    return done


@transaction.atomic
def _record_rotation(*, actor: Actor, done: KeyRotation, stopped_at: str) -> None:
    detail: dict[str, object] = {
        "rotated": done.rotated,
        "fields": {one.label: one.rotated for one in done.fields},
    }
    if stopped_at:
        detail["stopped_at"] = stopped_at
    record(actor=actor, action=AuditAction.CHANGE, target="encryption keys", detail=detail)
