"""A readable difference between two versions of an agreement, section by section, word by word."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from alliance.agreements.models import AgreementVersion
from alliance.agreements.sections import SECTION_KEYS, SECTION_TITLES

Kind = Literal["same", "added", "removed"]
# Words and the spaces between them, so that joining the pieces gives back the text exactly.
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class SectionDiff:
    key: str
    title: str
    parts: list[tuple[Kind, str]]

    @property
    def changed(self) -> bool:
        return any(kind != "same" for kind, _ in self.parts)


def diff_text(old: str, new: str) -> list[tuple[Kind, str]]:
    """``old`` → ``new`` as runs of same, removed and added text (word level)."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    parts: list[tuple[Kind, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            parts.append(("added", "".join(after[j1:j2])))
    return parts


def terms_text(version: AgreementVersion) -> str:
    return (
        f"A session every {version.frequency_days} days, {version.session_minutes} minutes long. "
        f"Cancellations less than {version.late_cancellation_hours} hours ahead count as late."
    )


def diff_versions(old: AgreementVersion, new: AgreementVersion) -> list[SectionDiff]:
    diffs = [
        SectionDiff(
            key,
            SECTION_TITLES[key],
            diff_text(old.sections.get(key, ""), new.sections.get(key, "")),
        )
        for key in SECTION_KEYS
    ]
    diffs.append(SectionDiff("terms", "Session terms", diff_text(terms_text(old), terms_text(new))))
    return diffs
