"""Every page of the demo practice, for every demo account, in words its reader uses.

The demo is loaded as `alliance demo` loads it; each account then follows every link it is shown
(GET only, within the site), as a new user exploring would. No page may fail, and no page may
show a rule id, a parameter dump, statistics jargon or a version string outside a ``<details>``
disclosure ("How this was worked out"). On each client page, the summary line at the top must
agree with what the page shows below it.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from alliance.accounts.models import User
from alliance.demo.generator import load_demo_practice
from alliance.testing.disclosure import jargon_outside_details, text_outside_details

PERSONAS = ("dana", "sam", "alex", "chris")
# Pages of one kind (the same address but for its numbers) visited at most this often: every
# kind of page is seen, with enough instances to meet every kind of flag in the demo.
PER_KIND = 40
# The admin's page of signal rules is where rule ids, parameters and their statistics are the
# subject: the practice's admin tunes them there. It is walked (it must not fail) but not read
# for jargon. Every page a therapist, a supervisor or a client sees is.
CONFIGURATION = {"/administration/signals/"}
SKIPPED = re.compile(r"^/(static|media)/|^/accounts/sign-out|^/healthz|\.ics$|/feed/|/export")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def _links(markup: str, here: str) -> list[str]:
    parser = _Links()
    parser.feed(markup)
    found = []
    for href in parser.found:
        address = urldefrag(href)[0]
        if address.startswith("?"):
            address = urlsplit(here).path + address
        parts = urlsplit(address)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if not SKIPPED.search(parts.path):
            found.append(address)
    return found


def _kind(address: str) -> str:
    return re.sub(r"\d+", "N", address)


@dataclass
class Walk:
    pages: dict[str, str] = field(default_factory=dict)  # address -> HTML
    problems: list[str] = field(default_factory=list)


def _walk(browser: HttpClient) -> Walk:
    walk, queue, seen = Walk(), deque(["/"]), {"/"}
    kinds: Counter[str] = Counter()
    while queue:
        address = queue.popleft()
        response = browser.get(address, follow=True)
        if response.status_code >= 400:
            walk.problems.append(f"{address}: status {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        markup = response.content.decode()
        walk.pages[address] = markup
        for link in _links(markup, address):
            if link not in seen and kinds[_kind(link)] < PER_KIND:
                seen.add(link)
                kinds[_kind(link)] += 1
                queue.append(link)
    return walk


def _summary_agrees(address: str, markup: str) -> list[str]:
    """A client page whose summary says nothing needs attention shows nothing open below."""
    found = re.search(r'<p class="summary summary-(\w+)"[^>]*>(.*?)</p>', markup, re.S)
    if found is None:
        return [f"{address}: no summary line"]
    level, below = found.group(1), text_outside_details(markup[found.end() :])
    if level == "calm" and (
        "Not yet acknowledged" in below
        or "Acknowledge" in re.sub(r"Acknowledged", "", below)
        or "Dropout risk: high" in below
    ):
        return [f"{address}: summary '{found.group(2).strip()}' above something open"]
    if "Nothing open: no flags" in below and "Dropout risk: high" in below:
        return [f"{address}: 'nothing open' above a high dropout risk"]
    return [
        f"{address}: the summary's {percent} % dropout risk is not the panel's"
        for percent in re.findall(r"dropout risk \((\d+) %\)", found.group(2))
        if f"{percent} % chance of leaving" not in below
    ]


@pytest.fixture
def demo(db):
    return load_demo_practice(seed=2026, today=timezone.localdate())


def test_every_demo_page_is_in_plain_words_outside_disclosures(demo):
    problems: list[str] = []
    visited = {}
    for username in PERSONAS:
        browser = HttpClient(HTTP_HOST="127.0.0.1")
        browser.force_login(User.objects.get(username=username))
        walk = _walk(browser)
        visited[username] = len(walk.pages)
        problems += [f"{username} {problem}" for problem in walk.problems]
        for address, markup in walk.pages.items():
            if address in CONFIGURATION:
                continue
            problems += [
                f"{username} {address}: {kind}: …{words}…"
                for kind, words in jargon_outside_details(markup)
            ]
            if re.fullmatch(r"/clinic/clients/\d+/(\?.*)?", address):
                problems += [f"{username} {p}" for p in _summary_agrees(address, markup)]
    # The walk really went everywhere: each account saw many pages, the staff every client.
    assert visited["dana"] > 40 and visited["sam"] > 20, visited
    assert visited["alex"] > 5 and visited["chris"] > 5, visited
    assert problems == [], "\n".join(problems[:200])
