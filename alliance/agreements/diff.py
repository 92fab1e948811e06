"""A readable difference between two versions of an agreement: section by section, paragraph by
paragraph, and within a paragraph that changed a little, by words (never by letters). Short
unchanged stretches between two changes are folded into them, so that a rewritten phrase reads
as the old phrase struck out and the new one added."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from alliance.agreements.models import AgreementVersion
from alliance.agreements.sections import SECTION_KEYS, SECTION_TITLES

Kind = Literal["same", "added", "removed"]
LineKind = Literal["same", "added", "removed", "changed"]
# Words and the spaces between them, so that joining the pieces gives back the text exactly.
_TOKENS = re.compile(r"\s+|[^\s]+")
# Two versions of a paragraph this alike are shown as one paragraph with its words marked; less
# alike, as the old paragraph removed and the new one added (easier to read than a patchwork).
SAME_PARAGRAPH = 0.4
# An unchanged stretch of at most this many words between two changes is folded into them, so
# a rewritten sentence reads as "old words" → "new words", not word for word.
FOLD_WORDS = 2


@dataclass(frozen=True)
class DiffLine:
    """One paragraph: unchanged, added, removed, or changed (then ``parts`` mark its words)."""

    kind: LineKind
    parts: list[tuple[Kind, str]]


@dataclass(frozen=True)
class SectionDiff:
    key: str
    title: str
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)

    @property
    def parts(self) -> list[tuple[Kind, str]]:
        """Every run of every paragraph, in order (paragraphs joined by a line break)."""
        runs: list[tuple[Kind, str]] = []
        for index, line in enumerate(self.lines):
            if index:
                runs.append(("same", "\n"))
            runs.extend(line.parts)
        return runs


def _chunks(before: list[str], after: list[str]) -> list[tuple[str, str, str]]:
    """(tag, old text, new text) for each run of equal or differing tokens."""
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return [
        (tag, "".join(before[i1:i2]), "".join(after[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def _fold(chunks: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Fold short unchanged stretches between two changes into them."""
    folded: list[tuple[str, str, str]] = []
    for index, chunk in enumerate(chunks):
        between = 0 < index < len(chunks) - 1 and chunks[index + 1][0] != "equal"
        short = chunk[0] == "equal" and len(chunk[1].split()) <= FOLD_WORDS
        if folded and folded[-1][0] != "equal" and (chunk[0] != "equal" or (between and short)):
            _, old, new = folded.pop()
            folded.append(("replace", old + chunk[1], new + chunk[2]))
        else:
            folded.append(chunk)
    return folded


def diff_text(old: str, new: str) -> list[tuple[Kind, str]]:
    """``old`` → ``new`` as runs of same, removed and added text (by words)."""
    parts: list[tuple[Kind, str]] = []
    for tag, before, after in _fold(_chunks(_TOKENS.findall(old), _TOKENS.findall(new))):
        if tag == "equal":
            parts.append(("same", before))
            continue
        if before:
            parts.append(("removed", before))
        if after:
            parts.append(("added", after))
    return parts


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _pair(old: str, new: str) -> list[DiffLine]:
    """A paragraph and what replaced it: one changed paragraph if they are alike, else two."""
    alike = difflib.SequenceMatcher(a=old.split(), b=new.split(), autojunk=False).ratio()
    if alike >= SAME_PARAGRAPH:
        return [DiffLine("changed", diff_text(old, new))]
    return [DiffLine("removed", [("removed", old)]), DiffLine("added", [("added", new)])]


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """``old`` → ``new`` paragraph by paragraph, and within a changed paragraph word by word."""
    before, after = _paragraphs(old), _paragraphs(new)
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", [("same", text)]) for text in before[i1:i2]]
            continue
        olds, news = before[i1:i2], after[j1:j2]
        for old_line, new_line in zip(olds, news, strict=False):
            lines += _pair(old_line, new_line)
        lines += [DiffLine("removed", [("removed", text)]) for text in olds[len(news) :]]
        lines += [DiffLine("added", [("added", text)]) for text in news[len(olds) :]]
    return lines


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
            diff_lines(old.sections.get(key, ""), new.sections.get(key, "")),
        )
        for key in SECTION_KEYS
    ]
    diffs.append(
        SectionDiff("terms", "Session terms", diff_lines(terms_text(old), terms_text(new)))
    )
    return diffs
