"""``alliance coder train/list/use``: a practice's own coder, from a CSV written here.

No ``db`` fixture: coders live in files under DATA_DIR, never in the database."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alliance.conversation import coding
from alliance.conversation.coder import active_coder, store

PRACTICE_CSV = """speaker,text,primary,codes
therapist,What has the week been like?,open_question,
therapist,How did the evenings go?,open_question,
therapist,Did you sleep at all?,closed_question,
therapist,Is that every night?,closed_question,
therapist,So the evenings were the worst.,simple_reflection,
therapist,You slept badly again.,simple_reflection,
therapist,It sounds like you're worn out and worried it won't change.,complex_reflection,
therapist,"Part of you wants to rest, and part of you can't switch off.",complex_reflection,
therapist,So the evenings were hard. What helped?,open_question,open_question;simple_reflection
client,I want to get my sleep back.,change_talk,
client,I'm going to switch my phone off at nine.,change_talk,
client,I don't see the point of trying.,sustain_talk,
client,Nothing works for me.,sustain_talk,
client,I work at the bakery.,neutral,
client,Whatever.,neutral,withdrawal
client,You don't get it.,neutral,confrontation
"""


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def practice_csv(tmp_path):
    path = tmp_path / "our-examples.csv"
    path.write_text(PRACTICE_CSV)
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("coder", *args, stdout=out)
    return out.getvalue()


def test_train_stores_the_csv_and_a_manifest(data_dir, practice_csv):
    out = run("train", str(practice_csv), "--name", "riverside")
    assert "Trained the coder 'riverside' from 16 rows (9 therapist, 7 client)" in out
    assert "alliance coder use riverside" in out
    folder = data_dir / "coders" / "riverside"
    assert (folder / "examples.csv").read_text() == PRACTICE_CSV
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["rows"] == 16
    assert manifest["counts"]["therapist:open_question"] == 3
    assert manifest["with_shipped"] is False
    assert len(manifest["sha256"]) == 12
    # Nothing fitted is stored: no pickles to load later.
    assert sorted(path.name for path in folder.iterdir()) == ["examples.csv", "manifest.json"]


def test_list_shows_shipped_and_trained_and_marks_the_one_in_use(data_dir, practice_csv):
    run("train", str(practice_csv), "--name", "riverside")
    lines = run("list").splitlines()
    assert lines[0].startswith("* shipped  version 1.")
    assert lines[1].startswith("  riverside  version ")
    assert "16 rows from our-examples.csv" in lines[1]
    run("use", "riverside")
    lines = run("list").splitlines()
    assert lines[0].startswith("  shipped") and lines[1].startswith("* riverside")


def test_use_makes_active_coder_the_trained_one_and_back(data_dir, practice_csv):
    assert active_coder().name == "shipped"
    run("train", str(practice_csv), "--name", "riverside")
    assert "New analyses now use the coder 'riverside'." in run("use", "riverside")
    assert (data_dir / "coders" / "active").read_text() == "riverside\n"
    coder = active_coder()
    assert coder.name == "riverside"
    assert coder.version == store.stored()[0].version
    coded = coder.code(
        [
            coding.Turn(0, coding.THERAPIST, "What did the week bring?"),
            coding.Turn(1, coding.CLIENT, "I'm going to switch the telly off at ten."),
        ]
    )
    assert coded[0].primary == coding.OPEN_QUESTION
    assert coded[1].primary == coding.CHANGE_TALK
    assert active_coder() is coder  # trained once per process
    run("use", "shipped")
    assert active_coder().name == "shipped"


def test_retraining_under_the_same_name_replaces_the_coder(data_dir, practice_csv, tmp_path):
    run("train", str(practice_csv), "--name", "riverside")
    run("use", "riverside")
    first = active_coder()
    changed = tmp_path / "more.csv"
    changed.write_text(PRACTICE_CSV + "client,I slept seven hours on Friday.,change_talk,\n")
    run("train", str(changed), "--name", "riverside")
    second = active_coder()
    assert second is not first and second.version != first.version


def test_a_side_without_rows_uses_the_shipped_examples(data_dir, tmp_path):
    therapist_only = tmp_path / "therapist.csv"
    therapist_only.write_text(
        "".join(line + "\n" for line in PRACTICE_CSV.splitlines() if not line.startswith("client"))
    )
    out = run("train", str(therapist_only), "--name", "questions")
    assert "No client rows: client turns use the shipped examples." in out
    run("use", "questions")
    coded = active_coder().code([coding.Turn(0, coding.CLIENT, "I really want to stop smoking.")])
    assert coded[0].primary == coding.CHANGE_TALK


def test_with_shipped_adds_the_shipped_examples(data_dir, practice_csv):
    out = run("train", str(practice_csv), "--name", "both", "--with-shipped")
    assert "plus the shipped examples" in out
    assert "with the shipped examples" in run("list")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "speaker,text,primary,codes\ntherapist,Hello.,other,\ntherapist,Why?,open_q,\n",
            "line 3: unknown therapist primary code 'open_q'",
        ),
        (
            "speaker,text,primary,codes\nclient,I will.,change_talk,change_talk;shouting\n",
            "line 2: unknown client code 'shouting'",
        ),
        (
            "speaker,text,primary,codes\nclient,I will.,open_question,\n",
            "line 2: unknown client primary code 'open_question'",
        ),
        (
            "speaker,text,primary,codes\nclient,Maybe.,neutral,neutral;sustain_talk\n",
            "line 2: a client turn has one talk type",
        ),
        (
            "speaker,text,primary,codes\nsupervisor,Hm.,other,\n",
            "line 2: speaker must be therapist or client, not 'supervisor'",
        ),
        ("speaker,text,primary,codes\ntherapist,,other,\n", "line 2: the text is empty"),
        ("speaker,text,label\ntherapist,Hi.,other\n", "line 1: the header must name the columns"),
        ("speaker,text,primary,codes\n", "no examples after the header"),
        (
            "speaker,text,primary,codes\ntherapist,Hello.,other,\ntherapist,Hi.,other,\n",
            "therapist rows: at least two different codes are needed",
        ),
    ],
)
def test_bad_files_are_refused_with_the_line(data_dir, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run("train", str(path), "--name", "bad")
    assert not (data_dir / "coders" / "bad").exists()


def test_a_missing_file_is_refused(data_dir, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("train", str(tmp_path / "nope.csv"), "--name", "nope")


@pytest.mark.parametrize("name", ["shipped", "Bad Name", "../escape", ""])
def test_bad_names_are_refused(data_dir, practice_csv, name):
    with pytest.raises(CommandError, match=r"name|shipped"):
        run("train", str(practice_csv), "--name", name)


def test_use_an_unknown_coder_is_refused(data_dir, practice_csv):
    run("train", str(practice_csv), "--name", "riverside")
    with pytest.raises(
        CommandError, match=r"no trained coder called 'nope' \(trained coders: riverside\)"
    ):
        run("use", "nope")
    assert active_coder().name == "shipped"


def test_an_active_coder_that_was_removed_is_an_error(data_dir, practice_csv):
    run("train", str(practice_csv), "--name", "riverside")
    run("use", "riverside")
    for path in (data_dir / "coders" / "riverside").iterdir():
        path.unlink()
    with pytest.raises(store.CoderError, match="alliance coder use shipped"):
        active_coder()
