"""``alliance analyze``: reports on the command line, as text or JSON Lines, without the database.

These tests use no ``db`` fixture: pytest-django refuses any database query, so passing them
shows the command never touches the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from alliance.conversation.tests.helpers import REFLECTION_INDEX, SESSION_TEXT, RuleCoder

ALLIANCE = Path(sys.executable).parent / "alliance"
TURN_KEYS = {"index", "speaker", "text", "start", "codes", "primary"}


@pytest.fixture
def rule_coder(monkeypatch):
    monkeypatch.setattr("alliance.conversation.analysis.current_coder", RuleCoder)


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "session.txt"
    good.write_text(SESSION_TEXT)
    vtt = tmp_path / "second.vtt"
    vtt.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\n<v Dr Lee>What brings you here?\n\n"
        "2\n00:00:03.000 --> 00:00:05.000\n<v Sam>I will sort out my sleep.\n"
    )
    broken = tmp_path / "broken.srt"
    broken.write_text("1\n00:00:01,000 --> 00:00:02,000\nT: Hello.\n\n2\n00:00:0x,000 -->\n")
    return good, vtt, broken


def run(*args: str) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("analyze", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_json_lines_one_object_per_file(rule_coder, files):
    good, vtt, _ = files
    out, err, error = run(str(good), str(vtt), "--json", "--speaker", "Dr Lee=therapist")
    assert error is None and err == ""
    lines = out.strip().split("\n")
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"file", "turns", "figures"}
    assert first["file"] == str(good)
    assert all(set(turn) == TURN_KEYS for turn in first["turns"])
    assert first["turns"][REFLECTION_INDEX] == {
        "index": REFLECTION_INDEX,
        "speaker": "therapist",
        "text": "It sounds like part of you is ready to change how Sundays go.",
        "start": None,
        "codes": ["complex_reflection"],
        "primary": "complex_reflection",
    }
    assert first["figures"]["reflection_to_question"] == 0.5
    assert first["figures"]["references"]["complex_reflection_pct"]["good"] == 50.0
    assert [turn["speaker"] for turn in second["turns"]] == ["therapist", "client"]
    assert second["turns"][1]["start"] == 3.0
    assert second["turns"][1]["primary"] == "change_talk"


def test_readable_text_by_default(rule_coder, files):
    good, _, _ = files
    out, _, error = run(str(good))
    assert error is None
    assert out.startswith(f"{good}: text, 8 turns, coded by test-rules 1\n")
    assert "Reflections per question" in out and "MITI 4.2.1: fair 1:1, good 2:1" in out
    assert "Opened with an agenda                      yes" in out
    assert "Withdrawal" in out and 'turn 3: "Whatever.' in out


def test_a_broken_file_is_reported_and_the_others_still_analysed(rule_coder, files):
    good, vtt, broken = files
    out, err, error = run(str(good), str(broken), str(vtt), "--json", "--speaker", "Sam=client")
    assert [json.loads(line)["file"] for line in out.strip().split("\n")] == [str(good), str(vtt)]
    assert f'{broken}: line 6: a timing line SRT cannot read: "00:00:0x,000 -->"' in err
    assert error is not None and str(error) == "1 of 3 file(s) could not be read."


def test_a_missing_file(rule_coder, tmp_path):
    _, err, error = run(str(tmp_path / "nope.txt"))
    assert "nope.txt: cannot open the file (No such file or directory)" in err
    assert error is not None


def test_a_wrong_speaker_option(rule_coder, files):
    with pytest.raises(CommandError, match="--speaker 'Sam': write NAME=therapist"):
        call_command("analyze", str(files[0]), "--speaker", "Sam")


def test_the_coder_is_not_loaded_when_no_file_can_be_read(monkeypatch, files):
    def no_coder():
        raise AssertionError("the coder was loaded")

    monkeypatch.setattr("alliance.conversation.analysis.current_coder", no_coder)
    _, err, error = run(str(files[2]))
    assert "line 6" in err and error is not None


NO_NETWORK = ("unshare", "--map-root-user", "--net", "--")


def test_the_installed_command_with_a_fresh_data_dir_and_no_network(files, tmp_path):
    """Run inside a network namespace of its own (util-linux ``unshare``): there is no network
    interface at all, so anything that tried to download a model or data would fail."""
    good, _, broken = files
    data_dir = tmp_path / "fresh-data"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE")}
    env |= {"ALLIANCE_DATA_DIR": str(data_dir), "ALLIANCE_ENV": "local"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603
        [*NO_NETWORK, str(ALLIANCE), "analyze", "--json", str(good), str(broken)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    [line] = done.stdout.strip().split("\n")
    result = json.loads(line)
    assert result["file"] == str(good)
    assert len(result["turns"]) == 8
    assert all(set(turn) == TURN_KEYS for turn in result["turns"])
    assert {turn["speaker"] for turn in result["turns"]} == {"therapist", "client"}
    assert "reflection_to_question" in result["figures"]
    assert f"{broken}: line 6:" in done.stderr
    # It never opened the database: there is none in the fresh data directory.
    assert not (data_dir / "alliance.sqlite3").exists()
