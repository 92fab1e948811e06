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

The readers live beside this module: ``common`` (limits, labels and roles, the raw turn),
``plain_text``, ``captions`` (WebVTT and SRT) and ``json_format``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from alliance.conversation.coding import Turn
from alliance.conversation.importers.captions import SRT_TIMING_RE, VOICE_RE, _read_srt, _read_vtt
from alliance.conversation.importers.common import (
    BUILT_IN_LABELS,
    EXTENSIONS,
    FORMAT_LABELS,
    FORMATS,
    JSON,
    LABEL_RE,
    MAX_BYTES,
    MAX_TURNS,
    ROLE_WORDS,
    SRT,
    TAG_RE,
    TEXT,
    VTT,
    TranscriptError,
    _resolve,
    normalise_mapping,
    parse_speaker_lines,
)
from alliance.conversation.importers.json_format import _read_json
from alliance.conversation.importers.plain_text import TIMESTAMP_RE, _read_text

__all__ = [
    "BUILT_IN_LABELS",
    "CUT_OFF_ENDINGS",
    "EXTENSIONS",
    "FORMATS",
    "FORMAT_LABELS",
    "JSON",
    "LABEL_RE",
    "MAX_BYTES",
    "MAX_TURNS",
    "ROLE_WORDS",
    "SRT",
    "SRT_TIMING_RE",
    "TAG_RE",
    "TEXT",
    "TIMESTAMP_RE",
    "VOICE_RE",
    "VTT",
    "ParsedTranscript",
    "TranscriptError",
    "decode",
    "detect_format",
    "is_cut_off",
    "normalise_mapping",
    "overlapping_turns",
    "parse_speaker_lines",
    "parse_transcript",
]

CUT_OFF_ENDINGS = ("-", "—", "–", "...", "…")


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
        line = raw.count(b"\n", 0, error.start) + 1
        byte = raw[error.start : error.start + 1].hex().upper()
        raise TranscriptError(
            f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8 and upload it again",
            line=line,
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
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
    first_lines = [line.strip() for line in start.split("\n", 3)[:3]]
    if (
        len(first_lines) >= 2
        and first_lines[0].isdigit()
        and re.match(r"^\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", first_lines[1])
    ):
        return SRT
    return EXTENSIONS.get(PurePath(filename).suffix.lower(), TEXT)
