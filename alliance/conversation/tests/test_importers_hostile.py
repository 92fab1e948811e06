"""Hostile files (alliance/testing/hostile_transcripts.py: runs of "<", "<v" and spaces, 2 MB of
continuation lines, thousands of cues of one speaker, JSON nested thousands deep...) are read or
refused with a reason, in every format and with every format forced, never with another
exception; and the pieces rewritten to read them in linear time read well-formed files exactly
as the patterns they replaced.

No timing here (speed goals live in bench/importer_worst_case.py). The worst shapes of each
importer are read whole at the 2 MB limit and their result checked: a quadratic reading of them
takes minutes (15 to 50 s each before the rewrite), so a regression makes this file unbearably
slow rather than flaky. Everything else runs at 64 KB, where the old backtracking patterns
already took minutes and the rewritten readers take milliseconds."""

from __future__ import annotations

import html
import json
import re

import pysrt  # type: ignore[import-untyped]
import pytest
import webvtt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webvtt.errors import MalformedCaptionError

from alliance.conversation.coding import CLIENT, THERAPIST
from alliance.conversation.importers import (
    FORMATS,
    JSON,
    MAX_BYTES,
    MAX_TURNS,
    SRT,
    TAG_RE,
    TEXT,
    VOICE_RE,
    VTT,
    ParsedTranscript,
    TranscriptError,
    parse_transcript,
)
from alliance.conversation.importers.captions import (
    PLAIN_SRT_TIMING_RE,
    PLAIN_VTT_TIMING_RE,
    SRT_TIMING_RE,
    _plain_times,
    _srt_times,
    _vtt_cue,
)
from alliance.conversation.importers.common import strip_tags, unescape
from alliance.testing.hostile_transcripts import (
    SHAPES,
    SHAPES_BY_NAME,
    Shape,
    document,
    lines_after_a_turn,
    over_the_limit,
)

SMALL = 64 * 1024
FORCED = 16 * 1024  # read with another format forced: most refuse on the first lines
HOSTILE = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SAME_READING = settings(max_examples=200, derandomize=True, deadline=None)


def read(data: bytes | str, fmt: str | None) -> ParsedTranscript | TranscriptError:
    """The turns, or the TranscriptError with a reason; any other exception fails the test."""
    try:
        parsed = parse_transcript(data, format=fmt)
    except TranscriptError as error:
        assert error.problem.strip(), "an error must say what is wrong"
        return error
    assert 0 < len(parsed.turns) <= MAX_TURNS
    for turn in parsed.turns:
        assert turn.speaker in (THERAPIST, CLIENT)
        assert turn.text.strip()
        assert turn.start is None or turn.start >= 0
        assert turn.end is None or turn.start is None or turn.end >= turn.start
    return parsed


def turns_of(data: bytes, fmt: str) -> ParsedTranscript:
    parsed = read(data, fmt)
    assert isinstance(parsed, ParsedTranscript), str(parsed)
    return parsed


def refusal(data: bytes, fmt: str) -> str:
    error = read(data, fmt)
    assert isinstance(error, TranscriptError), f"read {len(error.turns)} turns"
    return str(error)


def full_size(name: str, fmt: str) -> bytes:
    return document(SHAPES_BY_NAME[name], fmt, MAX_BYTES)


def _case_id(case: tuple[Shape, str]) -> str:
    return f"{case[0].name}-{case[1]}"


# The shapes that grow with the size (the two of a fixed number of turns are read below).
SCALING = [(shape, fmt) for shape in SHAPES for fmt in shape.formats if shape.scales]


# --- Every shape, every format, every format forced ---------------------------------------------


@pytest.mark.parametrize("case", SCALING, ids=_case_id)
def test_every_hostile_shape_is_read_or_refused(case: tuple[Shape, str]):
    shape, fmt = case
    read(document(shape, fmt, SMALL), fmt)


@pytest.mark.parametrize("case", SCALING, ids=_case_id)
def test_every_hostile_shape_is_read_or_refused_as_another_format(
    case: tuple[Shape, str],
):
    shape, built_for = case
    data = document(shape, built_for, FORCED)
    for fmt in (*FORMATS, None):  # None: the format detected
        if fmt != built_for:
            read(data, fmt)


# --- The worst shapes of each importer, at the 2 MB limit ---------------------------------------


def test_plain_text_of_one_label_and_2_mb_of_continuation_lines():
    data = full_size("continuation", TEXT)
    [turn] = turns_of(data, TEXT).turns
    lines = data.count(b"and then it went on\n")
    assert lines > 100_000
    assert turn.text == "Hello. " + " ".join(["and then it went on"] * lines)


def test_srt_cue_of_2_mb_of_lines():
    data = full_size("continuation", SRT)
    [turn] = turns_of(data, SRT).turns
    assert turn.text.count("and then it went on") == data.count(b"and then it went on\n")
    assert (turn.start, turn.end) == (1.0, 2.0)


def test_vtt_of_2_mb_of_cues_of_one_speaker_is_one_turn():
    data = full_size("one_speaker_cues", VTT)
    [turn] = turns_of(data, VTT).turns
    cues = data.count(b"-->")
    assert cues > 50_000
    assert turn.text == " ".join(["Mm. So."] * (cues // 2))
    assert (turn.speaker, turn.start, turn.end, turn.line) == (THERAPIST, 1.0, 2.0, 4)


def test_json_of_2_mb_of_turns_names_the_line_of_the_last_one():
    data = full_size("bad_turn_at_the_end", JSON)
    turns = data.count(b'"speaker"')
    line = data.count(b"\n")  # the "1" is on the line before the last
    assert (
        refusal(data, JSON) == f"line {line}: turn {turns + 1} must be an object, not a number (1)"
    )


@pytest.mark.parametrize(
    ("name", "fmt", "text"),
    [("lt_run", fmt, None) for fmt in FORMATS]
    + [
        ("lt_run_then_gt", VTT, "Hello."),
        ("tags", SRT, None),
        ("voice_spaces", VTT, "Hello. <v"),
        ("voice_spaces_closed", VTT, "Hello."),
        ("voice_spaces_words", VTT, None),
        ("voice_classes", VTT, None),
        ("entity_digits", TEXT, "Hello. \ufffd"),
        ("label_prefix_long", TEXT, None),
        ("label_spaces", TEXT, "Hello. Sam x"),
        ("digits_and_colons", TEXT, None),
        ("timestamp_run", TEXT, None),
        ("arrow_run", SRT, None),
    ],
)
def test_one_long_line_of_2_mb_is_read(name: str, fmt: str, text: str | None):
    [turn] = turns_of(full_size(name, fmt), fmt).turns
    assert turn.text.startswith("Hello.")
    if text is not None:
        assert turn.text == text


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("all_bracket", "the JSON is nested too deeply to read"),
        ("nested_balanced", "the JSON is nested too deeply to read"),
        ("nested_turns", "the JSON is nested too deeply to read"),
        ("nested_turns_balanced", "the JSON is nested too deeply to read"),
        ("nested_objects", "the JSON is nested too deeply to read"),
        ("huge_number", "not valid JSON: a number with too many digits to read"),
        ("all_zero", "line 1: not valid JSON: Extra data"),
        ("all_newline", f"line {MAX_BYTES + 1}: not valid JSON: Expecting value"),
    ],
)
def test_json_nested_deeply_or_with_huge_numbers_is_refused(name: str, problem: str):
    assert refusal(full_size(name, JSON), JSON).startswith(problem)


def test_many_lists_nested_deeper_than_the_recursion_limit():
    """Valid for json.loads (3,000 deep each); the old position finder recursed into them."""
    data = document(SHAPES_BY_NAME["nested_siblings"], JSON, 256 * 1024)
    assert refusal(data, JSON) == "line 1: turn 1 must be an object, not a list"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_turn_limit_exactly_and_one_over(fmt: str):
    assert len(turns_of(document(SHAPES_BY_NAME["turns_at_limit"], fmt, 0), fmt).turns) == MAX_TURNS
    over = document(SHAPES_BY_NAME["turns_just_over_limit"], fmt, 0)
    assert re.fullmatch(
        r"line \d+: more than 5,000 turns; split the transcript into parts", refusal(over, fmt)
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_just_over_the_size_limit_is_refused_before_reading(fmt: str):
    data = over_the_limit(full_size("voice_spaces", fmt), MAX_BYTES)
    assert refusal(data, fmt).startswith("the file is 2.0 MB; the limit is 2 MB")


# --- Hostile pieces put together at random (property-based) -------------------------------------

CHARACTERS = '<> :[]{}"\\-–\t10'
LONGER = ["<v", "<v ", "-->", "\n", "\n\n", "T:", "C: ", "aaaa ", "&#", "&amp;", "00:00:01.000"]
PIECES = [*CHARACTERS, *LONGER, "00:01,5"]
runs = st.lists(st.tuples(st.sampled_from(PIECES), st.integers(1, 2_000)), min_size=1, max_size=6)


@HOSTILE
@given(runs, st.sampled_from(FORMATS), st.sampled_from(FORMATS))
def test_runs_of_hostile_pieces_are_read_or_refused(pieces, built_for, fmt):
    body = "".join(piece * count for piece, count in pieces)
    read(body, fmt)
    read(lines_after_a_turn(built_for, "Hello.", "", 0, body), fmt)


# Openings of nested JSON, each with what closes it.
NESTINGS = {"[": "]", "{": "}", '{"a":': "}", '{"turns":[': "]}", '{"turns":[{"x":': "}]}"}


@HOSTILE
@given(st.integers(1, 6_000), st.sampled_from(sorted(NESTINGS)))
def test_json_nested_at_any_depth_is_read_or_refused(depth, opening):
    read(opening * depth + "1" + NESTINGS[opening] * depth, JSON)
    read(opening * depth, JSON)


def test_a_list_nested_thousands_deep_inside_a_turn_is_passed_over():
    """json.loads reads it; the old position finder recursed into it (RecursionError)."""
    deep = "[" * 3_000 + "]" * 3_000
    parsed = turns_of(
        f'{{"turns": [{{"speaker": "T", "text": "Hi.", "x": {deep}}}]}}'.encode(), JSON
    )
    assert [turn.text for turn in parsed.turns] == ["Hi."]


def test_an_integer_too_large_for_a_float_is_refused_with_its_turn():
    data = '{"turns": [\n{"speaker": "T", "text": "Hi.",\n "start": 1' + "0" * 400 + "}]}"
    assert refusal(data.encode(), JSON) == (
        'line 3: turn 1: "start" must be a number of seconds (0 or more) or null, '
        "not a number too large to read"
    )


@HOSTILE
@given(st.lists(st.sampled_from(["T", "C"]), min_size=1, max_size=40), st.data())
def test_the_line_of_a_bad_turn_in_json(speakers, data):
    """The line numbers are counted once along the text now; a bad turn anywhere still names
    the line of its key."""
    turns: list[dict[str, object]] = [{"speaker": who, "text": "a"} for who in speakers]
    bad = data.draw(st.integers(0, len(turns) - 1))
    turns[bad] = {"speaker": turns[bad]["speaker"], "text": 5}
    text = json.dumps({"turns": turns}, indent=data.draw(st.sampled_from([None, 1, 4])))
    line = text[: text.index('"text": 5')].count("\n") + 1
    assert refusal(text.encode(), JSON) == (
        f'line {line}: turn {bad + 1}: "text" must be a string, not a number (5)'
    )


# --- The rewritten pieces read as the old patterns did (property-based) --------------------------

# The voice-tag pattern before the rewrite: catastrophic backtracking on "<v" and spaces.
OLD_VOICE_RE = re.compile(r"^\s*<v(?:\.[\w-]+)*\s+(?P<name>[^>]+?)\s*>(?P<text>.*)$")
voice_like = st.text(alphabet="<v .\t>a-_x", max_size=14).map(lambda rest: "<v" + rest) | st.text(
    alphabet="<v .\t>a-_x", max_size=16
)


@SAME_READING
@given(voice_like)
def test_the_voice_pattern_reads_the_same_name_and_text(line):
    old, new = OLD_VOICE_RE.match(line), VOICE_RE.match(line)
    assert (old is None) == (new is None)
    if old and new:
        assert (old["name"].strip(), old["text"]) == (new["name"].strip(), new["text"])


@SAME_READING
@given(st.text(alphabet="<>/ab &;#x", max_size=40))
def test_tags_are_stripped_as_the_pattern_did(text):
    assert strip_tags(text) == TAG_RE.sub("", text)


@SAME_READING
@given(
    st.lists(
        st.sampled_from(["&#", "0", "00000", "1", "65", "1114111", "99999999", ";", "x", "a", " "]),
        max_size=12,
    ).map("".join)
)
def test_entities_are_read_as_html_unescape_does(text):
    assert unescape(text) == html.unescape(text)


def test_an_entity_of_thousands_of_digits_is_read_as_a_replacement_character():
    assert unescape("a&#" + "1" * 5_000 + ";b") == "a\ufffdb"
    assert unescape("&#" + "0" * 5_000 + "65;") == "A"


def _time(hours: list[str], separator: str) -> st.SearchStrategy[str]:
    """A time as tools write it, or one of the odd ones the libraries read or refuse."""
    usual = st.builds(
        lambda h, m, s, ms: f"{h}{m:02}:{s:02}{separator}{ms:03}",
        st.sampled_from(hours),
        st.integers(0, 59),
        st.integers(0, 59),
        st.integers(0, 999),
    )
    odd = st.builds(
        lambda h, m, s, ms: f"{h}{m}:{s}{separator}{ms}",
        st.sampled_from(["", *hours, "12345678901:", "٠١:"]),
        st.sampled_from(["7", "60", "123", "05"]),
        st.sampled_from(["05", "60", "5"]),
        st.sampled_from(["5", "50", "1234", "000"]),
    )
    return st.one_of(usual, usual, odd)  # two usual times in three


SETTINGS = [
    "",
    " align:start",
    "\tline:0 position:10%",
    " align:middle",
    " size:50% size:60%",
    " vertical:rl region:x",
    " ",
    " -->",
    " 00:00:09.000",
    "\u2003align:start",
    " bogus",
]


POSITIONS = ["", "", "", " X1:10 X2:20 Y1:5 Y2:30", " ", "\t", " --> 00:00:09,000"]


def _timing_line(hours: list[str], separator: str, after: list[str]) -> st.SearchStrategy[str]:
    arrow = st.sampled_from([" --> ", " --> ", " --> ", "-->", "  -->  "])
    return st.builds(
        lambda a, b, c, d: a + b + c + d,
        _time(hours, separator),
        arrow,
        _time(hours, separator),
        st.sampled_from(after),
    )


def _as_webvtt_reads(line: str, text: str) -> tuple[float, float, list[str]] | None:
    try:
        captions = webvtt.from_string(f"WEBVTT\n\n{line}\n{text}", strict=True).captions
    except (MalformedCaptionError, ValueError):
        return None
    if len(captions) != 1:
        return None
    start, end = captions[0].start_time, captions[0].end_time
    return start.in_milliseconds() / 1000, end.in_milliseconds() / 1000, captions[0].lines


def _as_pysrt_reads(line: str, text: str) -> tuple[float, float] | None:
    try:
        if not SRT_TIMING_RE.match(line):
            return None
        item = pysrt.SubRipItem.from_lines([line, text])
    except (pysrt.Error, ValueError, TypeError):
        return None
    return item.start.ordinal / 1000, item.end.ordinal / 1000


@SAME_READING
@given(_timing_line(["", "01:"], ".", SETTINGS), st.sampled_from(["<v T>Hi.", "T: a --> b"]))
def test_vtt_timing_lines_are_read_as_webvtt_reads_them(line, text):
    try:
        read = _vtt_cue([line, text], 3, {})
    except TranscriptError:
        read = None
    assert read == _as_webvtt_reads(line, text)


@SAME_READING
@given(_timing_line(["1:", "01:"], ",", POSITIONS), st.sampled_from(["T: Hi.", "T: a --> b"]))
def test_srt_timing_lines_are_read_as_pysrt_reads_them(line, text):
    try:
        read: tuple[float, float] | None = _srt_times([line, text], 3)
    except TranscriptError:
        read = None
    assert read == _as_pysrt_reads(line, text)


def test_the_usual_timing_lines_are_read_without_the_libraries():
    """(So the property tests above compare something.)"""
    vtt = "00:01:02.500 --> 01:00:00.000"
    assert _plain_times(PLAIN_VTT_TIMING_RE, [vtt, "<v T>Hi."]) == (62.5, 3600.0, "")
    assert _plain_times(PLAIN_VTT_TIMING_RE, [vtt + " align:start", "Hi."]) == (
        62.5,
        3600.0,
        " align:start",
    )
    srt = "0:01:02,5 --> 01:00:00,000"
    assert _plain_times(PLAIN_SRT_TIMING_RE, [srt, "T: Hi."]) == (62.005, 3600.0, "")
    assert _plain_times(PLAIN_VTT_TIMING_RE, [vtt, "a --> b"]) is None
    assert _plain_times(PLAIN_SRT_TIMING_RE, [srt + " X1:1", "T: Hi."]) is None
