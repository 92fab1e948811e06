"""A step back to an earlier phase in a real browser: the form offers the next phase, choosing an
earlier one leads to a confirmation page (scanned by axe-core) that records nothing until
confirmed with a reason."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from alliance.practice.models import Phase, PhaseChange
from alliance.practice.services import change_phase
from alliance.testing.axe import axe_violations
from alliance.testing.personas import SETUP

pytestmark = pytest.mark.browser


def test_a_step_back_is_confirmed_with_a_reason(new_page, live_server, personas, sign_in):
    episode = personas.chris_episode
    change_phase(actor=SETUP, episode=episode, to_phase=Phase.LASTING_CHANGE)
    page = new_page(bypass_csp=True)
    sign_in(page, "dana")
    page.goto(live_server.url + reverse("clinic:client", args=[episode.client_id]))

    page.get_by_text("Move to another phase").click()
    phase = page.get_by_label("Move to phase")
    expect(phase).to_have_value(Phase.ENDING)
    phase.select_option(Phase.RAPPORT)
    before = PhaseChange.objects.filter(episode=episode).count()
    page.get_by_role("button", name="Save phase").click()

    expect(page.get_by_role("heading", name="Step back to “Building rapport”?")).to_be_visible()
    assert PhaseChange.objects.filter(episode=episode).count() == before
    assert axe_violations(page) == []
    page.get_by_label("Why step back? (required)").fill("A rupture after the holiday.")
    page.get_by_role("button", name="Yes, step back to “Building rapport”").click()

    expect(page.get_by_text("A rupture after the holiday.")).to_be_visible()
    last = PhaseChange.objects.filter(episode=episode).last()
    assert last is not None and last.to_phase == Phase.RAPPORT
