"""The README's first command, alone, runs everything the product needs.

``make demo`` is started as a newcomer would (with its own data folder and port), and a browser
uses it: the client sends a check-in with the lowest scores and a complaint, and the therapist
sees the rupture on her caseload within a minute; the therapist uploads a transcript and its
report appears. Nothing else is started: if the background worker were not part of the first
command, neither would ever happen.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from alliance.runtime.tests.helpers import free_port, healthz, wait_for
from alliance.testing.browser import PHONE

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
DEMO_PASSWORD = "alliance-demo"
COMPLAINT = "I felt rushed today and you didn't listen to what I said about work."
TRANSCRIPT = """T: Hi Chris. How has the week been?
C: Honestly, a bit rough. Work has been piling up.
T: It sounds like work has been weighing on you.
C: Yes. I keep thinking I'm letting everyone down.
T: What goes through your mind when that thought comes?
C: That I should be coping better than this.
T: So part of you expects more of yourself than you'd expect of anyone else.
C: I suppose that's true.
"""


@pytest.fixture(scope="module")
def first_command(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``make demo`` on a port of its own; its address once the demo practice is served."""
    data = tmp_path_factory.mktemp("first-command")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ALLIANCE_", "DJANGO_", "PYTEST", "DATABASE_URL"))
    }
    env |= {"ALLIANCE_DATA_DIR": str(data), "PORT": str(port)}
    log = data / "make-demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen(
            ["make", "demo"],  # noqa: S607
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(
            "the demo practice to be served",
            lambda: demo.poll() is None and (health := healthz(port)) and health["status"] == "ok",
            timeout=300,
        )
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(demo)
        if demo.returncode not in (0, -signal.SIGTERM):
            print(log.read_text()[-3000:])


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_a_low_checkin_with_a_complaint_reaches_the_therapist_within_a_minute(
    first_command, new_page, screenshot
):
    client = new_page(**PHONE)
    _sign_in(client, first_command, "chris")
    with client.expect_navigation():
        client.get_by_role("link", name="Session check-in").tap()
    for group in client.get_by_role("group").all():
        group.get_by_role("radio", name=re.compile(r"^0\b")).tap()
    client.get_by_label("What should we change?").fill(COMPLAINT)
    with client.expect_navigation():
        client.get_by_role("button", name="Send").tap()
    sent_at = time.monotonic()

    therapist = new_page()
    _sign_in(therapist, first_command, "dana")
    chris = therapist.get_by_role("row").filter(has_text=re.compile(r"\bChris\b"))
    while "Rupture" not in chris.inner_text() and time.monotonic() - sent_at < 60:
        therapist.wait_for_timeout(2_000)
        therapist.reload()
    seen_after = time.monotonic() - sent_at

    expect(chris).to_contain_text("Rupture")
    assert seen_after < 60, f"the rupture showed after {seen_after:.0f} s"
    expect(therapist.locator("#background-behind")).to_have_count(0)
    screenshot(therapist, "first-command-rupture-on-caseload")


def test_an_uploaded_transcript_is_analysed_without_anything_else(first_command, new_page):
    therapist = new_page()
    _sign_in(therapist, first_command, "dana")
    with therapist.expect_navigation():
        therapist.get_by_role("link", name=re.compile(r"\bChris\b")).first.click()
    attended = therapist.get_by_role("row").filter(has_text="Attended").first
    with therapist.expect_navigation():
        attended.get_by_role("link", name=re.compile(r"^Session")).click()
    therapist.get_by_label("Transcript file").set_input_files(
        {"name": "session.txt", "mimeType": "text/plain", "buffer": TRANSCRIPT.encode()}
    )
    with therapist.expect_navigation():
        therapist.get_by_role("button", name="Upload and analyse").click()

    expect(therapist.get_by_role("heading", name="The coded transcript")).to_be_visible(
        timeout=60_000
    )
    expect(therapist.locator("main")).to_contain_text("letting everyone down")
