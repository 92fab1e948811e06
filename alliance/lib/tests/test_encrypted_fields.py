"""EncryptedTextField: what the models read and write is plaintext, what the database holds is a
Fernet token in the format private notes always had, so rows stored before the field existed
read unchanged. Runs on SQLite and, with DATABASE_URL set, on PostgreSQL (Makefile
test-postgres). Uses the product's models (PrivateNote, Transcript): the field has no model of
its own."""

from __future__ import annotations

import json
import pickle

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core import serializers
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from alliance.conversation.models import ConversationReport, Transcript
from alliance.lib.encrypted_fields import EncryptedTextField, Sealed
from alliance.sessions.models import PrivateNote
from alliance.sessions.tests.helpers import chris_note

KEY_OLD = Fernet.generate_key().decode()
KEY_NEW = Fernet.generate_key().decode()
TEXT = "Sunday evenings: worry spiral; über, 日本語, 😊 and a quote \" ' \\ %s"


def stored(note: PrivateNote) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT body_token FROM {PrivateNote._meta.db_table} WHERE id = %s",  # noqa: S608
            [note.pk],
        )
        [(token,)] = cursor.fetchall()
    return None if token is None else str(token)


def store_by_hand(note: PrivateNote, token: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PrivateNote._meta.db_table} SET body_token = %s WHERE id = %s",  # noqa: S608
            [token, note.pk],
        )


@pytest.fixture
def keys(settings):
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    return settings


def test_round_trip_stores_a_token_under_the_newest_key(personas, keys):
    note = chris_note(personas, TEXT)
    token = stored(note)
    assert token is not None and "Sunday" not in token and "worry" not in token
    assert Fernet(KEY_NEW.encode()).decrypt(token.encode()).decode() == TEXT
    assert PrivateNote.objects.get(pk=note.pk).body == TEXT


def test_long_text_round_trips(personas, keys):
    long_text = "\nÜnïcødé line of a long transcript." * 60_000  # about 2 MB
    note = chris_note(personas)
    note.body = long_text
    note.save()
    assert PrivateNote.objects.get(pk=note.pk).body == long_text
    assert len(stored(note) or "") > len(long_text.encode())


def test_the_empty_text_is_stored_empty(personas, keys):
    note = chris_note(personas)
    note.body = ""
    note.save()
    assert stored(note) == ""
    assert PrivateNote.objects.get(pk=note.pk).body == ""
    assert PrivateNote.objects.filter(body="").get() == note


def test_rows_stored_the_old_way_still_read(personas, keys):
    """Before the field, services stored ``MultiFernet([newest, ...]).encrypt(text)`` by hand,
    and a rotation could leave rows under an older key: both read, and keep their token."""
    note = chris_note(personas, "placeholder")
    for key in (KEY_OLD, KEY_NEW):
        token = Fernet(key.encode()).encrypt(TEXT.encode()).decode()
        store_by_hand(note, token)
        loaded = PrivateNote.objects.get(pk=note.pk)
        assert loaded.body == TEXT
        loaded.save()
        assert stored(note) == token  # saving what was read rewrites nothing


def test_a_row_no_key_opens_fails_only_where_it_is_read(personas, settings):
    settings.ENCRYPTION_KEYS = [KEY_OLD]
    note = chris_note(personas, TEXT)
    settings.ENCRYPTION_KEYS = [KEY_NEW]
    [loaded] = PrivateNote.objects.all()  # loading decrypts nothing
    assert loaded.created_at == note.created_at
    with pytest.raises(InvalidToken):
        _ = loaded.body


def test_assigning_encrypts_at_once_without_the_database(personas, keys):
    note = chris_note(personas)
    with CaptureQueriesContext(connection) as queries:
        note.body = TEXT
    assert len(queries) == 0
    sealed = note.__dict__["body"]
    assert isinstance(sealed, Sealed)
    assert Fernet(KEY_NEW.encode()).decrypt(sealed.token.encode()).decode() == TEXT
    assert note.body == TEXT


def test_assigning_the_same_text_keeps_the_token(personas, keys):
    note = chris_note(personas, TEXT)
    token = stored(note)
    note.body = TEXT
    note.full_clean()
    note.save()
    assert stored(note) == token
    note.body = TEXT + "."
    note.save()
    assert stored(note) != token
    assert PrivateNote.objects.get(pk=note.pk).body == TEXT + "."


def test_deferred_and_refreshed_values_read(personas, keys):
    note = chris_note(personas, TEXT)
    token = stored(note)
    deferred = PrivateNote.objects.only("pk").get(pk=note.pk)
    assert deferred.body == TEXT
    deferred.save()
    assert stored(note) == token
    store_by_hand(note, Fernet(KEY_OLD.encode()).encrypt(b"changed elsewhere").decode())
    note.refresh_from_db()
    assert note.body == "changed elsewhere"


def test_values_give_the_stored_form(personas, keys):
    note = chris_note(personas, TEXT)
    [sealed] = PrivateNote.objects.values_list("body", flat=True)
    assert isinstance(sealed, Sealed) and sealed.token == stored(note)
    assert sealed.plaintext() == TEXT
    assert "Sunday" not in repr(sealed) and sealed.token not in repr(sealed)
    copy = pickle.loads(pickle.dumps(sealed))  # noqa: S301 (our own bytes)
    assert copy == sealed and copy._plaintext is None


def test_update_encrypts_and_lookups_other_than_equality_are_refused(personas, keys):
    note = chris_note(personas, TEXT)
    PrivateNote.objects.filter(pk=note.pk).update(body="Updated in bulk.")
    assert "Updated" not in (stored(note) or "")
    assert PrivateNote.objects.get(pk=note.pk).body == "Updated in bulk."
    with pytest.raises(FieldError, match="Unsupported lookup 'icontains'"):
        PrivateNote.objects.filter(body__icontains="Updated").count()
    [sealed] = PrivateNote.objects.values_list("body", flat=True)
    assert PrivateNote.objects.filter(body=sealed).get() == note
    assert PrivateNote.objects.filter(body__in=[sealed]).count() == 1


def test_only_text_can_be_assigned(personas, keys):
    note = chris_note(personas)
    with pytest.raises(TypeError, match=r"PrivateNote\.body holds text, not int"):
        note.body = 42


def test_a_dump_holds_tokens_needs_no_key_and_loads_back(personas, keys, tmp_path):
    note = chris_note(personas, TEXT)
    token = stored(note)
    dump = tmp_path / "notes.json"
    keys.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # dumping decrypts nothing
    call_command("dumpdata", "therapy_sessions.privatenote", output=str(dump), verbosity=0)
    deferred = serializers.serialize("json", PrivateNote.objects.defer("body"))
    keys.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    assert json.loads(deferred)[0]["fields"]["body"] == token
    text = dump.read_text()
    assert token is not None and token in text
    assert "Sunday" not in text and "worry" not in text
    [row] = json.loads(text)
    assert row["fields"]["body"] == token
    PrivateNote.objects.all().delete()
    call_command("loaddata", str(dump), verbosity=0)
    assert PrivateNote.objects.get(pk=note.pk).body == TEXT


def test_the_json_fields_of_a_transcript_round_trip(personas, keys):
    from alliance.conversation.tests.helpers import analysed

    transcript = analysed(personas)
    loaded = Transcript.objects.get(pk=transcript.pk)
    assert loaded.turns() == transcript.turns() and len(loaded.turns()) == 8
    report = ConversationReport.objects.get(transcript=transcript)
    assert report.figures()["turns"] == 8
    assert len(report.coded_turns()) == 8


@pytest.mark.django_db(transaction=True)
def test_a_value_assigned_before_a_transaction_is_written_inside_it(personas, keys):
    note = PrivateNote(
        appointment=personas.chris_past_appointment, created_by=personas.dana, body=TEXT
    )
    sealed = note.__dict__["body"]
    with transaction.atomic():
        note.save()
    assert stored(note) == sealed.token


def test_the_field_deconstructs_for_migrations_and_is_never_editable():
    assert EncryptedTextField().editable is False
    field = EncryptedTextField(editable=True, db_column="body_token")
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "alliance.lib.encrypted_fields.EncryptedTextField"
    assert kwargs == {"editable": False, "db_column": "body_token"}
