"""What every format shares: the limits and format names, speaker labels and roles, the error,
the raw turn each reader produces, and how raw turns become ``Turn``s."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

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

# "Dr. Lee: text", "Sam: text": a name of at most four words, starting with a letter. Used with
# ``match`` (from the start of a line only), in time linear in the line: a word can only end at a
# space, a colon or the end, so a word given back never opens another way through the pattern.
LABEL_RE = re.compile(r"^\s*(?P<label>[^\W\d_][\w.'’-]*(?: [\w.'’-]+){0,3}?)\s*:\s*(?P<text>.*)$")
# A tag runs from "<" to the first ">" after it. Use ``strip_tags``, not ``TAG_RE.sub``: from a
# "<" with no ">" after it the pattern scans to the end of the text before failing, and does so
# again from the next "<", which is quadratic in a long run of "<".
TAG_RE = re.compile(r"<[^>]*>")
# A decimal character reference (&#65;). ``html.unescape`` reads its number with ``int``, which
# refuses more than 4,300 digits (leading zeros count) with a ValueError.
DECIMAL_REFERENCE_RE = re.compile(r"&#(?P<zeros>0*+)(?P<digits>[0-9]*+)(?P<semicolon>;?)")
# The largest code point, U+10FFFF, has 7 decimal digits; a reference with more digits (leading
# zeros aside) is past it, and html.unescape reads it as U+FFFD.
_CODE_POINT_DIGITS = 7


class TranscriptError(ValueError):
    """A transcript that cannot be read; the message names the line and the problem."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line
        self.problem = message


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


@dataclass(slots=True)
class _Raw:
    label: str
    text: str
    line: int
    start: float | None = None
    end: float | None = None


def _clean(text: str) -> str:
    """The words of a piece of text, without tags and entities, one space between words."""
    return " ".join(unescape(strip_tags(text)).split())


def strip_tags(text: str) -> str:
    """``TAG_RE.sub("", text)`` in time linear in the text. A "<" after the last ">" starts no
    tag, so the pattern only runs on the text up to the last ">", where every "<" it stops at
    has a ">" after it: each match ends at the first one and the next search starts there."""
    end = text.rfind(">") + 1
    return TAG_RE.sub("", text[:end]) + text[end:]


def unescape(text: str) -> str:
    """``html.unescape`` without its ValueError on a decimal reference of thousands of digits:
    such a reference is read as it would be with any number past U+10FFFF, as U+FFFD."""
    if "&#" in text:
        text = DECIMAL_REFERENCE_RE.sub(_shorter_reference, text)
    return html.unescape(text)


def _shorter_reference(match: re.Match[str]) -> str:
    """The same reference with its leading zeros dropped, or U+FFFD for a number past the last
    code point (html.unescape also takes the semicolon with it then)."""
    zeros, digits = match["zeros"], match["digits"]
    if len(digits) > _CODE_POINT_DIGITS:
        return "\ufffd"
    if len(zeros) <= 1:
        return match[0]
    return f"&#{digits or '0'}{match['semicolon']}"


def _resolve(raw: list[_Raw], mapping: dict[str, str], *, merge: bool) -> tuple[Turn, ...]:
    """Labels to roles, empty turns dropped, one speaker's consecutive cues merged. A merged
    turn's pieces are joined once at the end: adding each cue to the text so far would copy the
    whole turn again for every cue."""
    keys = label_keys(item.label for item in raw)
    roles = _roles(raw, keys, mapping)
    speakers = {label: roles[key] for label, key in keys.items()}
    merged: list[_Merged] = []
    for item in raw:
        text = _clean(item.text)
        if not text:
            continue
        speaker = speakers[item.label]
        if merge and merged and merged[-1].speaker == speaker:
            merged[-1].add(text, item.end)
            continue
        if len(merged) == MAX_TURNS:
            raise TranscriptError(
                f"more than {MAX_TURNS:,} turns; split the transcript into parts", line=item.line
            )
        merged.append(_Merged(speaker, [text], item.line, item.start, item.end))
    return tuple(one.turn(index) for index, one in enumerate(merged))


@dataclass(slots=True)
class _Merged:
    """One turn while its cues are being gathered: the first cue's start, the last known end."""

    speaker: str
    texts: list[str]
    line: int
    start: float | None
    end: float | None

    def add(self, text: str, end: float | None) -> None:
        self.texts.append(text)
        if end is not None:
            self.end = end

    def turn(self, index: int) -> Turn:
        return Turn(index, self.speaker, " ".join(self.texts), self.start, self.end, self.line)


def label_keys(labels: Iterable[str]) -> dict[str, str]:
    """Each label as compared (``_key``), worked out once per label rather than once per turn:
    a long transcript has thousands of turns and two or three labels."""
    return {label: _key(label) for label in set(labels)}


def _roles(raw: list[_Raw], keys: dict[str, str], mapping: dict[str, str]) -> dict[str, str]:
    """Who each label is. One unknown name beside a known role takes the other role; more
    unknown names than that need a mapping."""
    roles: dict[str, str] = {}
    unknown: dict[str, _Raw] = {}
    for item in raw:
        key = keys[item.label]
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


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)
