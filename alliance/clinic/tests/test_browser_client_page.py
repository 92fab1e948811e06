"""The client page of a client with a long history, in a real browser, on a desktop and a phone:
jump between sections, page through the appointments, read charts whose labels are all inside
the picture and whose marked dots are all named, and tap a crisis number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from alliance.agreements.services import draft_agreement
from alliance.clinic.client_page import PER_PAGE
from alliance.measures.models import ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.practice.models import CareEpisode
from alliance.testing.browser import ARTIFACTS_DIR, PHONE
from alliance.testing.personas import SETUP, Personas
from alliance.testing.queries import add_history

pytestmark = pytest.mark.browser

# Every label of every chart, and whether it lies inside its figure (a label cut off by the
# edge of the picture, or spilling out of its card, is not inside).
LABELS_OUTSIDE = """() => {
  const outside = [];
  for (const figure of document.querySelectorAll('figure.chart')) {
    const svg = figure.querySelector('svg');
    if (!svg) continue;
    const box = figure.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        outside.push(figure.id + ': ' + text.textContent);
      }
    }
  }
  return outside;
}"""


def _answers_over_time(episode: CareEpisode, weeks: int) -> None:
    """A check-in each week (with a comment now and then) and a PHQ-9 every fourth week."""
    start = timezone.now() - timedelta(weeks=weeks)
    checkin, phq9 = get_instrument("alliance-checkin"), get_instrument("phq9")
    for week in range(weeks):
        at = start + timedelta(weeks=week)
        answers = {"bond": str(6 + week % 4), "goals": "8", "approach": "8", "overall": "8"}
        answers["change"] = "Felt rushed." if week % 7 == 3 else ""
        submit_response(
            actor=SETUP,
            instrument=checkin,
            episode=episode,
            raw_answers=answers,
            source=ResponseSource.DEMO,
            submitted_at=at,
        )
        if week % 4 == 0:
            level = 3 - min(3, week // 8)
            submit_response(
                actor=SETUP,
                instrument=phq9,
                episode=episode,
                raw_answers={item.link_id: level for item in phq9.scored_items},
                source=ResponseSource.DEMO,
                submitted_at=at,
            )


def _long_history(personas: Personas) -> str:
    add_history(personas.chris_episode, past=30, upcoming=2)
    _answers_over_time(personas.chris_episode, 30)
    draft_agreement(actor=SETUP, episode=personas.chris_episode)
    return reverse("clinic:client", kwargs={"client_id": personas.chris_client.pk})


def _charts_are_readable(page: Page) -> None:
    charts = page.locator("#measures figure.chart")
    expect(charts.first).to_be_visible()
    assert page.evaluate(LABELS_OUTSIDE) == []
    # Seven months of answers: months on the time axis, not only the first and last date.
    for spread in ("figure[id^='alliance-']", "figure[id$='-phq9']"):
        ticks = page.locator(f"#measures {spread} svg text.tick[text-anchor='middle']")
        assert ticks.count() >= 3, spread
    for index in range(charts.count()):
        chart = charts.nth(index)
        # Every kind of ringed dot drawn is named in the legend.
        drawn = {
            kind
            for kind in ("marked", "has-note", "above-expected")
            if chart.locator(f"circle.dot.{kind}").count()
        }
        named = {
            kind
            for kind in ("marked", "has-note", "above-expected")
            if chart.locator(f".legend .key.marker.{kind}").count()
        }
        assert drawn == named, (chart.get_attribute("id"), drawn, named)


def _section_shot(page: Page, section: str, name: str) -> None:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.locator(f"#{section}").screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"))


def test_a_long_history_on_a_desktop(page, live_server, personas, sign_in, screenshot):
    url = _long_history(personas)
    sign_in(page, "dana")
    page.goto(live_server.url + url)

    expect(page.locator("p.summary")).to_be_visible()
    nav = page.get_by_role("navigation", name="Sections of this page")
    nav.get_by_role("link", name="Sessions").click()
    assert page.url.endswith("#sessions")
    expect(page.get_by_role("heading", name="Sessions", level=2)).to_be_in_viewport()

    rows = page.locator("table.appointments tbody tr")
    expect(rows).to_have_count(PER_PAGE)
    first_page = rows.first.get_attribute("id")
    page.get_by_role("link", name="Older appointments →").click()
    expect(rows).to_have_count(PER_PAGE)
    assert rows.first.get_attribute("id") != first_page
    expect(page.get_by_role("link", name="← Newer appointments")).to_be_visible()
    screenshot(page, "clinic-client-long-history-desktop")

    _charts_are_readable(page)
    _section_shot(page, "measures", "clinic-client-charts-desktop")


def test_a_long_history_on_a_phone(new_page, live_server, personas, sign_in, screenshot):
    url = _long_history(personas)
    page = new_page(**PHONE)
    sign_in(page, "dana")
    page.goto(live_server.url + url)

    _charts_are_readable(page)
    _section_shot(page, "measures", "clinic-client-charts-phone")
    page.get_by_role("navigation", name="Sections of this page").get_by_role(
        "link", name="Agreement"
    ).tap()
    # The history holds a PHQ-9 with item 9 above 0 (a safety answer): the crisis procedure
    # is shown open, without a tap.
    expect(page.locator("#agreement details.crisis-procedure")).to_have_attribute("open", "")
    crisis_line = page.locator("#agreement a[href^='tel:']").first
    expect(crisis_line).to_be_visible()
    screenshot(page, "clinic-client-agreement-phone")
