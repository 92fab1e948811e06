"""Issuing, checking and revoking API tokens.

A token is 32 random bytes (URL-safe base64). It is stored as a plain SHA-256 hash, not through
a password hasher: a password hasher is slow to make guessing a weak password expensive, and a
256-bit random token cannot be guessed, so the hash only has to be one-way.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.fhir.models import ApiToken
from alliance.lib.errors import DomainError

PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn each read into a write; once a minute is
# precise enough to tell a token in use from a forgotten one.
LAST_USED_PRECISION = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _draw_plaintext() -> str:
    """A random token that does not start with '-', so that its prefix can be typed as a
    command-line argument (``alliance apitoken revoke <prefix>``) without being read as an option."""
    while True:
        plaintext = secrets.token_urlsafe(32)
        if not plaintext.startswith("-"):
            return plaintext


@transaction.atomic
def issue_token(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the plaintext is returned here and never again."""
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name that says what it is for.", field="name")
    if not user.is_active or user.practice_id is None:
        raise DomainError("Only an active account of a practice can have API tokens.")
    for _attempt in range(5):
        plaintext = _draw_plaintext()
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name[:100],
                    prefix=plaintext[:PREFIX_LENGTH],
                    secret_hash=_hash(plaintext),
                )
        except IntegrityError:
            continue  # two tokens starting alike (about 1 in 2**48): draw again
        record(
            actor=actor,
            action=AuditAction.CREATE,
            target="API token",
            obj=token,
            detail={"prefix": token.prefix, "name": token.name, "user": user.username},
        )
        return token, plaintext
    raise RuntimeError("could not draw a unique token prefix")


@transaction.atomic
def revoke_token(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Stop ``token`` working at once. Revoking a revoked token changes nothing."""
    locked = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="API token",
        obj=locked,
        detail={"prefix": locked.prefix, "revoked": True, "user": locked.user.username},
    )
    return locked


def token_from_header(header_value: str) -> str | None:
    """The token in an ``Authorization: Bearer <token>`` header value, or None."""
    scheme, _, credentials = header_value.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials or " " in credentials:
        return None
    return credentials


def authenticate_token(header_value: str | None) -> User | None:
    """The active user an ``Authorization`` header value's bearer token belongs to, or None."""
    plaintext = token_from_header(header_value or "")
    if plaintext is None or len(plaintext) < PREFIX_LENGTH:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(prefix=plaintext[:PREFIX_LENGTH])
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(plaintext)):
        return None
    user = token.user
    if not user.is_active or user.practice_id is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user
