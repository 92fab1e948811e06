"""Conversation analysis in a real browser: dana uploads a transcript on a session page, waits
while it is analysed, opens the report and follows an example quote to its highlighted turn."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from alliance.conversation.models import Transcript
from alliance.conversation.tasks import analyze_transcript
from alliance.conversation.tests.helpers import REFLECTION_INDEX, SESSION_TEXT, RuleCoder
from alliance.testing.personas import Personas

pytestmark = pytest.mark.browser


def test_dana_uploads_a_transcript_and_follows_a_quote_to_its_turn(
    page, live_server, personas: Personas, sign_in, screenshot, monkeypatch, tmp_path
):
    monkeypatch.setattr("alliance.conversation.analysis.current_coder", RuleCoder)
    appointment = personas.chris_past_appointment
    transcript_file = tmp_path / "session-4.txt"
    transcript_file.write_text(SESSION_TEXT)

    sign_in(page, "dana")
    page.goto(f"{live_server.url}{reverse('sessions:page', args=[appointment.pk])}")
    panel = page.locator("section.conversation-panel")
    expect(panel.get_by_role("heading", name="Conversation analysis")).to_be_visible()
    screenshot(page, "conversation-session-panel")
    panel.get_by_label("Transcript file").set_input_files(str(transcript_file))
    with page.expect_navigation():
        panel.get_by_role("button", name="Upload and analyse").click()

    transcript = Transcript.objects.get(appointment=appointment)
    report_url = f"{live_server.url}{reverse('conversation:report', args=[transcript.pk])}"
    assert page.url == report_url
    expect(page.get_by_role("heading", name="Analysing…")).to_be_visible()

    # The worker's job, done here: the page notices by itself (htmx polls) and shows the report.
    analyze_transcript.call(transcript.pk)
    figures = page.get_by_role("heading", name="Figures beside the MITI 4.2.1 references")
    expect(figures).to_be_visible()
    expect(page.locator("#figure-reflection_to_question")).to_contain_text("0.5 : 1")
    screenshot(page, "conversation-report-desktop")

    turn = page.locator(f"#turn-{REFLECTION_INDEX}")
    examples = page.locator("dl.examples")
    quote = examples.get_by_role("link", name=re.compile("part of you is ready to change"))
    quote.click()
    expect(page).to_have_url(f"{report_url}#turn-{REFLECTION_INDEX}")
    assert page.evaluate("document.querySelector(':target').id") == f"turn-{REFLECTION_INDEX}"
    expect(turn).to_be_in_viewport()
    expect(turn).to_contain_text("Complex reflection")
    # The :target rule highlights it.
    background = turn.evaluate("element => getComputedStyle(element).backgroundColor")
    assert background == "rgb(255, 243, 196)"
    screenshot(page, "conversation-report-turn")

    with page.expect_navigation():
        page.get_by_role("link", name="Your trends").click()
    expect(page.get_by_role("heading", name="Your conversation trends")).to_be_visible()
    expect(page.locator("table.conversation-trends")).to_contain_text("Chris Moreau")
    screenshot(page, "conversation-trends")
