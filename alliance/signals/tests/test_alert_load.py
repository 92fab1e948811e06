"""Alert load: new flags per therapist a week, per rule, and how often a flag led to an action."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.signals.alert_load import BUDGET_PER_THERAPIST_WEEK, PERIOD, alert_load
from alliance.signals.models import Flag, FlagKind, FlagStatus, RepairStep
from alliance.signals.tests.helpers.clinic import made_flag, made_rupture


def test_flags_are_counted_per_rule_and_per_therapist_week(personas):
    episode = personas.chris_episode
    made_flag(episode, FlagKind.LOW_ALLIANCE)
    made_flag(episode, FlagKind.NOT_ON_TRACK)
    made_flag(episode, FlagKind.NOT_ON_TRACK, status=FlagStatus.ACKNOWLEDGED)
    therapists = [personas.dana_profile.pk, personas.olga_profile.pk]

    load = alert_load(personas.practice.pk, therapists)

    weeks = PERIOD.days // 7
    assert load.flags == 3 and load.therapists == 2 and load.weeks == weeks
    assert load.per_therapist_week == 3 / (2 * weeks)
    assert load.of(personas.dana_profile.pk) == 3 / weeks
    assert load.of(personas.olga_profile.pk) == 0.0
    by_rule = {rule.rule: rule for rule in load.rules}
    assert by_rule["not_on_track.reliable_deterioration"].flags == 2
    assert by_rule["not_on_track.reliable_deterioration"].acted == 1
    # Ranked by how often a flag led to an action: the rule acted on comes first.
    assert [rule.rule for rule in load.rules] == [
        "not_on_track.reliable_deterioration",
        "low_alliance.from_start",
    ]


def test_crises_are_counted_apart_and_never_against_the_budget(personas):
    for _ in range(30):
        made_flag(personas.chris_episode, FlagKind.CRISIS)

    load = alert_load(personas.practice.pk, [personas.dana_profile.pk])

    assert load.crises == 30 and load.flags == 0 and not load.over_budget


def test_a_repair_step_on_its_rupture_counts_as_an_action(personas):
    rupture = made_rupture(personas.chris_episode)
    made_rupture(personas.chris_episode)
    RepairStep.objects.create(
        rupture=rupture,
        strategies=["validate_feelings"],
        what_was_said="…",
        recorded_by=personas.dana,
    )

    load = alert_load(personas.practice.pk, [personas.dana_profile.pk])

    (rule,) = load.rules
    assert (rule.flags, rule.acted, rule.acted_percent) == (2, 1, 50)


def test_flags_older_than_the_period_or_of_other_therapists_do_not_count(personas):
    old = made_flag(personas.chris_episode, FlagKind.LOW_ALLIANCE)
    Flag.objects.filter(pk=old.pk).update(raised_at=timezone.now() - PERIOD - timedelta(days=1))
    made_flag(personas.chris_episode, FlagKind.NOT_ON_TRACK)

    assert alert_load(personas.practice.pk, [personas.dana_profile.pk]).flags == 1
    assert alert_load(personas.practice.pk, [personas.olga_profile.pk]).flags == 0


def test_the_supervisor_sees_the_alert_load_and_who_is_over_budget(signed_in, personas):
    weeks = PERIOD.days // 7
    for _ in range(int(BUDGET_PER_THERAPIST_WEEK * weeks) + 1):
        made_flag(personas.chris_episode, FlagKind.NOT_ON_TRACK)
    sam = signed_in("sam")

    page = sam.get(reverse("clinic:supervision")).content.decode()

    assert "Alert load" in page and "over budget" in page
    assert 'class="over-budget"' in page
    # The rule by its title; its id is a developer word (issue 15), not shown to a supervisor.
    assert '<th scope="row">Reliable deterioration</th>' in page
    assert "not_on_track.reliable_deterioration" not in page
