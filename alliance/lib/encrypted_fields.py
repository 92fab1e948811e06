"""``EncryptedTextField``: text the database holds only as a Fernet token, and its key rotation.

A model declares the field and reads and writes plain text; the token never shows in model or
service code::

    body = EncryptedTextField(editable=False, db_column="body_token")

    note.body = "Talked about the weekend."   # encrypted now, under the newest key
    note.body                                 # decrypted on first read, then kept

- **Encrypted when assigned** (in ``__init__`` too), so the CPU work happens where the caller
  assigns: a service can assign before its write transaction opens. Saving writes the token.
- **Decrypted when first read**, not when loaded: a page that lists transcripts decrypts no
  turns, and a value that no configured key opens (a key removed too early) raises
  ``InvalidToken`` only where it is read, so the page can say so.
- **The stored form** is a ``Sealed`` value: what ``values()``/``values_list()`` return, what
  ``dumpdata`` writes (the token, without decrypting it: a dump needs no key and holds no
  plaintext) and ``loaddata`` reads back (it needs the keys: a loaded row is saved anew, so
  its value is re-encrypted under the newest key). Never editable in a form.
- **The format** is the one private notes have always had (alliance/lib/encryption.py): a
  Fernet token of the UTF-8 text under ``ALLIANCE_ENCRYPTION_KEYS``, the empty text stored as
  ``""``. Rows written before this field existed read unchanged.
- **Lookups**: ``exact``, ``in`` and ``isnull`` only. A text encrypts differently each time,
  so comparing with a plaintext other than ``""`` would match nothing: compare with ``""``,
  ``None`` or a ``Sealed`` value.

``encrypted_fields()`` finds every such field of every installed model through the app registry,
and ``rotate_field`` re-encrypts one field under the newest key in bounded batches: what
``alliance rotate_keys`` runs (alliance/administration/services.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Func, IntegerField
from django.db.models.query_utils import DeferredAttribute
from django.utils.functional import Promise

from alliance.lib.encryption import (
    InvalidToken,
    decrypt,
    encrypt,
    is_under_newest_key,
    rotate_token,
)

# A batch of the rotation: at most this many rows, and no more than this many bytes of tokens
# (unless one row alone is larger), so memory stays bounded however large the table and its
# values (a transcript's token can hold a few megabytes).
ROTATION_BATCH_ROWS = 500
ROTATION_BATCH_BYTES = 8 * 1024 * 1024


class Sealed:
    """A value as the database holds it: its token, and its plaintext once read or known."""

    __slots__ = ("_plaintext", "token")

    def __init__(self, token: str, plaintext: str | None = None) -> None:
        self.token = token
        self._plaintext = plaintext

    @classmethod
    def of(cls, plaintext: str) -> Sealed:
        """``plaintext`` encrypted under the newest key."""
        return cls(encrypt(plaintext), plaintext)

    def plaintext(self) -> str:
        """The text (decrypted once). Raises ``InvalidToken`` if no configured key opens it."""
        if self._plaintext is None:
            self._plaintext = decrypt(self.token)
        return self._plaintext

    def holds(self, plaintext: str) -> bool:
        """Whether this is known to hold ``plaintext``, without decrypting anything."""
        return self._plaintext is not None and self._plaintext == plaintext

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)

    def __repr__(self) -> str:
        # Never the plaintext, nor the token (a log line is no place for either).
        return f"<Sealed: {len(self.token)} characters>"

    def __reduce__(self) -> tuple[type[Sealed], tuple[str]]:
        # A pickled or copied value keeps its token only: no plaintext in a cache or a queue.
        return (Sealed, (self.token,))


class EncryptedAttribute(DeferredAttribute):
    """The model attribute: plaintext to read and write, a ``Sealed`` value underneath."""

    field: EncryptedTextField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = self.stored(instance)
        return value.plaintext() if isinstance(value, Sealed) else value

    def stored(self, instance: Any) -> Sealed | None:
        """The stored form, loaded first if the field was deferred; never decrypted."""
        value: Sealed | None = super().__get__(instance, type(instance))
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        current = instance.__dict__.get(self.field.attname)
        instance.__dict__[self.field.attname] = self.field.seal(value, current)

    def fetch_one(self, instance: Any) -> None:
        # A deferred field read on its own: as refresh_from_db(fields=[...]) would, but keeping
        # the stored token rather than decrypting it and encrypting it again.
        manager = type(instance)._base_manager.db_manager(
            instance._state.db, hints={"instance": instance}
        )
        instance.__dict__[self.field.attname] = (
            manager.filter(pk=instance.pk).values_list(self.field.attname, flat=True).get()
        )


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted at rest with the configured keys (module docstring)."""

    description = "Text encrypted at rest (a Fernet token)"
    descriptor_class = EncryptedAttribute

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Never a model form's field: a form would show the stored form (value_from_object),
        # and what a person types is written through a service, which assigns the text.
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def seal(self, value: Any, current: Any = None) -> Sealed | None:
        """What an assignment stores: ``None``, a ``Sealed`` value as given, or the text
        encrypted (the value already there if it is known to hold that very text)."""
        if value is None or isinstance(value, Sealed):
            return value
        if isinstance(value, Promise):
            value = str(value)
        if not isinstance(value, str):
            raise TypeError(
                f"{self.model.__name__}.{self.name} holds text, not {type(value).__name__}."
            )
        if isinstance(current, Sealed) and current.holds(value):
            return current
        return Sealed.of(value)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Sealed | None:
        return None if value is None else Sealed(value)

    def to_python(self, value: Any) -> Sealed | None:
        """The stored form, as ``dumpdata`` writes it and ``loaddata`` reads it: a token."""
        if value is None or isinstance(value, Sealed):
            return value
        return Sealed(str(value))

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        # ``full_clean`` passes the attribute's value, which is the plaintext: validate it as
        # text, never read it as a token (which to_python would).
        self.validate(value, model_instance)
        self.run_validators(value)
        return value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        # The sealed value as assigned or loaded: saving never decrypts or re-encrypts.
        return self.value_from_object(model_instance)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or hasattr(value, "resolve_expression"):
            return value
        if isinstance(value, Sealed):
            return value.token
        sealed = self.seal(value)
        return None if sealed is None else sealed.token

    def value_from_object(self, obj: models.Model) -> Sealed | None:
        """The stored form: serializers (``dumpdata``) write the token without decrypting it,
        so a dump needs no key and holds no plaintext. (Hence no forms: see ``__init__``.)"""
        attribute: EncryptedAttribute = getattr(type(obj), self.attname)
        return attribute.stored(obj)

    def value_to_string(self, obj: models.Model) -> str:
        sealed = self.value_from_object(obj)
        return "" if sealed is None else sealed.token

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"exact", "in", "isnull"}:
            return None  # Django then says the lookup is not supported on this field
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None


def field_label(field: models.Field[Any, Any]) -> str:
    """``app_label.Model.field``, as the rotation reports it."""
    return f"{field.model._meta.label}.{field.name}"


def encrypted_fields() -> list[EncryptedTextField]:
    """Every ``EncryptedTextField`` of every installed model (found through the app registry,
    not listed by hand), in the order of their labels."""
    found = [
        field
        for model in apps.get_models()
        if not model._meta.proxy
        for field in model._meta.local_concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
    return sorted(found, key=field_label)


class UnreadableValue(Exception):
    """A stored value that none of the configured keys opens (the message names the row only)."""

    def __init__(self, label: str, pk: Any) -> None:
        self.label, self.pk = label, pk
        super().__init__(
            f"{label} of row {pk} opens with none of the configured keys: put the key it was "
            "written with back into ALLIANCE_ENCRYPTION_KEYS (after the newest) and run again."
        )


@dataclass(frozen=True)
class RotationBatch:
    """What one batch did: rows it looked at, tokens it re-encrypted, and tokens changed (or
    rows deleted) between its read and its write, which it left alone (a write since then used
    the newest key already)."""

    label: str
    checked: int
    rotated: int
    changed_meanwhile: int


class _StoredLength(Func):
    """The length of a stored token (ASCII, so characters are bytes). PostgreSQL's
    octet_length reads it from the value's header, without fetching or decompressing it."""

    function = "LENGTH"
    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="OCTET_LENGTH", **extra)


def rotate_field(
    field: EncryptedTextField,
    *,
    batch_size: int = ROTATION_BATCH_ROWS,
    batch_bytes: int = ROTATION_BATCH_BYTES,
    using: str = DEFAULT_DB_ALIAS,
) -> Iterator[RotationBatch]:
    """Re-encrypt under the newest key every value of ``field`` that is not under it yet, one
    batch at a time, yielding what each batch did. Each batch:

    1. reads which rows come next and how long their tokens are (``batch_size`` rows at most,
       and no more than ``batch_bytes`` of tokens unless one row alone is larger);
    2. reads their tokens and re-encrypts the stale ones, outside any transaction: the CPU
       work never holds the database's write lock (SQLite has one for the whole database);
    3. writes them in one short transaction, each row only if its token is still the one read.

    An interrupted run can be started again: the rows already done are skipped. Raises
    ``UnreadableValue`` for a value no configured key opens (the batches before it are kept).
    """
    label = field_label(field)
    rows = field.model._base_manager.db_manager(using).order_by("pk")
    last_pk: Any = None
    while pks := _next_batch(rows, field, last_pk, batch_size, batch_bytes):
        last_pk = pks[-1]
        stored = dict(rows.filter(pk__in=pks).values_list("pk", field.attname))
        fresh = _re_encrypted(label, stored)
        written = _write(field, fresh, using) if fresh else 0
        yield RotationBatch(
            label, checked=len(stored), rotated=written, changed_meanwhile=len(fresh) - written
        )


def _next_batch(
    rows: models.QuerySet[Any],
    field: EncryptedTextField,
    last_pk: Any,
    batch_size: int,
    batch_bytes: int,
) -> list[Any]:
    """The primary keys of the next batch (step 1): empty when the table is done."""
    pending = rows if last_pk is None else rows.filter(pk__gt=last_pk)
    sizes = pending.annotate(token_length=_StoredLength(field.attname)).values_list(
        "pk", "token_length"
    )[:batch_size]
    pks: list[Any] = []
    total = 0
    for pk, length in sizes:
        if pks and total + (length or 0) > batch_bytes:
            break
        pks.append(pk)
        total += length or 0
    return pks


def _re_encrypted(label: str, stored: dict[Any, Sealed | None]) -> dict[Any, tuple[Sealed, Sealed]]:
    """Step 2, with no transaction open: (as read, re-encrypted) for each stale value."""
    fresh: dict[Any, tuple[Sealed, Sealed]] = {}
    for pk, sealed in stored.items():
        if sealed is None or is_under_newest_key(sealed.token):
            continue
        try:
            fresh[pk] = (sealed, Sealed(rotate_token(sealed.token)))
        except InvalidToken:
            raise UnreadableValue(label, pk) from None
    return fresh


def _write(
    field: EncryptedTextField,
    fresh: dict[Any, tuple[Sealed, Sealed]],
    using: str,
) -> int:
    """Step 3: one short transaction; a row whose token changed since it was read (saved
    meanwhile, under the newest key already) or that was deleted is left alone.

    One prepared UPDATE run for every row: building 500 ORM queries took about a second and a
    half inside the transaction, the statement alone takes milliseconds."""
    connection = connections[using]
    pk_field = field.model._meta.pk
    assert pk_field is not None  # every concrete model has one
    table, column, pk_column = (
        connection.ops.quote_name(str(name))
        for name in (field.model._meta.db_table, field.column, pk_field.column)
    )
    sql = (
        f"UPDATE {table} SET {column} = %s "  # noqa: S608 (quoted names of our own)
        f"WHERE {pk_column} = %s AND {column} = %s"
    )
    params = [
        (new.token, pk_field.get_db_prep_value(pk, connection), old.token)
        for pk, (old, new) in fresh.items()
    ]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.executemany(sql, params)
        return max(int(cursor.rowcount), 0)  # summed over the rows, on SQLite and psycopg


__all__ = [
    "ROTATION_BATCH_BYTES",
    "ROTATION_BATCH_ROWS",
    "EncryptedTextField",
    "InvalidToken",
    "RotationBatch",
    "Sealed",
    "UnreadableValue",
    "encrypted_fields",
    "field_label",
    "rotate_field",
]
