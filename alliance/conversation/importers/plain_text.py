"""Plain text: ``T:``/``C:``, ``Therapist:``/``Client:`` or mapped names, one turn a label."""

from __future__ import annotations

import re

from alliance.conversation.importers.common import (
    BUILT_IN_LABELS,
    LABEL_RE,
    TranscriptError,
    _key,
    _quote,
    _Raw,
)

TIMESTAMP_RE = re.compile(
    r"^\s*[\[(]?(?P<time>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])]?\s+"
)


# --- Plain text ----------------------------------------------------------------------------------


def _seconds(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def _read_text(text: str, mapping: dict[str, str]) -> list[_Raw]:
    lines = text.split("\n")
    parsed: list[tuple[int, str | None, str, float | None]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        start: float | None = None
        body = line
        stamp = TIMESTAMP_RE.match(body)
        if stamp and LABEL_RE.match(body[stamp.end() :]):
            start = _seconds(stamp.group("time"))
            body = body[stamp.end() :]
        match = LABEL_RE.match(body)
        if match:
            parsed.append((number, match.group("label"), match.group("text"), start))
        else:
            parsed.append((number, None, line, None))
    # A "Word:" that is no known label is text when both roles already have labels.
    known = {_key(label) for _, label, _, _ in parsed if label is not None} & (
        set(mapping) | set(BUILT_IN_LABELS)
    )
    known_roles = {mapping.get(key) or BUILT_IN_LABELS[key] for key in known}
    raw: list[_Raw] = []
    for number, label, body, start in parsed:
        is_label = label is not None and (_key(label) in known or len(known_roles) < 2)
        if is_label and label is not None:
            raw.append(_Raw(label, body, number, start))
        elif raw:
            raw[-1].text += " " + lines[number - 1]
        else:
            raise TranscriptError(
                f'text before any speaker label: {_quote(body)} (start turns with "T:" and "C:",'
                ' "Therapist:" and "Client:", or "Name:" with the names mapped)',
                line=number,
            )
    return raw
