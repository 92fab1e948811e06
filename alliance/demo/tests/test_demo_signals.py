"""The demo's signals: an open rupture, a repaired one, a dropout risk, a client not on track, an
acknowledged crisis flag and a reply to feedback, deterministic and untouched by a rerun."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.demo.generator import load_demo_practice
from alliance.demo.reset import reset_demo_practice
from alliance.demo.signals import evaluation_time
from alliance.demo.tests.test_demo_practice import SEED, TODAY, open_rows, run_demo
from alliance.measures.definitions import CHECKIN_ID
from alliance.practice.models import CareEpisode, Practice
from alliance.signals.engine import evaluate_practice
from alliance.signals.models import (
    EpisodeRisk,
    FeedbackReply,
    Flag,
    FlagKind,
    FlagStatus,
    RepairStep,
    RiskLevel,
    RuptureEpisode,
    RuptureStatus,
    SignalSettings,
)

SIGNAL_MODELS = (Flag, RuptureEpisode, RepairStep, FeedbackReply, EpisodeRisk, SignalSettings)


@pytest.fixture
def demo(db):
    return load_demo_practice(seed=SEED, today=TODAY)


def drifting_episode() -> CareEpisode:
    (row,) = [row for row in open_rows() if row.next_appointment is None]
    return row.episode


def username(episode: CareEpisode) -> str:
    assert episode.client.user is not None
    return episode.client.user.username


def signal_counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in SIGNAL_MODELS)


def without_ids(key: str) -> str:
    return re.sub(r"\d+", "#", key)  # "checkin:response:123:..." names a database id


def signal_fingerprint() -> list[tuple[object, ...]]:
    """The demo's signal rows without database ids."""
    rows: list[tuple[object, ...]] = []
    for flag in Flag.objects.select_related("client__user", "rupture").order_by(
        "client__user__username", "observed_at", "rule", "explanation"
    ):
        rows.append(
            (
                flag.client.user.username if flag.client.user else None,
                without_ids(flag.key),
                flag.kind,
                flag.status,
                flag.explanation,
                flag.observed_at,
                flag.raised_at,
                flag.acknowledged_at,
                flag.note,
                flag.rupture.began_at if flag.rupture else None,
            )
        )
    for rupture in RuptureEpisode.objects.order_by("began_at", "episode__client__user__username"):
        rows.append(
            (
                username(rupture.episode),
                without_ids(rupture.key),
                rupture.status,
                rupture.rupture_type,
                rupture.began_at,
                rupture.opened_at,
                rupture.acknowledged_at,
                rupture.recovery_suggested_at,
                rupture.closed_at,
                rupture.closing_note,
                *((s.strategies, s.what_was_said, s.recorded_at) for s in rupture.repairs.all()),
            )
        )
    for reply in FeedbackReply.objects.select_related("response").order_by("written_at"):
        rows.append((reply.response.comment, reply.what_we_changed, reply.written_at))
    for risk in EpisodeRisk.objects.select_related("episode__client__user").order_by(
        "episode__client__user__username"
    ):
        rows.append((username(risk.episode), risk.level, risk.score, risk.factors))
    return rows


def test_the_drifting_client_has_an_open_rupture_and_a_high_dropout_risk(demo):
    episode = drifting_episode()
    assert username(episode) == "tobias11" and episode.therapist.user.username == "dana"

    rupture = RuptureEpisode.objects.get(episode=episode)
    assert rupture.status == RuptureStatus.OPEN
    assert rupture.acknowledged_at is None and rupture.opened_by is None  # the engine's
    assert rupture.recovery_suggested_at is None  # the dip did not recover
    assert rupture.flags.exists()
    assert set(rupture.flags.values_list("status", flat=True)) == {FlagStatus.OPEN}
    # Raised as the evidence came in, not all on the morning the demo was loaded.
    for flag in rupture.flags.all():
        assert flag.raised_at - flag.observed_at < timedelta(minutes=5)
    assert rupture.opened_at < evaluation_time(TODAY) - timedelta(weeks=2)

    risk = EpisodeRisk.objects.get(episode=episode)
    assert risk.level == RiskLevel.HIGH
    assert {factor["factor"] for factor in risk.factors} >= {"missed"}
    assert all(factor["words"] for factor in risk.factors)
    flag = Flag.objects.get(episode=episode, kind=FlagKind.DROPOUT_RISK)
    assert flag.status == FlagStatus.OPEN
    assert any("tobias11): a rupture flag waiting for dana" in line for line in demo.highlights)


def test_a_dip_that_recovered_was_repaired_and_resolved(demo):
    rupture = RuptureEpisode.objects.get(status=RuptureStatus.RESOLVED)
    episode = rupture.episode
    dana = User.objects.get(username="dana")
    assert episode.therapist.user == dana
    assert rupture.recovery_suggested_at is not None and rupture.recovery_evidence
    assert rupture.acknowledged_by == rupture.closed_by == dana
    assert rupture.closed_at is not None and rupture.acknowledged_at is not None
    (step,) = rupture.repairs.all()
    assert step.strategies and step.what_was_said and step.recorded_by == dana
    # The story in order: the dip, acknowledged, talked through, back at baseline, resolved.
    assert rupture.began_at < rupture.acknowledged_at <= step.recorded_at
    assert step.recorded_at < rupture.recovery_suggested_at < rupture.closed_at
    assert rupture.closed_at <= evaluation_time(TODAY)
    assert set(rupture.flags.values_list("status", flat=True)) == {FlagStatus.ACKNOWLEDGED}
    for target in ("rupture acknowledged", "rupture repair", "rupture resolved"):
        assert AuditEvent.objects.filter(target=target, actor=dana).count() == 1
    line = next(line for line in demo.highlights if "acknowledged and repaired" in line)
    assert f"({username(episode)})" in line


def test_the_client_who_wrote_in_the_dip_sees_the_reply_on_the_portal(demo, client):
    reply = FeedbackReply.objects.select_related("response").get()
    rupture = RuptureEpisode.objects.get(status=RuptureStatus.RESOLVED)
    assert reply.response.episode_id == rupture.episode_id
    assert reply.response.instrument_id == CHECKIN_ID and reply.response.comment
    assert reply.written_by.username == "dana"
    assert rupture.began_at <= reply.response.submitted_at < reply.written_at

    assert rupture.episode.client.user is not None
    client.force_login(rupture.episode.client.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert escape(reply.response.comment.strip()) in page
    assert escape(reply.what_we_changed) in page


def test_a_client_not_on_track_is_flagged(demo):
    flags = Flag.objects.filter(kind=FlagKind.NOT_ON_TRACK, status=FlagStatus.OPEN)
    assert flags.exists()
    assert flags.filter(episode__therapist__user__username="dana").exists()
    assert any(": not on track: " in line for line in demo.highlights)


def test_the_item_9_answer_has_a_crisis_flag_acknowledged_with_a_note(demo):
    (flag,) = Flag.objects.filter(kind=FlagKind.CRISIS)
    assert (
        username(flag.episode) == "tamsin40"
    )  # drawn by the seed (ended episodes of every reason since issue 15)
    assert flag.status == FlagStatus.ACKNOWLEDGED
    assert flag.acknowledged_by == flag.episode.therapist.user
    assert "safety plan" in flag.note
    assert flag.acknowledged_at is not None
    assert timedelta(0) < flag.acknowledged_at - flag.observed_at < timedelta(hours=3)


def test_the_summary_counts_flags_by_kind_and_ruptures_by_status(demo):
    assert demo.flags == {
        kind: Counter(Flag.objects.values_list("kind", flat=True))[kind] for kind in FlagKind
    }
    assert demo.ruptures == {
        status: Counter(RuptureEpisode.objects.values_list("status", flat=True))[status]
        for status in RuptureStatus
    }
    assert demo.ruptures[RuptureStatus.OPEN] >= 1 and demo.ruptures[RuptureStatus.RESOLVED] == 1


def test_the_command_prints_the_signal_counts(db):
    output = run_demo(today=TODAY)
    flags = Flag.objects.count()
    ruptures = RuptureEpisode.objects.count()
    assert f"  {flags} signal flags (" in output
    assert f"{Flag.objects.filter(kind=FlagKind.CRISIS).count()} crisis" in output
    assert f"; {ruptures} rupture episodes (" in output
    assert "1 resolved" in output


def test_evaluating_the_demo_again_changes_nothing(demo):
    before = signal_fingerprint()
    practice = Practice.objects.get(slug="demo")

    outcome = evaluate_practice(practice.pk, now=evaluation_time(TODAY))

    assert outcome.episodes == CareEpisode.objects.count()
    assert (
        outcome.flags_raised,
        outcome.flags_cleared,
        outcome.ruptures_opened,
        outcome.recoveries_suggested,
        outcome.risks_changed,
    ) == (0, 0, 0, 0, 0)
    assert signal_fingerprint() == before


def test_the_same_seed_and_day_give_the_same_signals(demo):
    first = signal_fingerprint()
    assert reset_demo_practice()
    load_demo_practice(seed=SEED, today=TODAY)
    assert signal_fingerprint() == first


def test_reset_removes_the_signals_and_reloads_them(db):
    run_demo(today=TODAY)
    loaded = signal_counts()
    assert all(loaded[:5])  # flags, ruptures, repairs, replies, risks
    SignalSettings.objects.create(
        practice=Practice.objects.get(slug="demo"), overrides={"dropout.risk": {"threshold": 4}}
    )

    assert "Deleted the previous demo practice." in run_demo("--reset", today=TODAY)
    assert signal_counts() == loaded

    assert reset_demo_practice()
    assert signal_counts() == (0,) * len(SIGNAL_MODELS)
