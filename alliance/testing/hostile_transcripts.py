"""Hostile transcript files: the shapes that made the importers slow (or crash), at any size.

One list, ``SHAPES``, is shared by the tests (``alliance/conversation/tests/
test_importers_hostile.py``: every shape is read or refused with a reason) and the benchmark
(``bench/importer_worst_case.py``: how long each takes, at sizes up to the 2 MB limit), so the
shapes timed are the shapes tested.

A shape builds a file for a format from a count of repeated units; ``document`` finds the count
that gives a size in bytes, so each shape can be grown to 100 KB, 500 KB or 2 MB alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from alliance.conversation.importers import FORMATS, JSON, MAX_TURNS, SRT, TEXT, VTT

VTT_HEAD = "WEBVTT\n\n"
VTT_TIMING = "00:00:01.000 --> 00:00:02.000\n"
SRT_TIMING = "00:00:01,000 --> 00:00:02,000\n"

Builder = Callable[[str, int], str | bytes]


@dataclass(frozen=True)
class Shape:
    """``build(format, count)`` gives a file whose size grows linearly with ``count``."""

    name: str
    formats: tuple[str, ...]
    build: Builder
    about: str
    scales: bool = True  # False: one fixed file (e.g. exactly MAX_TURNS turns)


def document(shape: Shape, fmt: str, size: int) -> bytes:
    """The shape's file for ``fmt``, as close to ``size`` bytes as whole units allow (never
    over it, unless even one unit is bigger)."""
    if not shape.scales:
        return _as_bytes(shape.build(fmt, 1))
    one, two = len(_as_bytes(shape.build(fmt, 1))), len(_as_bytes(shape.build(fmt, 2)))
    unit = max(1, two - one)
    count = max(1, (size - (one - unit)) // unit)
    return _as_bytes(shape.build(fmt, count))


def over_the_limit(data: bytes, limit: int) -> bytes:
    """The file made just bigger than the limit with empty lines at its end."""
    return data + b"\n" * max(1, limit + 1 - len(data))


def _as_bytes(data: str | bytes) -> bytes:
    return data if isinstance(data, bytes) else data.encode("utf-8")


# --- Ways of putting text into each format ------------------------------------------------------


def lines_after_a_turn(
    fmt: str, first: str, line: str, count: int, last: str = "", *, by_library: bool = False
) -> str:
    """A first labelled line (``first``) then ``count`` copies of ``line`` under it: in plain
    text continuation lines, in VTT and SRT lines of one cue, in JSON lines of one turn's text.
    ``by_library``: the VTT or SRT timing line in a form only webvtt-py or pysrt reads."""
    body = line * count + last
    if fmt == TEXT:
        return f"T: {first}\n{body}"
    if fmt == VTT:
        return f"{VTT_HEAD}{_timing(VTT, by_library)}<v T>{first}\n{body}"
    if fmt == SRT:
        return f"1\n{_timing(SRT, by_library)}T: {first}\n{body}"
    return json.dumps({"turns": [{"speaker": "T", "text": f"{first}\n{body}"}]})


def cues(fmt: str, lines: list[str], count: int, *, by_library: bool = False) -> str:
    """``count`` rounds of turns, one per line of ``lines`` ("T: Hello."): one turn a line in
    plain text, one cue each in VTT (as a voice tag) and SRT, one turn object each in JSON.
    ``by_library``: the VTT or SRT timing lines in a form only webvtt-py or pysrt reads."""
    pairs = [line.split(": ", 1) for line in lines]
    if fmt == TEXT:
        return "".join(f"{label}: {text}\n" for label, text in pairs) * count
    if fmt == VTT:
        timing = _timing(VTT, by_library)
        one = "".join(f"{timing}<v {label}>{text}\n\n" for label, text in pairs)
        return VTT_HEAD + one * count
    if fmt == SRT:
        timing = _timing(SRT, by_library)
        one = "".join(f"1\n{timing}{label}: {text}\n\n" for label, text in pairs)
        return one * count
    turns = [{"speaker": label, "text": text} for label, text in pairs] * count
    return '{"turns": [\n' + ",\n".join(json.dumps(turn) for turn in turns) + "\n]}"


def _timing(fmt: str, by_library: bool) -> str:
    """A timing line: the usual form (read by the importer itself) or a form only the library
    reads (VTT without spaces around the arrow, SRT with a position)."""
    if fmt == VTT:
        return VTT_TIMING.replace(" --> ", "-->") if by_library else VTT_TIMING
    return SRT_TIMING.replace("\n", " X1:10 X2:20 Y1:5 Y2:30\n") if by_library else SRT_TIMING


def _line_shape(line: str, last: str = "") -> Builder:
    return lambda fmt, count: lines_after_a_turn(fmt, "Hello.", line, count, last)


def _repeat(unit: str, *, head: str = "", tail: str = "") -> Builder:
    return lambda _fmt, count: head + unit * count + tail


def _in_every_format(unit: str) -> Builder:
    """The unit repeated on one line after the first turn's line."""
    return lambda fmt, count: lines_after_a_turn(fmt, "Hello.", "", 0, unit * count)


# --- The shapes ----------------------------------------------------------------------------------

_ONE_CHARACTER = {
    "a": "a",
    "space": " ",
    "lt": "<",
    "colon": ":",
    "dash": "-",
    "newline": "\n",
    "brace": "{",
    "bracket": "[",
    "zero": "0",
}

SHAPES: tuple[Shape, ...] = (
    *(
        Shape(f"all_{name}", FORMATS, _repeat(char), f"the whole file is {char!r} repeated")
        for name, char in _ONE_CHARACTER.items()
    ),
    Shape("long_line", FORMATS, _in_every_format("so I said "), "one turn on one very long line"),
    Shape("lt_run", FORMATS, _in_every_format("<"), "a line of '<' with no '>' (tag stripping)"),
    Shape(
        "lt_run_then_gt",
        FORMATS,
        lambda fmt, count: lines_after_a_turn(fmt, "Hello.", "", 0, "<" * count + ">"),
        "a line of '<' closed by one '>' at its end",
    ),
    Shape("tags", FORMATS, _in_every_format("<i>so</i> "), "a line of many small tags"),
    Shape(
        "voice_spaces",
        FORMATS,
        lambda fmt, count: lines_after_a_turn(fmt, "Hello.", "", 0, "<v" + " " * count),
        "'<v' and many spaces, no '>' (the voice-tag pattern)",
    ),
    Shape(
        "voice_spaces_closed",
        FORMATS,
        lambda fmt, count: lines_after_a_turn(fmt, "Hello.", "", 0, "<v" + " " * count + ">"),
        "'<v', many spaces, then '>'",
    ),
    Shape(
        "voice_spaces_words",
        FORMATS,
        lambda fmt, count: lines_after_a_turn(fmt, "Hello.", "", 0, "<v" + " x " * count),
        "'<v' and many spaced words, no '>'",
    ),
    Shape(
        "voice_classes",
        FORMATS,
        lambda fmt, count: lines_after_a_turn(fmt, "Hello.", "", 0, "<v" + ".a-b" * count),
        "'<v' and many classes, no name",
    ),
    Shape("voice_lines", FORMATS, _line_shape("<v    \n"), "many lines of '<v' and spaces, no '>'"),
    Shape(
        "entity_digits",
        FORMATS,
        lambda fmt, count: lines_after_a_turn(fmt, "Hello.", "", 0, "&#" + "1" * count + ";"),
        "a numeric character reference with a huge number",
    ),
    Shape("ampersands", FORMATS, _in_every_format("&"), "a line of '&'"),
    Shape("continuation", FORMATS, _line_shape("and then it went on\n"), "one label, many lines"),
    Shape(
        "continuation_label_like",
        FORMATS,
        lambda fmt, count: lines_after_a_turn(fmt, "Hello.\nC: Hi.", "First: sleep.\n", count),
        "both roles known, then many 'Word: text' lines that are text",
    ),
    Shape(
        "one_speaker_cues",
        FORMATS,
        lambda fmt, count: cues(fmt, ["T: Mm.", "T: So."], count),
        "many consecutive cues of one speaker (merged in VTT and SRT)",
    ),
    Shape(
        "library_cues",
        (VTT, SRT),
        lambda fmt, count: cues(fmt, ["T: Mm.", "T: So."], count, by_library=True),
        "many cues of one speaker, each timing line read by webvtt-py or pysrt",
    ),
    Shape(
        "library_continuation",
        (VTT, SRT),
        lambda fmt, count: lines_after_a_turn(
            fmt, "Hello.", "and then it went on\n", count, by_library=True
        ),
        "one cue of many lines, its timing line read by webvtt-py or pysrt",
    ),
    Shape(
        "turns_over_limit",
        FORMATS,
        lambda fmt, count: cues(fmt, ["T: a", "C: b"], count),
        "tiny alternating turns, far more than MAX_TURNS",
    ),
    Shape(
        "turns_at_limit",
        FORMATS,
        lambda fmt, _count: cues(fmt, ["T: a", "C: b"], MAX_TURNS // 2),
        f"exactly {MAX_TURNS:,} tiny turns (read)",
        scales=False,
    ),
    Shape(
        "turns_just_over_limit",
        FORMATS,
        lambda fmt, _count: cues(fmt, ["T: a", "C: b"] * (MAX_TURNS // 2) + ["T: a"], 1),
        f"{MAX_TURNS + 1:,} tiny turns (refused)",
        scales=False,
    ),
    Shape(
        "label_prefix_long",
        FORMATS,
        lambda fmt, count: lines_after_a_turn(fmt, "Hello.", "", 0, "aaaa " * count + ": x"),
        "one line 'aaaa aaaa ... aaaa: x' (too many words for a label)",
    ),
    Shape(
        "label_prefix_lines",
        FORMATS,
        _line_shape("aaaa aaaa aaaa aaaa aaaa aaaa aaaa : x\n"),
        "many lines of label-like prefixes",
    ),
    Shape(
        "label_spaces",
        FORMATS,
        lambda fmt, count: lines_after_a_turn(fmt, "Hello.", "", 0, "Sam" + " " * count + "x"),
        "a name, many spaces, no colon",
    ),
    Shape("arrow_lines", FORMATS, _line_shape("-->\n"), "many '-->' lines"),
    Shape("arrow_run", FORMATS, _in_every_format("-->"), "one line of '-->-->-->...'"),
    Shape(
        "timing_lines",
        FORMATS,
        lambda fmt, count: lines_after_a_turn(fmt, "Hello.", VTT_TIMING, count),
        "many timing lines in a row, no text",
    ),
    Shape(
        "timestamps_everywhere",
        FORMATS,
        _line_shape("[00:00:01] 00:00:02.000 --> 00:00:03,000 12:34 \n"),
        "many lines of timestamps of every kind",
    ),
    Shape("timestamp_run", FORMATS, _in_every_format("00:01 "), "one line of many timestamps"),
    Shape(
        "digits_and_colons",
        FORMATS,
        _in_every_format("1:"),
        "one line of '1:1:1:...' (almost a timestamp)",
    ),
    Shape(
        "crlf_turns",
        FORMATS,
        lambda fmt, count: cues(fmt, ["T: Mm.", "T: So."], count).replace("\n", "\r\n"),
        "CRLF line endings",
    ),
    Shape(
        "not_utf8_at_the_end",
        FORMATS,
        lambda fmt, count: cues(fmt, ["T: a", "C: b"], count).encode() + b"\xff",
        "a byte that is not UTF-8 at the very end",
    ),
    Shape(
        "nul_at_the_end",
        FORMATS,
        lambda fmt, count: cues(fmt, ["T: a", "C: b"], count) + "\x00",
        "a NUL character at the very end",
    ),
    Shape("nested_arrays", (JSON,), _repeat("["), "'[[[[...' never closed"),
    Shape(
        "nested_balanced",
        (JSON,),
        lambda _fmt, count: "[" * count + "]" * count,
        "'[[[[...]]]]': valid JSON nested too deeply",
    ),
    Shape("nested_turns", (JSON,), _repeat("[", head='{"turns":'), "'{\"turns\":[[[[...'"),
    Shape(
        "nested_turns_balanced",
        (JSON,),
        lambda _fmt, count: '{"turns":[' + "[" * count + "]" * count + "]}",
        "'{\"turns\":[[[[...]]]]}'",
    ),
    Shape(
        "nested_siblings",
        (JSON,),
        _repeat("[" * 3000 + "]" * 3000 + ",", head='{"turns":[', tail="1]}"),
        "many lists nested 3,000 deep (deep enough to recurse, not enough for json.loads)",
    ),
    Shape(
        "nested_objects",
        (JSON,),
        lambda _fmt, count: '{"a":' * count + "1" + "}" * count,
        "objects nested deeply",
    ),
    Shape(
        "huge_number",
        (JSON,),
        _repeat("1", head='{"turns":[{"speaker":"T","text":"a","start":', tail="}]}"),
        "a start time with a huge number of digits",
    ),
    Shape(
        "escaped_quotes",
        (JSON,),
        _repeat('\\"', head='{"turns":[{"speaker":"T","text":"', tail='"}]}'),
        "a text of escaped quotes",
    ),
    Shape(
        "many_keys",
        (JSON,),
        _repeat('"k": 1,\n', head='{"turns":[{"speaker":"T","text":"a",\n', tail='"z": 1}]}'),
        "one turn with many extra keys",
    ),
    Shape(
        "bad_turn_at_the_end",
        (JSON,),
        lambda fmt, count: cues(fmt, ["T: a", "C: b"], count).removesuffix("\n]}") + ",\n1\n]}",
        "many turns, the last one not an object (its line is reported)",
    ),
)

SHAPES_BY_NAME = {shape.name: shape for shape in SHAPES}
