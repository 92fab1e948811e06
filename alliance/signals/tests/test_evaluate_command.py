"""``alliance signals evaluate`` and the admin's background re-evaluation: evaluate every episode
of a practice now, say what changed, and change nothing on a second run."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from alliance.audit.services import Actor
from alliance.measures.models import ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.signals import engine
from alliance.signals.models import Flag
from alliance.signals.tasks import evaluate_practice_task


def checkin(episode, score: int, comment: str = "") -> None:
    answers: dict[str, object] = {
        "bond": score,
        "goals": score,
        "approach": score,
        "overall": score,
    }
    submit_response(
        actor=Actor.system("test"),
        instrument=get_instrument("alliance-checkin"),
        episode=episode,
        raw_answers=answers | {"change": comment},
        source=ResponseSource.PORTAL,
    )


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("signals", "evaluate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def a_drop(personas):
    """Chris's check-ins fall from 36 to 12: not yet evaluated (the queued task never ran)."""
    for score in (9, 9, 9, 3):
        checkin(personas.chris_episode, score)
    assert not Flag.objects.exists()


def test_the_command_evaluates_a_practice_and_says_what_changed(a_drop, personas):
    out, _ = run("--practice", "riverside")
    assert "Riverside Therapy (riverside):" in out
    assert "2 episodes evaluated" in out
    raised = Flag.objects.filter(episode=personas.chris_episode, kind="rupture").count()
    assert raised >= 1
    assert f"{Flag.objects.count()} flags raised" in out
    assert "Elsewhere" not in out


def test_a_second_run_changes_nothing(a_drop, personas):
    run("--practice", "riverside")
    flags = list(Flag.objects.values_list("pk", "status"))
    out, _ = run("--practice", "riverside")
    assert "0 flags raised, 0 cleared, 0 rupture episodes opened" in out
    assert "0 dropout risks changed" in out
    assert list(Flag.objects.values_list("pk", "status")) == flags


def test_without_a_practice_every_practice_is_evaluated(a_drop, personas):
    out, _ = run()
    assert "Riverside Therapy (riverside):" in out
    assert "Elsewhere Counselling (elsewhere):" in out


def test_a_long_run_shows_its_progress(a_drop, personas, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 1)
    _, err = run("--practice", "riverside")
    assert "riverside: 1 of 2 episodes evaluated" in err
    assert "riverside: 2 of 2 episodes evaluated" in err


def test_an_unknown_practice_is_an_error(personas):
    with pytest.raises(CommandError, match="nowhere"):
        run("--practice", "nowhere")


def test_a_new_crisis_flag_found_in_a_batch_is_emailed(personas):
    personas.dana.email = "dana@riverside.example"
    personas.dana.save(update_fields=["email"])
    checkin(personas.chris_episode, 8, "I want to end my life")  # flagged at once, on its own
    Flag.objects.all().delete()  # as if the crisis rule had been off when it was written
    mail.outbox.clear()
    out, _ = run("--practice", "riverside")
    assert "1 new crisis flags (1 emailed)" in out
    assert [m.to for m in mail.outbox] == [["dana@riverside.example"]]


def test_the_background_task_evaluates_the_practice(a_drop, personas):
    changed = evaluate_practice_task.call(personas.practice.pk)
    assert changed["episodes"] == 2
    assert changed["flags_raised"] == Flag.objects.count() >= 1
    again = evaluate_practice_task.call(personas.practice.pk)
    assert again["flags_raised"] == again["flags_cleared"] == again["risks_changed"] == 0
