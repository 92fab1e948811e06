"""Answering forms in a real browser: the client's check-in on a phone (portal and emailed link),
mistakes on the form, and the therapist's self-rating from the client page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alliance.measures.access import form_link_token
from alliance.measures.models import FormRequest, FormRequestStatus, MeasureResponse
from alliance.testing.browser import PHONE
from alliance.testing.personas import Personas

pytestmark = pytest.mark.browser

INSTRUCTIONS = "Thinking about today's session, how true is each of these for you?"
QUESTIONS = {
    "bond": "Today I felt listened to and taken seriously.",
    "goals": "We spent the time on what matters most to me.",
    "approach": "The way we worked today suited me.",
    "overall": "Today's session was worth my time.",
}
ANSWERS = {"bond": 8, "goals": 6, "approach": 9, "overall": 7}
COMMENT = "Less time on the week's news, more on the plan."


def _answer_url(form_request: FormRequest) -> str:
    return reverse("measures:answer", args=[form_request.pk])


def _link_url(live_server: Any, form_request: FormRequest) -> str:
    token = form_link_token(form_request)
    return f"{live_server.url}{reverse('measures:answer-by-link', args=[token])}"


def _tap_scale(page: Page, question: str, value: int) -> None:
    """Tap one button of a 0-10 scale, found as a person would: by the question, then the number."""
    group = page.get_by_role("group", name=question)
    group.get_by_role("radio", name=str(value), exact=True).tap()
    expect(group.get_by_role("radio", name=str(value), exact=True)).to_be_checked()


def _answer_checkin(page: Page, answers: dict[str, int], comment: str = COMMENT) -> None:
    for link_id, value in answers.items():
        _tap_scale(page, QUESTIONS[link_id], value)
    page.get_by_label("What should we change?").fill(comment)


def _send(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Send").tap()


def _stored(form_request: FormRequest) -> list[MeasureResponse]:
    return list(MeasureResponse.objects.filter(form_request=form_request))


def test_client_answers_the_checkin_from_the_portal_on_a_phone(
    new_page, live_server, personas: Personas, sign_in, screenshot
):
    page = new_page(**PHONE)
    sign_in(page, "chris")

    waiting = page.locator("section", has=page.get_by_role("heading", name="Waiting for you"))
    expect(waiting).to_be_visible()
    form_link = waiting.locator(f'a[href="{_answer_url(personas.chris_checkin)}"]')
    expect(form_link).to_have_text("Session check-in")
    with page.expect_navigation():
        form_link.tap()

    expect(page.get_by_role("heading", name="Session check-in", level=1)).to_be_visible()
    screenshot(page, "checkin-form-phone")
    expect(page.locator(".instructions")).to_contain_text(INSTRUCTIONS)
    _answer_checkin(page, ANSWERS)
    screenshot(page, "checkin-form-answered-phone")
    _send(page)

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.locator("main")).to_contain_text("have reached Dana Reyes")
    screenshot(page, "checkin-thanks-phone")
    [stored] = _stored(personas.chris_checkin)
    assert stored.answers == {**ANSWERS, "change": COMMENT}
    assert stored.total == sum(ANSWERS.values())
    assert stored.source == "portal" and stored.respondent == personas.chris
    personas.chris_checkin.refresh_from_db()
    assert personas.chris_checkin.status == FormRequestStatus.COMPLETED

    # Back to the form's address: the page is not cached, so it comes from the server again and
    # says the answers are in, rather than offering a form to send twice.
    page.go_back()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    assert len(_stored(personas.chris_checkin)) == 1

    # The portal no longer lists it. (A form restored from a back/forward cache and sent again
    # is the stale-tab case below.)
    with page.expect_navigation():
        page.get_by_role("link", name="Back").tap()
    expect(page.get_by_role("heading", name="Hello, Chris")).to_be_visible()
    expect(page.locator(f'a[href="{_answer_url(personas.chris_checkin)}"]')).to_have_count(0)


def test_a_form_left_open_in_another_tab_cannot_store_a_second_response(
    new_page, live_server, personas: Personas, sign_in
):
    page = new_page(**PHONE)
    sign_in(page, "chris")
    page.goto(live_server.url + _answer_url(personas.chris_checkin))
    stale = page.context.new_page()
    stale.goto(live_server.url + _answer_url(personas.chris_checkin))

    # Only the tab in front gets animation frames, which Playwright waits for before a tap.
    page.bring_to_front()
    _answer_checkin(page, ANSWERS)
    _send(page)
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    # The same form, still on screen in the other tab, answered differently and sent.
    stale.bring_to_front()
    _answer_checkin(stale, {"bond": 1, "goals": 1, "approach": 1, "overall": 1}, "Second go")
    _send(stale)
    expect(stale.get_by_role("heading", name="Thank you")).to_be_visible()

    [stored] = _stored(personas.chris_checkin)
    assert stored.answers["bond"] == ANSWERS["bond"]
    assert stored.comment == COMMENT


def test_client_answers_by_emailed_link_without_signing_in(
    new_page, live_server, personas: Personas, screenshot
):
    page = new_page(**PHONE)
    url = _link_url(live_server, personas.chris_checkin)

    page.goto(url)
    expect(page.get_by_role("heading", name="Session check-in", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    _answer_checkin(page, ANSWERS)
    _send(page)

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_role("link", name="Back")).to_have_count(0)  # nowhere to go back to
    [stored] = _stored(personas.chris_checkin)
    assert stored.source == "link" and stored.respondent is None

    # The link again, later, on another device: the answers are in; no form, nothing stored.
    again = new_page(**PHONE)
    again.goto(url)
    expect(again.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(again.get_by_role("button", name="Send")).to_have_count(0)
    screenshot(again, "checkin-link-again-phone")
    assert len(_stored(personas.chris_checkin)) == 1
    assert MeasureResponse.objects.count() == 1


def test_an_unanswered_question_is_pointed_out_and_the_other_answers_are_kept(
    new_page, live_server, personas: Personas, sign_in, console, screenshot
):
    page = new_page(**PHONE)
    sign_in(page, "chris")
    page.goto(live_server.url + _answer_url(personas.chris_checkin))
    # The form has novalidate: the browser does not stop it with its own bubble, the server
    # answers with the form again and the message beside the question (HTTP 400, logged).
    assert page.evaluate("document.querySelector('form.instrument').noValidate") is True
    console.expect("status of 400")

    partial = {k: v for k, v in ANSWERS.items() if k != "goals"}
    _answer_checkin(page, partial)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Send").tap()

    response = navigation.value
    assert response is not None and response.status == 400
    assert _stored(personas.chris_checkin) == []
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please check 1 answer below.")
    # The summary links to the question, by its words.
    expect(summary.get_by_role("link", name=QUESTIONS["goals"])).to_be_visible()
    missing = page.get_by_role("group", name=QUESTIONS["goals"])
    expect(missing).to_have_class("question has-error")
    expect(missing).to_contain_text("Please choose an answer.")
    expect(missing).to_have_accessible_description("Please choose an answer.")
    assert missing.evaluate("el => getComputedStyle(el).borderLeftWidth") == "4px"
    for link_id, value in partial.items():
        group = page.get_by_role("group", name=QUESTIONS[link_id])
        expect(group.get_by_role("radio", name=str(value), exact=True)).to_be_checked()
        expect(group.locator(".errors")).to_have_count(0)
    expect(page.get_by_label("What should we change?")).to_have_value(COMMENT)
    screenshot(page, "checkin-error-phone")

    summary.get_by_role("link", name=QUESTIONS["goals"]).tap()
    assert page.url.endswith("#q-goals")
    _tap_scale(page, QUESTIONS["goals"], ANSWERS["goals"])
    _send(page)

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    [stored] = _stored(personas.chris_checkin)
    assert stored.answers == {**ANSWERS, "change": COMMENT}


def test_the_checkin_fits_a_phone_screen(
    new_page, live_server, personas: Personas, sign_in, screenshot
):
    page = new_page(**PHONE)
    sign_in(page, "chris")
    page.goto(live_server.url + _answer_url(personas.chris_checkin))

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the check-in scrolls sideways on a phone"
    )
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    scales = page.locator(".scale")
    expect(scales).to_have_count(4)
    viewport_width = PHONE["viewport"]["width"]
    for index in range(4):
        buttons = scales.nth(index).locator("label.option")
        expect(buttons).to_have_count(11)
        boxes = [buttons.nth(i).bounding_box() for i in range(11)]
        assert all(box is not None for box in boxes)
        for box in boxes:
            assert box is not None
            assert box["width"] >= 24, f"a scale button is {box['width']}px wide"
            assert box["height"] >= 24
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport_width
        # All eleven on one line, 0 at the left and 10 at the right.
        assert len({round(box["y"]) for box in boxes if box}) == 1
        assert [b["x"] for b in boxes if b] == sorted(b["x"] for b in boxes if b)
        font_px = buttons.first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert font_px >= 16
    ends = page.get_by_role("group", name=QUESTIONS["bond"]).locator(".scale-ends")
    expect(ends).to_contain_text("Not at all")
    expect(ends).to_contain_text("Completely")
    # The end labels are shown once, under the scale, and read out with the end buttons.
    bond = page.get_by_role("group", name=QUESTIONS["bond"])
    expect(bond.get_by_role("radio", name="0 (Not at all)", exact=True)).to_have_count(1)
    expect(bond.get_by_role("radio", name="10 (Completely)", exact=True)).to_have_count(1)
    expect(page.locator(".instructions")).to_be_visible()
    # The instructions come before the first question.
    instructions_box = page.locator(".instructions").bounding_box()
    first_question = page.get_by_role("group", name=QUESTIONS["bond"]).bounding_box()
    assert instructions_box and first_question
    assert instructions_box["y"] < first_question["y"]
    screenshot(page, "checkin-layout-phone")

    # The intake PHQ-9 (answers as a list of words, not a number row) fits as well.
    phq9 = FormRequest.objects.get(episode=personas.chris_episode, instrument_id="phq9")
    page.goto(live_server.url + _answer_url(phq9))
    expect(page.locator(".instructions")).to_contain_text("Over the last 2 weeks")
    expect(page.locator("fieldset.question")).to_have_count(9)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phq9-form-phone")


def test_therapist_answers_the_self_rating_from_the_client_page(
    page, live_server, personas: Personas, sign_in, screenshot
):
    sign_in(page, "dana")
    page.goto(f"{live_server.url}/clinic/clients/{personas.chris_client.pk}/")
    due = page.locator("section", has=page.get_by_role("heading", name="Your self-rating is due"))
    prompt = due.locator(f'a[href="{_answer_url(personas.dana_self_rating)}"]')
    expect(prompt).to_be_visible()
    with page.expect_navigation():
        prompt.click()

    expect(page.get_by_role("heading", name="Therapist's session rating")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Chris Moreau")
    expect(page.locator(".instructions")).to_contain_text("from your side")
    ratings = {
        "The client felt listened to and taken seriously.": 7,
        "We spent the time on what matters most to the client.": 5,
        "The way we worked today suited the client.": 6,
        "Today's session was worth the client's time.": 7,
    }
    for question, value in ratings.items():
        page.get_by_role("group", name=question).get_by_role(
            "radio", name=str(value), exact=True
        ).click()
    page.get_by_label("What I noticed").fill("Chris went quiet when we set homework.")
    screenshot(page, "self-rating-desktop")
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Your self-rating is saved.")
    [stored] = _stored(personas.dana_self_rating)
    assert stored.total == 25 and stored.source == "clinic"
    assert stored.respondent == personas.dana and stored.respondent_role == "therapist"

    with page.expect_navigation():
        page.get_by_role("link", name="Back").click()
    expect(page.get_by_role("heading", name="Chris Moreau", level=1)).to_be_visible()
    expect(page.locator(f'a[href="{_answer_url(personas.dana_self_rating)}"]')).to_have_count(0)
