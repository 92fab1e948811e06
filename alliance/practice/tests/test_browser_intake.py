"""Intake to ending in a real browser: a therapist adds a client, the client sets a password
from the emailed link on a phone and sees the portal; the therapist ends the episode with a
reason and a final measure, and the client reads the ending summary in the portal."""

from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from alliance.practice.tests.intake_helpers import link_in_last_email
from alliance.testing.browser import PHONE

pytestmark = pytest.mark.browser

PASSWORD = "a-long-unusual-passphrase-91"
SUMMARY = "We worked on sleep and worry. Keep the evening routine."


def add_nina(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/clinic/")
    page.get_by_role("link", name="Add a client").click()
    for field, value in {
        "first_name": "Nina",
        "last_name": "Quist",
        "preferred_name": "Nin",
        "pronouns": "she/her",
        "date_of_birth": "1990-04-02",
        "email": "nina@example.org",
        "phone": "+44 20 7946 0000",
        "emergency_contact_name": "Ola Quist",
        "emergency_contact_phone": "+44 20 7946 0002",
        "emergency_contact_relation": "sister",
    }.items():
        page.locator(f"#id_{field}").fill(value)
    page.locator("input[name=consents][value=treatment]").check()
    page.locator("input[name=consents][value=measurement]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add the client and send the invitation").click()
    expect(page.get_by_role("heading", name="Nina Quist", exact=True)).to_be_visible()


def end_ninas_episode(page: Page) -> None:
    page.get_by_role("link", name="End this episode…").click()
    page.get_by_label("Planned and agreed ending").check()
    page.get_by_label("Ending summary for the client").fill(SUMMARY)
    expect(page.get_by_label("Offer a final outcome measure to the client")).to_be_checked()
    page.get_by_label("I confirm this episode ends now").check()
    with page.expect_navigation():
        page.get_by_role("button", name="End the episode").click()
    expect(page.get_by_text("A final measure is waiting for the client.")).to_be_visible()


def test_intake_to_ending(new_page, live_server, personas, sign_in, screenshot):
    mail.outbox.clear()
    clinic = new_page()
    sign_in(clinic, "dana")
    add_nina(clinic, live_server)
    assert [message.to for message in mail.outbox] == [["nina@example.org"]]

    phone = new_page(**PHONE)
    phone.goto(f"{live_server.url}{link_in_last_email()}")
    expect(phone.get_by_role("heading", name="Choose your password")).to_be_visible()
    phone.get_by_label("New password").fill(PASSWORD)
    phone.get_by_label("The same password again").fill(PASSWORD)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Save my password").click()
    assert phone.url == f"{live_server.url}/portal/"
    expect(phone.get_by_role("heading", name="Hello, Nina")).to_be_visible()
    waiting = phone.locator("section", has=phone.get_by_role("heading", name="Waiting for you"))
    expect(waiting).to_contain_text("before we start")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "intake-portal-phone")

    clinic.get_by_role("link", name="Details, contact and consents").click()
    expect(clinic.get_by_text("The client has chosen a password.")).to_be_visible()
    expect(clinic.locator("#id_emergency_contact_relation")).to_have_value("sister")
    screenshot(clinic, "intake-details-clinic")
    clinic.go_back()

    end_ninas_episode(clinic)
    screenshot(clinic, "intake-ended-clinic")

    phone.reload()
    expect(phone.get_by_role("heading", name="Looking back on our work")).to_be_visible()
    expect(phone.get_by_text(SUMMARY)).to_be_visible()
    expect(waiting).to_contain_text("at the end of our work")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "ending-portal-phone")
