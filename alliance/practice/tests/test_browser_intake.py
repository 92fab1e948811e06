"""Intake to ending in a real browser: a therapist adds a client, the client sets a password
from the emailed link on a phone and sees the portal; the therapist ends the episode with a
reason and a final measure, and the client reads the ending summary in the portal."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from alliance.practice.tests.browser_steps import (
    SUMMARY,
    add_nina,
    end_ninas_episode,
    set_password_from_the_emailed_link,
)
from alliance.testing.browser import PHONE

pytestmark = pytest.mark.browser


def test_intake_to_ending(new_page, live_server, personas, sign_in, screenshot):
    mail.outbox.clear()
    clinic = new_page()
    sign_in(clinic, "dana")
    add_nina(clinic, live_server)
    assert [message.to for message in mail.outbox] == [["nina@example.org"]]

    phone = new_page(**PHONE)
    set_password_from_the_emailed_link(phone, live_server)
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
