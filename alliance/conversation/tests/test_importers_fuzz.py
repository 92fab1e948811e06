"""Whatever a file holds, reading it either gives turns or raises ``TranscriptError`` (which the
upload form shows as the problem): never another exception, which would be a 500 page.
Property-based (hypothesis): mutated copies of well-formed files in each format, and arbitrary
bytes and text. Seeded and bounded, so a run is repeatable and takes a few seconds."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.conversation.importers import FORMATS, MAX_TURNS, TranscriptError, parse_transcript

PLAIN = "T: Hello, how are you?\nC: Fine.\nTherapist: What brings you here?\nClient: Work.\n"
VTT = (
    "WEBVTT\n\nNOTE a note\n\n00:00:01.000 --> 00:00:03.000\n<v Dr Lee>Hello there.\n\n"
    "00:00:02.500 --> 00:00:05.000 align:start\n<v Sam>Hi. I- I wasn't sure.\n\n"
)
SRT = "1\n00:00:01,000 --> 00:00:02,000\nT: Hello.\n\n2\n00:00:02,000 --> 00:00:04,000\nC: Hi.\n"
JSON_FILE = json.dumps(
    {
        "speakers": {"Dr Lee": "therapist"},
        "turns": [
            {"speaker": "Dr Lee", "text": "Hello.", "start": 0, "end": 1.5},
            {"speaker": "client", "text": "Hi.", "start": 1.5, "end": None},
        ],
    },
    indent=1,
)
SAMPLES = {"text": PLAIN, "vtt": VTT, "srt": SRT, "json": JSON_FILE}
SPECIAL = ["\r\n", "\r", "\n\n", "\ufeff", "\x00", "-->", "<v ", ">", ":", ",", ".", "{", "}", '"']
FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _read(data: bytes | str, fmt: str | None = None, filename: str = "") -> None:
    try:
        parsed = parse_transcript(data, filename=filename, format=fmt)
    except TranscriptError as error:
        assert str(error).strip(), "an error must say what is wrong"
        return
    assert 0 < len(parsed.turns) <= MAX_TURNS
    for turn in parsed.turns:
        assert turn.speaker in ("therapist", "client")
        assert turn.text.strip()
        assert turn.start is None or turn.start >= 0
        assert turn.end is None or turn.start is None or turn.end >= turn.start


@st.composite
def mutated(draw: st.DrawFn, sample: str) -> str:
    """The sample with a few characters deleted, replaced or inserted, and lines dropped or
    swapped: the kind of damage an editor, a copy and paste or a cut-off download does."""
    text = sample
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "lines"]))
        piece = draw(st.one_of(st.sampled_from(SPECIAL), st.text(max_size=4)))
        if action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 8)) :]
        elif action == "insert":
            text = text[:position] + piece + text[position:]
        elif action == "replace":
            text = text[:position] + piece + text[position + len(piece) :]
        else:
            lines = text.split("\n")
            lines = draw(st.permutations(lines))[: draw(st.integers(0, len(lines)))]
            text = "\n".join(lines)
    return text


@FUZZ
@given(
    st.sampled_from(sorted(SAMPLES)).flatmap(
        lambda fmt: st.tuples(st.just(fmt), mutated(SAMPLES[fmt]))
    )
)
def test_a_damaged_file_is_read_or_refused_with_a_reason(case):
    fmt, text = case
    _read(text.encode("utf-8", "surrogatepass"), filename=f"session.{fmt}")
    _read(text, fmt=fmt)


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["", "a.txt", "a.vtt", "a.srt", "a.json"]))
def test_arbitrary_bytes_are_read_or_refused_with_a_reason(data, filename):
    _read(data, filename=filename)


@FUZZ
@given(st.text(max_size=300), st.sampled_from([None, *FORMATS]))
def test_arbitrary_text_in_any_format_is_read_or_refused_with_a_reason(text, fmt):
    _read(text, fmt=fmt)
