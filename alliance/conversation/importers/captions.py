"""WebVTT and SRT: blocks of lines, each cue a timing line and its text, split by speaker."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pysrt  # type: ignore[import-untyped]
import webvtt
from webvtt.errors import MalformedCaptionError

from alliance.conversation.importers.common import (
    LABEL_RE,
    TranscriptError,
    _clean,
    _quote,
    _Raw,
    strip_tags,
)

# "<v Name>" or "<v.loud Name>" at the start of a line; the name is stripped where it is used.
# Possessive (never backtracking): the old "<v\s+(?P<name>[^>]+?)\s*>" could split a run of
# spaces between its three parts in every possible way before giving up on a line with no ">",
# which took minutes for a few kilobytes of spaces. Both read the same name once stripped.
VOICE_RE = re.compile(r"^\s*+<v(?:\.[\w-]++)*+\s(?P<name>[^>]++)>(?P<text>.*)$")
# The usual timing lines, read without the libraries (``_plain_times``): ASCII digits, one space
# on each side of the arrow. WebVTT: hours optional, 2 to 10 digits (webvtt-py's limit), minutes
# and seconds 00-59, 3 digits of milliseconds, then nothing or cue settings after a space or tab
# (checked by webvtt-py). SRT: nothing after the end time; as pysrt reads it, 1 to 3 digits of
# milliseconds are a number of milliseconds (",5" is 5 ms), and minutes may pass 59.
_VTT_TIME = r"(?:([0-9]{2,10}):)?([0-5][0-9]):([0-5][0-9])\.([0-9]{3})"
PLAIN_VTT_TIMING_RE = re.compile(f"{_VTT_TIME} --> {_VTT_TIME}(?P<settings>[ \t].*)?")
_SRT_TIME = r"([0-9]{1,2}):([0-9]{2}):([0-9]{2})[,.]([0-9]{1,3})"
PLAIN_SRT_TIMING_RE = re.compile(f"{_SRT_TIME} --> {_SRT_TIME}")
SRT_TIMING_RE = re.compile(
    r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}(\s.*)?$"
)


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
    segments: list[_Segment] = []
    for offset, line in enumerate(lines):
        number = first_text_line + offset
        voice = VOICE_RE.match(line) if voices else None
        if voice:
            segments.append(_Segment(voice.group("name").strip(), [voice.group("text")], number))
            continue
        body = strip_tags(line).strip()
        label = LABEL_RE.match(body.lstrip("-– ").strip())
        if label:
            segments.append(_Segment(label.group("label"), [label.group("text")], number))
        elif segments:
            segments[-1].texts.append(line)
        elif _clean(line):
            raise TranscriptError(
                f"a cue without a speaker: {_quote(_clean(line))} (start the cue with "
                + ("a <v Name> voice tag or " if voices else "")
                + '"Name:")',
                line=number,
            )
    return [(segment.label, " ".join(segment.texts), segment.line) for segment in segments]


@dataclass(slots=True)
class _Segment:
    """One speaker's lines in a cue, joined once at the end (not copied again for each line)."""

    label: str
    texts: list[str]
    line: int


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
    checked_settings: dict[str, bool] = {}
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
        start, end, text_lines = _vtt_cue(lines[timing_at:], timing_line, checked_settings)
        if end < start:
            raise TranscriptError(
                f"the cue ends before it starts: {_quote(lines[timing_at])}", line=timing_line
            )
        segments = _segments(text_lines, timing_line + 1, voices=True)
        raw.extend(_timed(segments, start, end))
    return raw


def _vtt_cue(
    cue_lines: list[str], timing_line: int, checked_settings: dict[str, bool]
) -> tuple[float, float, list[str]]:
    """The start and end (in seconds) and the text lines of a cue, from its timing line on.

    webvtt-py reads the timing line (strictly: cue settings it does not know are an error),
    except in its usual form, ``00:00:01.000 --> 00:00:04.000`` and maybe cue settings, which
    is read here the same way (the settings checked by webvtt-py, once per file for each): the
    whole of webvtt-py takes about 70 µs a cue (this about 6), which was most of the time of a
    file of many short cues."""
    plain = _plain_times(PLAIN_VTT_TIMING_RE, cue_lines)
    if plain is not None and _webvtt_accepts(plain[2], checked_settings):
        return plain[0], plain[1], cue_lines[1:]
    try:
        parsed = webvtt.from_string("WEBVTT\n\n" + "\n".join(cue_lines), strict=True)
    except (MalformedCaptionError, ValueError):
        parsed = None
    if parsed is None or len(parsed.captions) != 1:
        raise TranscriptError(
            f"a cue timing line WebVTT cannot read: {_quote(cue_lines[0])}", line=timing_line
        )
    caption = parsed.captions[0]
    start = caption.start_time.in_milliseconds() / 1000
    end = caption.end_time.in_milliseconds() / 1000
    return start, end, caption.lines


def _webvtt_accepts(settings: str, checked: dict[str, bool]) -> bool:
    """Whether webvtt-py reads these cue settings (strictly), asked once per file for each
    (``checked``): a file repeats the same few settings on every cue."""
    if settings and settings not in checked:
        try:
            webvtt.CueSettings.from_string(settings, strict=True)
        except MalformedCaptionError:
            checked[settings] = False
        else:
            checked[settings] = True
    return not settings or checked[settings]


def _plain_times(pattern: re.Pattern[str], cue_lines: list[str]) -> tuple[float, float, str] | None:
    """Start and end in seconds and the cue settings ("" for none) if the cue's timing line (its
    first line) is in the usual form and no text line holds a "-->"; None for anything else,
    which is left to the library (webvtt-py refuses a cue with "-->" in its text)."""
    match = pattern.fullmatch(cue_lines[0])
    if match is None or any("-->" in line for line in cue_lines[1:]):
        return None
    parts = [int(part or 0) for part in match.groups()[:8]]
    settings = match.groupdict().get("settings") or ""
    return _seconds(*parts[:4]), _seconds(*parts[4:]), settings


def _seconds(hours: int, minutes: int, seconds: int, milliseconds: int) -> float:
    """As both libraries count: whole milliseconds, then divided by 1000."""
    return (((hours * 60 + minutes) * 60 + seconds) * 1000 + milliseconds) / 1000


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
        start, end = _srt_times(lines[timing_at:], timing_line)
        if end < start:
            raise TranscriptError(
                f"the cue ends before it starts: {_quote(lines[timing_at])}", line=timing_line
            )
        segments = _segments(lines[timing_at + 1 :], timing_line + 1, voices=False)
        raw.extend(_timed(segments, start, end))
    return raw


def _srt_times(cue_lines: list[str], timing_line: int) -> tuple[float, float]:
    """The start and end of a cue in seconds, from its timing line on.

    pysrt reads the timing line once ``SRT_TIMING_RE`` has checked it (pysrt reads nearly
    anything as a time), except in its usual form, ``00:00:01,000 --> 00:00:04,000`` and
    nothing else on the line, with text under it, which is read here the same way: pysrt takes
    about 20 µs a cue (this about 6), which was nearly half the time of a file of short cues."""
    plain = _plain_times(PLAIN_SRT_TIMING_RE, cue_lines) if len(cue_lines) > 1 else None
    if plain is not None:
        return plain[0], plain[1]
    try:
        if not SRT_TIMING_RE.match(cue_lines[0]):
            raise ValueError(cue_lines[0])
        item = pysrt.SubRipItem.from_lines(cue_lines)
    except (pysrt.Error, ValueError, TypeError):
        raise TranscriptError(
            f"a timing line SRT cannot read: {_quote(cue_lines[0])}", line=timing_line
        ) from None
    return item.start.ordinal / 1000, item.end.ordinal / 1000
