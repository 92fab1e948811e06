"""Encryption at rest for therapists' private notes: Fernet tokens under a list of keys.

The keys come from ``ALLIANCE_NOTE_KEYS`` (or ``ALLIANCE_NOTE_KEYS_FILE``), comma-separated,
newest first. The newest key encrypts; every key in the list decrypts, so a new key can be put in
front while old notes are still readable, and ``alliance rotate_note_keys`` then re-encrypts them
with it. A local or demo install without the variable gets a key generated once into
``DATA_DIR / "note_keys"``; production refuses to start without one.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from alliance.lib.env import env_str

GENERATE_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


class NoteKeyError(ValueError):
    """The configured note keys are missing or malformed (the message never contains a key)."""


def parse_note_keys(raw: str) -> list[str]:
    """Split a key list (commas or new lines, newest first) and check that each is a Fernet key."""
    keys = [key.strip() for key in re.split(r"[,\n]", raw) if key.strip()]
    if not keys:
        raise NoteKeyError(f"ALLIANCE_NOTE_KEYS holds no key; {GENERATE_HINT}")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise NoteKeyError(
                f"ALLIANCE_NOTE_KEYS: key number {position} is not a Fernet key "
                f"(32 url-safe base64-encoded bytes); {GENERATE_HINT}"
            ) from None
    return keys


def load_or_create_note_keys(path: Path) -> str:
    """The key list stored at ``path``, creating it with one new key (owner-only) on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    path.touch(mode=0o600)
    path.write_text(key + "\n")
    return key


def note_keys_from_environment(*, production: bool, data_dir: Path) -> list[str]:
    """What settings.py calls at start: a clear error now rather than a failing page later."""
    raw = env_str("ALLIANCE_NOTE_KEYS")
    if not raw:
        if production:
            raise NoteKeyError(
                "ALLIANCE_ENV=production needs ALLIANCE_NOTE_KEYS (or ALLIANCE_NOTE_KEYS_FILE) "
                f"to be set; {GENERATE_HINT}"
            )
        raw = load_or_create_note_keys(data_dir / "note_keys")
    return parse_note_keys(raw)


@functools.lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _configured_keys() -> tuple[str, ...]:
    from django.conf import settings

    return tuple(parse_note_keys(",".join(settings.NOTE_KEYS)))


def note_cipher() -> MultiFernet:
    """The cipher for the keys in settings now (tests and rotation may change them)."""
    return _cipher(_configured_keys())


def encrypt_note(plaintext: str) -> str:
    """A Fernet token for ``plaintext`` under the newest key; the empty text stays empty."""
    if plaintext == "":
        return ""
    return note_cipher().encrypt(plaintext.encode()).decode()


def decrypt_note(token: str) -> str:
    """The plaintext of ``token``. Raises ``InvalidToken`` if no configured key opens it."""
    if token == "":
        return ""
    return note_cipher().decrypt(token.encode()).decode()


def is_under_newest_key(token: str) -> bool:
    if token == "":
        return True
    try:
        Fernet(_configured_keys()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate_note_token(token: str) -> str:
    """The same plaintext re-encrypted under the newest key (its original timestamp is kept)."""
    if token == "":
        return ""
    return note_cipher().rotate(token.encode()).decode()


__all__ = [
    "InvalidToken",
    "NoteKeyError",
    "decrypt_note",
    "encrypt_note",
    "is_under_newest_key",
    "note_cipher",
    "note_keys_from_environment",
    "parse_note_keys",
    "rotate_note_token",
]
