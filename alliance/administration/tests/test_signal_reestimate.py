"""The practice admin's re-estimation page: the endings recorded, a refusal while there are too
few, the proposal beside the defaults and the values in force, adoption (audited, then used by
the engine) and the way back to the shipped coefficients; nobody but the practice's admin."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.appointments.models import Appointment
from alliance.audit.models import AuditEvent
from alliance.measures.definitions import CHECKIN_ID
from alliance.measures.models import MeasureResponse, ResponseSource
from alliance.practice.models import CareEpisode, Client, EndReason, EpisodeStatus
from alliance.signals import engine
from alliance.signals.dropout_model import default_model
from alliance.signals.models import Reestimation, SignalSettings
from alliance.signals.tests.helpers.clinic import made_reestimation

URL = reverse("administration:signal-reestimate")


def adopt_url(row: Reestimation) -> str:
    return reverse("administration:signal-adopt", args=[row.pk])


def test_the_page_says_what_is_needed_and_refuses_with_too_few_endings(signed_in, personas):
    alex = signed_in("alex")
    page = alex.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "0 planned endings and 0 clients who stopped attending" in html
    assert "at least 50 in all, 10 or more of each" in html
    assert "Adopt these values" not in html
    assert "disabled" in html and "Not yet: the practice needs more recorded endings." in html
    refused = alex.post(URL)  # the service refuses too, whatever the page offers
    assert refused.status_code == 400
    assert "Re-estimating needs at least 50 ended episodes" in refused.content.decode()
    assert not Reestimation.objects.exists()
    assert not AuditEvent.objects.filter(target="signals re-estimation").exists()


def ended_history(personas, planned: int, dropped: int) -> None:
    """Ended episodes of the admin's practice, written in bulk: planned endings keep eight weekly
    sessions with steady check-ins; dropouts miss two of five and slide before they stop."""
    start = timezone.now() - timedelta(days=400)
    therapist = personas.dana_profile
    reasons = [EndReason.COMPLETED] * planned + [EndReason.CLIENT_WITHDREW] * dropped
    clients = Client.objects.bulk_create(
        Client(practice=personas.practice, first_name="Ended", last_name=f"Client {n}")
        for n in range(len(reasons))
    )
    episodes = CareEpisode.objects.bulk_create(
        CareEpisode(
            practice=personas.practice,
            client=client,
            therapist=therapist,
            status=EpisodeStatus.ENDED,
            end_reason=reason,
            started_on=(start + timedelta(days=n)).date(),
            ended_on=(start + timedelta(days=n + 70)).date(),
        )
        for n, (client, reason) in enumerate(zip(clients, reasons, strict=True))
    )
    appointments, responses = [], []
    for n, episode in enumerate(episodes):
        dropout = episode.end_reason == EndReason.CLIENT_WITHDREW
        statuses = (
            ["attended", "attended", "no_show", "attended", "late_cancelled"]
            if dropout
            else ["attended"] * 8
        )
        totals = iter([36, 33, 29] if dropout else [36, 37, 36, 38, 36, 37, 36, 37])
        for week, status in enumerate(statuses):
            at = start + timedelta(days=n + 1 + 7 * week, hours=10)
            appointments.append(
                Appointment(
                    practice=personas.practice,
                    episode=episode,
                    scheduled_start=at,
                    scheduled_end=at + timedelta(minutes=50),
                    status=status,
                    actual_start=at if status == "attended" else None,
                )
            )
            if status == "attended":
                responses.append(
                    MeasureResponse(
                        practice=personas.practice,
                        episode=episode,
                        client_id=episode.client_id,
                        instrument_id=CHECKIN_ID,
                        instrument_version="test",
                        respondent_role="client",
                        source=ResponseSource.PORTAL,
                        answers={},
                        submitted_at=at + timedelta(hours=1),
                        total=next(totals),
                    )
                )
    Appointment.objects.bulk_create(appointments)
    MeasureResponse.objects.bulk_create(responses)


def test_reestimating_on_enough_endings_stores_a_proposal_and_changes_nothing(signed_in, personas):
    ended_history(personas, planned=40, dropped=20)
    alex = signed_in("alex")
    html = alex.get(URL).content.decode()
    assert "40 planned endings and 20 clients who stopped attending" in html
    assert "Not yet:" not in html and " disabled" not in html
    assert alex.post(URL).status_code == 302
    row = Reestimation.objects.get(practice=personas.practice)
    assert (row.episodes, row.dropouts, row.computed_by) == (60, 20, personas.alex)
    proposed = row.proposal["dropout_model"]["coefficients"]
    # Only these dropouts missed appointments, and their check-ins fell three times running:
    # those factors weigh more than in the shipped coefficients (0.3337 and 0.4219).
    assert proposed["missed_recent"] > 0.3337 and proposed["falling"] > 0.4219
    assert set(row.proposal["thresholds"]) >= {"rupture.drop_from_previous", "rupture.own_level"}
    assert not SignalSettings.objects.exists()  # nothing adopted yet
    event = AuditEvent.objects.get(target="signals re-estimation")
    assert event.detail == {"episodes": 60, "dropouts": 20} and event.actor == personas.alex
    html = alex.get(URL).content.decode()
    assert "From 60 ended episodes (20 dropouts)" in html and "Adopt these values" in html


def test_the_proposal_is_shown_beside_the_defaults_and_the_values_in_force(signed_in, personas):
    SignalSettings.objects.create(
        practice=personas.practice, overrides={"rupture.drop_from_previous": {"points": 6}}
    )
    made_reestimation(personas.practice.pk, missed=0.9, points=7.0)
    html = signed_in("alex").get(URL).content.decode()
    assert "From 80 ended episodes (20 dropouts)" in html
    # missed: the shipped odds (default and in force), proposed x 2.46 (coefficient 0.9)
    shipped = f"× {math.exp(default_model().coefficients['missed_recent']):.2f}"
    assert (
        f'<th scope="row">missed</th><td>{shipped}</td><td>{shipped}</td>'
        "<td><strong>× 2.46</strong></td>" in html
    )
    # drop_from_previous points: default 5, in force 6, proposed 7
    assert (
        "<code>rupture.drop_from_previous points</code></th><td>5</td><td>6</td>"
        "<td><strong>7</strong></td>"
    ) in html
    assert "Adopt these values" in html


def test_adopting_changes_the_rules_in_force_and_is_audited(signed_in, personas):
    row = made_reestimation(personas.practice.pk, missed=0.9, points=7.0)
    alex = signed_in("alex")
    assert alex.post(adopt_url(row)).status_code == 302
    stored = SignalSettings.objects.get(practice=personas.practice)
    assert stored.overrides == {"rupture.drop_from_previous": {"points": 7.0}}
    assert stored.dropout_model is not None
    assert stored.dropout_model["coefficients"]["missed_recent"] == 0.9
    assert stored.updated_by == personas.alex
    rules = engine.rules_for_practice(personas.practice.pk)
    assert rules.param("rupture.drop_from_previous", "points") == 7.0
    assert rules.dropout_model is not None
    assert rules.dropout_model.coefficients["missed_recent"] == 0.9
    row.refresh_from_db()
    assert row.adopted_at is not None and row.adopted_by == personas.alex
    event = AuditEvent.objects.get(target="signal rules", actor=personas.alex)
    assert event.detail["adopted_reestimation"] == row.pk
    assert event.detail["before"] == {"overrides": {}, "dropout_model": None}
    html = alex.get(URL).content.decode()
    assert "Adopted" in html and "Adopt these values" not in html
    assert "Use the shipped coefficients" in html
    again = alex.post(adopt_url(row))
    assert again.status_code == 400 and "already been adopted" in again.content.decode()


def test_the_shipped_coefficients_can_be_restored(signed_in, personas):
    row = made_reestimation(personas.practice.pk)
    alex = signed_in("alex")
    alex.post(adopt_url(row))
    unconfirmed = alex.post(reverse("administration:signal-restore-model"))
    assert unconfirmed.status_code == 400
    assert b"Tick the box to confirm" in unconfirmed.content
    assert (
        alex.post(reverse("administration:signal-restore-model"), {"confirm": "yes"}).status_code
        == 302
    )
    stored = SignalSettings.objects.get(practice=personas.practice)
    assert stored.dropout_model is None
    assert stored.overrides == {"rupture.drop_from_previous": {"points": 7.0}}
    assert engine.rules_for_practice(personas.practice.pk).dropout_model is None
    restored = AuditEvent.objects.filter(target="signal rules").latest("pk")
    assert restored.detail["after"] == {"dropout_model": None}


def test_another_practice_cannot_adopt_this_one(signed_in, personas):
    row = made_reestimation(personas.practice.pk)
    assert signed_in("eve").post(adopt_url(row)).status_code == 404
    assert not SignalSettings.objects.exists()


@pytest.mark.parametrize("name", ["dana", "sam", "chris"])
def test_nobody_but_an_admin_reestimates_or_adopts(name, signed_in, personas):
    row = made_reestimation(personas.practice.pk)
    browser = signed_in(name)
    assert browser.get(URL).status_code == 404
    assert browser.post(URL).status_code == 404
    assert browser.post(adopt_url(row)).status_code == 404
    assert browser.post(reverse("administration:signal-restore-model")).status_code == 404
    assert not SignalSettings.objects.exists()
    row.refresh_from_db()
    assert row.adopted_at is None


def test_adopting_and_reestimating_are_posts(signed_in, personas):
    row = made_reestimation(personas.practice.pk)
    alex = signed_in("alex")
    assert alex.get(adopt_url(row)).status_code == 405
    assert alex.get(reverse("administration:signal-restore-model")).status_code == 405
