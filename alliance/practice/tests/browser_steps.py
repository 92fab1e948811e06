"""Browser steps of intake and ending that more than one walk takes (the intake walk, the
practice's whole week in alliance/tests/test_browser_practice_week.py)."""

from typing import Any

from playwright.sync_api import Page, expect

from alliance.practice.tests.intake_helpers import link_in_last_email

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


def set_password_from_the_emailed_link(phone: Page, live_server: Any) -> None:
    phone.goto(f"{live_server.url}{link_in_last_email()}")
    expect(phone.get_by_role("heading", name="Choose your password")).to_be_visible()
    phone.get_by_label("New password").fill(PASSWORD)
    phone.get_by_label("The same password again").fill(PASSWORD)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Save my password").click()
    assert phone.url == f"{live_server.url}/portal/"
    expect(phone.get_by_role("heading", name="Hello, Nina")).to_be_visible()
