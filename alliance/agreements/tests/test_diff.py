"""The difference between two versions, worked out by hand for small examples."""

from __future__ import annotations

from alliance.agreements.diff import diff_text, diff_versions
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
    assert ("removed", "or") in parts and ("added", "never by") in parts


def test_a_new_line_is_an_addition():
    parts = diff_text("First.", "First.\nSecond.")
    assert parts == [("same", "First."), ("added", "\nSecond.")]


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
