"""The practice admin's signal rules: every rule of the catalogue with its default and the
practice's own value, saved (audited) and then used by the engine; bad values are refused with
the parameter named; nobody but the practice's admin opens the page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from alliance.audit.models import AuditEvent
from alliance.signals import engine
from alliance.signals.catalogue import RULES, RULES_BY_ID
from alliance.signals.models import SignalSettings
from alliance.signals.settings_service import field_name

URL = reverse("administration:signal-rules")
ALL_ON = [rule.id for rule in RULES]


def form(**values: object) -> dict[str, object]:
    """Every rule on and no values changed, with ``values`` ({"rule.id:param": value}) on top."""
    return {"enabled": ALL_ON} | {key.replace("__", ":"): v for key, v in values.items()}


def test_the_page_lists_every_rule_with_its_defaults(signed_in, personas):
    page = signed_in("alex").get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    for rule in RULES:
        assert rule.id in html
        if rule.switchable and rule.kind != "crisis":
            assert f'value="{rule.id}" checked' in html
        else:  # always on: no box to untick
            assert f'value="{rule.id}"' not in html
        for parameter in rule.parameters:
            assert f'name="{field_name(rule, parameter)}"' in html
    # Defaults appear as placeholders while nothing is overridden.
    assert 'name="rupture.drop_from_previous:points"' in html
    assert 'value="" placeholder="5"' in html


def test_an_override_is_saved_shown_audited_and_used_by_the_engine(signed_in, personas):
    alex = signed_in("alex")
    posted = alex.post(
        URL,
        form(**{"rupture.drop_from_previous:points": "7", "dropout.risk:threshold": "4.5"}),
    )
    assert posted.status_code == 302

    stored = SignalSettings.objects.get(practice=personas.practice)
    assert stored.overrides == {
        "rupture.drop_from_previous": {"points": 7},
        "dropout.risk": {"threshold": 4.5},
    }
    assert stored.disabled_rules == []
    assert stored.updated_by == personas.alex
    rules = engine.rules_for_practice(personas.practice.pk)
    assert rules.param("rupture.drop_from_previous", "points") == 7
    assert rules.param("dropout.risk", "threshold") == 4.5
    default = RULES_BY_ID["rupture.drop_from_baseline"].parameters[0]
    assert rules.param("rupture.drop_from_baseline", default.name) == default.default

    html = alex.get(URL).content.decode()
    assert 'name="rupture.drop_from_previous:points"' in html and 'value="7"' in html
    assert "changed from the default" in html
    event = AuditEvent.objects.filter(target="signal rules").get()
    assert event.actor == personas.alex
    assert event.detail["after"]["overrides"]["dropout.risk"] == {"threshold": 4.5}
    # The other practice keeps the defaults.
    other = engine.rules_for_practice(personas.erin_client.practice_id)
    assert other.param("rupture.drop_from_previous", "points") == 5


def test_switching_a_rule_off(signed_in, personas):
    enabled = [rule_id for rule_id in ALL_ON if rule_id != "rupture.negative_text"]
    assert signed_in("alex").post(URL, {"enabled": enabled}).status_code == 302
    rules = engine.rules_for_practice(personas.practice.pk)
    assert not rules.enabled("rupture.negative_text")
    assert rules.enabled("rupture.drop_from_previous")
    html = signed_in("alex").get(URL).content.decode()
    assert 'value="rupture.negative_text">' in html  # unticked
    assert 'value="rupture.drop_from_previous" checked' in html


def test_an_empty_field_or_the_default_itself_is_no_override(signed_in, personas):
    alex = signed_in("alex")
    alex.post(URL, form(**{"rupture.drop_from_previous:points": "7"}))
    alex.post(URL, form(**{"rupture.drop_from_previous:points": "5"}))
    assert SignalSettings.objects.get(practice=personas.practice).overrides == {}
    alex.post(URL, form(**{"rupture.drop_from_previous:points": "7"}))
    alex.post(URL, form(**{"rupture.drop_from_previous:points": ""}))
    assert SignalSettings.objects.get(practice=personas.practice).overrides == {}


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("rupture.drop_from_previous:points", "400", "points must be between 1 and 40"),
        ("rupture.drop_from_previous:points", "a lot", "points must be a number"),
        ("rupture.drop_from_baseline:min_sessions", "2.5", "min_sessions must be a whole number"),
        ("dropout.risk:threshold", "-1", "threshold must be between"),
    ],
)
def test_a_bad_value_is_refused_with_the_parameter_named(field, value, words, signed_in, personas):
    page = signed_in("alex").post(URL, form(**{field: value}))
    assert page.status_code == 400
    html = page.content.decode()
    assert words in html
    assert escape(RULES_BY_ID[field.split(":")[0]].title) in html
    assert not SignalSettings.objects.filter(practice=personas.practice).exists()
    assert not AuditEvent.objects.filter(target="signal rules").exists()


def test_an_unknown_rule_is_refused(signed_in, personas):
    page = signed_in("alex").post(URL, {"enabled": [*ALL_ON, "rupture.made_up"]})
    assert page.status_code == 400
    assert "rupture.made_up" in page.content.decode()


def test_re_evaluating_queues_one_task_for_the_own_practice(
    signed_in, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        posted = signed_in("alex").post(reverse("administration:signal-evaluate"))
    assert posted.status_code == 302
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "alliance.signals.tasks.evaluate_practice_task"
    assert queued.args_kwargs["args"] == [personas.practice.pk]
    assert AuditEvent.objects.filter(target="signals re-evaluation", actor=personas.alex).exists()


def test_re_evaluating_is_a_post(signed_in, personas):
    assert signed_in("alex").get(reverse("administration:signal-evaluate")).status_code == 405


@pytest.mark.parametrize("name", ["dana", "sam", "chris"])
def test_nobody_but_an_admin_opens_the_rules(name, signed_in, personas):
    browser = signed_in(name)
    assert browser.get(URL).status_code == 404
    assert browser.post(URL, form(**{"dropout.risk:threshold": "9"})).status_code == 404
    assert browser.post(reverse("administration:signal-evaluate")).status_code == 404
    assert not SignalSettings.objects.exists()
