"""Every page of every demo persona passes an axe-core scan with no serious or critical
violation: the therapist, the supervisor and the admin on a desktop, the client on a desktop and
on a phone. The pages are found by following links from each persona's home
(alliance/testing/axe.py), so a new page is scanned as soon as a page links to it."""

from __future__ import annotations

from datetime import date

import pytest

from alliance.demo.generator import load_demo_practice
from alliance.demo.staff_and_clients import DEMO_PASSWORD
from alliance.testing.axe import axe_violations, reachable_pages
from alliance.testing.browser import ARTIFACTS_DIR, DESKTOP, PHONE

pytestmark = pytest.mark.browser

SEED = 2026
# Enough for every page shape a persona reaches today (about 25 for a therapist), with room for
# new ones; the walk stops earlier when nothing new is linked.
PAGE_LIMIT = 120

PERSONAS = [
    pytest.param("dana", "/clinic/", {"viewport": DESKTOP}, id="therapist-desktop"),
    pytest.param("sam", "/clinic/supervision/", {"viewport": DESKTOP}, id="supervisor-desktop"),
    pytest.param("alex", "/administration/", {"viewport": DESKTOP}, id="admin-desktop"),
    pytest.param("chris", "/portal/", {"viewport": DESKTOP}, id="client-desktop"),
    pytest.param("chris", "/portal/", PHONE, id="client-phone"),
]


@pytest.fixture
def demo_practice(transactional_db):
    return load_demo_practice(seed=SEED, today=date.today())


@pytest.mark.parametrize(("username", "home", "device"), PERSONAS)
def test_every_page_of_the_persona_passes_axe(
    username, home, device, demo_practice, new_page, live_server, sign_in, console
):
    page = new_page(bypass_csp=True, **device)
    console.expect("status of 404")  # a link the walk follows may answer "not found" on purpose
    sign_in(page, username, DEMO_PASSWORD)
    problems: dict[str, list[str]] = {}
    scanned = []
    for address in reachable_pages(page, f"{live_server.url}{home}", limit=PAGE_LIMIT):
        scanned.append(address)
        found = axe_violations(page)
        if found:
            problems[address] = [str(violation) for violation in found]

    ARTIFACTS_DIR.mkdir(exist_ok=True)  # which pages were scanned, to look at
    (ARTIFACTS_DIR / f"axe-pages-{username}-{device['viewport']['width']}.txt").write_text(
        "\n".join(scanned) + "\n"
    )
    assert len(scanned) >= 3, f"the walk found too few pages: {scanned}"
    report = "\n".join(f"{address}\n  " + "\n  ".join(lines) for address, lines in problems.items())
    assert not problems, (
        f"serious or critical violations on {len(problems)} of {len(scanned)} pages:\n{report}"
    )


def test_the_scan_finds_an_unlabelled_button_and_low_contrast(new_page):
    page = new_page()
    page.set_content(
        "<html lang='en'><title>t</title><main><h1>Page</h1><button></button>"
        "<p style='color:#bbb;background:#fff'>faint text</p></main></html>"
    )

    rules = {violation.rule for violation in axe_violations(page)}

    assert {"button-name", "color-contrast"} <= rules
