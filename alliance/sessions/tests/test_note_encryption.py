"""Private notes are encrypted at rest, several keys are accepted, and rotation re-encrypts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from alliance.lib.encryption import (
    NoteKeyError,
    decrypt_note,
    encrypt_note,
    note_keys_from_environment,
    parse_note_keys,
)
from alliance.sessions.models import PrivateNote
from alliance.sessions.tests.helpers import NOTE_TEXT, chris_note

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
REPO = Path(__file__).resolve().parents[3]


def _raw_tokens() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, body_token FROM {PrivateNote._meta.db_table}")  # noqa: S608
        return {row[0]: row[1] for row in cursor.fetchall()}


def test_a_note_is_unreadable_in_the_database_without_the_key(personas, settings):
    settings.NOTE_KEYS = [KEY_A]
    note = chris_note(personas)

    raw = _raw_tokens()[note.pk]
    assert NOTE_TEXT not in raw
    assert "brother" not in raw
    assert Fernet(KEY_A.encode()).decrypt(raw.encode()).decode() == NOTE_TEXT
    with pytest.raises(InvalidToken):
        Fernet(KEY_B.encode()).decrypt(raw.encode())


def test_empty_text_stays_empty(settings):
    settings.NOTE_KEYS = [KEY_A]
    assert encrypt_note("") == ""
    assert decrypt_note("") == ""


def test_rotation_re_encrypts_every_note_with_the_newest_key(personas, settings, capsys):
    settings.NOTE_KEYS = [KEY_A]
    notes = [chris_note(personas, f"Note number {n}") for n in range(5)]
    before = _raw_tokens()

    settings.NOTE_KEYS = [KEY_B, KEY_A]
    call_command("rotate_note_keys", "--batch-size", "2")
    assert "Re-encrypted 5 private note(s)" in capsys.readouterr().out

    settings.NOTE_KEYS = [KEY_B]
    after = _raw_tokens()
    for number, note in enumerate(notes):
        assert after[note.pk] != before[note.pk]
        assert decrypt_note(after[note.pk]) == f"Note number {number}"

    # Running it again finds nothing left to do.
    settings.NOTE_KEYS = [KEY_B, KEY_A]
    call_command("rotate_note_keys")
    assert "Re-encrypted 0 private note(s)" in capsys.readouterr().out
    assert _raw_tokens() == after


def test_rotation_stops_with_a_clear_message_when_a_key_is_missing(personas, settings):
    settings.NOTE_KEYS = [KEY_A]
    note = chris_note(personas)
    settings.NOTE_KEYS = [KEY_B]
    with pytest.raises(CommandError, match=f"Private note {note.pk} opens with none"):
        call_command("rotate_note_keys")


def test_the_key_list_is_checked_and_never_echoed():
    assert parse_note_keys(f"{KEY_B}, {KEY_A}\n") == [KEY_B, KEY_A]
    with pytest.raises(NoteKeyError, match="key number 2 is not a Fernet key") as error:
        parse_note_keys(f"{KEY_A},not-a-real-key")
    assert "not-a-real-key" not in str(error.value)
    with pytest.raises(NoteKeyError, match="holds no key"):
        parse_note_keys(" , ")


def test_production_without_note_keys_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.delenv("ALLIANCE_NOTE_KEYS", raising=False)
    monkeypatch.delenv("ALLIANCE_NOTE_KEYS_FILE", raising=False)
    with pytest.raises(NoteKeyError, match="production needs ALLIANCE_NOTE_KEYS"):
        note_keys_from_environment(production=True, data_dir=tmp_path)
    assert not (tmp_path / "note_keys").exists()


def test_a_local_install_generates_a_key_once(monkeypatch, tmp_path):
    monkeypatch.delenv("ALLIANCE_NOTE_KEYS", raising=False)
    monkeypatch.delenv("ALLIANCE_NOTE_KEYS_FILE", raising=False)
    first = note_keys_from_environment(production=False, data_dir=tmp_path)
    assert note_keys_from_environment(production=False, data_dir=tmp_path) == first
    assert (tmp_path / "note_keys").stat().st_mode & 0o077 == 0


def test_keys_can_come_from_a_file(monkeypatch, tmp_path):
    key_file = tmp_path / "keys"
    key_file.write_text(f"{KEY_B}\n{KEY_A}\n")
    monkeypatch.setenv("ALLIANCE_NOTE_KEYS_FILE", str(key_file))
    assert note_keys_from_environment(production=True, data_dir=tmp_path) == [KEY_B, KEY_A]


@pytest.mark.parametrize(
    ("keys", "message"),
    [("", "production needs ALLIANCE_NOTE_KEYS"), ("abc", "key number 1 is not a Fernet key")],
)
def test_the_server_does_not_start_in_production_with_a_missing_or_bad_key(keys, message, tmp_path):
    env = {
        **os.environ,
        "ALLIANCE_ENV": "production",
        "SECRET_KEY": "s" * 60,
        "ALLIANCE_DATA_DIR": str(tmp_path),
        "ALLIANCE_NOTE_KEYS": keys,
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
    }
    env.pop("ALLIANCE_NOTE_KEYS_FILE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert 'python -c "from cryptography.fernet import Fernet' in result.stderr
