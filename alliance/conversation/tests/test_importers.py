"""Reading transcripts as they come out of real tools: labels, voice tags, BOMs, CRLF, NOTE blocks,
overlapping cues, broken timing lines, JSON with the wrong types; each error names its line."""

from __future__ import annotations

from typing import Any

import pytest

from alliance.conversation.coding import CLIENT, THERAPIST
from alliance.conversation.importers import (
    JSON,
    MAX_BYTES,
    MAX_TURNS,
    SRT,
    TEXT,
    VTT,
    ParsedTranscript,
    TranscriptError,
    detect_format,
    parse_speaker_lines,
    parse_transcript,
)


def speakers_and_texts(parsed: ParsedTranscript) -> list[tuple[str, str]]:
    return [(turn.speaker, turn.text) for turn in parsed.turns]


def error_of(data: bytes | str, **kwargs: Any) -> str:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, **kwargs)
    return str(caught.value)


# --- Plain text ------------------------------------------------------------------------------


def test_t_and_c_labels_with_continuation_lines():
    parsed = parse_transcript(b"T: How are you?\nC: Not great.\nI slept badly.\n\nT: Tell me.\n")
    assert parsed.format == TEXT
    assert speakers_and_texts(parsed) == [
        (THERAPIST, "How are you?"),
        (CLIENT, "Not great. I slept badly."),
        (THERAPIST, "Tell me."),
    ]
    assert [turn.line for turn in parsed.turns] == [1, 2, 5]
    assert [turn.index for turn in parsed.turns] == [0, 1, 2]


def test_full_labels_any_case():
    parsed = parse_transcript(b"THERAPIST: Hello.\nclient: Hi.")
    assert speakers_and_texts(parsed) == [(THERAPIST, "Hello."), (CLIENT, "Hi.")]


def test_names_mapped_by_the_speakers_argument():
    parsed = parse_transcript(
        b"Dr Lee: Welcome back.\nSam: Thanks.\nDr Lee: So: where shall we start?",
        speakers={"dr  lee": "therapist", "Sam": "client"},
    )
    assert speakers_and_texts(parsed) == [
        (THERAPIST, "Welcome back."),
        (CLIENT, "Thanks."),
        (THERAPIST, "So: where shall we start?"),
    ]


def test_one_unmapped_name_beside_a_known_role_takes_the_other_role():
    parsed = parse_transcript(b"Therapist: Hello.\nSam: Hi.", speakers={})
    assert speakers_and_texts(parsed) == [(THERAPIST, "Hello."), (CLIENT, "Hi.")]


def test_two_unmapped_names_need_a_mapping():
    assert error_of(b"\n\nDr Lee: Hello.\nSam: Hi.") == (
        "line 3: the speaker 'Dr Lee' is neither therapist nor client: say who is who "
        '(e.g. "Dr Lee = therapist")'
    )


def test_a_word_and_colon_inside_a_turn_is_text_once_both_roles_are_known():
    parsed = parse_transcript(b"T: What helped?\nC: Two things.\nFirst: sleep.\nT: Good.")
    assert parsed.turns[1].text == "Two things. First: sleep."


def test_text_before_any_label():
    assert error_of(b"Session 4, notes\nT: Hello.").startswith(
        'line 1: text before any speaker label: "Session 4, notes"'
    )


def test_timestamps_before_labels_are_kept():
    parsed = parse_transcript(b"[00:01:05] T: Hello.\n01:07 C: Hi.\nT: No time here.")
    assert [turn.start for turn in parsed.turns] == [65.0, 67.0, None]
    assert [turn.text for turn in parsed.turns] == ["Hello.", "Hi.", "No time here."]


def test_empty_turns_are_dropped():
    parsed = parse_transcript(b"T:\nC: Hi.\nT:   \nT: Hello.")
    assert speakers_and_texts(parsed) == [(CLIENT, "Hi."), (THERAPIST, "Hello.")]
    assert [turn.index for turn in parsed.turns] == [0, 1]


def test_nothing_said():
    assert error_of(b"T:\nC:\n") == ("the transcript holds no turns: nothing was said by anyone")


# --- Encodings, line endings, limits ---------------------------------------------------------------


def test_utf8_bom_and_crlf_and_cr():
    crlf = "\ufeffT: Café?\r\nC: Oui.\r\nplus tard\r\n".encode()
    assert speakers_and_texts(parse_transcript(crlf)) == [
        (THERAPIST, "Café?"),
        (CLIENT, "Oui. plus tard"),
    ]
    cr = b"T: One.\rC: Two.\r"
    assert speakers_and_texts(parse_transcript(cr)) == [(THERAPIST, "One."), (CLIENT, "Two.")]


def test_other_encodings_are_refused_with_the_line():
    latin1 = "T: Hello.\nC: Ça va.\n".encode("latin-1")
    assert error_of(latin1) == (
        "line 2: not UTF-8 text (byte 0xC7); save the file as UTF-8 and upload it again"
    )
    assert error_of("T: Hi.".encode("utf-16")) == (
        "the file is UTF-16 text; save it as UTF-8 and upload it again"
    )


def test_binary_files_are_refused():
    assert error_of(b"T: Hi.\nC: \x00\x01") == (
        "line 2: a NUL character: this looks like a binary file"
    )


def test_the_size_limit():
    big = b"T: " + b"a" * MAX_BYTES
    assert error_of(big).startswith("the file is 2.0 MB; the limit is 2 MB")


def test_the_turn_limit():
    text = "".join(f"{'T' if n % 2 else 'C'}: turn {n}\n" for n in range(MAX_TURNS + 1))
    assert error_of(text.encode()) == (
        f"line {MAX_TURNS + 1}: more than 5,000 turns; split the transcript into parts"
    )
    parse_transcript(text.encode().rsplit(b"C:", 1)[0])  # exactly 5,000 is fine


# --- WebVTT ------------------------------------------------------------------------------------

VTT_WITH_QUIRKS = """WEBVTT - session 4
Kind: captions
Language: en

STYLE
::cue { color: white }

NOTE recorded on the practice laptop;
speaker names checked by hand

1
00:00:01.000 --> 00:00:03.500 align:start position:10% line:90%
<v Dr Lee>How have the evenings
been since we last met?</v>

2
00:00:03.500 --> 00:00:05.000
<v Dr Lee>Any better?

3
00:00:04.800 --> 00:00:09.000 line:0
<v.loud Sam>Not really &amp; I&#39;m tired</v>

NOTE the client laughs here

4
00:00:09.000 --> 00:00:10.000
<v Sam>
"""


def test_vtt_with_note_and_style_blocks_cue_settings_and_voices():
    parsed = parse_transcript(VTT_WITH_QUIRKS, speakers={"Dr Lee": "therapist", "Sam": "client"})
    assert parsed.format == VTT
    # Consecutive cues of one speaker are one turn: first start, last end.
    assert speakers_and_texts(parsed) == [
        (THERAPIST, "How have the evenings been since we last met? Any better?"),
        (CLIENT, "Not really & I'm tired"),
    ]
    assert [(turn.start, turn.end) for turn in parsed.turns] == [(1.0, 5.0), (4.8, 9.0)]
    assert [turn.line for turn in parsed.turns] == [13, 22]
    # Sam started before Dr Lee had finished: kept, and marked as an overlap.
    assert parsed.overlaps == (1,)


def test_vtt_cue_without_a_speaker():
    text = VTT_WITH_QUIRKS.replace("<v.loud Sam>Not really", "Not really")
    assert error_of(text, speakers={"Dr Lee": "therapist", "Sam": "client"}) == (
        'line 22: a cue without a speaker: "Not really & I\'m tired" (start the cue with a '
        '<v Name> voice tag or "Name:")'
    )


def test_vtt_name_prefixes_as_zoom_writes_them():
    text = (
        "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nDr Lee: Hello.\n\n"
        "2\n00:00:02.000 --> 00:00:04.000\nSam: Hi.\n"
    )
    parsed = parse_transcript(text, speakers={"Dr Lee": "therapist"})
    assert speakers_and_texts(parsed) == [(THERAPIST, "Hello."), (CLIENT, "Hi.")]


def test_vtt_two_voices_in_one_cue_share_its_time_without_overlapping():
    text = (
        "WEBVTT\n\n00:00:10.000 --> 00:00:14.000\n<v Therapist>So, how was it?\n"
        "<v Client>Fine really.\n"
    )
    parsed = parse_transcript(text)
    assert [(t.speaker, t.start, t.end) for t in parsed.turns] == [
        (THERAPIST, 10.0, 12.667),  # 4 of the cue's 6 words
        (CLIENT, 12.667, 14.0),
    ]
    assert parsed.overlaps == ()


def test_vtt_bad_timing_line():
    text = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v T>Hi.\n\n2\n00:00:0x.000 --> 00:00:03.000\n<v C>Yo.\n"
    assert error_of(text) == (
        'line 8: a cue timing line WebVTT cannot read: "00:00:0x.000 --> 00:00:03.000"'
    )


def test_vtt_cue_ending_before_it_starts():
    text = "WEBVTT\n\n00:00:05.000 --> 00:00:02.000\n<v T>Hi.\n"
    assert error_of(text) == (
        'line 3: the cue ends before it starts: "00:00:05.000 --> 00:00:02.000"'
    )


def test_vtt_without_header_is_named_by_extension_and_refused():
    assert error_of(b"00:00:01.000 --> 00:00:02.000\nT: Hi", filename="a.vtt") == (
        'line 1: a WebVTT file starts with "WEBVTT"'
    )


# --- SRT ---------------------------------------------------------------------------------------

SRT_TEXT = """1
00:00:01,000 --> 00:00:03,000
Therapist: How have you been
since we last met?

2
00:00:03,000 --> 00:00:04,000
Therapist: Any better?

3
00:00:03,900 --> 00:00:06,000
Client: Not really.

4
00:00:06,000 --> 00:00:06,500
Client:
"""


def test_srt_speakers_merging_and_overlap():
    parsed = parse_transcript(SRT_TEXT.replace("\n", "\r\n").encode(), filename="x.srt")
    assert parsed.format == SRT
    assert speakers_and_texts(parsed) == [
        (THERAPIST, "How have you been since we last met? Any better?"),
        (CLIENT, "Not really."),
    ]
    assert [(turn.start, turn.end) for turn in parsed.turns] == [(1.0, 4.0), (3.9, 6.0)]
    assert parsed.overlaps == (1,)


def test_srt_bad_timing_line():
    broken = SRT_TEXT.replace("00:00:03,000 --> 00:00:04,000", "00:00:03,000 -> 00:00:04,000")
    assert error_of(broken, filename="x.srt") == (
        "line 7: expected a timing line (00:00:01,000 --> 00:00:04,000), found "
        '"00:00:03,000 -> 00:00:04,000"'
    )
    garbled = SRT_TEXT.replace("00:00:03,900 -->", "00:00:0x,900 -->")
    assert error_of(garbled, filename="x.srt") == (
        'line 11: a timing line SRT cannot read: "00:00:0x,900 --> 00:00:06,000"'
    )


def test_srt_cue_without_a_speaker():
    missing = SRT_TEXT.replace("Client: Not really.", "Not really.")
    assert error_of(missing) == (
        'line 12: a cue without a speaker: "Not really." (start the cue with "Name:")'
    )


# --- JSON --------------------------------------------------------------------------------------

JSON_TEXT = """{
  "speakers": {"Dr Lee": "therapist", "Sam": "client"},
  "turns": [
    {"speaker": "Dr Lee", "text": "How are you?", "start": 0, "end": 2.5},
    {"speaker": "Sam", "text": "Tired.", "start": 2.5, "end": null},
    {"speaker": "therapist", "text": "Tell me more."}
  ]
}
"""


def test_json_format():
    parsed = parse_transcript(JSON_TEXT)
    assert parsed.format == JSON
    assert speakers_and_texts(parsed) == [
        (THERAPIST, "How are you?"),
        (CLIENT, "Tired."),
        (THERAPIST, "Tell me more."),
    ]
    assert [(t.start, t.end, t.line) for t in parsed.turns] == [
        (0.0, 2.5, 4),
        (2.5, None, 5),
        (None, None, 6),
    ]


def test_json_speaker_argument_overrides_the_file():
    parsed = parse_transcript(JSON_TEXT, speakers={"Sam": "therapist", "Dr Lee": "client"})
    assert [turn.speaker for turn in parsed.turns] == [CLIENT, THERAPIST, THERAPIST]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('"text": "Tired."', '"text": 42'),
            'line 5: turn 2: "text" must be a string, not a number (42)',
        ),
        (
            ('"start": 2.5, "end": null', '"start": "2.5", "end": null'),
            'line 5: turn 2: "start" must be a number of seconds (0 or more) or null, not a '
            'string ("2.5")',
        ),
        (
            ('"start": 0, "end": 2.5', '"start": 3, "end": 2.5'),
            'line 4: turn 1: "end" (2.5) is before "start" (3)',
        ),
        (
            ('"start": 0, "end": 2.5', '"start": true, "end": 2.5'),
            'line 4: turn 1: "start" must be a number of seconds (0 or more) or null, not '
            "true/false",
        ),
        (
            ('"start": 0, "end": 2.5', '"start": 0, "end": Infinity'),
            'line 4: turn 1: "end" must be a number of seconds (0 or more) or null, not NaN or '
            "Infinity",
        ),
        (
            ('{"speaker": "therapist", "text": "Tell me more."}', '"Tell me more."'),
            'line 6: turn 3 must be an object, not a string ("Tell me more.")',
        ),
        (
            ('"Sam": "client"', '"Sam": "friend"'),
            "line 2: the speaker 'Sam' must be mapped to therapist or client, not 'friend'",
        ),
        (
            ('"turns": [', '"turns": {"a": ['),
            "line 9: not valid JSON: Expecting ',' delimiter",
        ),
        (
            ('"speaker": "Sam", ', ""),
            'line 5: turn 2: "speaker" must be a string, not null',
        ),
    ],
)
def test_json_with_wrong_types_names_the_line(change, message):
    old, new = change
    assert old in JSON_TEXT
    assert error_of(JSON_TEXT.replace(old, new, 1)) == message


def test_json_without_turns():
    assert error_of('{\n  "speakers": {},\n  "turns": "none"\n}') == (
        'line 3: "turns" must be a list of turns, not a string ("none")'
    )
    assert error_of("[1, 2]", filename="a.json") == (
        'line 1: the top level must be an object with a "turns" list'
    )


# --- Detection and the speaker list ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        ("WEBVTT\n\n", "notes.txt", VTT),
        ('  {"turns": []}', "", JSON),
        ("1\n00:00:01,000 --> 00:00:02,000\nT: hi", "a.txt", SRT),
        ("T: hi", "a.srt", SRT),
        ("T: hi", "a.JSON", JSON),
        ("T: hi", "a.vtt", VTT),
        ("T: hi", "transcript", TEXT),
    ],
)
def test_format_detection_by_content_then_extension(text, filename, expected):
    assert detect_format(text, filename) == expected


def test_speaker_lines_from_the_form():
    assert parse_speaker_lines("Dr Lee = therapist\n\nSam: Client\nJo = c\n") == {
        "Dr Lee": THERAPIST,
        "Sam": CLIENT,
        "Jo": CLIENT,
    }
    with pytest.raises(TranscriptError, match="line 2: 'friend' is neither"):
        parse_speaker_lines("Dr Lee = therapist\nSam = friend")
    with pytest.raises(TranscriptError, match='line 1: write "Name = therapist"'):
        parse_speaker_lines("just a name")
