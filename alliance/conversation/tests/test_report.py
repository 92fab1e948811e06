"""The figures of one session from coded turns, each beside its MITI 4.2.1 reference."""

from __future__ import annotations

import json
from typing import Any

from alliance.conversation.coding import (
    ADVICE,
    AFFIRMATION,
    CHANGE_TALK,
    CLIENT,
    CLOSED_QUESTION,
    COMPLEX_REFLECTION,
    CONFRONTATION,
    JUDGMENT,
    NEUTRAL,
    OPEN_QUESTION,
    OTHER,
    SELF_DISCLOSURE,
    SIMPLE_REFLECTION,
    STRUCTURING,
    SUSTAIN_TALK,
    THERAPIST,
    WITHDRAWAL,
    CodedTurn,
    Turn,
)
from alliance.conversation.report import as_text, build_report, figure_rows, rating


def session(*rows: tuple[Any, ...]) -> list[CodedTurn]:
    """(speaker, text, codes[, detail[, start, end]]) → coded turns; the first code is primary."""
    coded = []
    for index, row in enumerate(rows):
        speaker, text, codes, *rest = row
        detail = rest[0] if rest else {}
        start, end = (rest[1], rest[2]) if len(rest) > 1 else (None, None)
        coded.append(
            CodedTurn(Turn(index, speaker, text, start, end), tuple(codes), codes[0], detail)
        )
    return coded


T, C = THERAPIST, CLIENT

SESSION = session(
    (T, "Let's set an agenda for today.", [STRUCTURING]),  # 0
    (C, "Fine.", [NEUTRAL]),  # 1
    (T, "How was the week?", [OPEN_QUESTION]),  # 2
    (C, "Bad. I don't think I can change this.", [SUSTAIN_TALK]),  # 3
    (T, "You had a bad week.", [SIMPLE_REFLECTION]),  # 4
    (C, "I want to sleep better, I really do-", [CHANGE_TALK]),  # 5 cut off
    (T, "Did you try the worry window?", [CLOSED_QUESTION]),  # 6 interrupts
    (C, "Whatever.", [NEUTRAL, WITHDRAWAL]),  # 7
    (T, "It sounds like part of you wants this.", [COMPLEX_REFLECTION, AFFIRMATION]),  # 8
    (T, "You should go to bed at ten.", [ADVICE]),  # 9
    (T, "May I suggest something? Try a notebook.", [ADVICE], {"permission": True}),  # 10
    (T, "I had insomnia too.", [SELF_DISCLOSURE]),  # 11
    (T, "That was a silly thing to do.", [JUDGMENT]),  # 12
    (C, "You are not listening to me.", [SUSTAIN_TALK, CONFRONTATION]),  # 13
    (T, "What would help?", [OPEN_QUESTION]),  # 14
    (T, "So, to sum up, you want more sleep.", [COMPLEX_REFLECTION]),  # 15
)


def test_headline_figures():
    report = build_report(SESSION)
    assert report.turns == 16
    assert (report.therapist_turns, report.client_turns) == (11, 5)
    assert report.reflections == 3 and report.questions == 3
    assert report.reflection_to_question == 1.0
    assert report.complex_reflection_pct == 66.7
    assert report.open_question_pct == 66.7
    assert report.directing_pct == 18.2  # the advice of turns 9 and 10, of 11 therapist turns
    words_t = sum(len(one.turn.text.split()) for one in SESSION if one.turn.speaker == T)
    words_c = sum(len(one.turn.text.split()) for one in SESSION if one.turn.speaker == C)
    assert (report.therapist_words, report.client_words) == (words_t, words_c)
    assert report.therapist_talk_share == round(100 * words_t / (words_t + words_c), 1)


def test_counts_advice_permission_and_the_client():
    report = build_report(SESSION)
    assert report.affirmations == 1
    assert report.advice_with_permission == 1
    assert report.advice_without_permission == 1
    assert report.self_disclosures == 1 and report.judgments == 1
    assert (report.change_talk, report.sustain_talk) == (1, 2)
    assert report.change_talk_pct == 33.3
    assert [(marker, example.index) for marker, example in report.markers] == [
        (WITHDRAWAL, 7),
        (CONFRONTATION, 13),
    ]
    assert report.markers[1][1].quote == "You are not listening to me."
    assert report.counts[OPEN_QUESTION] == 2 and report.counts[OTHER] == 0


def test_agenda_at_the_start_and_summary_at_the_end():
    report = build_report(SESSION)
    assert report.opened_with_agenda and report.closed_with_summary
    late_agenda = session(
        (T, "Hello.", [OTHER]),
        (T, "Hello again.", [OTHER]),
        (T, "Hi.", [OTHER]),
        (T, "Let's set an agenda.", [STRUCTURING]),
        (T, "Bye.", [OTHER]),
        (T, "Bye.", [OTHER]),
        (T, "Bye.", [OTHER]),
    )
    late = build_report(late_agenda)
    assert not late.opened_with_agenda and not late.closed_with_summary


def test_interruptions_by_cut_off_text_and_by_overlapping_times():
    assert [(i.index, i.by, i.how) for i in build_report(SESSION).interruptions] == [
        (6, THERAPIST, "cut_off")
    ]
    timed = session(
        (T, "How are you?", [OPEN_QUESTION], {}, 0.0, 3.0),
        (C, "Well I", [NEUTRAL], {}, 2.0, 4.0),  # starts before the therapist finished
        (T, "Mm.", [OTHER], {}, 4.0, 5.0),  # starts as the client stops: no overlap
        (C, "So anyway...", [NEUTRAL], {}, 5.0, 6.0),
        (T, "Go on.", [OTHER], {}, 6.5, 7.0),  # after a trailing "...": cut off
        (C, "I— ", [NEUTRAL], {}, 7.5, 8.0),
        (C, "I mean.", [NEUTRAL], {}, 8.0, 9.0),  # same speaker: no interruption
    )
    assert [(i.index, i.by, i.how) for i in build_report(timed).interruptions] == [
        (1, CLIENT, "overlap"),
        (4, THERAPIST, "cut_off"),
    ]


def test_examples_up_to_three_per_code_with_their_turn():
    many = session(*[(T, f"Question {n}?", [CLOSED_QUESTION]) for n in range(5)])
    report = build_report(many)
    assert [example.index for example in report.examples[CLOSED_QUESTION]] == [0, 1, 2]
    assert report.examples[CLOSED_QUESTION][0].quote == "Question 0?"
    long = session((T, "word " * 100, [OTHER]))
    quote = build_report(long).examples[OTHER][0].quote
    assert len(quote) == 240 and quote.endswith("…")


def test_figures_without_anything_to_count():
    report = build_report(session((C, "Hello.", [NEUTRAL])))
    assert report.reflection_to_question is None
    assert report.complex_reflection_pct is None and report.open_question_pct is None
    assert report.therapist_talk_share == 0.0
    assert report.change_talk_pct is None and report.directing_pct is None
    empty = build_report([])
    assert empty.therapist_talk_share is None and not empty.opened_with_agenda


def test_as_json_round_trips_and_carries_the_references():
    figures = build_report(SESSION).as_json()
    assert json.loads(json.dumps(figures)) == figures
    assert figures["references"]["reflection_to_question"]["fair"] == 1.0
    assert figures["references"]["complex_reflection_pct"]["good"] == 50.0
    assert figures["references"]["open_question_pct"]["fair"] is None
    assert figures["interruptions"] == [{"index": 6, "by": "therapist", "how": "cut_off"}]
    assert figures["markers"][0] == {
        "marker": "withdrawal",
        "index": 7,
        "speaker": "client",
        "quote": "Whatever.",
    }
    assert figures["examples"]["complex_reflection"][0]["index"] == 8


def test_a_report_stored_before_a_figure_existed_says_so():
    figures = build_report(SESSION).as_json()
    del figures["directing_pct"]
    row = {row.key: row for row in figure_rows(figures)}["directing_pct"]
    assert row.value is None and row.shown == "–"
    assert row.note == "not in this report (analysed before the figure existed)"


def test_ratings_against_miti():
    assert rating("reflection_to_question", 2.0) == "good"
    assert rating("reflection_to_question", 1.2) == "fair"
    assert rating("reflection_to_question", 0.5) == "below"
    assert rating("complex_reflection_pct", 45) == "fair"
    assert rating("complex_reflection_pct", 55) == "good"
    assert rating("open_question_pct", 90) == ""  # MITI 4.2.1 sets no threshold
    assert rating("reflection_to_question", None) == ""


def test_rows_and_text_for_people():
    figures = build_report(SESSION).as_json()
    rows = {row.key: row for row in figure_rows(figures)}
    assert rows["reflection_to_question"].shown == "1.0 : 1"
    assert rows["reflection_to_question"].reference.startswith("MITI 4.2.1: fair 1:1, good 2:1")
    assert rows["open_question_pct"].reference == (
        "MITI 4.2.1: no threshold in MITI 4.2.1 (the 50%/70% of MITI 3.1.1 was dropped)"
    )
    assert rows["complex_reflection_pct"].bar == 66.7
    assert rows["complex_reflection_pct"].bar_fair == 40.0
    assert rows["reflection_to_question"].bar_good == 66.7  # 2 on a 0–3 bar
    assert rows["directing_pct"].shown == "18%" and rows["directing_pct"].rating == ""
    text = as_text(figures)
    assert "Reflections per question" in text and "1.0 : 1 (fair)" in text
    assert "Turns giving advice or information" in text
    assert "Advice without permission" in text
    assert 'turn 13: "You are not listening to me."' in text
