"""JSON: ``{"turns": [{"speaker", "text", "start", "end"}], "speakers": {...}}``."""

from __future__ import annotations

import json
import math
from typing import Any

from alliance.conversation.importers.common import (
    TranscriptError,
    _quote,
    _Raw,
    normalise_mapping,
)

# --- JSON ----------------------------------------------------------------------------------------


def _read_json(text: str) -> tuple[list[_Raw], dict[str, Any]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TranscriptError(f"not valid JSON: {error.msg}", line=error.lineno) from None
    where = _JsonPositions(text)
    root = 0  # the number of the top-level value
    if not isinstance(document, dict):
        raise TranscriptError('the top level must be an object with a "turns" list', line=1)
    speakers = document.get("speakers", {})
    if not isinstance(speakers, dict):
        raise TranscriptError(
            '"speakers" must be an object of names to "therapist" or "client"',
            line=where.line_of_key(root, "speakers"),
        )
    try:
        normalise_mapping(speakers)
    except TranscriptError as error:
        raise TranscriptError(error.problem, line=where.line_of_key(root, "speakers")) from None
    turns = document.get("turns")
    if not isinstance(turns, list):
        raise TranscriptError(
            f'"turns" must be a list of turns, not {_kind(turns)}',
            line=where.line_of_key(root, "turns"),
        )
    elements = where.items[where.keys[root]["turns"][1]]
    raw: list[_Raw] = []
    for number, (turn, element) in enumerate(zip(turns, elements, strict=True), start=1):
        line = where.line(element)
        if not isinstance(turn, dict):
            raise TranscriptError(f"turn {number} must be an object, not {_kind(turn)}", line=line)
        for key in ("speaker", "text"):
            if not isinstance(turn.get(key), str):
                raise TranscriptError(
                    f'turn {number}: "{key}" must be a string, not {_kind(turn.get(key))}',
                    line=where.line_of_key(element, key),
                )
        times: list[float | None] = []
        for key in ("start", "end"):
            value = turn.get(key)
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise TranscriptError(
                    f'turn {number}: "{key}" must be a number of seconds (0 or more) or null, '
                    f"not {_kind(value)}",
                    line=where.line_of_key(element, key),
                )
            times.append(None if value is None else float(value))
        start, end = times
        if start is not None and end is not None and end < start:
            raise TranscriptError(
                f'turn {number}: "end" ({end:g}) is before "start" ({start:g})',
                line=where.line_of_key(element, "end"),
            )
        raw.append(_Raw(turn["speaker"], turn["text"], line, start, end))
    return raw, speakers


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"a number ({value:g})" if math.isfinite(value) else "NaN or Infinity"
    if isinstance(value, str):
        return f"a string ({_quote(value, 30)})"
    if isinstance(value, list):
        return "a list"
    return "an object"


class _JsonPositions:
    """Where each value of an already valid JSON text starts, for error messages: values are
    numbered in the order they start; objects know their keys, arrays their elements."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.keys: dict[int, dict[str, tuple[int, int]]] = {}  # value -> key -> (key pos, value)
        self.items: dict[int, list[int]] = {}
        self._parse(self._skip(0))

    def _skip(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in " \t\n\r":
            pos += 1
        return pos

    def _string_end(self, pos: int) -> int:
        pos += 1
        while self.text[pos] != '"':
            pos += 2 if self.text[pos] == "\\" else 1
        return pos + 1

    def _parse(self, pos: int) -> tuple[int, int]:
        """Parse the value at ``pos``; returns (its number, the position after it)."""
        number = len(self.starts)
        self.starts.append(pos)
        char = self.text[pos]
        if char == "{":
            self.keys[number] = {}
            pos = self._skip(pos + 1)
            while self.text[pos] != "}":
                key_pos, after = pos, self._string_end(pos)
                key = json.loads(self.text[key_pos:after])
                pos = self._skip(self._skip(after) + 1)  # past the colon
                child, pos = self._parse(pos)
                self.keys[number][key] = (key_pos, child)
                pos = self._skip(pos)
                if self.text[pos] == ",":
                    pos = self._skip(pos + 1)
            return number, pos + 1
        if char == "[":
            self.items[number] = []
            pos = self._skip(pos + 1)
            while self.text[pos] != "]":
                child, pos = self._parse(pos)
                self.items[number].append(child)
                pos = self._skip(pos)
                if self.text[pos] == ",":
                    pos = self._skip(pos + 1)
            return number, pos + 1
        if char == '"':
            return number, self._string_end(pos)
        while pos < len(self.text) and self.text[pos] not in ",]} \t\n\r":
            pos += 1
        return number, pos

    def line(self, number: int) -> int:
        return self.text.count("\n", 0, self.starts[number]) + 1

    def line_of_key(self, number: int, key: str) -> int:
        found = self.keys.get(number, {}).get(key)
        if found is None:
            return self.line(number)
        return self.text.count("\n", 0, found[0]) + 1
