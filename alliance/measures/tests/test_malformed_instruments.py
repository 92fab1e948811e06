"""A malformed instrument file is refused at load with the file, the item and the problem.

Each test copies a good shipped instrument into a temporary folder and breaks one thing."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alliance.measures.registry import (
    SHIPPED_DIR,
    InstrumentFileError,
    instrument_problems,
    load_instrument_folder,
    load_instruments,
)


def copy_instrument(tmp_path: Path, instrument_id: str, into: str = "practice") -> Path:
    folder = tmp_path / into / instrument_id
    shutil.copytree(SHIPPED_DIR / instrument_id, folder)
    return folder


def edit(path: Path, change: Callable[[dict[str, Any]], object]) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


def load_error(folder: Path) -> InstrumentFileError:
    with pytest.raises(InstrumentFileError) as raised:
        load_instrument_folder(folder)
    return raised.value


def item(data: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(entry for entry in data["item"] if entry["linkId"] == link_id)


@pytest.fixture
def phq9(tmp_path):
    return copy_instrument(tmp_path, "phq9")


def test_a_good_copy_loads(phq9):
    assert load_instrument_folder(phq9).id == "phq9"


# --- questionnaire.json --------------------------------------------------------------------------


def test_bad_json_names_the_file_and_the_line(phq9):
    path = phq9 / "questionnaire.json"
    lines = path.read_text().splitlines()
    lines[3] += ","  # '"url": "...",,' on line 4
    path.write_text("\n".join(lines))

    error = load_error(phq9)

    assert error.path == path
    assert error.item is None
    assert str(error).startswith("phq9/questionnaire.json: not valid JSON: ")
    assert "line 4" in str(error)


def test_a_questionnaire_fhir_rejects_names_the_item_and_the_field(phq9):
    edit(phq9 / "questionnaire.json", lambda data: item(data, "PHQ9_4").update(txet="typo"))

    error = load_error(phq9)

    assert error.item == "PHQ9_4"
    assert str(error) == (
        'phq9/questionnaire.json: item "PHQ9_4": not a valid FHIR R4 Questionnaire: txet: '
        "not a field FHIR allows here (check the spelling)"
    )


def test_an_item_without_a_link_id_is_rejected_by_fhir(phq9):
    edit(phq9 / "questionnaire.json", lambda data: item(data, "PHQ9_2").pop("linkId"))

    error = load_error(phq9)

    assert "not a valid FHIR R4 Questionnaire" in error.problem
    assert "item[2].linkId" in error.problem


def test_a_non_numeric_answer_weight_is_refused(phq9):
    def change(data):
        item(data, "PHQ9_5")["answerOption"][2]["extension"][0]["valueDecimal"] = "two"

    edit(phq9 / "questionnaire.json", change)

    error = load_error(phq9)

    assert error.item == "PHQ9_5"
    assert "answerOption[2].extension[0].valueDecimal" in error.problem


def test_a_fractional_answer_weight_is_refused(phq9):
    def change(data):
        item(data, "PHQ9_5")["answerOption"][2]["extension"][0]["valueDecimal"] = 1.5

    edit(phq9 / "questionnaire.json", change)

    assert str(load_error(phq9)) == (
        'phq9/questionnaire.json: item "PHQ9_5": answerOption[2] (LA6570-1): the answer\'s '
        "value 1.5 is not a whole number (itemWeight needs a numeric valueDecimal such as 2)"
    )


def test_an_answer_without_a_weight_is_refused(phq9):
    edit(
        phq9 / "questionnaire.json",
        lambda data: item(data, "PHQ9_1")["answerOption"][0].pop("extension"),
    )

    error = load_error(phq9)

    assert error.item == "PHQ9_1"
    assert "answerOption[0] (LA6568-5): the answer has no numeric value" in error.problem


def test_an_ordinal_value_extension_is_accepted_as_the_weight(phq9):
    def change(data):
        for entry in data["item"][1:]:
            for option in entry["answerOption"]:
                option["extension"][0]["url"] = (
                    "http://hl7.org/fhir/StructureDefinition/ordinalValue"
                )

    edit(phq9 / "questionnaire.json", change)

    assert load_instrument_folder(phq9).item("PHQ9_1").highest == 3


def test_a_duplicate_link_id_is_refused(phq9):
    edit(phq9 / "questionnaire.json", lambda data: item(data, "PHQ9_2").update(linkId="PHQ9_1"))

    assert str(load_error(phq9)) == (
        'phq9/questionnaire.json: item "PHQ9_1": this linkId is used twice; every linkId must '
        "be unique"
    )


def test_an_id_that_does_not_match_the_folder_is_refused(phq9):
    edit(phq9 / "questionnaire.json", lambda data: data.update(id="phq-9"))

    assert 'the folder is named "phq9"' in load_error(phq9).problem


def test_an_unsupported_item_type_is_refused(phq9):
    edit(phq9 / "questionnaire.json", lambda data: item(data, "PHQ9_3").update(type="boolean"))

    error = load_error(phq9)

    assert error.item == "PHQ9_3"
    assert 'type "boolean" is not supported' in error.problem


def test_a_questionnaire_that_is_not_active_is_refused(phq9):
    edit(phq9 / "questionnaire.json", lambda data: data.update(status="draft"))

    assert 'only "active" questionnaires load' in load_error(phq9).problem


def test_an_integer_item_without_a_maximum_is_refused(tmp_path):
    folder = copy_instrument(tmp_path, "alliance-checkin")
    edit(folder / "questionnaire.json", lambda data: item(data, "goals")["extension"].pop(1))

    error = load_error(folder)

    assert error.item == "goals"
    assert "maxValue" in error.problem


def test_a_missing_file_is_named(phq9):
    (phq9 / "scoring.json").unlink()

    assert str(load_error(phq9)) == "phq9/scoring.json: the file is missing"


# --- scoring.json --------------------------------------------------------------------------------


def test_scoring_that_refers_to_an_unknown_item_is_refused(phq9):
    edit(phq9 / "scoring.json", lambda data: data.update(reverse_keyed=["PHQ9_10"]))

    error = load_error(phq9)

    assert error.path == phq9 / "scoring.json"
    assert error.item == "PHQ9_10"
    assert str(error) == (
        'phq9/scoring.json: item "PHQ9_10": listed as reverse-keyed, but questionnaire.json '
        "has no such item"
    )


def test_a_subscale_of_a_free_text_item_is_refused(tmp_path):
    folder = copy_instrument(tmp_path, "alliance-checkin")
    edit(folder / "scoring.json", lambda data: data.update(subscales={"talk": ["change"]}))

    error = load_error(folder)

    assert error.item == "change"
    assert 'subscale "talk"' in error.problem and "free-text" in error.problem


def test_a_band_outside_the_score_range_is_refused(phq9):
    edit(phq9 / "scoring.json", lambda data: data["bands"].append({"min": 30, "label": "Extreme"}))

    assert str(load_error(phq9)) == (
        'phq9/scoring.json: band "Extreme" starts at 30, outside the score range 0 to 27'
    )


def test_bands_out_of_order_are_refused(phq9):
    edit(phq9 / "scoring.json", lambda data: data["bands"].reverse())

    assert "list bands from lowest" in load_error(phq9).problem


def test_a_safety_threshold_above_the_highest_answer_is_refused(phq9):
    edit(phq9 / "scoring.json", lambda data: data.update(safety={"PHQ9_9": 4}))

    error = load_error(phq9)

    assert (error.item, error.path.name) == ("PHQ9_9", "scoring.json")
    assert str(error).startswith(
        'phq9/scoring.json: item "PHQ9_9": safety threshold 4 is above the item\'s highest answer 3'
    )


def test_a_safety_threshold_every_answer_meets_is_refused(phq9):
    edit(phq9 / "scoring.json", lambda data: data.update(safety={"PHQ9_9": 0}))

    assert "every answer would raise a flag" in load_error(phq9).problem


def test_a_score_range_that_does_not_match_the_items_is_refused(phq9):
    edit(phq9 / "scoring.json", lambda data: data.update(score_max=30))

    assert load_error(phq9).problem == (
        "score_min/score_max say 0 to 30 but the items give 0 to 27 (sum of 9 scored items)"
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"cutoff": 28}, "cutoff 28 is outside the score range 0 to 27"),
        ({"reliable_change": 0}, "reliable_change 0 must be above 0"),
        ({"missing": {"max_missing": 9, "prorate": True}}, "must be below the number of scored"),
        ({"missing": {"max_missing": 1, "prorate": "yes"}}, "missing.prorate must be true or"),
        ({"kind": "screening"}, '"kind" is \'screening\'; it must be one of "alliance_checkin"'),
        ({"aggregation": "median"}, "\"aggregation\" is 'median'"),
        ({"cut_off": 10}, 'unknown field "cut_off"'),
        ({"id": "gad7"}, '"id" is \'gad7\' but questionnaire.json says "phq9"'),
        ({"validated": "yes"}, '"validated" must be true or false'),
        ({"licence": ""}, '"licence" must be non-empty text'),
    ],
)
def test_scoring_rules_that_make_no_sense_are_refused(phq9, change, problem):
    edit(phq9 / "scoring.json", lambda data: data.update(change))

    error = load_error(phq9)

    assert error.path.name == "scoring.json"
    assert problem in error.problem


def test_a_missing_required_scoring_field_is_named(phq9):
    edit(phq9 / "scoring.json", lambda data: data.pop("direction"))

    assert load_error(phq9).problem == 'the field "direction" is missing'


# --- Folders of instruments ----------------------------------------------------------------------


def test_the_same_instrument_id_in_two_folders_is_refused(tmp_path):
    copy_instrument(tmp_path, "phq9", into="first")
    second = copy_instrument(tmp_path, "phq9", into="second")

    with pytest.raises(InstrumentFileError) as raised:
        load_instruments(tmp_path / "first", tmp_path / "second")

    assert raised.value.path == second / "questionnaire.json"
    assert str(raised.value).startswith(
        'phq9/questionnaire.json: the instrument id "phq9" is already loaded from '
    )


def test_a_practice_folder_cannot_replace_a_shipped_instrument(tmp_path):
    copy_instrument(tmp_path, "gad7")

    with pytest.raises(InstrumentFileError, match='"gad7" is already loaded'):
        load_instruments(SHIPPED_DIR, tmp_path / "practice")


def test_every_problem_in_the_folders_is_listed_for_the_start_up_check(tmp_path):
    phq9 = copy_instrument(tmp_path, "phq9")
    gad7 = copy_instrument(tmp_path, "gad7")
    copy_instrument(tmp_path, "alliance-checkin")
    (phq9 / "questionnaire.json").write_text("{")
    edit(gad7 / "scoring.json", lambda data: data.update(cutoff=-1))

    problems = instrument_problems(tmp_path / "practice")

    assert [str(problem).split(":")[0] for problem in problems] == [
        "gad7/scoring.json",
        "phq9/questionnaire.json",
    ]


def test_a_missing_instrument_folder_is_refused(tmp_path):
    with pytest.raises(InstrumentFileError, match="does not exist"):
        load_instruments(tmp_path / "nowhere")
