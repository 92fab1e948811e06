"""The encryption keys: their variable (ALLIANCE_ENCRYPTION_KEYS, and its old name
ALLIANCE_NOTE_KEYS still read with a warning), their checks, and production's refusal to start
without them."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from alliance.lib.encryption import (
    EncryptionKeyError,
    check_key_variable,
    decrypt,
    encrypt,
    encryption_keys_from_environment,
    log_key_variable_warnings,
    parse_keys,
)

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
REPO = Path(__file__).resolve().parents[3]
VARIABLES = (
    "ALLIANCE_ENCRYPTION_KEYS",
    "ALLIANCE_ENCRYPTION_KEYS_FILE",
    "ALLIANCE_NOTE_KEYS",
    "ALLIANCE_NOTE_KEYS_FILE",
)


@pytest.fixture
def no_key_variables(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_empty_text_stays_empty(settings):
    settings.ENCRYPTION_KEYS = [KEY_A]
    assert encrypt("") == ""
    assert decrypt("") == ""


def test_the_key_list_is_checked_and_never_echoed():
    assert parse_keys(f"{KEY_B}, {KEY_A}\n") == [KEY_B, KEY_A]
    with pytest.raises(EncryptionKeyError, match="key number 2 is not a Fernet key") as error:
        parse_keys(f"{KEY_A},not-a-real-key")
    assert "not-a-real-key" not in str(error.value)
    assert "ALLIANCE_ENCRYPTION_KEYS" in str(error.value)
    with pytest.raises(EncryptionKeyError, match="holds no key"):
        parse_keys(" , ")


def test_production_without_keys_refuses_to_start(no_key_variables, tmp_path):
    with pytest.raises(EncryptionKeyError, match="production needs ALLIANCE_ENCRYPTION_KEYS"):
        encryption_keys_from_environment(production=True, data_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_local_install_generates_a_key_once(no_key_variables, tmp_path):
    first = encryption_keys_from_environment(production=False, data_dir=tmp_path)
    assert encryption_keys_from_environment(production=False, data_dir=tmp_path) == first
    assert (tmp_path / "encryption_keys").stat().st_mode & 0o077 == 0


def test_a_local_install_keeps_the_key_file_of_its_old_name(no_key_variables, tmp_path):
    (tmp_path / "note_keys").write_text(KEY_A + "\n")
    assert encryption_keys_from_environment(production=False, data_dir=tmp_path) == [KEY_A]
    assert not (tmp_path / "encryption_keys").exists()


def test_keys_can_come_from_a_file(no_key_variables, tmp_path):
    key_file = tmp_path / "keys"
    key_file.write_text(f"{KEY_B}\n{KEY_A}\n")
    no_key_variables.setenv("ALLIANCE_ENCRYPTION_KEYS_FILE", str(key_file))
    assert encryption_keys_from_environment(production=True, data_dir=tmp_path) == [KEY_B, KEY_A]
    assert check_key_variable() == []


def test_the_old_name_is_still_read_with_a_warning(no_key_variables, tmp_path, caplog):
    no_key_variables.setenv("ALLIANCE_NOTE_KEYS", f"{KEY_B},{KEY_A}")
    assert encryption_keys_from_environment(production=True, data_dir=tmp_path) == [KEY_B, KEY_A]
    [warning] = check_key_variable()
    assert warning.id == "alliance.W001"
    assert "ALLIANCE_NOTE_KEYS" in warning.msg and "ALLIANCE_ENCRYPTION_KEYS" in warning.msg
    with caplog.at_level(logging.WARNING, logger="alliance.lib.encryption"):
        log_key_variable_warnings()
    [line] = caplog.records
    assert "Rename it ALLIANCE_ENCRYPTION_KEYS" in line.getMessage()
    assert KEY_A not in line.getMessage() and KEY_A not in warning.msg


def test_the_old_file_variable_is_still_read_too(no_key_variables, tmp_path):
    key_file = tmp_path / "keys"
    key_file.write_text(KEY_A)
    no_key_variables.setenv("ALLIANCE_NOTE_KEYS_FILE", str(key_file))
    assert encryption_keys_from_environment(production=True, data_dir=tmp_path) == [KEY_A]
    assert len(check_key_variable()) == 1


def test_the_new_name_wins_and_the_ignored_old_one_is_named(no_key_variables, tmp_path):
    no_key_variables.setenv("ALLIANCE_ENCRYPTION_KEYS", KEY_A)
    no_key_variables.setenv("ALLIANCE_NOTE_KEYS", KEY_B)
    assert encryption_keys_from_environment(production=True, data_dir=tmp_path) == [KEY_A]
    [warning] = check_key_variable()
    assert "ALLIANCE_NOTE_KEYS is set but ignored" in warning.msg


def test_the_new_name_alone_warns_of_nothing(no_key_variables, caplog):
    no_key_variables.setenv("ALLIANCE_ENCRYPTION_KEYS", KEY_A)
    assert check_key_variable() == []
    with caplog.at_level(logging.WARNING, logger="alliance.lib.encryption"):
        log_key_variable_warnings()
    assert caplog.records == []


def test_the_warning_is_a_registered_system_check(no_key_variables, capsys):
    no_key_variables.setenv("ALLIANCE_NOTE_KEYS", KEY_A)
    call_command("check")
    assert "alliance.W001" in capsys.readouterr().err


def _start(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=base
        | {
            "ALLIANCE_ENV": "production",
            "SECRET_KEY": "s" * 60,
            "ALLIANCE_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "alliance.settings",
        }
        | env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "production needs ALLIANCE_ENCRYPTION_KEYS"),
        ({"ALLIANCE_ENCRYPTION_KEYS": "abc"}, "ALLIANCE_ENCRYPTION_KEYS: key number 1 is not"),
        ({"ALLIANCE_NOTE_KEYS": "abc"}, "ALLIANCE_NOTE_KEYS: key number 1 is not a Fernet key"),
    ],
)
def test_the_server_does_not_start_in_production_with_a_missing_or_bad_key(env, message, tmp_path):
    result = _start(env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert 'python -c "from cryptography.fernet import Fernet' in result.stderr


def test_a_server_started_with_the_old_name_logs_the_warning_once(tmp_path):
    result = _start({"ALLIANCE_NOTE_KEYS": KEY_A}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Rename it ALLIANCE_ENCRYPTION_KEYS") == 1
    assert KEY_A not in result.stderr
