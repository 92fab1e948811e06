"""``alliance crisis-check``: lines on standard input, one JSON object per line, in order.

No ``db`` fixture: pytest-django refuses any database query, so passing shows the command never
touches the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command

ALLIANCE = Path(sys.executable).parent / "alliance"
NO_NETWORK = ("unshare", "--map-root-user", "--net", "--")
LINES = [
    "I want to die",
    "",
    "this job is killing me",
    "kms fr",
    "   ",
    "café 💔 I’m not suicidal, just tired",
    "can't promise I won't hurt myself",
]


def run(text: str, *args: str) -> list[dict[str, object]]:
    out = StringIO()
    call_command("crisis_check", *args, stdin=StringIO(text), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_object_per_line_in_input_order():
    results = run("\n".join(LINES) + "\n")
    assert [result["text"] for result in results] == LINES
    assert [result["crisis"] for result in results] == [
        True,
        False,
        False,
        True,
        False,
        False,
        True,
    ]
    assert results[0] == {"text": "I want to die", "crisis": True, "constructs": ["ideation"]}
    assert results[6]["constructs"] == ["self_harm", "unsafe"]


def test_blank_lines_answer_not_crisis_so_output_lines_match_input_lines():
    assert run("\n\n") == [
        {"text": "", "crisis": False, "constructs": []},
        {"text": "", "crisis": False, "constructs": []},
    ]
    assert run("") == []


def test_evidence_on_request():
    [result] = run("I’ve been cutting myself again\n", "--evidence")
    assert result["evidence"] == ["I’ve been cutting myself"]
    assert isinstance(result["score"], float) and 0 <= result["score"] <= 1


def test_a_very_long_line_is_read_without_hanging():
    [result] = run("I am fine. " * 10_000 + "I want to end my life\n")
    assert result["crisis"] is False  # past the first 50,000 characters: documented
    [result] = run("I want to end my life. " + "I am fine. " * 10_000 + "\n")
    assert result["crisis"] is True


def test_the_installed_command_reads_utf8_stdin_without_network_or_database(tmp_path):
    """Inside a network namespace of its own (util-linux ``unshare``): nothing can be
    downloaded. Bytes that are not UTF-8 are replaced, never fatal."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE")}
    env |= {"ALLIANCE_DATA_DIR": str(tmp_path / "fresh-data"), "ALLIANCE_ENV": "local"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    stdin = ("\n".join(LINES) + "\n").encode("utf-8") + b"bad \xff byte\r\n"
    done = subprocess.run(  # noqa: S603
        [*NO_NETWORK, str(ALLIANCE), "crisis-check"],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    results = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [result["text"] for result in results] == [*LINES, "bad \ufffd byte"]
    assert [result["crisis"] for result in results] == [
        True,
        False,
        False,
        True,
        False,
        False,
        True,
        False,
    ]
    assert not list((tmp_path / "fresh-data").glob("*.sqlite3*"))  # no database was opened
