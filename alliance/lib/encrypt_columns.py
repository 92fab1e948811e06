"""A migration step that turns a column of plain text into ``EncryptedTextField`` tokens.

Used right after the ``AlterField`` that makes a ``TextField`` an ``EncryptedTextField`` (the column
type stays ``text``). It reads and writes the column past the model (whose field would read the
plain text as a token): each non-empty value that no configured key opens is encrypted under the
newest key; a value that is already a token is left as it is, so running it twice is safe. The
reverse decrypts every token back to plain text (it needs the keys), so the migration can be
unapplied.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from alliance.lib.encryption import InvalidToken, decrypt, encrypt


def _is_token(value: str) -> bool:
    try:
        decrypt(value)
    except (InvalidToken, ValueError, TypeError):
        return False
    return True


def _rewrite(apps: Any, schema_editor: Any, label: str, name: str, forward: bool) -> None:
    app_label, model_name = label.split(".")
    model = apps.get_model(app_label, model_name)
    table = schema_editor.quote_name(model._meta.db_table)
    column = schema_editor.quote_name(model._meta.get_field(name).column)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
        rows = cursor.fetchall()
    for pk, value in rows:
        if forward and not _is_token(value):
            new = encrypt(value)
        elif not forward and _is_token(value):
            new = decrypt(value)
        else:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [new, pk])  # noqa: S608


def encrypt_existing(label: str, *names: str) -> migrations.RunPython:
    """The step for ``names`` of model ``label`` ("app_label.Model")."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for name in names:
            _rewrite(apps, schema_editor, label, name, forward=True)

    def backward(apps: Any, schema_editor: Any) -> None:
        for name in names:
            _rewrite(apps, schema_editor, label, name, forward=False)

    return migrations.RunPython(forward, backward, elidable=False)
