"""Scores computed by hand, checked against the engine; and the answers it refuses."""

import pytest

from alliance.measures.registry import SHIPPED_DIR, get_instrument, load_instruments
from alliance.measures.scoring import (
    TEXT_MAX_LENGTH,
    AnswerError,
    Change,
    clean_answers,
    reliable_change,
    score,
)


@pytest.fixture(autouse=True)
def _no_practice_folders(settings):
    settings.ALLIANCE_INSTRUMENT_DIRS = []


def phq9_answers(*values: int) -> dict[str, int]:
    return {f"PHQ9_{number}": value for number, value in enumerate(values, start=1)}


def gad7_answers(*values: int) -> dict[str, int]:
    return {f"GAD7_{number}": value for number, value in enumerate(values, start=1)}


# --- PHQ-9 ---------------------------------------------------------------------------------------


def test_phq9_all_ones_is_nine_mild_and_item_nine_flags_safety():
    result = score(get_instrument("phq9"), phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 1))
    assert result.total == 9.0
    assert result.band == "Mild"
    assert result.concern is False
    assert result.safety_items == ("PHQ9_9",)
    assert result.missing == ()


def test_phq9_item_nine_answered_two_flags_safety():
    result = score(get_instrument("phq9"), phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 2))
    assert result.safety_items == ("PHQ9_9",)
    assert result.total == 2.0


def test_phq9_item_nine_not_at_all_raises_no_flag():
    result = score(get_instrument("phq9"), phq9_answers(3, 3, 3, 3, 3, 3, 3, 3, 0))
    assert result.safety_items == ()
    assert (result.total, result.band, result.concern) == (24.0, "Severe", True)


def test_phq9_one_missing_item_is_prorated():
    answers = phq9_answers(2, 2, 2, 2, 2, 2, 2, 2, 0)
    del answers["PHQ9_3"]
    answers["PHQ9_9"] = 2
    # 8 answered items summing 16: 16 / 8 * 9 = 18.
    result = score(get_instrument("phq9"), answers)
    assert result.total == 18.0
    assert result.band == "Moderately severe"
    assert result.missing == ("PHQ9_3",)


def test_phq9_prorated_total_is_rounded_to_one_decimal():
    answers = phq9_answers(1, 1, 1, 1, 1, 1, 1, 0)  # item 9 missing: 7 / 8 * 9 = 7.875
    assert score(get_instrument("phq9"), answers).total == 7.9


def test_phq9_prorated_total_rounds_half_up():
    answers = phq9_answers(1, 1, 0, 0, 0, 0, 0, 0)  # 2 / 8 * 9 = 2.25
    assert score(get_instrument("phq9"), answers).total == 2.3


def test_phq9_two_missing_items_give_no_total():
    answers = phq9_answers(3, 3, 3, 3, 3, 3, 3)
    result = score(get_instrument("phq9"), answers)
    assert result.total is None
    assert result.band is None
    assert result.concern is False
    assert result.missing == ("PHQ9_8", "PHQ9_9")


@pytest.mark.parametrize(
    ("total", "band", "concern"),
    [
        (0, "Minimal", False),
        (4, "Minimal", False),
        (5, "Mild", False),
        (9, "Mild", False),
        (10, "Moderate", True),
        (14, "Moderate", True),
        (15, "Moderately severe", True),
        (19, "Moderately severe", True),
        (20, "Severe", True),
        (27, "Severe", True),
    ],
)
def test_phq9_band_boundaries_and_cutoff(total, band, concern):
    values = [3] * (total // 3) + [total % 3] + [0] * 9
    result = score(get_instrument("phq9"), phq9_answers(*values[:9]))
    assert result.total == total
    assert (result.band, result.concern) == (band, concern)


# --- GAD-7 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((1, 1, 1, 1, 0, 0, 0), 4, "Minimal"),
        ((1, 1, 1, 1, 1, 0, 0), 5, "Mild"),
        ((3, 3, 3, 0, 0, 0, 0), 9, "Mild"),
        ((3, 3, 3, 1, 0, 0, 0), 10, "Moderate"),
        ((3, 3, 3, 3, 2, 0, 0), 14, "Moderate"),
        ((3, 3, 3, 3, 3, 0, 0), 15, "Severe"),
        ((3, 3, 3, 3, 3, 3, 3), 21, "Severe"),
    ],
)
def test_gad7_band_boundaries(values, total, band):
    result = score(get_instrument("gad7"), gad7_answers(*values))
    assert (result.total, result.band) == (total, band)
    assert result.safety_items == ()


def test_gad7_concern_from_eight():
    gad7 = get_instrument("gad7")
    assert score(gad7, gad7_answers(2, 2, 2, 1, 0, 0, 0)).concern is False  # 7
    assert score(gad7, gad7_answers(2, 2, 2, 2, 0, 0, 0)).concern is True  # 8


# --- The review: reverse keying and subscale means ----------------------------------------------

REVIEW_ANSWERS = {
    # goals: 4, 5, reverse-keyed 2 -> 4, 3: mean 16 / 4 = 4.0
    "goals_1": 4,
    "goals_2": 5,
    "goals_3": 2,
    "goals_4": 3,
    # tasks: 3, 2, reverse-keyed 4 -> 2, 3: mean 10 / 4 = 2.5
    "tasks_1": 3,
    "tasks_2": 2,
    "tasks_3": 4,
    "tasks_4": 3,
    # bond: 5, 5, reverse-keyed 1 -> 5, 4: mean 19 / 4 = 4.75
    "bond_1": 5,
    "bond_2": 5,
    "bond_3": 1,
    "bond_4": 4,
}


def test_review_reverse_keys_and_averages_each_subscale():
    result = score(get_instrument("alliance-review"), REVIEW_ANSWERS)
    assert result.subscales == {"goals": 4.0, "tasks": 2.5, "bond": 4.75}
    assert result.total == 3.75  # (16 + 10 + 19) / 12
    assert result.concern is False


def test_review_below_three_and_a_half_is_a_concern():
    answers = {**REVIEW_ANSWERS, "goals_1": 1, "goals_2": 1, "bond_1": 3}  # 45 - 3 - 4 - 2 = 36
    result = score(get_instrument("alliance-review"), answers)
    assert result.total == 3.0
    assert result.concern is True


def test_review_means_skip_up_to_two_missing_items():
    answers = dict(REVIEW_ANSWERS)
    del answers["goals_1"], answers["tasks_1"]
    result = score(get_instrument("alliance-review"), answers)
    assert result.subscales["goals"] == 4.0  # (5 + 4 + 3) / 3
    assert result.subscales["tasks"] == 2.33  # (2 + 2 + 3) / 3
    assert result.total == 3.8  # (12 + 7 + 19) / 10
    assert result.missing == ("goals_1", "tasks_1")


def test_review_with_three_missing_items_has_no_total():
    answers = dict(REVIEW_ANSWERS)
    del answers["goals_1"], answers["tasks_1"], answers["bond_1"]
    result = score(get_instrument("alliance-review"), answers)
    assert result.total is None
    assert result.subscales == {"goals": 4.0, "tasks": 2.33, "bond": 4.67}


# --- Check-in, self-rating and the licensed example ---------------------------------------------


def test_checkin_below_the_cutoff_is_a_concern_and_keeps_the_comment():
    checkin = get_instrument("alliance-checkin")
    low = score(checkin, {"bond": 8, "goals": 8, "approach": 8, "overall": 7, "change": "Slower."})
    assert (low.total, low.concern, low.comment) == (31.0, True, "Slower.")
    assert low.band is None
    at_cutoff = score(checkin, {"bond": 8, "goals": 8, "approach": 8, "overall": 8})
    assert (at_cutoff.total, at_cutoff.concern, at_cutoff.comment) == (32.0, False, "")


def test_self_rating_scores_like_the_checkin():
    result = score(
        get_instrument("alliance-self-rating"),
        {"bond": 10, "goals": 9, "approach": 9, "overall": 9, "noticed": "They went quiet."},
    )
    assert (result.total, result.concern, result.comment) == (37.0, False, "They went quiet.")


def test_licensed_example_scores_with_the_published_cutoff():
    example = load_instruments(SHIPPED_DIR.parent / "instruments_examples")["example-licensed-srs"]
    result = score(example, {"item_1": 9, "item_2": 9, "item_3": 8, "item_4": 9})
    assert (result.total, result.concern) == (35.0, True)
    result = score(example, {"item_1": 9, "item_2": 9, "item_3": 9, "item_4": 9})
    assert (result.total, result.concern) == (36.0, False)
    assert reliable_change(example, 20, 40) == Change.NO_RELIABLE_CHANGE  # no threshold given


def test_score_refuses_answers_clean_answers_would_not_give():
    phq9 = get_instrument("phq9")
    with pytest.raises(ValueError, match="no item"):
        score(phq9, {"PHQ9_10": 1})
    with pytest.raises(ValueError, match="whole number"):
        score(phq9, {"PHQ9_1": "2"})


def test_scores_recompute_from_the_stored_answers():
    checkin = get_instrument("alliance-checkin")
    stored = clean_answers(
        checkin, {"bond": "9", "goals": "7", "approach": "8", "overall": "6", "change": " x "}
    )
    assert stored == {"bond": 9, "goals": 7, "approach": 8, "overall": 6, "change": "x"}
    assert score(checkin, stored) == score(checkin, dict(stored))


# --- Reliable change -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "before", "after", "change"),
    [
        ("phq9", 15, 9, Change.IMPROVED),  # down 6: symptoms, lower is better
        ("phq9", 15, 10, Change.NO_RELIABLE_CHANGE),
        ("phq9", 9, 15, Change.DETERIORATED),
        ("phq9", 9, 14, Change.NO_RELIABLE_CHANGE),
        ("gad7", 12, 8, Change.IMPROVED),
        ("gad7", 8, 12, Change.DETERIORATED),
        ("alliance-checkin", 30, 35, Change.IMPROVED),  # up 5: alliance, higher is better
        ("alliance-checkin", 35, 30, Change.DETERIORATED),
        ("alliance-checkin", 30, 34, Change.NO_RELIABLE_CHANGE),
        ("alliance-review", 3.25, 3.75, Change.IMPROVED),
        ("alliance-review", 3.8, 3.3, Change.DETERIORATED),
        ("alliance-review", 3.3, 3.75, Change.NO_RELIABLE_CHANGE),
    ],
)
def test_reliable_change_by_direction_and_threshold(instrument_id, before, after, change):
    assert reliable_change(get_instrument(instrument_id), before, after) == change


# --- clean_answers -------------------------------------------------------------------------------


def test_clean_answers_converts_form_strings_and_drops_unanswered_optional_items():
    checkin = get_instrument("alliance-checkin")
    cleaned = clean_answers(
        checkin, {"bond": "10", "goals": 0, "approach": " 5 ", "overall": 7.0, "change": "  "}
    )
    assert cleaned == {"bond": 10, "goals": 0, "approach": 5, "overall": 7}


def test_clean_answers_accepts_option_values_for_choice_items():
    phq9 = get_instrument("phq9")
    cleaned = clean_answers(phq9, {f"PHQ9_{n}": str(n % 4) for n in range(1, 10)})
    assert cleaned["PHQ9_1"] == 1 and cleaned["PHQ9_4"] == 0
    assert list(cleaned) == [f"PHQ9_{n}" for n in range(1, 10)]


def test_missing_required_answer_is_an_error():
    with pytest.raises(AnswerError) as raised:
        clean_answers(get_instrument("alliance-checkin"), {"bond": "5", "goals": None})
    assert raised.value.errors == {
        "goals": "Please choose an answer.",
        "approach": "Please choose an answer.",
        "overall": "Please choose an answer.",
    }


@pytest.mark.parametrize("value", ["11", "-1", "seven", "7.5", 7.5, True, "", None])
def test_scale_answer_out_of_range_or_not_a_number_is_an_error(value):
    answers = {"bond": value, "goals": 5, "approach": 5, "overall": 5}
    with pytest.raises(AnswerError) as raised:
        clean_answers(get_instrument("alliance-checkin"), answers)
    expected = "Enter a whole number from 0 to 10."
    if value in ("", None):
        expected = "Please choose an answer."
    assert raised.value.errors == {"bond": expected}


@pytest.mark.parametrize("value", ["4", "-1", "LA6568-5", "Not at all", 2.5])
def test_choice_answer_that_is_not_an_option_value_is_an_error(value):
    answers = {**{f"PHQ9_{n}": 0 for n in range(1, 10)}, "PHQ9_2": value}
    with pytest.raises(AnswerError) as raised:
        clean_answers(get_instrument("phq9"), answers)
    assert raised.value.errors == {"PHQ9_2": "Please choose one of the answers shown."}


def test_unknown_item_is_an_error():
    answers = {"bond": 5, "goals": 5, "approach": 5, "overall": 5, "csrfmiddlewaretoken": "x"}
    with pytest.raises(AnswerError) as raised:
        clean_answers(get_instrument("alliance-checkin"), answers)
    assert raised.value.errors == {"csrfmiddlewaretoken": "This question is not part of this form."}


def test_free_text_is_trimmed_and_limited():
    checkin = get_instrument("alliance-checkin")
    scales = {"bond": 5, "goals": 5, "approach": 5, "overall": 5}
    longest = "a" * TEXT_MAX_LENGTH
    assert clean_answers(checkin, {**scales, "change": f"  {longest}\n"})["change"] == longest
    with pytest.raises(AnswerError) as raised:
        clean_answers(checkin, {**scales, "change": longest + "a"})
    assert raised.value.errors == {
        "change": "Please shorten this to 2000 characters or fewer (it has 2001)."
    }
    with pytest.raises(AnswerError) as raised:
        clean_answers(checkin, {**scales, "change": 42})
    assert raised.value.errors == {"change": "Please write your answer as text."}


def test_every_problem_is_reported_at_once():
    with pytest.raises(AnswerError) as raised:
        clean_answers(
            get_instrument("alliance-checkin"),
            {"bond": "11", "goals": "x", "approach": None, "overall": 5, "extra": 1},
        )
    assert set(raised.value.errors) == {"bond", "goals", "approach", "extra"}
    assert "bond: Enter a whole number from 0 to 10." in str(raised.value)
