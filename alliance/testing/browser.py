"""Fixtures for the browser tests: headless Chromium driven through Playwright's sync API.

The system Chromium (Debian's ``/usr/bin/chromium``) is used, never a downloaded one, and every
background feature that would reach the network is off: the test machines have no network.

- ``chromium``: one browser for the whole session (starting it costs about a second).
- ``new_page(**context_options)``: a page in a fresh browser context (own cookies and storage),
  closed after the test. Options go to ``Browser.new_context``: a phone viewport, no JavaScript...
- ``page``: a desktop-sized page from ``new_page``.
- ``console``: what the pages of this test wrote to the browser console. Errors there (a blocked
  script or style under the Content-Security-Policy, a JavaScript exception, a failed request)
  fail the test at teardown unless the test said it expects them.
- ``sign_in(page, username)``: signs in through the real sign-in form.
- ``screenshot(page, name)``: saves a full-page PNG under ``test-artifacts/`` to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from alliance.testing.personas import PASSWORD

CHROMIUM = os.environ.get("ALLIANCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the test machines run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# Long enough for a slow CI machine, short enough that a missing element fails fast.
TIMEOUT_MS = 10_000


@dataclass
class ConsoleLog:
    """Console errors and uncaught exceptions from every page a test opened."""

    problems: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.problems.append(f"{message.type}: {message.text}")

    def expect(self, fragment: str) -> None:
        """Say that a console message containing ``fragment`` is part of what the test checks."""
        self.expected.append(fragment)

    def unexpected(self) -> list[str]:
        return [
            problem
            for problem in self.problems
            if not any(fragment in problem for fragment in self.expected)
        ]

    def csp_violations(self) -> list[str]:
        return [problem for problem in self.problems if "Content Security Policy" in problem]


class NewPage(Protocol):
    def __call__(self, **context_options: Any) -> Page: ...


class SignIn(Protocol):
    def __call__(self, page: Page, username: str, password: str = PASSWORD) -> None: ...


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio event loop on this thread, so Django's guard against
    # blocking database calls inside async code would refuse the ORM calls these tests make to set
    # up data and check results. Nothing here is really async: the loop only talks to Chromium,
    # and the server under test runs in its own thread. Test-only; never set it in the product.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def new_page(chromium: Browser, console: ConsoleLog) -> Iterator[NewPage]:
    contexts: list[BrowserContext] = []

    def open_page(**context_options: Any) -> Page:
        context_options.setdefault("viewport", DESKTOP)
        context = chromium.new_context(**context_options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        console.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    unexpected = console.unexpected()
    assert not unexpected, "the browser console reported problems:\n" + "\n".join(unexpected)


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page()


@pytest.fixture
def sign_in(live_server: Any) -> SignIn:
    def sign_in_as(page: Page, username: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()

    return sign_in_as


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    def save(page: Page, name: str) -> Path:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        path = ARTIFACTS_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
