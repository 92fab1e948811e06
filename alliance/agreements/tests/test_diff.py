"""The difference between two versions, worked out by hand for small examples."""

from __future__ import annotations

from alliance.agreements.diff import diff_lines, diff_text, diff_versions
from alliance.agreements.models import AgreementVersion
from alliance.agreements.sections import SECTION_KEYS


def test_an_unchanged_text_is_one_same_run():
    assert diff_text("We meet weekly.", "We meet weekly.") == [("same", "We meet weekly.")]


def test_a_changed_word_shows_as_removed_then_added():
    assert diff_text("We meet every week.", "We meet every fortnight.") == [
        ("same", "We meet every "),
        ("removed", "week."),
        ("added", "fortnight."),
    ]


def test_added_and_removed_words_keep_the_rest_of_the_text_intact():
    old = "Call me by phone or email."
    new = "Call me by phone, never by email."
    parts = diff_text(old, new)
    assert "".join(text for kind, text in parts if kind != "added") == old
    assert "".join(text for kind, text in parts if kind != "removed") == new
    # "phone" is the same in both, but one unchanged word between two changes is folded in:
    # the rewritten phrase reads as a whole.
    assert parts == [
        ("same", "Call me by "),
        ("removed", "phone or"),
        ("added", "phone, never by"),
        ("same", " email."),
    ]


def test_a_new_paragraph_is_an_addition_and_the_others_stay_the_same():
    lines = diff_lines("First.\n\nThird.", "First.\n\nSecond.\n\nThird.")
    assert [(line.kind, line.parts) for line in lines] == [
        ("same", [("same", "First.")]),
        ("added", [("added", "Second.")]),
        ("same", [("same", "Third.")]),
    ]


def test_a_paragraph_rewritten_is_shown_whole_removed_then_added():
    old = "Intro.\n\n[To be written together: what we are working towards.]"
    new = "Intro.\n\nIn your words, this is what we are working towards: “Being able to talk.”"
    kinds = [line.kind for line in diff_lines(old, new)]
    assert kinds == ["same", "removed", "added"]


def test_a_paragraph_changed_a_little_is_marked_by_words_never_by_letters():
    old = "If you need to cancel, tell me 24 hours before it starts. I will do the same."
    new = "If you need to cancel or move a session, tell me 48 hours before it starts. I will do the same."
    (line,) = diff_lines(old, new)
    assert line.kind == "changed"
    assert line.parts == [
        ("same", "If you need to "),
        ("removed", "cancel, tell me 24"),
        ("added", "cancel or move a session, tell me 48"),
        ("same", " hours before it starts. I will do the same."),
    ]
    # Every changed run is made of whole words of the texts.
    for kind, text in line.parts:
        words = (old if kind == "removed" else new).split()
        assert all(word in words for word in text.split())


def _version(number: int, sections: dict[str, str], minutes: int = 50) -> AgreementVersion:
    return AgreementVersion(
        number=number,
        sections=sections,
        frequency_days=7,
        session_minutes=minutes,
        late_cancellation_hours=24,
    )


def test_versions_differ_only_in_the_sections_that_changed_and_the_terms():
    base = dict.fromkeys(SECTION_KEYS, "As agreed.")
    old = _version(1, base)
    new = _version(3, base | {"payment": "As agreed, monthly."}, minutes=60)

    diffs = {diff.key: diff for diff in diff_versions(old, new)}

    assert [key for key, diff in diffs.items() if diff.changed] == ["payment", "terms"]
    assert diffs["payment"].parts == [
        ("same", "As "),
        ("removed", "agreed."),
        ("added", "agreed, monthly."),
    ]
    assert ("removed", "50") in diffs["terms"].parts and ("added", "60") in diffs["terms"].parts
