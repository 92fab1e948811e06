"""The phase form starts from the current phase and offers the next; a step back to an earlier
phase is never an accident: it asks for confirmation and a reason before anything is recorded."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.lib.errors import DomainError
from alliance.practice.models import CareEpisode, Phase, PhaseChange
from alliance.practice.services import change_phase
from alliance.testing.personas import SETUP


def phase_url(personas) -> str:
    return reverse("clinic:episode-phase", kwargs={"episode_id": personas.chris_episode.pk})


def client_page(signed_in, personas) -> str:
    url = reverse("clinic:client", kwargs={"client_id": personas.chris_episode.client_id})
    page: str = signed_in("dana").get(url).content.decode()
    return page


def selected_option(page: str, episode_id: int) -> str | None:
    select = re.search(rf'<select id="phase-{episode_id}".*?</select>', page, re.S)
    assert select is not None
    chosen = re.search(r'<option value="([a-z_]*)"[^>]* selected', select.group(0))
    return chosen.group(1) if chosen else None


def history(personas) -> int:
    return PhaseChange.objects.filter(episode=personas.chris_episode).count()


def test_the_form_shows_the_current_phase_and_preselects_the_next(signed_in, personas):
    page = client_page(signed_in, personas)

    assert selected_option(page, personas.chris_episode.pk) == Phase.EXPLORING
    assert "Now in <strong>Building rapport</strong>" in page
    # The current phase cannot be chosen, so one click on Save never repeats it.
    assert re.search(r'<option value="rapport" disabled>Building rapport \(now\)', page)


def test_after_a_move_the_form_offers_the_phase_after_that(signed_in, personas):
    change_phase(actor=SETUP, episode=personas.chris_episode, to_phase=Phase.LASTING_CHANGE)

    page = client_page(signed_in, personas)

    assert selected_option(page, personas.chris_episode.pk) == Phase.ENDING


def test_in_the_last_phase_nothing_is_preselected(signed_in, personas):
    change_phase(actor=SETUP, episode=personas.chris_episode, to_phase=Phase.ENDING)

    page = client_page(signed_in, personas)

    assert selected_option(page, personas.chris_episode.pk) == ""
    assert "Choose a phase" in page


def test_moving_forward_needs_no_confirmation(signed_in, personas):
    before = history(personas)

    response = signed_in("dana").post(phase_url(personas), {"phase": Phase.EXPLORING})

    assert response.status_code == 302
    assert CareEpisode.objects.get(pk=personas.chris_episode.pk).phase == Phase.EXPLORING
    assert history(personas) == before + 1


def test_a_step_back_asks_for_confirmation_and_records_nothing(signed_in, personas):
    change_phase(actor=SETUP, episode=personas.chris_episode, to_phase=Phase.LASTING_CHANGE)
    before, events = history(personas), AuditEvent.objects.filter(target="phase").count()

    response = signed_in("dana").post(
        phase_url(personas), {"phase": Phase.RAPPORT, "note": "A rupture"}
    )

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Step back to “Building rapport”?" in page
    assert 'name="confirm_step_back"' in page
    assert ">A rupture</textarea>" in page  # what was typed is kept
    assert "No, stay in “Fostering lasting change”" in page
    assert CareEpisode.objects.get(pk=personas.chris_episode.pk).phase == Phase.LASTING_CHANGE
    assert history(personas) == before
    assert AuditEvent.objects.filter(target="phase").count() == events


def test_a_confirmed_step_back_without_a_reason_is_refused(signed_in, personas):
    change_phase(actor=SETUP, episode=personas.chris_episode, to_phase=Phase.EXPLORING)
    before = history(personas)

    response = signed_in("dana").post(
        phase_url(personas), {"phase": Phase.RAPPORT, "confirm_step_back": "on", "note": "  "}
    )

    assert response.status_code == 400
    assert "Say why the episode steps back" in html.unescape(response.content.decode())
    assert history(personas) == before


def test_a_confirmed_step_back_with_a_reason_is_recorded_and_audited(signed_in, personas):
    change_phase(actor=SETUP, episode=personas.chris_episode, to_phase=Phase.EXPLORING)

    response = signed_in("dana").post(
        phase_url(personas),
        {"phase": Phase.RAPPORT, "confirm_step_back": "on", "note": "Rupture after the break."},
    )

    assert response.status_code == 302
    episode = CareEpisode.objects.get(pk=personas.chris_episode.pk)
    assert episode.phase == Phase.RAPPORT
    last = PhaseChange.objects.filter(episode=episode).last()
    assert last is not None
    assert (last.from_phase, last.to_phase, last.note) == (
        Phase.EXPLORING,
        Phase.RAPPORT,
        "Rupture after the break.",
    )
    event = AuditEvent.objects.filter(target="phase").latest("pk")
    assert event.detail == {"from": "exploring", "to": "rapport", "step_back": True}


def test_the_service_refuses_an_unconfirmed_step_back(personas):
    change_phase(actor=SETUP, episode=personas.chris_episode, to_phase=Phase.EXPLORING)
    with pytest.raises(DomainError, match="confirm the step back"):
        change_phase(
            actor=SETUP, episode=personas.chris_episode, to_phase=Phase.RAPPORT, note="why"
        )
