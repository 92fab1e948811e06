"""On a phone: the crisis procedure after a safety answer, and the closing-the-loop card; on a
desktop: the admin's signal rules page. In a real browser, so a CSP violation fails the test."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from alliance.audit.services import Actor
from alliance.measures.models import FormRequest, ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.signals.models import Flag
from alliance.signals.services import reply_to_feedback
from alliance.testing.browser import PHONE

pytestmark = pytest.mark.browser


def test_a_safety_answer_shows_the_crisis_procedure_on_a_phone(
    new_page, live_server, personas, sign_in, screenshot
):
    form_request = FormRequest.objects.get(
        episode=personas.chris_episode, appointment=None, instrument_id="phq9"
    )
    page = new_page(**PHONE)
    sign_in(page, "chris")
    page.goto(live_server.url + reverse("measures:answer", args=[form_request.pk]))
    for number in range(1, 10):
        page.locator(f"#q-PHQ9_{number} label.option").nth(1).click()
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    expect(page.get_by_role("heading", name="If you need help now")).to_be_visible()
    expect(page.locator("main")).to_contain_text("116 123")
    assert Flag.objects.filter(kind="crisis", episode=personas.chris_episode).exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "crisis-thanks-phone")


def test_the_closing_the_loop_card_on_a_phone(new_page, live_server, personas, sign_in, screenshot):
    response = submit_response(
        actor=Actor(personas.chris),
        instrument=get_instrument("alliance-checkin"),
        episode=personas.chris_episode,
        raw_answers={"bond": 8, "goals": 6, "approach": 7, "overall": 7, "change": "More homework"},
        source=ResponseSource.PORTAL,
    ).response
    reply_to_feedback(
        actor=Actor(personas.dana),
        response=response,
        what_we_changed="Each session now ends with one small task for the week.",
    )
    page = new_page(**PHONE)
    sign_in(page, "chris")

    card = page.locator("section", has=page.get_by_role("heading", name="Your feedback"))
    expect(card).to_contain_text("You told us: “More homework”")
    expect(card).to_contain_text("What we changed: Each session now ends with one small task")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "portal-closing-the-loop-phone")


def test_the_admin_changes_a_rule(page, live_server, personas, sign_in, screenshot):
    sign_in(page, "alex")
    page.goto(live_server.url + reverse("administration:signal-rules"))
    expect(page.get_by_role("heading", name="Signal rules", exact=True)).to_be_visible()
    page.locator('input[name="rupture.drop_from_previous:points"]').fill("7")
    page.get_by_role("button", name="Save the rules").click()

    expect(page.locator(".message")).to_contain_text("Saved")
    expect(page.locator('input[name="rupture.drop_from_previous:points"]')).to_have_value("7")
    screenshot(page, "admin-signal-rules")
