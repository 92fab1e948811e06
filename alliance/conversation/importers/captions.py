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
