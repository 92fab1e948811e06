"""The signals engine on the real database: flags with their evidence, idempotent reruns, what
is cleared and what never is, rupture episodes and their repair, the receivers and the task, and
a query count that does not grow with the number of episodes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alliance.audit.services import Actor
from alliance.lib.errors import DomainError
from alliance.measures.definitions import CHECKIN_ID
from alliance.measures.models import ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.practice.models import CareEpisode
from alliance.signals import services
from alliance.signals.engine import Outcome, evaluate_episodes, evaluate_practice
from alliance.signals.models import (
    EpisodeRisk,
    Flag,
    FlagKind,
    FlagStatus,
    RepairStep,
    RepairStrategy,
    RuptureEpisode,
    RuptureStatus,
    SignalSettings,
)
from alliance.signals.tests.helpers.stored import (
    checkin,
    checkin_answers,
    new_episode,
    phq9,
    phq9_answers,
    sessions,
    snapshot,
)
from alliance.testing.personas import Personas
from alliance.testing.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

NOTHING_CHANGED = {
    "flags_raised": 0,
    "flags_cleared": 0,
    "ruptures_opened": 0,
    "recoveries_suggested": 0,
    "risks_changed": 0,
    "new_crisis_flags": [],
}


def changes(outcome: Outcome) -> dict[str, object]:
    return {key: getattr(outcome, key) for key in NOTHING_CHANGED}


@pytest.fixture
def now() -> datetime:
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def episode(personas: Personas) -> CareEpisode:
    return new_episode(personas.dana_profile)


def flags(episode: CareEpisode, **filters: object) -> list[Flag]:
    return list(Flag.objects.filter(episode=episode, **filters).order_by("observed_at", "key"))


# --- flags with their evidence ---------------------------------------------------------------


def test_evaluation_raises_flags_with_evidence_and_parameters(episode, now) -> None:
    history = sessions(episode, [36, 36, 36, 26], now=now)
    low = history.checkins[3]
    outcome = evaluate_episodes([episode.pk], now=now)
    assert outcome.episodes == 1 and outcome.flags_raised >= 2 and outcome.ruptures_opened == 1

    drop = Flag.objects.get(episode=episode, rule="rupture.drop_from_previous")
    assert drop.key == f"response:{low.pk}:drop_from_previous"
    assert drop.kind == FlagKind.RUPTURE and drop.status == FlagStatus.OPEN
    assert (drop.practice_id, drop.client_id) == (episode.practice_id, episode.client_id)
    assert drop.observed_at == low.submitted_at and drop.raised_at == now
    assert drop.parameters["points"] == 5
    assert drop.evidence[0]["ref"] == f"response:{low.pk}"
    assert drop.evidence[0]["value"] == 26
    assert "36 → 26" in drop.explanation
    baseline = Flag.objects.get(episode=episode, rule="rupture.drop_from_baseline")
    assert baseline.parameters["sd"] == 2 and baseline.parameters["min_sessions"] == 3
    assert "baseline of 36" in baseline.explanation

    risk = EpisodeRisk.objects.get(episode=episode)
    assert risk.practice_id == episode.practice_id and risk.computed_at == now
    assert all(factor["words"] for factor in risk.factors)


def test_practice_overrides_are_used_and_recorded_on_the_flag(episode, personas, now) -> None:
    sessions(episode, [38, 38, 35], now=now)
    evaluate_episodes([episode.pk], now=now)
    assert not flags(episode, rule="rupture.drop_from_previous")
    SignalSettings.objects.create(
        practice=personas.practice,
        # confirm 0: the fall is the latest check-in, which the default would wait to confirm.
        overrides={
            "rupture.drop_from_previous": {"points": 3},
            "rupture.own_level": {"min_fall": 3, "confirm": 0},
        },
    )
    evaluate_episodes([episode.pk], now=now)
    (drop,) = flags(episode, rule="rupture.drop_from_previous")
    assert drop.parameters["points"] == 3


def test_a_switched_off_rule_raises_nothing(episode, personas, now) -> None:
    SignalSettings.objects.create(
        practice=personas.practice, disabled_rules=["low_alliance.from_start"]
    )
    sessions(episode, [26, 27, 26], now=now)
    evaluate_episodes([episode.pk], now=now)
    assert not flags(episode, kind=FlagKind.LOW_ALLIANCE)


def test_evaluate_practice_covers_its_episodes_only(personas, now) -> None:
    here = new_episode(personas.dana_profile)
    sessions(here, [26, 27], now=now)
    elsewhere = new_episode(personas.erin_client.episodes.get().therapist)
    sessions(elsewhere, [26, 27], now=now)
    outcome = evaluate_practice(personas.practice.pk, now=now)
    assert outcome.episodes == CareEpisode.objects.filter(practice=personas.practice).count()
    assert flags(here, kind=FlagKind.LOW_ALLIANCE)
    assert not flags(elsewhere)


# --- idempotent ------------------------------------------------------------------------------


def build_ruptures(episode: CareEpisode, now: datetime) -> None:
    """A rupture and its recovery, a second rupture, a no-show after a low check-in, negative
    text, an outcome that worsens: nothing the receivers evaluate at once."""
    sessions(
        episode,
        [36, 36, 36, 26, 35, 36, 25, None, 30],
        statuses=["attended"] * 7 + ["no_show", "attended"],
        comments={6: "You don't listen to me", 8: "ok"},
        now=now,
    )
    phq9(episode, 12, now - timedelta(weeks=8))
    phq9(episode, 19, now - timedelta(days=2))


def build_everything(episode: CareEpisode, now: datetime) -> None:
    """``build_ruptures`` with a safety answer and crisis words."""
    build_ruptures(episode, now)
    phq9(episode, 19, now - timedelta(days=1), item9=1)
    checkin(episode, 20, now - timedelta(hours=6), comment="Some days I want to die")


def test_a_rerun_with_the_same_now_changes_nothing(personas, now) -> None:
    episodes = [new_episode(personas.dana_profile) for _ in range(3)]
    for episode in episodes:
        build_everything(episode, now)
    ids = [e.pk for e in episodes]
    # The safety answer and the crisis words were evaluated at once, as they were stored.
    assert Flag.objects.filter(episode__in=episodes, kind=FlagKind.CRISIS).count() == 6
    evaluate_episodes(ids, now=now)
    assert RuptureEpisode.objects.filter(episode__in=episodes).count() == 6
    assert RuptureEpisode.objects.filter(recovery_suggested_at__isnull=False).count() == 3
    assert EpisodeRisk.objects.filter(episode__in=episodes).count() == 3
    kinds = set(Flag.objects.filter(episode__in=episodes).values_list("kind", flat=True))
    assert kinds >= {"rupture", "not_on_track", "crisis"}
    before = snapshot()
    again = evaluate_episodes(ids, now=now)
    assert again.episodes == 3
    assert changes(again) == NOTHING_CHANGED
    assert snapshot() == before
    # A later run with nothing new changes only what time itself changes (none of these).
    later = evaluate_episodes(ids, now=now + timedelta(minutes=5))
    assert changes(later) == NOTHING_CHANGED
    assert snapshot() == before


# --- what is cleared, what never is ----------------------------------------------------------


def test_a_condition_flag_is_cleared_when_it_stops_holding(episode, now) -> None:
    sessions(episode, [26, 27, 26], now=now - timedelta(weeks=1))
    evaluate_episodes([episode.pk], now=now - timedelta(days=6))
    (low,) = flags(episode, kind=FlagKind.LOW_ALLIANCE)
    assert low.status == FlagStatus.OPEN
    checkin(episode, 36, now - timedelta(days=1), appointment=None)
    outcome = evaluate_episodes([episode.pk], now=now)
    low.refresh_from_db()
    assert outcome.flags_cleared == 1
    assert low.status == FlagStatus.CLEARED and low.cleared_at == now


def test_a_cleared_condition_flag_is_raised_again_when_it_returns(episode, now) -> None:
    sessions(episode, [26, 27], now=now - timedelta(weeks=3))
    evaluate_episodes([episode.pk], now=now - timedelta(weeks=3))
    checkin(episode, 36, now - timedelta(weeks=2))
    evaluate_episodes([episode.pk], now=now - timedelta(weeks=2))
    assert [f.status for f in flags(episode, kind=FlagKind.LOW_ALLIANCE)] == [FlagStatus.CLEARED]
    checkin(episode, 27, now - timedelta(days=1))
    outcome = evaluate_episodes([episode.pk], now=now)
    assert outcome.flags_raised >= 1  # with the rupture flags of the fall from 36 to 27
    open_flags = flags(episode, kind=FlagKind.LOW_ALLIANCE, status=FlagStatus.OPEN)
    assert len(open_flags) == 1
    assert open_flags[0].raised_at == now and open_flags[0].cleared_at is None
    assert "27" in open_flags[0].explanation
    assert changes(evaluate_episodes([episode.pk], now=now)) == NOTHING_CHANGED


def test_dropout_risk_flag_is_cleared_when_the_risk_falls(episode, now) -> None:
    sessions(
        episode,
        [36, 36, None, None],
        statuses=["attended", "attended", "no_show", "late_cancelled"],
        now=now - timedelta(weeks=4),
    )
    evaluate_episodes([episode.pk], now=now - timedelta(weeks=4))
    (risk_flag,) = flags(episode, kind=FlagKind.DROPOUT_RISK)
    assert risk_flag.key == "dropout:risk" and risk_flag.status == FlagStatus.OPEN
    assert EpisodeRisk.objects.get(episode=episode).level == "high"
    # Four sessions attended since, with check-ins: the misses are no longer recent.
    sessions(episode, [36, 36, 36, 36], now=now)
    outcome = evaluate_episodes([episode.pk], now=now)
    risk_flag.refresh_from_db()
    assert risk_flag.status == FlagStatus.CLEARED
    assert outcome.flags_cleared >= 1 and outcome.risks_changed == 1
    assert EpisodeRisk.objects.get(episode=episode).level == "low"


def test_crisis_and_rupture_flags_are_never_cleared(episode, personas, now) -> None:
    sessions(episode, [36, 36, 36, 26], now=now - timedelta(days=2))
    phq9(episode, 8, now - timedelta(weeks=5))
    phq9(episode, 14, now - timedelta(days=1), item9=2)
    evaluate_episodes([episode.pk], now=now)
    kinds = {f.kind for f in flags(episode)}
    assert {FlagKind.RUPTURE, FlagKind.CRISIS, FlagKind.NOT_ON_TRACK} <= kinds
    # Every rule switched off: nothing holds any more, yet events stay until a therapist acts.
    from alliance.signals.catalogue import RULES

    SignalSettings.objects.create(
        practice=personas.practice, disabled_rules=[rule.id for rule in RULES]
    )
    outcome = evaluate_episodes([episode.pk], now=now + timedelta(minutes=1))
    statuses = {(f.kind, f.status) for f in flags(episode)}
    assert (FlagKind.CRISIS, FlagStatus.CLEARED) not in statuses
    assert (FlagKind.RUPTURE, FlagStatus.CLEARED) not in statuses
    assert (FlagKind.CRISIS, FlagStatus.OPEN) in statuses
    assert (FlagKind.RUPTURE, FlagStatus.OPEN) in statuses
    cleared = {f.kind for f in flags(episode, status=FlagStatus.CLEARED)}
    assert outcome.flags_cleared == len(flags(episode, status=FlagStatus.CLEARED))
    assert FlagKind.NOT_ON_TRACK in cleared
    assert cleared <= {FlagKind.DROPOUT_RISK, FlagKind.LOW_ALLIANCE, FlagKind.NOT_ON_TRACK}


def crisis_flag(episode: CareEpisode, now: datetime) -> Flag:
    phq9(episode, 12, now - timedelta(hours=1), item9=1)
    return Flag.objects.get(episode=episode, kind=FlagKind.CRISIS)


def test_the_database_refuses_a_cleared_crisis_flag(episode, now) -> None:
    flag = crisis_flag(episode, now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.filter(pk=flag.pk).update(status=FlagStatus.CLEARED, cleared_at=now)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_the_database_refuses_a_crisis_flag_acknowledged_without_a_note(episode, now) -> None:
    flag = crisis_flag(episode, now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.filter(pk=flag.pk).update(status=FlagStatus.ACKNOWLEDGED, note="")
    Flag.objects.filter(pk=flag.pk).update(status=FlagStatus.ACKNOWLEDGED, note="Phoned them.")


def test_acknowledging_a_crisis_flag_needs_a_note(episode, personas, now) -> None:
    flag = crisis_flag(episode, now)
    dana = Actor(personas.dana)
    for blank in ("", "   \n"):
        with pytest.raises(DomainError) as error:
            services.acknowledge_flag(actor=dana, flag=flag, note=blank)
        assert error.value.field == "note"
        flag.refresh_from_db()
        assert flag.status == FlagStatus.OPEN and flag.acknowledged_at is None
    done = services.acknowledge_flag(
        actor=dana, flag=flag, note="Phoned the client; safety plan reviewed."
    )
    assert done.status == FlagStatus.ACKNOWLEDGED and done.acknowledged_by == personas.dana
    flag.refresh_from_db()
    assert flag.note == "Phoned the client; safety plan reviewed."
    # The engine leaves an acknowledged crisis flag as it is.
    evaluate_episodes([episode.pk], now=now)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACKNOWLEDGED


def test_other_flags_may_be_acknowledged_without_a_note(episode, personas, now) -> None:
    sessions(episode, [26, 27], now=now)
    evaluate_episodes([episode.pk], now=now)
    (low,) = flags(episode, kind=FlagKind.LOW_ALLIANCE)
    done = services.acknowledge_flag(actor=Actor(personas.dana), flag=low)
    assert done.status == FlagStatus.ACKNOWLEDGED and done.note == ""
    assert changes(evaluate_episodes([episode.pk], now=now)) == NOTHING_CHANGED


# --- rupture episodes ------------------------------------------------------------------------


def test_rupture_flags_form_one_episode_per_course(episode, now) -> None:
    history = sessions(episode, [36, 36, 36, 26, 27], now=now - timedelta(days=7))
    outcome = evaluate_episodes([episode.pk], now=now)
    assert outcome.ruptures_opened == 1
    (rupture,) = RuptureEpisode.objects.filter(episode=episode)
    assert rupture.baseline == 36
    assert rupture.began_at == history.checkins[3].submitted_at
    assert rupture.status == RuptureStatus.OPEN and rupture.opened_by is None
    assert rupture.recovery_suggested_at is None
    rupture_flags = flags(episode, kind=FlagKind.RUPTURE)
    assert len(rupture_flags) >= 2
    assert {f.rupture_id for f in rupture_flags} == {rupture.pk}
    assert rupture.key in {f.key for f in rupture_flags}

    # The next check-in is back at the client's level: the engine suggests recovery, once.
    back = checkin(episode, 35, now - timedelta(days=1))
    outcome = evaluate_episodes([episode.pk], now=now)
    assert outcome.recoveries_suggested == 1 and outcome.ruptures_opened == 0
    rupture.refresh_from_db()
    assert rupture.recovery_suggested_at == back.submitted_at
    assert rupture.recovery_evidence[0]["ref"] == f"response:{back.pk}"
    assert rupture.recovery_evidence[0]["value"] == 35
    assert changes(evaluate_episodes([episode.pk], now=now)) == NOTHING_CHANGED


def test_two_ruptures_with_a_recovery_between_are_two_episodes(episode, now) -> None:
    sessions(episode, [36, 36, 36, 26, 35, 36, 25, 36], now=now)
    evaluate_episodes([episode.pk], now=now)
    ruptures = list(RuptureEpisode.objects.filter(episode=episode).order_by("began_at"))
    assert len(ruptures) == 2
    assert all(r.recovery_suggested_at is not None for r in ruptures)
    linked = {f.rupture_id for f in flags(episode, kind=FlagKind.RUPTURE)}
    assert linked == {r.pk for r in ruptures}


def test_a_rupture_is_resolved_only_after_recovery(episode, personas, now) -> None:
    sessions(episode, [36, 36, 36, 26], now=now - timedelta(days=7))
    evaluate_episodes([episode.pk], now=now - timedelta(days=6))
    rupture = RuptureEpisode.objects.get(episode=episode)
    dana = Actor(personas.dana)
    with pytest.raises(DomainError):
        services.close_rupture(actor=dana, rupture=rupture, resolved=True)
    rupture.refresh_from_db()
    assert rupture.status == RuptureStatus.OPEN and rupture.closed_at is None

    checkin(episode, 36, now - timedelta(days=1))
    evaluate_episodes([episode.pk], now=now)
    closed = services.close_rupture(actor=dana, rupture=rupture, resolved=True)
    assert closed.status == RuptureStatus.RESOLVED and closed.closed_by == personas.dana
    assert closed.acknowledged_at is not None
    assert all(f.status == FlagStatus.ACKNOWLEDGED for f in flags(episode, kind=FlagKind.RUPTURE))
    with pytest.raises(DomainError):
        services.close_rupture(actor=dana, rupture=closed, resolved=False, note="again")


def test_a_rupture_may_be_closed_unresolved_with_a_note(episode, personas, now) -> None:
    sessions(episode, [36, 36, 36, 26], now=now)
    evaluate_episodes([episode.pk], now=now)
    rupture = RuptureEpisode.objects.get(episode=episode)
    dana = Actor(personas.dana)
    with pytest.raises(DomainError):
        services.close_rupture(actor=dana, rupture=rupture, resolved=False, note=" ")
    closed = services.close_rupture(
        actor=dana, rupture=rupture, resolved=False, note="Client moved away."
    )
    assert closed.status == RuptureStatus.UNRESOLVED and closed.closing_note == "Client moved away."


def test_recording_a_repair_acknowledges_the_rupture_and_its_flags(episode, personas, now) -> None:
    sessions(episode, [36, 36, 36, 26], now=now)
    evaluate_episodes([episode.pk], now=now)
    rupture = RuptureEpisode.objects.get(episode=episode)
    dana = Actor(personas.dana)
    with pytest.raises(DomainError):
        services.record_repair(
            actor=dana, rupture=rupture, strategies=["not-a-strategy"], what_was_said="We talked."
        )
    with pytest.raises(DomainError):
        services.record_repair(
            actor=dana, rupture=rupture, strategies=[RepairStrategy.REVISIT_GOALS], what_was_said=""
        )
    assert not RepairStep.objects.exists()
    step = services.record_repair(
        actor=dana,
        rupture=rupture,
        strategies=[RepairStrategy.VALIDATE_FEELINGS, RepairStrategy.DISCUSS_RELATIONSHIP],
        what_was_said="We talked about last week.",
    )
    assert step.strategies == ["validate_feelings", "discuss_relationship"]
    rupture.refresh_from_db()
    assert rupture.status == RuptureStatus.ACKNOWLEDGED
    assert rupture.acknowledged_by == personas.dana
    rupture_flags = flags(episode, kind=FlagKind.RUPTURE)
    assert rupture_flags and all(f.status == FlagStatus.ACKNOWLEDGED for f in rupture_flags)
    assert all(f.acknowledged_by_id == personas.dana.pk for f in rupture_flags)
    # A new marker in the same course joins the acknowledged rupture without reopening it.
    checkin(episode, 20, now + timedelta(hours=1))
    evaluate_episodes([episode.pk], now=now + timedelta(hours=2))
    assert RuptureEpisode.objects.filter(episode=episode).count() == 1
    assert {f.rupture_id for f in flags(episode, kind=FlagKind.RUPTURE)} == {rupture.pk}


# --- receivers and the background task -------------------------------------------------------


def test_a_safety_answer_raises_the_crisis_flag_at_once_and_emails_the_therapist(
    personas, django_capture_on_commit_callbacks
) -> None:
    dana = personas.dana
    dana.email = "dana@example.org"
    dana.save(update_fields=["email"])
    episode = personas.chris_episode
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_response(
            actor=Actor(personas.chris),
            instrument=get_instrument("phq9"),
            episode=episode,
            raw_answers=phq9_answers(17, item9=1),
            source=ResponseSource.PORTAL,
        ).response
        # Inside the client's own transaction, before it commits.
        flag = Flag.objects.get(episode=episode, kind=FlagKind.CRISIS)
        assert flag.key == f"crisis:response:{response.pk}:safety"
        assert flag.severity == 3 and flag.status == FlagStatus.OPEN
        assert flag.evidence[0]["value"] == ["PHQ9_9"]
        assert not mail.outbox
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["dana@example.org"]
    link = f"{settings.BASE_URL}/clinic/clients/{episode.client_id}/".lower()
    assert link in email.body.lower()
    flag.refresh_from_db()
    item9 = get_instrument("phq9").items[-1]
    assert item9.link_id == "PHQ9_9"
    text = f"{email.subject}\n{email.body}".lower()
    for clinical in ("phq", "safety", "item", "score", "suicid", "dead", item9.text.lower()[:30]):
        assert clinical not in text, clinical
    # No number at all besides the time of the flag and the link: no score, no answer.
    rest = text.replace(f"{flag.raised_at:%d %B %Y %H:%M}".lower(), "").replace(link, "")
    assert not any(character.isdigit() for character in rest), rest


def test_crisis_words_in_a_checkin_comment_raise_the_flag_at_once(
    personas, django_capture_on_commit_callbacks
) -> None:
    episode = personas.chris_episode
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = submit_response(
            actor=Actor(personas.chris),
            instrument=get_instrument(CHECKIN_ID),
            episode=episode,
            raw_answers=checkin_answers(30, "honestly I don’t want to live anymore"),
            source=ResponseSource.PORTAL,
        ).response
        assert Flag.objects.filter(
            episode=episode, key=f"crisis:response:{response.pk}:language"
        ).exists()
    assert callbacks  # the therapist's email (dana has no address here: nothing is sent)
    assert not DBTaskResult.objects.exists()  # evaluated at once, not queued


def test_crisis_words_in_a_session_preparation_raise_the_flag_at_once(personas) -> None:
    from alliance.sessions.services import submit_preparation

    appointment = personas.chris_next_appointment
    preparation = submit_preparation(
        actor=Actor(personas.chris),
        appointment=appointment,
        talk_about="I have been cutting myself again",
        since_last_time="",
        feeling_today=2,
    )
    flag = Flag.objects.get(episode=personas.chris_episode, kind=FlagKind.CRISIS)
    assert flag.key == f"crisis:preparation:{preparation.pk}:language"
    assert "session preparation" in flag.explanation


def test_an_ordinary_checkin_queues_the_evaluation(
    personas, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    episode = new_episode(personas.dana_profile)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        sessions(episode, [36, 36, 36], now=now - timedelta(days=7))
    DBTaskResult.objects.all().delete()  # what scheduling and attendance queued
    with django_capture_on_commit_callbacks(execute=True):
        checkin(episode, 25, now - timedelta(hours=1))
        assert not DBTaskResult.objects.exists()  # only once the transaction commits
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "alliance.signals.tasks.evaluate_episode"
    assert queued.args_kwargs["args"] == [episode.pk]
    assert not flags(episode)
    run_queued_tasks(monkeypatch)  # the real worker, in batch mode
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL", queued.traceback
    assert flags(episode, kind=FlagKind.RUPTURE)
    assert queued.return_value == len(flags(episode))


def test_the_task_runs_the_evaluation(episode, now) -> None:
    from alliance.signals.tasks import evaluate_episode

    sessions(episode, [26, 27], now=now)
    assert evaluate_episode.call(episode.pk) == len(flags(episode)) >= 1
    assert evaluate_episode.call(episode.pk) == 0


# --- queries ---------------------------------------------------------------------------------


def queries_for(episodes: list[CareEpisode], now: datetime) -> list[int]:
    """Queries of a first evaluation (raising flags, opening ruptures, suggesting recovery),
    of a rerun with nothing new, and of a run two weeks on (the dropout risk has changed)."""
    ids = [e.pk for e in episodes]
    counts = []
    for moment in (now, now, now + timedelta(days=14)):
        with CaptureQueriesContext(connection) as captured:
            outcome = evaluate_episodes(ids, now=moment)
        counts.append(len(captured))
        if moment == now + timedelta(days=14):
            assert outcome.risks_changed == len(episodes)
    return counts


def test_queries_do_not_grow_with_the_number_of_episodes(personas, now) -> None:
    episodes = [new_episode(personas.dana_profile) for _ in range(21)]
    for episode in episodes:
        build_ruptures(episode, now)
    one = queries_for(episodes[:1], now)
    assert RuptureEpisode.objects.count() == 2
    twenty = queries_for(episodes[1:], now)
    assert RuptureEpisode.objects.count() == 2 * 21
    assert RuptureEpisode.objects.filter(recovery_suggested_at__isnull=False).count() == 21
    assert twenty == one


# --- edges of stored data --------------------------------------------------------------------


def test_two_low_checkins_before_one_no_show_raise_one_flag(episode, now) -> None:
    """A check-in by form and another without one (portal, API) before the same missed session:
    one flag for the missed session, not two with one key (the database would refuse them and
    with them every evaluation of the episode)."""
    history = sessions(
        episode,
        [36, 36, 36, 26, None],
        statuses=["attended"] * 4 + ["no_show"],
        now=now,
    )
    checkin(episode, 20, history.appointments[3].scheduled_start + timedelta(hours=5))
    evaluate_episodes([episode.pk], now=now)
    missed = flags(episode, rule="rupture.missed_after_low")
    assert [f.key for f in missed] == [f"appointment:{history.appointments[4].pk}:missed_after_low"]


def test_an_ended_episode_has_flags_but_no_dropout_risk(episode, now) -> None:
    from alliance.practice.models import EndReason
    from alliance.practice.services import end_episode
    from alliance.signals.tests.helpers.stored import SETUP

    sessions(
        episode,
        [36, 36, None, None],
        statuses=["attended", "attended", "no_show", "late_cancelled"],
        now=now,
    )
    end_episode(actor=SETUP, episode=episode, reason=EndReason.CLIENT_WITHDREW)
    evaluate_episodes([episode.pk], now=now)
    assert not EpisodeRisk.objects.filter(episode=episode).exists()
    assert not flags(episode, kind=FlagKind.DROPOUT_RISK)


def ended_course(personas: Personas, now: datetime, at: dict[int, int]) -> CareEpisode:
    """An ended episode of eight weekly sessions with PHQ-9 totals after the given sessions
    (0: at intake, before the first)."""
    from alliance.practice.models import EndReason
    from alliance.practice.services import end_episode
    from alliance.signals.tests.helpers.stored import SETUP

    episode = new_episode(personas.dana_profile)
    history = sessions(episode, [36] * 8, now=now)
    for session, total in at.items():
        when = (
            history.appointments[0].scheduled_start - timedelta(days=1)
            if session == 0
            else history.appointments[session - 1].scheduled_start + timedelta(hours=3)
        )
        phq9(episode, total, when)
    end_episode(actor=SETUP, episode=episode, reason=EndReason.COMPLETED)
    return episode


def test_practice_bands_compare_the_same_session(personas, now) -> None:
    """The practice's ended episodes measured PHQ-9 at intake and after sessions 4 and 8 (the
    default schedule: every 4 sessions). A client at session 4 is compared with their session-4
    scores, not with their third score (session 8)."""
    SignalSettings.objects.create(
        practice=personas.practice,
        overrides={"not_on_track.below_expected": {"min_episodes": 5}},
    )
    for _ in range(5):
        ended_course(personas, now - timedelta(weeks=12), {0: 20, 4: 12, 8: 8})
    # At session 4 with 16: the practice's clients were at 12 by then, so worse than expected.
    behind = new_episode(personas.dana_profile)
    history = sessions(behind, [36] * 4, now=now)
    phq9(behind, 20, history.appointments[0].scheduled_start - timedelta(days=1))
    phq9(behind, 16, history.appointments[3].scheduled_start + timedelta(hours=3))
    # At session 2 with 19: nobody was measured at session 2, so the default curve applies
    # (expected 17.9, at most 23.9); their session-8 scores say nothing about session 2.
    early = new_episode(personas.dana_profile)
    history = sessions(early, [36] * 2, now=now)
    phq9(early, 20, history.appointments[0].scheduled_start - timedelta(days=1))
    phq9(early, 19, history.appointments[1].scheduled_start + timedelta(hours=3))
    evaluate_episodes([behind.pk, early.pk], now=now)
    (flag,) = flags(behind, rule="not_on_track.below_expected")
    assert "from this practice's ended episodes" in flag.explanation
    assert "expected about 12" in flag.explanation
    assert not flags(early, rule="not_on_track.below_expected")
