"""Plain text: ``T:``/``C:``, ``Therapist:``/``Client:`` or mapped names, one turn a label."""

from __future__ import annotations

import re
from typing import NamedTuple

from alliance.conversation.importers.common import (
    BUILT_IN_LABELS,
    LABEL_RE,
    TranscriptError,
    _quote,
    _Raw,
    label_keys,
)

# "[00:01:05] ", "01:05 " before a label; every run is bounded but the spaces (linear).
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
    parsed = [
        _read_line(number, line) for number, line in enumerate(lines, start=1) if line.strip()
    ]
    keys = label_keys(line.label for line in parsed if line.label is not None)
    # A "Word:" that is no known label is text when both roles already have labels.
    known = set(keys.values()) & (set(mapping) | set(BUILT_IN_LABELS))
    known_roles = {mapping.get(key) or BUILT_IN_LABELS[key] for key in known}
    raw: list[_Raw] = []
    # The continuation lines of each turn that has some, joined to it once at the end: adding
    # each line to the text so far would copy the whole turn again for every line.
    more: dict[int, list[str]] = {}
    for line in parsed:
        is_label = line.label is not None and (keys[line.label] in known or len(known_roles) < 2)
        if is_label and line.label is not None:
            raw.append(_Raw(line.label, line.body, line.number, line.start))
        elif raw:
            more.setdefault(len(raw) - 1, []).append(lines[line.number - 1])
        else:
            raise TranscriptError(
                f'text before any speaker label: {_quote(line.body)} (start turns with "T:" and'
                ' "C:", "Therapist:" and "Client:", or "Name:" with the names mapped)',
                line=line.number,
            )
    for index, texts in more.items():
        raw[index].text = " ".join([raw[index].text, *texts])
    return raw


class _Line(NamedTuple):
    """A line that is not empty: its label, text and start if it has a label (and a time).
    (A named tuple: one is made for every line, and it is the quickest to make.)"""

    number: int
    label: str | None
    body: str
    start: float | None


def _read_line(number: int, line: str) -> _Line:
    """The label and text of a line, and its start when a time comes before the label (a time
    before no label is text)."""
    start: float | None = None
    body = line
    stamp = TIMESTAMP_RE.match(body)
    if stamp and LABEL_RE.match(body[stamp.end() :]):
        start = _seconds(stamp.group("time"))
        body = body[stamp.end() :]
    match = LABEL_RE.match(body)
    if match:
        return _Line(number, match.group("label"), match.group("text"), start)
    return _Line(number, None, line, None)
