"""The accessibility scan of the browser tests: axe-core run in the page, over every page a
persona reaches by following links from their home.

axe-core comes from the npm registry, pinned with its integrity hash in ``tools/axe/package-lock.json``
and installed by ``make axe`` (``npm ci --prefix tools/axe``; ``make test-browser`` depends on
it). Nothing is downloaded at test time: without the file the scan tests fail and say how to get it.

- ``axe_violations(page)``: the serious and critical violations on the page shown, each as one
  readable line (rule, impact, what is wrong, where).
- ``reachable_pages(page, start, limit)``: opens the pages a signed-in person reaches by following
  the links of their pages from ``start``, breadth first, one page per address *shape* (numbers
  and query values count as one: ``/clinic/clients/7/`` and ``/clinic/clients/9/`` are the same
  page), up to ``limit``. A page added later is covered as soon as some page links to it.

The page's context must be opened with ``bypass_csp=True``: axe-core is injected as a script
tag, which the product's Content-Security-Policy rightly refuses.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Page

AXE_JS = (
    Path(__file__).resolve().parents[2]
    / "tools"
    / "axe"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

# Links a crawl does not follow: signing out ends the walk, feeds and files are not pages.
SKIPPED = re.compile(
    r"^/(accounts/sign-out|static/|media/|fhir/|healthz)|\.(ics|csv|json|xml|png|svg|pdf|txt)$|/feed/"
)
NUMBER = re.compile(r"\d+")
TOKEN = re.compile(r"/[A-Za-z0-9_-]{20,}/")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(1).join(" "))
  }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    nodes: tuple[str, ...]

    def __str__(self) -> str:
        where = "; ".join(self.nodes[:3]) + (
            f" (+{len(self.nodes) - 3} more)" if len(self.nodes) > 3 else ""
        )
        return f"{self.rule} [{self.impact}] {self.help}: {where}"


def axe_source() -> Path:
    if not AXE_JS.exists():
        raise FileNotFoundError(
            f"{AXE_JS} is missing: run `make axe` (npm ci --prefix tools/axe) first."
        )
    return AXE_JS


def axe_violations(page: Page) -> list[Violation]:
    """The serious and critical violations axe-core finds on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_source()))
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [
        Violation(v["id"], v["impact"], v["help"], tuple(v["nodes"]))
        for v in found
        if v["impact"] in BLOCKING_IMPACTS
    ]


def shape(path: str) -> str:
    """The address with its numbers and tokens made general: one page per shape is enough."""
    return NUMBER.sub("N", TOKEN.sub("/T/", path))


def _links(page: Page, origin: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]", "links => links.map(link => link.getAttribute('href'))"
    )
    found = []
    for href in hrefs:
        absolute = urljoin(page.url, href)
        parts = urlsplit(absolute)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _shape_with_query(address: str) -> str:
    path, _, query = address.partition("?")
    keys = sorted(pair.partition("=")[0] for pair in query.split("&") if pair)
    return shape(path) + ("?" + "&".join(keys) if keys else "")


def reachable_pages(page: Page, start: str, limit: int = 80, per_shape: int = 2) -> Iterator[str]:
    """Open, one after the other, the pages reachable from ``start`` by links, ``per_shape`` of
    each shape, at most ``limit`` in all; yields each address while the page shows it (so the
    caller can scan it). An address that redirects to a page already seen is skipped."""
    parts = urlsplit(start)
    origin = f"{parts.scheme}://{parts.netloc}"
    queue: deque[str] = deque([parts.path])
    queued: dict[str, int] = {_shape_with_query(parts.path): 1}
    shown: set[str] = set()
    while queue and len(shown) < limit:
        address = queue.popleft()
        response = page.goto(origin + address)
        landed = urlsplit(page.url)
        landed_at = landed.path + (f"?{landed.query}" if landed.query else "")
        if response is not None and response.status >= 400:
            continue
        if page.evaluate("document.contentType") != "text/html" or landed_at in shown:
            continue
        shown.add(landed_at)
        for link in _links(page, origin):
            key = _shape_with_query(link)
            if queued.get(key, 0) < per_shape and link not in queue:
                queued[key] = queued.get(key, 0) + 1
                queue.append(link)
        yield landed_at
