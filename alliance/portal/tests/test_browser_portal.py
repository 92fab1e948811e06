"""The client's portal on a phone, and signing in, in a real browser."""

import pytest
from playwright.sync_api import expect

from alliance.testing.browser import PHONE

pytestmark = pytest.mark.browser


def test_client_reads_the_portal_on_a_phone(new_page, live_server, personas, sign_in, screenshot):
    page = new_page(**PHONE)
    sign_in(page, "chris")

    assert page.url == f"{live_server.url}/portal/"
    expect(page.get_by_role("heading", name="Hello, Chris")).to_be_visible()
    next_appointment = page.locator(
        "section", has=page.get_by_role("heading", name="Your next appointment")
    )
    expect(next_appointment.locator("time").first).to_be_visible()
    expect(next_appointment).to_contain_text("with Dana Reyes")
    past = page.locator("ul.past li")
    expect(past.filter(has_text="Attended")).to_have_count(3)

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the portal scrolls sideways on a phone"
    )
    body_font_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_font_px >= 16
    screenshot(page, "portal-phone")


def test_client_typing_the_clinic_address_gets_not_found(
    new_page, live_server, personas, sign_in, console, screenshot
):
    page = new_page(**PHONE)
    sign_in(page, "chris")
    console.expect("status of 404")

    response = page.goto(f"{live_server.url}/clinic/")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Chris Moreau")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "not-found-phone")


def test_wrong_password_shows_the_error_on_the_sign_in_form(
    new_page, live_server, personas, sign_in, screenshot
):
    page = new_page(**PHONE)
    sign_in(page, "dana", password="not-the-password")

    assert page.url == f"{live_server.url}/accounts/sign-in/"
    expect(page.get_by_role("alert")).to_contain_text(
        "Please enter a correct username and password"
    )
    expect(page.get_by_label("Username")).to_have_value("dana")
    expect(page.get_by_label("Password")).to_have_value("")
    screenshot(page, "sign-in-error-phone")
