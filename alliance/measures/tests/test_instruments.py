"""The shipped instruments: they load, their Questionnaires are valid FHIR, and their content is
what the product promises (published wording for PHQ-9 and GAD-7, no copyrighted wording)."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.checks.registry import registry as check_registry
from fhir.resources.R4B.questionnaire import Questionnaire

from alliance.measures.checks import check_instruments
from alliance.measures.definitions import (
    Aggregation,
    Direction,
    InstrumentKind,
    ItemType,
    Respondent,
)
from alliance.measures.registry import (
    SHIPPED_DIR,
    UnknownInstrument,
    all_instruments,
    get_instrument,
    load_instruments,
)

EXAMPLES_DIR = SHIPPED_DIR.parent / "instruments_examples"
SHIPPED_IDS = ["alliance-checkin", "alliance-review", "alliance-self-rating", "gad7", "phq9"]


@pytest.fixture(autouse=True)
def _no_practice_folders(settings):
    settings.ALLIANCE_INSTRUMENT_DIRS = []


def test_every_shipped_instrument_loads():
    assert sorted(instrument.id for instrument in all_instruments()) == SHIPPED_IDS


@pytest.mark.parametrize("instrument_id", SHIPPED_IDS)
def test_shipped_questionnaire_is_valid_fhir_with_a_notice(instrument_id):
    folder = SHIPPED_DIR / instrument_id
    data = json.loads((folder / "questionnaire.json").read_text())
    questionnaire = Questionnaire.model_validate(data)
    assert questionnaire.id == instrument_id
    assert questionnaire.url == f"urn:alliance:questionnaire:{instrument_id}"
    assert questionnaire.status == "active"
    assert questionnaire.version == get_instrument(instrument_id).version
    assert (folder / "NOTICE.md").read_text().strip()


def test_unknown_instrument_is_a_key_error():
    with pytest.raises(UnknownInstrument):
        get_instrument("ors")
    with pytest.raises(KeyError):
        get_instrument("ors")


PHQ9_ITEMS = [
    ("44250-9", "Little interest or pleasure in doing things"),
    ("44255-8", "Feeling down, depressed, or hopeless"),
    ("44259-0", "Trouble falling or staying asleep, or sleeping too much"),
    ("44254-1", "Feeling tired or having little energy"),
    ("44251-7", "Poor appetite or overeating"),
    (
        "44258-2",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
    ),
    (
        "44252-5",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
    ),
    (
        "44253-3",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
    ),
    ("44260-8", "Thoughts that you would be better off dead or of hurting yourself in some way"),
]
FREQUENCY = [
    (0, "LA6568-5", "Not at all"),
    (1, "LA6569-3", "Several days"),
    (2, "LA6570-1", "More than half the days"),
    (3, "LA6571-9", "Nearly every day"),
]


def test_phq9_has_the_published_wording_answers_and_codes():
    phq9 = get_instrument("phq9")
    assert phq9.instructions == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert [(item.loinc, item.text) for item in phq9.items] == PHQ9_ITEMS
    for item in phq9.items:
        assert item.type == ItemType.CHOICE and item.required
        assert [(o.value, o.code, o.display) for o in item.options] == FREQUENCY
    assert phq9.loinc == "44249-1"
    assert phq9.scoring.total_loinc == "44261-6"
    assert phq9.validated and "No permission required" in phq9.licence


def test_phq9_scoring_rules():
    phq9 = get_instrument("phq9")
    rules = phq9.scoring
    assert (phq9.kind, phq9.respondent) == (InstrumentKind.OUTCOME, Respondent.CLIENT)
    assert (rules.aggregation, rules.direction) == (Aggregation.SUM, Direction.HIGHER_IS_WORSE)
    assert (rules.score_min, rules.score_max) == (0, 27)
    assert [(band.minimum, band.label) for band in rules.bands] == [
        (0, "Minimal"),
        (5, "Mild"),
        (10, "Moderate"),
        (15, "Moderately severe"),
        (20, "Severe"),
    ]
    assert (rules.cutoff, rules.reliable_change) == (10, 6)
    assert (rules.missing.max_missing, rules.missing.prorate) == (1, True)
    assert [item.link_id for item in phq9.items if item.safety_threshold is not None] == ["PHQ9_9"]
    assert phq9.item("PHQ9_9").safety_threshold == 1


def test_gad7_has_the_published_wording_and_rules():
    gad7 = get_instrument("gad7")
    assert gad7.instructions == (
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    )
    assert [item.text for item in gad7.items] == [
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ]
    assert all(
        [(o.value, o.display) for o in item.options] == [(v, d) for v, _, d in FREQUENCY]
        for item in gad7.items
    )
    rules = gad7.scoring
    assert (gad7.loinc, rules.total_loinc) == ("69737-5", "70274-6")
    assert [band.minimum for band in rules.bands] == [0, 5, 10, 15]
    assert (rules.score_max, rules.cutoff, rules.reliable_change) == (21, 8, 4)
    assert "NHS Talking Therapies" in rules.source


def test_checkin_is_four_quick_scales_and_an_optional_comment():
    checkin = get_instrument("alliance-checkin")
    scales = checkin.scored_items
    assert [item.link_id for item in scales] == ["bond", "goals", "approach", "overall"]
    for item in scales:
        assert item.type == ItemType.INTEGER and item.required
        assert (item.min_value, item.max_value) == (0, 10)
        assert item.min_label and item.max_label
    (comment,) = checkin.text_items
    assert (comment.link_id, comment.text, comment.required) == (
        "change",
        "What should we change?",
        False,
    )
    assert not checkin.validated
    assert "NOT a validated instrument" in checkin.description
    rules = checkin.scoring
    assert (rules.aggregation, rules.score_min, rules.score_max) == (Aggregation.SUM, 0, 40)
    assert (rules.direction, rules.cutoff, rules.reliable_change) == (
        Direction.HIGHER_IS_BETTER,
        32,
        5,
    )


def test_self_rating_mirrors_the_checkin_from_the_therapists_side():
    checkin = get_instrument("alliance-checkin")
    self_rating = get_instrument("alliance-self-rating")
    assert self_rating.respondent == Respondent.THERAPIST
    assert self_rating.kind == InstrumentKind.SELF_RATING
    assert [i.link_id for i in self_rating.scored_items] == [
        i.link_id for i in checkin.scored_items
    ]
    assert self_rating.scoring.cutoff == checkin.scoring.cutoff
    (noticed,) = self_rating.text_items
    assert (noticed.text, noticed.required) == ("What I noticed", False)


def test_review_is_organised_by_goals_tasks_and_bond():
    review = get_instrument("alliance-review")
    rules = review.scoring
    assert len(review.scored_items) == 12
    assert sorted(rules.subscales) == ["bond", "goals", "tasks"]
    assert all(len(link_ids) == 4 for link_ids in rules.subscales.values())
    reverse_keyed = [item.link_id for item in review.items if item.reverse_keyed]
    assert len(reverse_keyed) >= 2
    assert (
        review.item("goals_3").text == "I sometimes feel we are working towards different things."
    )
    assert (rules.aggregation, rules.score_min, rules.score_max) == (Aggregation.MEAN, 1, 5)
    assert rules.cutoff == 3.5
    assert rules.missing.max_missing == 2
    for item in review.scored_items:
        assert [(o.value, o.display) for o in item.options] == [
            (1, "Never"),
            (2, "Rarely"),
            (3, "Sometimes"),
            (4, "Often"),
            (5, "Always"),
        ]


# Phrases from the Session Rating Scale, the Outcome Rating Scale and the Working Alliance
# Inventory: none may appear in anything Alliance ships.
COPYRIGHTED_PHRASES = [
    "heard, understood",
    "today's session was right for me",
    "something missing in the session",
    "approach is a good fit",
    "what i wanted to work on and talk about",
    "interpersonally",
    "socially",
    "mutually agreed upon goals",
    "cares about me even when",
    "collaborate on setting goals",
    "the goals of these sessions are important",
    "i believe the way we are working with my problem is correct",
]


def test_no_shipped_file_carries_srs_ors_or_wai_wording():
    for path in SHIPPED_DIR.rglob("questionnaire.json"):
        text = path.read_text().lower()
        for phrase in COPYRIGHTED_PHRASES:
            assert phrase not in text, f"{path} contains {phrase!r}"


def test_licensed_example_is_not_loaded_by_default_but_loads_from_its_folder():
    assert "example-licensed-srs" not in {instrument.id for instrument in all_instruments()}
    instruments = load_instruments(EXAMPLES_DIR)
    example = instruments["example-licensed-srs"]
    assert [item.text for item in example.scored_items] == [
        f"[Item {number} wording from your licensed copy]" for number in range(1, 5)
    ]
    assert (example.scoring.score_max, example.scoring.cutoff) == (40, 36)


def test_practice_folders_from_the_setting_are_loaded(settings):
    settings.ALLIANCE_INSTRUMENT_DIRS = [str(EXAMPLES_DIR)]
    assert get_instrument("example-licensed-srs").scoring.cutoff == 36
    assert get_instrument("phq9").id == "phq9"


def test_start_up_check_reports_a_malformed_practice_file(settings, tmp_path: Path):
    practice_dir = tmp_path / "practice"
    shutil.copytree(EXAMPLES_DIR / "example-licensed-srs", practice_dir / "srs")
    settings.ALLIANCE_INSTRUMENT_DIRS = [str(practice_dir)]

    errors = check_instruments()

    assert len(errors) == 1
    assert errors[0].id == "measures.E001"
    assert errors[0].msg.startswith("srs/questionnaire.json: ")
    assert 'the folder is named "srs"' in errors[0].msg


def test_start_up_check_reports_a_missing_practice_folder(settings, tmp_path: Path):
    settings.ALLIANCE_INSTRUMENT_DIRS = [str(tmp_path / "nowhere")]
    (error,) = check_instruments()
    assert "does not exist" in error.msg


def test_start_up_check_is_registered_and_quiet_when_every_file_is_good():
    registered: list[object] = list(check_registry.get_checks())
    assert check_instruments in registered
    assert check_instruments() == []
