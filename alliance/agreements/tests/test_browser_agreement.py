"""The client's agreement on a phone: opened from the portal, read, acknowledged, with the
crisis procedure one tap away on every portal page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from alliance.agreements.models import Acknowledgement
from alliance.agreements.services import current_version
from alliance.agreements.tests.helpers import agreement_for
from alliance.testing.browser import PHONE
from alliance.testing.personas import Personas

pytestmark = pytest.mark.browser


def _crisis_link_is_visible(page: Page) -> None:
    link = page.get_by_role("link", name="In crisis?")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["viewport"]["width"]
    assert box["y"] < PHONE["viewport"]["height"], "the crisis link is below the first screen"


def test_client_reads_and_acknowledges_the_agreement_on_a_phone(
    new_page, live_server, personas: Personas, sign_in, screenshot
):
    agreement = agreement_for(personas.chris_episode)
    version = current_version(agreement)
    page = new_page(**PHONE)
    sign_in(page, "chris")

    expect(page.get_by_role("heading", name="Hello, Chris")).to_be_visible()
    _crisis_link_is_visible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Our therapy agreement").tap()

    expect(page.get_by_role("heading", name="Our therapy agreement", level=1)).to_be_visible()
    _crisis_link_is_visible(page)
    for title in ("Our roles", "Confidentiality and its limits", "If you are in crisis"):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator("main")).to_contain_text("every 7 days")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "agreement-phone")

    agree = page.get_by_role("button", name="I have read and agree")
    agree.scroll_into_view_if_needed()
    with page.expect_navigation():
        agree.tap()

    expect(page.locator(".acknowledged")).to_contain_text("You agreed to version 1")
    expect(page.get_by_role("button", name="I have read and agree")).to_have_count(0)
    _crisis_link_is_visible(page)
    screenshot(page, "agreement-acknowledged-phone")
    [stored] = Acknowledgement.objects.filter(version=version)
    assert stored.user == personas.chris and stored.ip_address == "127.0.0.1"

    with page.expect_navigation():
        page.get_by_role("link", name="In crisis?").tap()
    expect(page.get_by_role("heading", name="If you are in crisis", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("999")
    _crisis_link_is_visible(page)
    screenshot(page, "crisis-phone")
