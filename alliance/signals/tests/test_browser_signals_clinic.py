"""A therapist deals with signals in a real browser: from the urgent banner to the crisis flag,
then the rupture page and a repair step; the same pages on a phone."""

import pytest
from playwright.sync_api import expect

from alliance.signals.models import FlagStatus, RepairStep
from alliance.signals.tests.helpers.clinic import found_rupture, made_flag
from alliance.testing.browser import PHONE

pytestmark = pytest.mark.browser


def test_therapist_acknowledges_a_crisis_and_records_a_repair(
    page, live_server, personas, sign_in, screenshot
):
    rupture = found_rupture(personas.chris_episode)
    crisis = made_flag(personas.chris_episode)
    sign_in(page, "dana")

    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Crisis flag: Chris Moreau — acknowledge with a note")
    expect(page.locator("table.caseload")).to_contain_text("Rupture open 0 days, not acknowledged")
    screenshot(page, "signals-dashboard")
    banner.get_by_role("link").click()

    flag = page.locator(f"#flag-{crisis.pk}")
    expect(flag).to_contain_text("Crisis language")
    screenshot(page, "signals-client-page")
    flag.get_by_label("What you did (required)").fill("Called Chris: safe, plan agreed.")
    flag.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".messages")).to_contain_text("Crisis flag acknowledged.")
    crisis.refresh_from_db()
    assert crisis.status == FlagStatus.ACKNOWLEDGED

    page.locator(f"#signals-{personas.chris_episode.pk}").get_by_role(
        "link", name="Rupture from"
    ).click()
    expect(page.get_by_role("heading", name="Rupture: Chris Moreau")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm resolved")).to_be_disabled()
    page.get_by_label("Validate feelings").check()
    page.get_by_label("What was said").fill("I said last week felt rushed, and asked about it.")
    page.get_by_role("button", name="Record repair").click()
    expect(page.locator(".messages")).to_contain_text("Repair step recorded.")
    expect(page.locator("ol.timeline")).to_contain_text("Validate feelings")
    screenshot(page, "signals-rupture-page")
    assert RepairStep.objects.filter(rupture=rupture).count() == 1


def test_the_rupture_page_on_a_phone(new_page, live_server, personas, sign_in, screenshot):
    rupture = found_rupture(personas.chris_episode)
    phone = new_page(**PHONE)
    sign_in(phone, "dana")
    phone.goto(f"{live_server.url}/clinic/ruptures/{rupture.pk}/")
    expect(phone.get_by_role("button", name="Record repair")).to_be_visible()
    screenshot(phone, "signals-rupture-phone")
