"""Encryption at rest: Fernet tokens under a list of keys, newest first.

What it protects: every ``EncryptedTextField`` (alliance/lib/encrypted_fields.py): therapists'
private notes, session transcripts and conversation reports. The keys come from
``ALLIANCE_ENCRYPTION_KEYS`` (or ``ALLIANCE_ENCRYPTION_KEYS_FILE``), comma- or newline-separated,
newest first. The newest key encrypts; every key in the list decrypts, so a new key can be put in
front while older values are still readable, and ``alliance rotate_keys`` then re-encrypts them
with it. A local or demo install without the variable gets a key generated once into
``DATA_DIR / "encryption_keys"``; production refuses to start without one.

The variable was first called ``ALLIANCE_NOTE_KEYS`` (when only notes were encrypted). That name
is still read when the new one is not set, with a warning (``check_key_variable``, and a log line
once per process). The token format never changed: Fernet (AES-128-CBC + HMAC-SHA256), the
plaintext UTF-8, the empty text stored as the empty string.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from alliance.lib.env import env_str

KEYS_VARIABLE = "ALLIANCE_ENCRYPTION_KEYS"
# The name the variable had until the keys protected more than notes: still read, with a warning.
OLD_KEYS_VARIABLE = "ALLIANCE_NOTE_KEYS"
# The local key file, and the name it had before (an existing install keeps using its file).
KEY_FILE_NAME = "encryption_keys"
OLD_KEY_FILE_NAME = "note_keys"

GENERATE_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)

logger = logging.getLogger(__name__)


class EncryptionKeyError(ValueError):
    """The configured keys are missing or malformed (the message never contains a key)."""


def parse_keys(raw: str, *, variable: str = KEYS_VARIABLE) -> list[str]:
    """Split a key list (commas or new lines, newest first) and check that each is a Fernet key."""
    keys = [key.strip() for key in re.split(r"[,\n]", raw) if key.strip()]
    if not keys:
        raise EncryptionKeyError(f"{variable} holds no key; {GENERATE_HINT}")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise EncryptionKeyError(
                f"{variable}: key number {position} is not a Fernet key "
                f"(32 url-safe base64-encoded bytes); {GENERATE_HINT}"
            ) from None
    return keys


def load_or_create_keys(data_dir: Path) -> str:
    """The key list stored under ``data_dir`` (the old file name if only that one exists),
    creating it with one new key (owner-only) on first use."""
    path, old_path = data_dir / KEY_FILE_NAME, data_dir / OLD_KEY_FILE_NAME
    if not path.exists() and old_path.exists():
        return old_path.read_text().strip()
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    path.touch(mode=0o600)
    path.write_text(key + "\n")
    return key


def _is_set(variable: str) -> bool:
    return bool(os.environ.get(variable) or os.environ.get(f"{variable}_FILE"))


def key_variable_in_use() -> str | None:
    """Which variable the keys are read from: the new name when it is set, else the old one if
    that is set, else ``None`` (a local install's generated key file)."""
    if _is_set(KEYS_VARIABLE):
        return KEYS_VARIABLE
    if _is_set(OLD_KEYS_VARIABLE):
        return OLD_KEYS_VARIABLE
    return None


def encryption_keys_from_environment(*, production: bool, data_dir: Path) -> list[str]:
    """What settings.py calls at start: a clear error now rather than a failing page later."""
    variable = key_variable_in_use()
    raw = env_str(variable) if variable is not None else ""
    if not raw:
        if production:
            raise EncryptionKeyError(
                f"ALLIANCE_ENV=production needs {KEYS_VARIABLE} (or {KEYS_VARIABLE}_FILE) "
                f"to be set; {GENERATE_HINT}"
            )
        return parse_keys(load_or_create_keys(data_dir), variable=str(data_dir / KEY_FILE_NAME))
    return parse_keys(raw, variable=variable or KEYS_VARIABLE)


def key_variable_warnings() -> list[str]:
    """What an operator should change about how the keys are named (empty when nothing)."""
    if _is_set(KEYS_VARIABLE) and _is_set(OLD_KEYS_VARIABLE):
        return [
            f"{OLD_KEYS_VARIABLE} is set but ignored: {KEYS_VARIABLE} is set too, and wins. "
            f"Remove {OLD_KEYS_VARIABLE} (a key added to it would never be used)."
        ]
    if key_variable_in_use() == OLD_KEYS_VARIABLE:
        return [
            f"The encryption keys are read from {OLD_KEYS_VARIABLE}, the name they had when "
            f"only notes were encrypted. Rename it {KEYS_VARIABLE} (or {OLD_KEYS_VARIABLE}_FILE "
            f"to {KEYS_VARIABLE}_FILE); the old name will stop being read in a later release."
        ]
    return []


def check_key_variable(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """System check (registered by the runtime app): a warning while only the old name is set."""
    from django.core.checks import Warning as CheckWarning

    return [
        CheckWarning(message, hint="See docs/encryption.md.", id="alliance.W001")
        for message in key_variable_warnings()
    ]


def log_key_variable_warnings() -> None:
    """The same warnings, logged once per process at start (``alliance serve`` runs no checks)."""
    for message in key_variable_warnings():
        logger.warning("%s See docs/encryption.md.", message)


@functools.lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


@functools.lru_cache(maxsize=8)
def _newest(key: str) -> Fernet:
    return Fernet(key)


@functools.lru_cache(maxsize=8)
def _checked(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(parse_keys(",".join(keys)))


def configured_keys() -> tuple[str, ...]:
    """The keys in settings now (tests and rotation may change them), newest first."""
    from django.conf import settings

    return _checked(tuple(settings.ENCRYPTION_KEYS))


def cipher() -> MultiFernet:
    """The cipher for the keys in settings now."""
    return _cipher(configured_keys())


def encrypt(plaintext: str) -> str:
    """A Fernet token for ``plaintext`` under the newest key; the empty text stays empty."""
    if plaintext == "":
        return ""
    return cipher().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """The plaintext of ``token``. Raises ``InvalidToken`` if no configured key opens it."""
    if token == "":
        return ""
    return cipher().decrypt(token.encode()).decode()


def is_under_newest_key(token: str) -> bool:
    if token == "":
        return True
    try:
        _newest(configured_keys()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate_token(token: str) -> str:
    """The same plaintext re-encrypted under the newest key (its original timestamp is kept).
    Raises ``InvalidToken`` if no configured key opens it."""
    if token == "":
        return ""
    return cipher().rotate(token.encode()).decode()


__all__ = [
    "KEYS_VARIABLE",
    "OLD_KEYS_VARIABLE",
    "EncryptionKeyError",
    "InvalidToken",
    "check_key_variable",
    "cipher",
    "configured_keys",
    "decrypt",
    "encrypt",
    "encryption_keys_from_environment",
    "is_under_newest_key",
    "key_variable_in_use",
    "key_variable_warnings",
    "log_key_variable_warnings",
    "parse_keys",
    "rotate_token",
]
