"""A whole rupture, in a real browser: the client's low check-in raises a flag; the therapist
acknowledges it, records the repair and answers the client's words; the following check-ins come
back to the client's baseline; the therapist confirms it resolved; the client sees "You told us
… — what we changed …"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alliance.signals.models import FeedbackReply, Flag, FlagKind, RuptureEpisode, RuptureStatus
from alliance.signals.tests.helpers.stored import checkin, new_episode, sessions
from alliance.testing.browser import PHONE
from alliance.testing.tasks import run_queued_tasks

pytestmark = pytest.mark.browser

CLIENT_PASSWORD = "correct-horse-battery"
COMMENT = "I didn't feel heard today."
CHANGED = "We now start each session by asking what you most want to talk about."


def _answer_checkin(page: Page, values: tuple[int, int, int, int], comment: str) -> None:
    waiting = page.locator("section", has=page.get_by_role("heading", name="Waiting for you"))
    with page.expect_navigation():
        waiting.get_by_role("link", name="Session check-in").tap()
    for group, value in zip(page.get_by_role("group").all()[:4], values, strict=True):
        group.get_by_role("radio", name=str(value), exact=True).tap()
    page.get_by_label("What should we change?").fill(comment)
    with page.expect_navigation():
        page.get_by_role("button", name="Send").tap()


def test_a_rupture_from_flag_to_resolution(
    new_page, live_server, personas, sign_in, screenshot, monkeypatch
):
    now = timezone.now()
    episode = new_episode(personas.dana_profile, weeks=8)
    client = episode.client
    # Three calm sessions (the client's baseline is about 36), then one whose check-in is due.
    sessions(episode, [36, 37, 36, None], now=now)

    # 1. The client answers the check-in on their phone: low, with a complaint.
    phone = new_page(**PHONE)
    assert client.user is not None
    sign_in(phone, client.user.username, CLIENT_PASSWORD)
    _answer_checkin(phone, (3, 4, 5, 4), COMMENT)
    run_queued_tasks(monkeypatch)  # the evaluation the answer queued
    flags = Flag.objects.filter(episode=episode, kind=FlagKind.RUPTURE)
    assert flags.exists()
    rupture = RuptureEpisode.objects.get(episode=episode)
    assert rupture.status == RuptureStatus.OPEN
    assert rupture.rupture_type == "confrontation"

    # 2. The therapist sees it on the dashboard and opens the rupture.
    desk = new_page()
    sign_in(desk, "dana")
    _open_the_rupture_from_the_dashboard(desk, episode)

    # 3. Acknowledge, then record the repair.
    _acknowledge_and_repair(desk, rupture)
    screenshot(desk, "rupture-walk-repair")

    # 4. Answer the client's words on the client page ("what we changed").
    _reply_to_the_clients_words(desk, live_server.url, episode)

    # 5. The following sessions: the check-ins come back to the client's baseline.
    later = timezone.now()
    checkin(episode, 35, later + timedelta(minutes=1))
    checkin(episode, 36, later + timedelta(minutes=2))
    run_queued_tasks(monkeypatch)
    rupture.refresh_from_db()
    assert rupture.recovery_suggested_at is not None

    # 6. The therapist confirms it resolved.
    _confirm_resolved(desk, live_server.url, rupture)
    screenshot(desk, "rupture-walk-resolved")

    # 7. The client sees that their candour had an effect.
    phone.goto(f"{live_server.url}/portal/")
    card = phone.locator("li", has_text="You told us")
    expect(card).to_contain_text(f"You told us: “{COMMENT}”")
    expect(card).to_contain_text(f"What we changed: {CHANGED}")
    screenshot(phone, "rupture-walk-you-told-us")


def _open_the_rupture_from_the_dashboard(desk, episode) -> None:
    client = episode.client
    row = desk.locator("table.caseload tr", has_text=client.full_name)
    expect(row).to_contain_text("Rupture open")
    with desk.expect_navigation():
        row.get_by_role("link", name=client.full_name).first.click()
    with desk.expect_navigation():
        desk.locator(f"#signals-{episode.pk}").get_by_role(
            "link", name=re.compile(r"^Confrontation from ")
        ).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(client.full_name)
    expect(desk.get_by_role("button", name="Confirm resolved")).to_be_disabled()


def _acknowledge_and_repair(desk, rupture) -> None:
    with desk.expect_navigation():
        desk.get_by_role("button", name="Acknowledge").click()
    rupture.refresh_from_db()
    assert rupture.status == RuptureStatus.ACKNOWLEDGED
    desk.get_by_label("Validate feelings").check()
    desk.get_by_label("Talk about the relationship directly").check()
    desk.get_by_label("What was said").fill(
        "I said I had talked over you last time and asked how it felt; we agreed on a change."
    )
    with desk.expect_navigation():
        desk.get_by_role("button", name="Record repair").click()
    expect(desk.locator(".messages")).to_contain_text("Repair step recorded.")


def _reply_to_the_clients_words(desk, base_url: str, episode) -> None:
    desk.goto(f"{base_url}/clinic/clients/{episode.client.pk}/")
    feedback = desk.locator(f"#feedback-{episode.pk} li", has_text=COMMENT)
    feedback.get_by_text("Reply: what we changed").click()
    feedback.get_by_label("What we changed (the client sees this next to their words)").fill(
        CHANGED
    )
    with desk.expect_navigation():
        feedback.get_by_role("button", name="Save reply").click()
    assert FeedbackReply.objects.get(response__episode=episode).what_we_changed == CHANGED


def _confirm_resolved(desk, base_url: str, rupture) -> None:
    desk.goto(f"{base_url}/clinic/ruptures/{rupture.pk}/")
    confirm = desk.get_by_role("button", name="Confirm resolved")
    expect(confirm).to_be_enabled()
    with desk.expect_navigation():
        confirm.click()
    rupture.refresh_from_db()
    assert rupture.status == RuptureStatus.RESOLVED
    expect(desk.get_by_role("heading", name="What happened")).to_contain_text("Resolved")
