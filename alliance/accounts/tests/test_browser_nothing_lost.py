"""Typing is never lost, in a real browser: the idle sign-out warns first and keeps what was
typed; a form sent after the session ended comes back to its page, not to a bare 405; saving one
form on a page keeps what was typed in another."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alliance.sessions.models import PrivateNote, SessionRecord
from alliance.testing.personas import PASSWORD, Personas

pytestmark = pytest.mark.browser

SUMMARY = "Talked through the move; the Sunday dread is smaller than a month ago."
NOTE = "Check in about his father next time."
# A short idle limit for these tests (the product's is 15 minutes): 9 seconds.
IDLE_MINUTES = 0.15


def _session_url(live_server, personas: Personas) -> str:
    return f"{live_server.url}{reverse('sessions:page', args=[personas.chris_past_appointment.pk])}"


def _sign_in_here(page: Page, username: str = "dana") -> None:
    """The sign-in form the person was sent to, with its way back."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_a_summary_typed_before_the_idle_sign_out_is_there_after_signing_in_again(
    page, live_server, personas, sign_in, settings, screenshot
):
    settings.IDLE_TIMEOUT_MINUTES = IDLE_MINUTES
    sign_in(page, "dana")
    page.goto(_session_url(live_server, personas))
    page.get_by_label("Summary", exact=True).fill(SUMMARY)

    warning = page.get_by_role("dialog", name="Still there?")
    expect(warning).to_be_visible(timeout=15_000)
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_visible()
    screenshot(page, "idle-warning")
    page.wait_for_url(re.compile(r"/accounts/sign-in/"), timeout=15_000)
    expect(page.get_by_role("status")).to_contain_text("You were signed out")

    _sign_in_here(page)

    assert page.url == _session_url(live_server, personas)
    summary = page.get_by_label("Summary", exact=True)
    expect(summary).to_have_value(SUMMARY)
    expect(page.locator(".draft-note")).to_contain_text("had not been saved")
    screenshot(page, "draft-restored")
    with page.expect_navigation():
        page.get_by_role("button", name="Save session").click()
    expect(page.get_by_label("Summary", exact=True)).to_have_value(SUMMARY)
    expect(page.locator(".draft-note")).to_have_count(0)
    assert SessionRecord.objects.get(appointment=personas.chris_past_appointment).summary == SUMMARY


def test_saving_after_the_session_ended_comes_back_to_the_page_with_the_text(
    page, live_server, personas, sign_in
):
    sign_in(page, "dana")
    page.goto(_session_url(live_server, personas))
    page.get_by_label("Summary", exact=True).fill(SUMMARY)
    page.context.clear_cookies(name="sessionid")  # the session ended, the page stayed open

    with page.expect_navigation():
        page.get_by_role("button", name="Save session").click()
    assert "/accounts/sign-in/" in page.url
    _sign_in_here(page)

    assert page.url == _session_url(live_server, personas), "never a POST-only address"
    expect(page.get_by_label("Summary", exact=True)).to_have_value(SUMMARY)
    expect(page.locator(".draft-note")).to_be_visible()
    assert not SessionRecord.objects.filter(appointment=personas.chris_past_appointment).exists()


def test_saving_a_private_note_keeps_the_unsaved_summary(page, live_server, personas, sign_in):
    sign_in(page, "dana")
    page.goto(_session_url(live_server, personas))
    page.get_by_label("Summary", exact=True).fill(SUMMARY)
    page.get_by_label("Add a private note").fill(NOTE)

    with page.expect_navigation():
        page.get_by_role("button", name="Save private note").click()

    expect(page.locator("section.private-notes")).to_contain_text(NOTE)
    expect(page.get_by_label("Add a private note")).to_have_value("")  # saved: not restored
    expect(page.get_by_label("Summary", exact=True)).to_have_value(SUMMARY)
    assert PrivateNote.objects.filter(appointment=personas.chris_past_appointment).count() == 1
    assert not SessionRecord.objects.filter(appointment=personas.chris_past_appointment).exists()


def test_stay_signed_in_keeps_the_session(page, live_server, personas, sign_in, settings):
    settings.IDLE_TIMEOUT_MINUTES = IDLE_MINUTES
    sign_in(page, "dana")
    page.goto(_session_url(live_server, personas))

    warning = page.get_by_role("dialog", name="Still there?")
    expect(warning).to_be_visible(timeout=15_000)
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    page.wait_for_timeout(4_000)  # past the limit the page was loaded with

    assert "/accounts/sign-in/" not in page.url
    response = page.goto(_session_url(live_server, personas))
    assert response is not None and response.status == 200
    assert "/accounts/sign-in/" not in page.url


def test_drafts_are_stored_encrypted(page, live_server, personas, sign_in):
    sign_in(page, "dana")
    page.goto(_session_url(live_server, personas))
    page.get_by_label("Summary", exact=True).fill(SUMMARY)
    page.wait_for_function("Object.keys(localStorage).some(k => k.startsWith('alliance:draft:'))")

    stored = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('alliance:draft:'))"
        ".map(k => localStorage.getItem(k)).join(' ')"
    )
    assert stored and "Sunday" not in stored and "dread" not in stored
