"""Reading session transcripts: plain text, WebVTT, SRT and JSON, into ``Turn``s.

``parse_transcript(data, filename=..., speakers=...)`` is the one entry point. It checks the
limits (size, encoding, number of turns), detects the format by content and extension, and gives
back a ``ParsedTranscript``; anything it cannot read raises ``TranscriptError`` with the line
number and the problem, e.g. ``line 14: a cue without a speaker: "since we last met?"``.

Formats (docs/conversation.md, "Importing transcripts", is the reference):

- plain text: ``T:``/``C:``, ``Therapist:``/``Client:``, or names mapped to roles; a line without
  a label continues the previous turn; an optional ``[hh:mm:ss]`` before the label is the start.
- WebVTT: the speaker from a ``<v Name>`` voice tag (or a ``Name:`` prefix); NOTE, STYLE and
  REGION blocks and cue settings are ignored.
- SRT: the speaker from a ``Name:`` prefix in the cue text.
- JSON: ``{"turns": [{"speaker", "text", "start", "end"}], "speakers": {...}}``.

In VTT and SRT, consecutive cues of one speaker become one turn (the first start, the last end);
a cue that starts before the previous speaker's cue ended is kept and counts as an overlap.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

import pysrt  # type: ignore[import-untyped]
import webvtt
from webvtt.errors import MalformedCaptionError

from alliance.conversation.coding import CLIENT, THERAPIST, Turn

MAX_BYTES = 2 * 1024 * 1024
MAX_TURNS = 5_000

TEXT, VTT, SRT, JSON = "text", "vtt", "srt", "json"
FORMATS = (TEXT, VTT, SRT, JSON)
FORMAT_LABELS = {TEXT: "Plain text", VTT: "WebVTT", SRT: "SubRip (SRT)", JSON: "JSON"}
EXTENSIONS = {".txt": TEXT, ".text": TEXT, ".vtt": VTT, ".srt": SRT, ".json": JSON}

# Labels every transcript may use without a mapping (compared case-insensitively).
BUILT_IN_LABELS = {
    "t": THERAPIST,
    "therapist": THERAPIST,
    "counsellor": THERAPIST,
    "counselor": THERAPIST,
    "clinician": THERAPIST,
    "c": CLIENT,
    "client": CLIENT,
    "patient": CLIENT,
}
ROLE_WORDS = {"therapist": THERAPIST, "t": THERAPIST, "client": CLIENT, "c": CLIENT}

# "Dr. Lee: text", "Sam: text": a name of at most four words, starting with a letter.
LABEL_RE = re.compile(r"^\s*(?P<label>[^\W\d_][\w.'’-]*(?: [\w.'’-]+){0,3}?)\s*:\s*(?P<text>.*)$")
TIMESTAMP_RE = re.compile(
    r"^\s*[\[(]?(?P<time>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])]?\s+"
)
VOICE_RE = re.compile(r"^\s*<v(?:\.[\w-]+)*\s+(?P<name>[^>]+?)\s*>(?P<text>.*)$")
SRT_TIMING_RE = re.compile(
    r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}(\s.*)?$"
)
TAG_RE = re.compile(r"<[^>]*>")
CUT_OFF_ENDINGS = ("-", "—", "–", "...", "…")


class TranscriptError(ValueError):
    """A transcript that cannot be read; the message names the line and the problem."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line
        self.problem = message


@dataclass(frozen=True)
class ParsedTranscript:
    format: str
    turns: tuple[Turn, ...]

    @property
    def overlaps(self) -> tuple[int, ...]:
        """Indices of turns that start before the other speaker's previous turn ended."""
        return overlapping_turns(self.turns)


def overlapping_turns(turns: Sequence[Turn]) -> tuple[int, ...]:
    return tuple(
        turn.index
        for previous, turn in itertools.pairwise(turns)
        if turn.speaker != previous.speaker
        and turn.start is not None
        and previous.end is not None
        and turn.start < previous.end
    )


def is_cut_off(text: str) -> bool:
    """A turn broken off mid-word or mid-sentence: it ends in a dash or an ellipsis."""
    return text.rstrip().endswith(CUT_OFF_ENDINGS)


# --- Entry point ---------------------------------------------------------------------------------


def parse_transcript(
    data: bytes | str,
    *,
    filename: str = "",
    speakers: Mapping[str, str] | None = None,
    format: str | None = None,
) -> ParsedTranscript:
    """Read a transcript. ``speakers`` maps names to "therapist" or "client"."""
    text = decode(data)
    mapping = normalise_mapping(speakers or {})
    chosen = format or detect_format(text, filename)
    if chosen not in FORMATS:
        raise TranscriptError(f"unknown format {chosen!r}; use one of {', '.join(FORMATS)}")
    if chosen == VTT:
        raw = _read_vtt(text)
    elif chosen == SRT:
        raw = _read_srt(text)
    elif chosen == JSON:
        raw, file_mapping = _read_json(text)
        mapping = normalise_mapping(file_mapping) | mapping
    else:
        raw = _read_text(text, mapping)
    turns = _resolve(raw, mapping, merge=chosen in (VTT, SRT))
    if not turns:
        raise TranscriptError("the transcript holds no turns: nothing was said by anyone")
    return ParsedTranscript(chosen, turns)


def decode(data: bytes | str) -> str:
    """UTF-8 text (a BOM is dropped) with "\\n" line endings, within the size limit."""
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise TranscriptError(
            f"the file is {len(raw) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB (split a long recording into parts)"
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TranscriptError("the file is UTF-16 text; save it as UTF-8 and upload it again")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex().upper()
        raise TranscriptError(
            f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8 and upload it again",
            line=line,
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise TranscriptError("a NUL character: this looks like a binary file", line=line)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_format(text: str, filename: str = "") -> str:
    """What the content says when it is clear (WEBVTT header, a JSON object, an SRT cue),
    otherwise what the file name says, otherwise plain text."""
    start = text.lstrip()
    if start.startswith("WEBVTT"):
        return VTT
    if start.startswith("{"):
        return JSON
    first_lines = [line.strip() for line in start.split("\n")[:3]]
    if (
        len(first_lines) >= 2
        and first_lines[0].isdigit()
        and re.match(r"^\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", first_lines[1])
    ):
        return SRT
    return EXTENSIONS.get(PurePath(filename).suffix.lower(), TEXT)


def normalise_mapping(speakers: Mapping[str, Any]) -> dict[str, str]:
    """``{"Dr Lee": "therapist"}`` with keys compared case- and space-insensitively."""
    mapping: dict[str, str] = {}
    for name, role in speakers.items():
        if not isinstance(role, str) or role.strip().lower() not in ROLE_WORDS:
            raise TranscriptError(
                f"the speaker {name!r} must be mapped to therapist or client, not {role!r}"
            )
        mapping[_key(name)] = ROLE_WORDS[role.strip().lower()]
    return mapping


def parse_speaker_lines(text: str) -> dict[str, str]:
    """``Name = therapist`` lines (also ``Name: client``), as typed in the upload form."""
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.replace("\r", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        name, separator, role = line.rpartition("=") if "=" in line else line.rpartition(":")
        if not separator or not name.strip():
            raise TranscriptError(
                f'the speaker list, line {number}: write "Name = therapist" or "Name = client"'
            )
        if role.strip().lower() not in ROLE_WORDS:
            raise TranscriptError(
                f"the speaker list, line {number}: {role.strip()!r} is neither therapist nor client"
            )
        mapping[name.strip()] = ROLE_WORDS[role.strip().lower()]
    return mapping


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


# --- Raw turns: a label, some text, maybe times ---------------------------------------------------


@dataclass
class _Raw:
    label: str
    text: str
    line: int
    start: float | None = None
    end: float | None = None


def _clean(text: str) -> str:
    return " ".join(html.unescape(TAG_RE.sub("", text)).split())


def _resolve(raw: list[_Raw], mapping: dict[str, str], *, merge: bool) -> tuple[Turn, ...]:
    """Labels to roles, empty turns dropped, one speaker's consecutive cues merged."""
    roles = _roles(raw, mapping)
    turns: list[Turn] = []
    for item in raw:
        text = _clean(item.text)
        if not text:
            continue
        speaker = roles[_key(item.label)]
        if merge and turns and turns[-1].speaker == speaker:
            previous = turns[-1]
            turns[-1] = replace(
                previous,
                text=f"{previous.text} {text}",
                end=item.end if item.end is not None else previous.end,
            )
            continue
        if len(turns) == MAX_TURNS:
            raise TranscriptError(
                f"more than {MAX_TURNS:,} turns; split the transcript into parts", line=item.line
            )
        turns.append(Turn(len(turns), speaker, text, item.start, item.end, item.line))
    return tuple(turns)


def _roles(raw: list[_Raw], mapping: dict[str, str]) -> dict[str, str]:
    """Who each label is. One unknown name beside a known role takes the other role; more
    unknown names than that need a mapping."""
    roles: dict[str, str] = {}
    unknown: dict[str, _Raw] = {}
    for item in raw:
        key = _key(item.label)
        if key in roles or key in unknown:
            continue
        role = mapping.get(key) or BUILT_IN_LABELS.get(key)
        if role is None:
            unknown[key] = item
        else:
            roles[key] = role
    if len(unknown) == 1 and len(set(roles.values())) == 1:
        [key] = unknown
        roles[key] = CLIENT if THERAPIST in roles.values() else THERAPIST
        return roles
    for item in unknown.values():
        raise TranscriptError(
            f"the speaker {item.label!r} is neither therapist nor client: say who is who "
            f'(e.g. "{item.label} = therapist")',
            line=item.line,
        )
    return roles


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


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)


# --- Blocks of lines (VTT and SRT): a cue is lines up to an empty line ---------------------------


def _blocks(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first line number, lines) for each block separated by empty lines."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _segments(
    lines: list[str], first_text_line: int, *, voices: bool
) -> list[tuple[str, str, int]]:
    """(label, text, line) for each speaker within one cue's text lines."""
    segments: list[tuple[str, str, int]] = []
    for offset, line in enumerate(lines):
        number = first_text_line + offset
        voice = VOICE_RE.match(line) if voices else None
        if voice:
            segments.append((voice.group("name").strip(), voice.group("text"), number))
            continue
        body = TAG_RE.sub("", line).strip()
        label = LABEL_RE.match(body.lstrip("-– ").strip())
        if label:
            segments.append((label.group("label"), label.group("text"), number))
        elif segments:
            label_so_far, text_so_far, line_so_far = segments[-1]
            segments[-1] = (label_so_far, f"{text_so_far} {line}", line_so_far)
        elif _clean(line):
            raise TranscriptError(
                f"a cue without a speaker: {_quote(_clean(line))} (start the cue with "
                + ("a <v Name> voice tag or " if voices else "")
                + '"Name:")',
                line=number,
            )
    return segments


def _timed(segments: list[tuple[str, str, int]], start: float, end: float) -> list[_Raw]:
    """Speakers sharing one cue share its time in proportion to their words: they do not
    overlap each other."""
    words = [max(1, len(_clean(text).split())) for _, text, _ in segments]
    total = sum(words)
    raw, done = [], 0
    for (label, text, line), count in zip(segments, words, strict=True):
        seg_start = start + (end - start) * done / total
        done += count
        seg_end = start + (end - start) * done / total
        raw.append(_Raw(label, text, line, round(seg_start, 3), round(seg_end, 3)))
    return raw


# --- WebVTT --------------------------------------------------------------------------------------


def _read_vtt(text: str) -> list[_Raw]:
    blocks = list(_blocks(text))
    if not blocks or not blocks[0][1][0].lstrip().startswith("WEBVTT"):
        raise TranscriptError('a WebVTT file starts with "WEBVTT"', line=1)
    raw: list[_Raw] = []
    for first, lines in blocks[1:]:
        head = lines[0].strip()
        if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
            continue
        timing_at = 0 if "-->" in lines[0] else 1
        if timing_at >= len(lines) or "-->" not in lines[timing_at]:
            raise TranscriptError(
                f"expected a cue timing line (00:00:01.000 --> 00:00:04.000), found "
                f"{_quote(lines[min(timing_at, len(lines) - 1)])}",
                line=first + min(timing_at, len(lines) - 1),
            )
        timing_line = first + timing_at
        cue_lines = lines[timing_at:]
        try:
            parsed = webvtt.from_string("WEBVTT\n\n" + "\n".join(cue_lines), strict=True)
        except (MalformedCaptionError, ValueError):
            raise TranscriptError(
                f"a cue timing line WebVTT cannot read: {_quote(lines[timing_at])}",
                line=timing_line,
            ) from None
        if len(parsed.captions) != 1:
            raise TranscriptError(
                f"a cue timing line WebVTT cannot read: {_quote(lines[timing_at])}",
                line=timing_line,
            )
        caption = parsed.captions[0]
        start = caption.start_time.in_milliseconds() / 1000
        end = caption.end_time.in_milliseconds() / 1000
        if end < start:
            raise TranscriptError(
                f"the cue ends before it starts: {_quote(lines[timing_at])}", line=timing_line
            )
        segments = _segments(caption.lines, timing_line + 1, voices=True)
        raw.extend(_timed(segments, start, end))
    return raw


# --- SRT -----------------------------------------------------------------------------------------


def _read_srt(text: str) -> list[_Raw]:
    raw: list[_Raw] = []
    for first, lines in _blocks(text):
        timing_at = 0 if "-->" in lines[0] else 1
        if timing_at >= len(lines) or "-->" not in lines[timing_at]:
            at = min(timing_at, len(lines) - 1)
            raise TranscriptError(
                "expected a timing line (00:00:01,000 --> 00:00:04,000), found "
                f"{_quote(lines[at])}",
                line=first + at,
            )
        timing_line = first + timing_at
        try:
            if not SRT_TIMING_RE.match(lines[timing_at]):
                raise ValueError(lines[timing_at])
            item = pysrt.SubRipItem.from_lines(lines[timing_at:])
        except (pysrt.Error, ValueError, TypeError):
            raise TranscriptError(
                f"a timing line SRT cannot read: {_quote(lines[timing_at])}", line=timing_line
            ) from None
        start, end = item.start.ordinal / 1000, item.end.ordinal / 1000
        if end < start:
            raise TranscriptError(
                f"the cue ends before it starts: {_quote(lines[timing_at])}", line=timing_line
            )
        segments = _segments(lines[timing_at + 1 :], timing_line + 1, voices=False)
        raw.extend(_timed(segments, start, end))
    return raw


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
