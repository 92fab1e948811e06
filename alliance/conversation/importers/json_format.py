"""JSON: ``{"turns": [{"speaker", "text", "start", "end"}], "speakers": {...}}``."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from alliance.conversation.importers.common import (
    TranscriptError,
    _quote,
    _Raw,
    normalise_mapping,
)

# --- JSON ----------------------------------------------------------------------------------------


def _read_json(text: str) -> tuple[list[_Raw], dict[str, Any]]:
    document = _load(text)
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
            if value is not None and _seconds(value) is None:
                raise TranscriptError(
                    f'turn {number}: "{key}" must be a number of seconds (0 or more) or null, '
                    f"not {_kind(value)}",
                    line=where.line_of_key(element, key),
                )
            times.append(None if value is None else _seconds(value))
        start, end = times
        if start is not None and end is not None and end < start:
            raise TranscriptError(
                f'turn {number}: "end" ({end:g}) is before "start" ({start:g})',
                line=where.line_of_key(element, "end"),
            )
        raw.append(_Raw(turn["speaker"], turn["text"], line, start, end))
    return raw, speakers


def _load(text: str) -> Any:
    """``json.loads``, with every way it can fail as a ``TranscriptError``: besides invalid
    JSON, a RecursionError for lists or objects nested thousands deep and a ValueError for an
    integer of more than 4,300 digits (Python's limit for reading digits)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise TranscriptError(f"not valid JSON: {error.msg}", line=error.lineno) from None
    except RecursionError:
        raise TranscriptError(
            "the JSON is nested too deeply to read (a transcript needs three levels: "
            'the object, its "turns" list and each turn)'
        ) from None
    except ValueError:
        raise TranscriptError(
            "not valid JSON: a number with too many digits to read (more than 4,300)"
        ) from None


def _seconds(value: Any) -> float | None:
    """A time in seconds (0 or more) as a float, or None if ``value`` is no such number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = _float(value)
    if number is None or not math.isfinite(number) or number < 0:
        return None
    return number


def _float(value: int | float) -> float | None:
    """The number as a float; None for an integer too large for one (past 1.8e308)."""
    try:
        return float(value)
    except OverflowError:
        return None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        number = _float(value)
        if number is None:
            return "a number too large to read"
        return f"a number ({number:g})" if math.isfinite(number) else "NaN or Infinity"
    if isinstance(value, str):
        return f"a string ({_quote(value, 30)})"
    if isinstance(value, list):
        return "a list"
    return "an object"


# The pieces of a valid JSON text, read from a position (``match(text, pos)``).
_WHITESPACE_RE = re.compile(r"[ \t\n\r]*+")
_STRING_RE = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_SCALAR_RE = re.compile(r"[^,\]} \t\n\r]*+")  # a number, true, false or null
# Error messages point at the top-level keys, the turns and each turn's keys. The top-level object
# and its values (the "turns" list) are opened; what is in them (each turn) is passed over whole
# by the C decoder, and a turn is opened only when an error message needs one of its keys.
_OPENED_DEPTH = 2
_DECODER = json.JSONDecoder()


@dataclass(slots=True)
class _Open:
    """An object or list being read: its value number and, in an object, the key just read."""

    number: int
    is_object: bool
    key: str = ""
    key_line: int = 0


class _JsonPositions:
    """Where each value of an already valid JSON text starts, for error messages: values are
    numbered in the order they start; objects know their keys, arrays their elements.

    One pass from the start to the end with a stack of the open objects and lists, not a
    recursive descent (``json.loads`` reads lists nested thousands deep, more than Python's
    recursion limit), counting the newlines since the previous position as it goes: counting
    from the start of the text for each turn would be quadratic in the number of turns. Values
    ``depth`` levels down are numbered but not opened (until an error message needs their keys).

    ``start``, ``line`` and ``depth`` read one value inside the text (a turn, to find its keys)."""

    def __init__(
        self, text: str, start: int = 0, line: int = 1, depth: int = _OPENED_DEPTH
    ) -> None:
        self.text = text
        self.depth = depth
        self.starts: list[int] = []
        self.lines: list[int] = []  # value -> its line
        self.keys: dict[int, dict[str, tuple[int, int]]] = {}  # value -> key -> (line, value)
        self.items: dict[int, list[int]] = {}
        self._line, self._counted = line, start
        self._later: dict[int, _JsonPositions] = {}
        self._read(start)

    def line(self, number: int) -> int:
        return self.lines[number]

    def line_of_key(self, number: int, key: str) -> int:
        keys = self.keys.get(number)
        if keys is None and self.text.startswith("{", self.starts[number]):
            keys = self._opened_later(number).keys[0]
        found = (keys or {}).get(key)
        return self.line(number) if found is None else found[0]

    def _opened_later(self, number: int) -> _JsonPositions:
        """An object that was passed over whole, read now that an error message needs a key."""
        if number not in self._later:
            start, line = self.starts[number], self.lines[number]
            self._later[number] = _JsonPositions(self.text, start, line, depth=1)
        return self._later[number]

    def _read(self, start: int) -> None:
        pos = self._skip(start)
        stack: list[_Open] = []
        while True:
            pos = self._value(pos, stack)
            pos = self._close(pos, stack)
            if not stack:
                return
            if stack[-1].is_object:
                pos = self._key(pos, stack[-1])

    def _value(self, pos: int, stack: list[_Open]) -> int:
        """Number the value at ``pos``: a scalar is read whole, an object or a list is opened.
        Returns the position after what was read."""
        number = len(self.starts)
        self.starts.append(pos)
        self.lines.append(self._line_at(pos))
        if stack:
            parent = stack[-1]
            if parent.is_object:
                self.keys[parent.number][parent.key] = (parent.key_line, number)
            else:
                self.items[parent.number].append(number)
        char = self.text[pos]
        if char in "{[" and len(stack) >= self.depth:
            return self._skip(_DECODER.raw_decode(self.text, pos)[1])
        if char == "{":
            self.keys[number] = {}
            stack.append(_Open(number, is_object=True))
            return self._skip(pos + 1)
        if char == "[":
            self.items[number] = []
            stack.append(_Open(number, is_object=False))
            return self._skip(pos + 1)
        pattern = _STRING_RE if char == '"' else _SCALAR_RE
        return self._skip(self._end(pattern, pos))

    def _close(self, pos: int, stack: list[_Open]) -> int:
        """Past the closing brackets at ``pos`` and the comma before the next value, if any."""
        while stack:
            char = self.text[pos]
            if char in "]}":
                stack.pop()
                pos = self._skip(pos + 1)
                continue
            if char == ",":
                pos = self._skip(pos + 1)
            break
        return pos

    def _key(self, pos: int, parent: _Open) -> int:
        """Read the key at ``pos`` into the open object; returns the position of its value."""
        after = self._end(_STRING_RE, pos)
        key = self.text[pos + 1 : after - 1]
        parent.key = json.loads(self.text[pos:after]) if "\\" in key else key
        parent.key_line = self._line_at(pos)
        return self._skip(self._skip(after) + 1)  # past the colon

    def _line_at(self, pos: int) -> int:
        """The line of ``pos``, counting only the newlines since the last position asked
        about (positions are asked about in order)."""
        self._line += self.text.count("\n", self._counted, pos)
        self._counted = pos
        return self._line

    def _skip(self, pos: int) -> int:
        return self._end(_WHITESPACE_RE, pos)

    def _end(self, pattern: re.Pattern[str], pos: int) -> int:
        match = pattern.match(self.text, pos)
        assert match is not None  # each pattern matches the empty string or valid JSON here
        return match.end()
