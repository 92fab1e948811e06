"""A session in a real browser: dana runs it from agenda to summary and next steps, with a private
note; chris then reads what was agreed in his portal, and never the note."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from alliance.lib.encryption import decrypt
from alliance.sessions.models import PrivateNote, SessionRecord
from alliance.testing.browser import PHONE
from alliance.testing.personas import Personas

pytestmark = pytest.mark.browser

SUMMARY = "We mapped the Sunday evening worry spiral and what breaks it."
NEXT_STEPS = "Try a 10-minute worry window on two evenings before next week."
NOTE = "Avoided talking about his father; watch for withdrawal."


def test_dana_runs_a_session_and_chris_reads_what_was_agreed(
    new_page, page, live_server, personas: Personas, sign_in, screenshot, console
):
    appointment = personas.chris_past_appointment
    sign_in(page, "dana")
    page.goto(f"{live_server.url}{reverse('clinic:client', args=[personas.chris_client.pk])}")
    row = page.locator(f"#appointment-{appointment.pk}")
    with page.expect_navigation():
        row.get_by_role("link", name="Session").click()
    expect(page.get_by_role("heading", name="Session with Chris Moreau", level=1)).to_be_visible()

    page.get_by_label("Agenda", exact=True).fill("Sunday evenings\nSleep")
    page.get_by_label("Summary", exact=True).fill(SUMMARY)
    page.get_by_label("Next steps", exact=True).fill(NEXT_STEPS)
    page.get_by_label("Share the summary and next steps with Chris").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("status")).to_contain_text("Session saved.")
    expect(page.get_by_label("Summary", exact=True)).to_have_value(SUMMARY)
    expect(page.get_by_label("Agenda", exact=True)).to_have_value("Sunday evenings\nSleep")

    page.get_by_label("Add a private note").fill(NOTE)
    with page.expect_navigation():
        page.get_by_role("button", name="Save private note").click()
    notes = page.locator("section.private-notes")
    expect(notes).to_contain_text(NOTE)
    screenshot(page, "session-page-desktop")

    session_record = SessionRecord.objects.get(appointment=appointment)
    assert session_record.agenda == ["Sunday evenings", "Sleep"]
    assert session_record.summary == SUMMARY and session_record.is_shared
    [note] = PrivateNote.objects.filter(appointment=appointment)
    with connection.cursor() as cursor:  # what the database holds, past the model
        cursor.execute(
            f"SELECT body_token FROM {PrivateNote._meta.db_table} WHERE id = %s",  # noqa: S608
            [note.pk],
        )
        [(token,)] = cursor.fetchall()
    assert NOTE not in token and decrypt(token) == NOTE == note.body

    phone = new_page(**PHONE)
    sign_in(phone, "chris")
    with phone.expect_navigation():
        phone.get_by_role("link", name="What we agreed").tap()
    main = phone.locator("main")
    expect(phone.get_by_role("heading", name="What we agreed", level=1)).to_be_visible()
    expect(main).to_contain_text(SUMMARY)
    expect(main).to_contain_text(NEXT_STEPS)
    assert NOTE not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "session-agreed-phone")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Back").tap()
    assert NOTE not in phone.content()

    # The session page itself is not there for him.
    console.expect("status of 404")
    response = phone.goto(f"{live_server.url}{reverse('sessions:page', args=[appointment.pk])}")
    assert response is not None and response.status == 404
