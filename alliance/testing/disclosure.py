"""What a page says outside its ``<details>`` disclosures, and the developer words found there.

Clinicians and clients read plain words; rule ids (``rupture.own_level``), parameter dumps,
statistics jargon and version strings may appear only behind a disclosure ("How this was worked
out"). ``jargon_outside_details`` finds any that escaped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A signals rule id, e.g. "rupture.own_level", "dropout.risk", "not_on_track.below_expected".
RULE_ID = re.compile(r"\b(?:rupture|low_alliance|not_on_track|dropout|crisis)\.[a-z][a-z_]*[a-z]\b")
JARGON = {
    "rule id": RULE_ID,
    "parameter dump": re.compile(
        r"\bwith (?:the )?(?:parameters|settings)\b|\b[a-z]+_[a-z_]+ \d", re.I
    ),
    "standard deviations": re.compile(r"standard deviation|\bSDs?\b"),
    "version string": re.compile(r"\bcoded by\b|\b\d+\.\d+(?:\.\d+)?\+[0-9a-f]{4,}"),
    # A commit or digest: 12 or more hex digits with at least one letter and one digit.
    "hash": re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{12,}\b"),
}
SKIPPED = {"details", "script", "style", "template", "textarea", "select"}


class _Outside(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def text_outside_details(markup: str) -> str:
    """The page's text, leaving out disclosures (and scripts, styles, form fields' contents)."""
    parser = _Outside()
    parser.feed(markup)
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def jargon_outside_details(markup: str) -> list[tuple[str, str]]:
    """(kind, the words) for each developer word shown outside a disclosure."""
    text = text_outside_details(markup)
    found = []
    for kind, pattern in JARGON.items():
        for match in pattern.finditer(text):
            start = max(0, match.start() - 40)
            found.append((kind, text[start : match.end() + 40]))
    return found
