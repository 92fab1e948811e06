"""A production install passes Django's deployment checks, and refuses to start without a secret key.

Each test runs the ``alliance`` command in a fresh process, as an operator would: settings are
read once per process, so production settings cannot be tried inside the test process.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[3]


def alliance(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only what the operator sets: nothing from the test run (DATABASE_URL, ALLIANCE_*) leaks in.
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
        [sys.executable, "-m", "alliance.cli", *args],
        env=base | env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def production(tmp_path: Path) -> dict[str, str]:
    return {
        "ALLIANCE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "alliance.example.org",
        "ALLIANCE_DATA_DIR": str(tmp_path),
        # Required in production too (docs/sessions.md); its absence is tested in appointments.
        "ALLIANCE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }


def test_a_production_install_passes_the_deployment_checks(production):
    assert len(production["SECRET_KEY"]) == 64

    result = alliance("check", "--deploy", "--fail-level", "WARNING", env=production)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_a_production_install_with_a_mail_server_passes_too(production):
    env = production | {"EMAIL_HOST": "smtp.example.org", "EMAIL_USER": "alliance"}

    result = alliance("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_secret_key_can_come_from_a_file(production, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(production.pop("SECRET_KEY") + "\n")

    result = alliance(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production | {"SECRET_KEY_FILE": str(key_file)},
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checks_are_not_a_formality_a_local_install_fails_them(production):
    result = alliance(
        "check", "--deploy", "--fail-level", "WARNING", env=production | {"ALLIANCE_ENV": "local"}
    )

    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr


def test_production_without_a_secret_key_refuses_to_start(production):
    del production["SECRET_KEY"]

    result = alliance("check", env=production)

    assert result.returncode != 0
    assert "needs SECRET_KEY (or SECRET_KEY_FILE) to be set" in result.stderr
    # It does not quietly generate one either.
    assert not (Path(production["ALLIANCE_DATA_DIR"]) / "secret_key").exists()


def test_production_with_a_short_secret_key_refuses_to_start(production):
    result = alliance("check", env=production | {"SECRET_KEY": "too-short"})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
