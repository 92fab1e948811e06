"""In a real browser: chris proposes a goal on his phone, dana confirms it, chris rates it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from alliance.goals.models import Goal, GoalRating, GoalStatus
from alliance.testing.browser import PHONE
from alliance.testing.personas import Personas

pytestmark = pytest.mark.browser

WORDS = "Tell my manager when the workload is too much"


def test_chris_proposes_a_goal_on_his_phone_and_dana_confirms_it(
    new_page, page, live_server, personas: Personas, sign_in, screenshot
):
    phone = new_page(**PHONE)
    sign_in(phone, "chris")
    goals = phone.locator("section", has=phone.get_by_role("heading", name="Your goals"))
    expect(goals).to_contain_text("No goals agreed yet.")
    goals.get_by_text("Propose a goal or a change").tap()
    goals.get_by_label("Your goal, in your own words").fill(WORDS)
    screenshot(phone, "goals-propose-phone")
    with phone.expect_navigation():
        goals.get_by_role("button", name="Send to Dana Reyes").tap()

    expect(phone.locator("main")).to_contain_text("Your therapist will talk it over with you.")
    waiting = phone.locator("section", has=phone.get_by_role("heading", name="Your goals"))
    expect(waiting).to_contain_text("Waiting to talk over with Dana Reyes")
    expect(waiting).to_contain_text(WORDS)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the portal scrolls sideways on a phone"
    )
    goal = Goal.objects.get()
    assert goal.status == GoalStatus.PROPOSED and goal.client_words == WORDS

    sign_in(page, "dana")
    page.goto(f"{live_server.url}/clinic/clients/{personas.chris_client.pk}/")
    row = page.locator(f"#goal-{goal.pk}")
    expect(row).to_contain_text(WORDS)
    expect(row).to_contain_text("Proposed by the client")
    row.get_by_label("Your framing (optional)").fill("Assertiveness at work")
    with page.expect_navigation():
        row.get_by_role("button", name="Confirm goal").click()

    expect(page.locator("main")).to_contain_text("Goal confirmed.")
    row = page.locator(f"#goal-{goal.pk}")
    expect(row).to_contain_text("Framing: Assertiveness at work")
    expect(row.get_by_role("button", name="Mark achieved")).to_be_visible()
    screenshot(page, "goals-client-page")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACTIVE

    # Back on the phone: the goal is agreed, and chris rates his progress on the 0-10 scale.
    phone.reload()
    mine = phone.locator(f"#goal-{goal.pk}")
    expect(mine).to_contain_text(WORDS)
    mine.get_by_text("Rate progress").tap()
    mine.get_by_role("radio", name="6", exact=True).tap()
    with phone.expect_navigation():
        mine.get_by_role("button", name="Save rating").tap()
    expect(phone.locator(f"#goal-{goal.pk}")).to_contain_text("Your last rating: 6/10")
    screenshot(phone, "goals-rated-phone")
    assert GoalRating.objects.get().score == 6
