"""Private notes are encrypted at rest (``PrivateNote.body`` is an EncryptedTextField), and a note
written before that field existed, as a token stored by hand, still reads. The keys themselves
are tested in alliance/lib/tests/test_encryption_keys.py, the rotation in
alliance/administration/tests/test_rotate_keys.py."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.db import connection
from django.urls import reverse

from alliance.audit.models import AuditAction, AuditEvent
from alliance.sessions.models import PrivateNote
from alliance.sessions.selectors import private_notes_for_therapist
from alliance.sessions.tests.helpers import NOTE_TEXT, chris_note

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _raw_tokens() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, body_token FROM {PrivateNote._meta.db_table}")  # noqa: S608
        return {row[0]: row[1] for row in cursor.fetchall()}


def test_a_note_is_unreadable_in_the_database_without_the_key(personas, settings):
    settings.ENCRYPTION_KEYS = [KEY_A]
    note = chris_note(personas)

    raw = _raw_tokens()[note.pk]
    assert NOTE_TEXT not in raw
    assert "brother" not in raw
    assert Fernet(KEY_A.encode()).decrypt(raw.encode()).decode() == NOTE_TEXT
    with pytest.raises(InvalidToken):
        Fernet(KEY_B.encode()).decrypt(raw.encode())
    assert PrivateNote.objects.get(pk=note.pk).body == NOTE_TEXT


def test_a_note_stored_the_old_way_reads_on_the_page(signed_in, personas, settings):
    """Before EncryptedTextField the service stored ``Fernet(newest).encrypt(text)`` in the
    ``body_token`` column by hand: such a row reads unchanged, in the model and on the page."""
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    note = chris_note(personas, "placeholder")
    old_way = Fernet(KEY_A.encode()).encrypt("Écrit à l'ancienne: über 😊".encode()).decode()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PrivateNote._meta.db_table} SET body_token = %s WHERE id = %s",  # noqa: S608
            [old_way, note.pk],
        )
    assert PrivateNote.objects.get(pk=note.pk).body == "Écrit à l'ancienne: über 😊"
    [view] = private_notes_for_therapist(personas.chris_past_appointment)
    assert view.text == "Écrit à l'ancienne: über 😊"
    page = signed_in("dana").get(
        reverse("sessions:page", args=[personas.chris_past_appointment.pk])
    )
    assert "Écrit à l&#x27;ancienne: über 😊" in page.content.decode()


def test_changing_a_note_writes_a_new_token_and_an_audit_row_without_the_text(
    signed_in, personas, settings
):
    settings.ENCRYPTION_KEYS = [KEY_A]
    note = chris_note(personas)
    before = _raw_tokens()[note.pk]
    dana = signed_in("dana")
    response = dana.post(reverse("sessions:note", args=[note.pk]), {"body": "A new thought."})
    assert response.status_code == 302
    after = _raw_tokens()[note.pk]
    assert after != before and "new thought" not in after
    assert PrivateNote.objects.get(pk=note.pk).body == "A new thought."
    change = AuditEvent.objects.filter(target="private note", action=AuditAction.CHANGE).get()
    assert change.object_id == str(note.pk)
    assert "thought" not in str(change.detail)
