"""A rupture the therapist closed does not swallow new rupture markers of the same course."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.audit.services import Actor
from alliance.signals.engine import evaluate_episodes
from alliance.signals.models import Flag, RuptureEpisode, RuptureStatus
from alliance.signals.services import close_rupture
from alliance.signals.tests.helpers.stored import checkin, new_episode

pytestmark = pytest.mark.django_db


def test_markers_after_a_closed_rupture_open_a_new_one(personas):
    episode = new_episode(personas.dana_profile)
    start = timezone.now() - timedelta(days=60)
    for week, total in enumerate([36, 37, 36, 36, 25]):
        checkin(episode, total, start + timedelta(weeks=week))
    evaluate_episodes([episode.pk])
    first = RuptureEpisode.objects.get(episode=episode)
    close_rupture(actor=Actor(personas.dana), rupture=first, resolved=False, note="Client moved.")
    checkin(episode, 18, start + timedelta(weeks=5))
    outcome = evaluate_episodes([episode.pk])
    assert outcome.ruptures_opened == 1
    second = RuptureEpisode.objects.exclude(pk=first.pk).get(episode=episode)
    assert second.status == RuptureStatus.OPEN
    assert Flag.objects.filter(rupture=second).exists()
    assert evaluate_episodes([episode.pk]).ruptures_opened == 0  # a rerun changes nothing


def test_an_episode_with_an_open_crisis_flag_cannot_end(personas):
    from alliance.lib.errors import DomainError
    from alliance.practice.models import EndReason
    from alliance.practice.services import end_episode
    from alliance.signals.services import acknowledge_flag
    from alliance.signals.tests.helpers.stored import phq9

    episode = new_episode(personas.dana_profile)
    phq9(episode, 12, timezone.now() - timedelta(days=1), item9=1)
    flag = Flag.objects.get(episode=episode, kind="crisis")
    with pytest.raises(DomainError, match="crisis flag"):
        end_episode(actor=Actor(personas.dana), episode=episode, reason=EndReason.COMPLETED)
    acknowledge_flag(actor=Actor(personas.dana), flag=flag, note="Called; safe; plan agreed.")
    end_episode(actor=Actor(personas.dana), episode=episode, reason=EndReason.COMPLETED)
    episode.refresh_from_db()
    assert not episode.is_open
