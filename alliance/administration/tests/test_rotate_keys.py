"""``alliance rotate_keys``: it finds every encrypted field itself, re-encrypts every value under
the newest key (after which the old key can go), in short batches whose CPU work holds no
transaction, and leaves a row changed meanwhile alone. ``rotate_note_keys`` is its old name."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from alliance.appointments.models import CalendarFeed
from alliance.appointments.services import create_feed
from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.conversation.models import ConversationReport, Transcript
from alliance.conversation.tests.helpers import analysed
from alliance.lib import encrypted_fields as module
from alliance.lib.encrypted_fields import (
    EncryptedTextField,
    encrypted_fields,
    field_label,
    rotate_field,
)
from alliance.lib.encryption import rotate_token
from alliance.sessions.models import PrivateNote
from alliance.sessions.tests.helpers import chris_note
from alliance.signals.models import Flag, RuptureEpisode
from alliance.signals.tests.helpers.clinic import made_flag, made_rupture

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()

# Every value Alliance encrypts. A new EncryptedTextField is rotated without touching the
# command; this list is here so that adding one (or losing one) is a visible decision.
ROTATED = {
    "agreements.AgreementReview.note",
    "agreements.AgreementVersion.note",
    "appointments.CalendarFeed.token",
    "conversation.ConversationReport.coded_turns_json",
    "conversation.ConversationReport.figures_json",
    "conversation.Transcript.turns_json",
    "goals.Goal.client_words",
    "goals.Goal.drop_reason",
    "goals.Goal.therapist_framing",
    "goals.GoalRating.note",
    "practice.CareEpisode.ending_summary",
    "practice.Client.emergency_contact_notes",
    "practice.PhaseChange.note",
    "signals.FeedbackReply.what_we_changed",
    "signals.Flag.note",
    "signals.RepairStep.what_was_said",
    "signals.RuptureEpisode.closing_note",
    "signals.RuptureEpisode.description",
    "therapy_sessions.PrivateNote.body",
    "therapy_sessions.SessionRecord.next_steps",
    "therapy_sessions.SessionRecord.summary",
}


def raw(model: Any, column: str) -> dict[int, str]:
    """What the database holds, read past the models (the columns keep their old names)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {model._meta.db_table}")  # noqa: S608
        return dict(cursor.fetchall())


def all_raw() -> dict[str, dict[int, str]]:
    return {
        "note": raw(PrivateNote, "body_token"),
        "turns": raw(Transcript, "turns_token"),
        "figures": raw(ConversationReport, "figures_token"),
        "coded": raw(ConversationReport, "coded_turns_token"),
        "feed": raw(CalendarFeed, "token_token"),
        "rupture": raw(RuptureEpisode, "description"),
        # (the rupture's own flag has no note: "" stays "")
        "flag note": {pk: v for pk, v in raw(Flag, "note").items() if v},
    }


@pytest.fixture
def written_under_a(personas, settings):
    """Five notes, a transcript and its report, a calendar feed, a rupture's description and a
    crisis acknowledgement note, all under KEY_A; KEY_B then put in front."""
    settings.ENCRYPTION_KEYS = [KEY_A]
    notes = [chris_note(personas, f"Note number {n}") for n in range(5)]
    transcript = analysed(personas)
    create_feed(actor=Actor.system("rotation-test"), therapist=personas.dana_profile)
    made_rupture(personas.chris_episode)  # its description, as a clinician writes one
    flag = made_flag(personas.chris_episode)
    flag.note = "Called Chris, he is safe tonight."
    flag.save()
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    return notes, transcript


def test_the_fields_it_rotates_are_found_in_the_app_registry(db, capsys):
    assert {field_label(field) for field in encrypted_fields()} == ROTATED
    call_command("rotate_keys")
    out = capsys.readouterr().out
    assert {line.split(":")[0] for line in out.splitlines() if " row(s) to check" in line} == (
        ROTATED
    )


def test_no_model_keeps_a_token_column_by_hand():
    """The hand-made encryption columns were named *_token: any such column left is an
    EncryptedTextField (which the rotation finds), not a TextField a service encrypts."""
    token_columns = [
        field
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
        if (field.column or "").endswith("_token")
    ]
    assert token_columns
    assert all(isinstance(field, EncryptedTextField) for field in token_columns)


def test_rotation_re_encrypts_every_value_so_the_old_key_can_go(written_under_a, settings, capsys):
    notes, transcript = written_under_a
    before = all_raw()

    call_command("rotate_keys", "--batch-size", "2")
    out = capsys.readouterr().out
    assert "therapy_sessions.PrivateNote.body: 5 of 5 row(s) re-encrypted" in out
    assert "conversation.Transcript.turns_json: 1 of 1 row(s) re-encrypted" in out
    assert "  therapy_sessions.PrivateNote.body: 4/5 checked, 4 re-encrypted" in out  # progress
    assert "Re-encrypted 11 value(s) in 21 encrypted field(s) with the newest key." in out

    settings.ENCRYPTION_KEYS = [KEY_B]  # the old key dropped: everything still reads
    after = all_raw()
    for name, tokens in after.items():
        assert tokens.keys() == before[name].keys()
        for pk, token in tokens.items():
            assert token != before[name][pk]
            Fernet(KEY_B.encode()).decrypt(token.encode())
    for number, note in enumerate(notes):
        assert PrivateNote.objects.get(pk=note.pk).body == f"Note number {number}"
    assert Flag.objects.exclude(note="").get().note == "Called Chris, he is safe tonight."
    loaded = Transcript.objects.get(pk=transcript.pk)
    assert [turn.text for turn in loaded.turns()] == [turn.text for turn in transcript.turns()]
    report = ConversationReport.objects.get()
    assert report.figures()["turns"] == 8 and len(report.coded_turns()) == 8

    # Running it again finds nothing left to do, and rewrites nothing.
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    call_command("rotate_keys")
    assert "Re-encrypted 0 value(s) in 21 encrypted field(s)" in capsys.readouterr().out
    assert all_raw() == after


def test_the_rotation_writes_one_audit_row_with_counts_only(written_under_a):
    call_command("rotate_keys", verbosity=0)
    [event] = AuditEvent.objects.filter(target="encryption keys")
    assert event.detail["rotated"] == 11
    assert event.detail["fields"]["therapy_sessions.PrivateNote.body"] == 5
    assert set(event.detail["fields"]) == ROTATED
    assert "Note number" not in str(event.detail)


def test_batches_are_bounded_in_bytes_as_well_as_rows(personas, settings):
    settings.ENCRYPTION_KEYS = [KEY_A]
    for n in range(6):
        chris_note(personas, f"Note {n} " + "x" * 1000)
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    length = max(len(token) for token in raw(PrivateNote, "body_token").values())
    [body] = [f for f in encrypted_fields() if field_label(f).endswith("PrivateNote.body")]

    by_bytes = list(rotate_field(body, batch_size=100, batch_bytes=int(length * 2.5)))
    assert [batch.checked for batch in by_bytes] == [2, 2, 2]
    assert sum(batch.rotated for batch in by_bytes) == 6

    # A single value larger than the bound is still one batch of its own.
    settings.ENCRYPTION_KEYS = [KEY_A, KEY_B]
    one_by_one = list(rotate_field(body, batch_size=100, batch_bytes=1))
    assert [batch.checked for batch in one_by_one] == [1] * 6


@pytest.mark.django_db(transaction=True)
def test_the_cpu_work_holds_no_transaction_and_each_batch_writes_in_one(
    written_under_a, monkeypatch
):
    """On SQLite a write transaction locks the whole database: re-encrypting (the slow part)
    happens before it opens, and each batch's writes take one short transaction."""
    in_transaction: list[bool] = []
    real_rotate, real_atomic = rotate_token, transaction.atomic
    opened: list[str] = []

    def rotate(token: str) -> str:
        in_transaction.append(connection.in_atomic_block)
        return real_rotate(token)

    def atomic(*args: Any, **kwargs: Any) -> Any:
        opened.append("batch")
        return real_atomic(*args, **kwargs)

    monkeypatch.setattr(module, "rotate_token", rotate)
    monkeypatch.setattr(transaction, "atomic", atomic)
    [body] = [f for f in encrypted_fields() if field_label(f).endswith("PrivateNote.body")]
    batches = list(rotate_field(body, batch_size=2))
    assert len(in_transaction) == 5 and not any(in_transaction)
    assert len(opened) == len(batches) == 3


def test_a_value_changed_between_read_and_write_is_left_alone(written_under_a, monkeypatch):
    """Between a batch's read and its write someone saves a note (under the newest key): the
    rotation must not overwrite it with the re-encrypted old text."""
    notes, _transcript = written_under_a
    real_rotate = rotate_token
    target = notes[2]

    def rotate_while_someone_writes(token: str) -> str:
        if token == raw(PrivateNote, "body_token")[target.pk]:
            note = PrivateNote.objects.get(pk=target.pk)
            note.body = "Written while the rotation ran."
            note.save()
        return real_rotate(token)

    monkeypatch.setattr(module, "rotate_token", rotate_while_someone_writes)
    [body] = [f for f in encrypted_fields() if field_label(f).endswith("PrivateNote.body")]
    batches = list(rotate_field(body, batch_size=10))
    assert sum(batch.rotated for batch in batches) == 4
    assert sum(batch.changed_meanwhile for batch in batches) == 1
    assert PrivateNote.objects.get(pk=target.pk).body == "Written while the rotation ran."


def test_rotation_stops_with_a_clear_message_when_a_key_is_missing(personas, settings):
    settings.ENCRYPTION_KEYS = [KEY_A]
    note = chris_note(personas)
    settings.ENCRYPTION_KEYS = [KEY_B]
    message = f"therapy_sessions.PrivateNote.body of row {note.pk} opens with none"
    with pytest.raises(CommandError, match=message) as error:
        call_command("rotate_keys")
    assert KEY_A not in str(error.value) and KEY_B not in str(error.value)
    [event] = AuditEvent.objects.filter(target="encryption keys")
    assert event.detail["stopped_at"] == "therapy_sessions.PrivateNote.body"


def test_the_old_command_name_still_rotates_and_says_it_is_deprecated(written_under_a, capsys):
    call_command("rotate_note_keys", "--batch-size", "3")
    captured = capsys.readouterr()
    assert "`alliance rotate_note_keys` is deprecated: use `alliance rotate_keys`" in captured.err
    assert "Re-encrypted 11 value(s) in 21 encrypted field(s)" in captured.out
    [event] = AuditEvent.objects.filter(target="encryption keys")
    assert event.actor_role == "system"


@pytest.mark.parametrize("option", ["--batch-size", "--batch-megabytes"])
def test_batch_options_must_be_positive(option, db):
    with pytest.raises(CommandError, match=f"{option} must be at least 1"):
        call_command("rotate_keys", option, "0")
