"""A client who forgot their password resets it from the emailed link on a phone, then signs in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from alliance.testing.browser import PHONE
from alliance.testing.tasks import run_queued_tasks

pytestmark = pytest.mark.browser

NEW = "a-quiet-lake-in-autumn"


def test_a_client_resets_a_forgotten_password_on_a_phone_and_signs_in(
    new_page, live_server, personas, monkeypatch, screenshot
):
    personas.chris.email = "chris@example.org"
    personas.chris.save(update_fields=["email"])
    mail.outbox.clear()
    page = new_page(**PHONE)

    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Your email address").fill("chris@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    run_queued_tasks(monkeypatch)
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+(/accounts/password/reset/\S+/)", str(mail.outbox[0].body))
    assert link

    page.goto(f"{live_server.url}{link.group(1)}")
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert "/set-password/" in page.url  # the token left the address bar
    page.get_by_label("New password").fill(NEW)
    page.get_by_label("The same password again").fill(NEW)
    screenshot(page, "password-reset-phone")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("chris")
    page.get_by_label("Password", exact=True).fill(NEW)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    assert page.url.endswith("/portal/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"]
