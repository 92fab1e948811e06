"""Labelled examples: the CSV a coder is trained from (the shipped one, or a practice's own).

Columns ``speaker,text,primary,codes``; ``codes`` is ``;``-separated and may be empty (it then
holds just the primary). Therapist codes are ``coding.THERAPIST_CODES``; a client row's primary
is a talk type and its codes may add the markers ``withdrawal`` and ``confrontation``.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from alliance.conversation import coding

COLUMNS = ("speaker", "text", "primary", "codes")
SHIPPED_EXAMPLES = Path(__file__).resolve().parent / "training" / "examples.csv"


class ExampleError(ValueError):
    """A training file that cannot be used; the message names the line."""


@dataclass(frozen=True)
class Example:
    speaker: str
    text: str
    primary: str
    codes: tuple[str, ...]
    line: int = 0


def _allowed(speaker: str) -> tuple[frozenset[str], frozenset[str]]:
    """(codes allowed as primary, codes allowed in codes) for a speaker."""
    if speaker == coding.THERAPIST:
        return frozenset(coding.THERAPIST_CODES), frozenset(coding.THERAPIST_CODES)
    return frozenset(coding.CLIENT_PRIMARY), frozenset(
        coding.CLIENT_PRIMARY + coding.CLIENT_MARKERS
    )


def parse_row(row: dict[str, str | None], line: int) -> Example:
    speaker = (row.get("speaker") or "").strip().lower()
    text = " ".join((row.get("text") or "").split())
    primary = (row.get("primary") or "").strip().lower()
    raw_codes = [code.strip().lower() for code in (row.get("codes") or "").split(";")]
    if speaker not in coding.SPEAKERS:
        raise ExampleError(f"line {line}: speaker must be therapist or client, not {speaker!r}")
    if not text:
        raise ExampleError(f"line {line}: the text is empty")
    primaries, allowed = _allowed(speaker)
    if primary not in primaries:
        raise ExampleError(
            f"line {line}: unknown {speaker} primary code {primary!r} "
            f"(one of: {', '.join(sorted(primaries))})"
        )
    codes = [primary]
    for code in raw_codes:
        if not code or code in codes:
            continue
        if code not in allowed:
            raise ExampleError(
                f"line {line}: unknown {speaker} code {code!r} (one of: {', '.join(sorted(allowed))})"
            )
        if speaker == coding.CLIENT and code in coding.CLIENT_PRIMARY:
            raise ExampleError(
                f"line {line}: a client turn has one talk type; {code!r} is not the primary "
                f"{primary!r}"
            )
        codes.append(code)
    return Example(speaker, text, primary, tuple(codes), line)


def read_examples(path: Path) -> list[Example]:
    """Every row of a training CSV, or an ``ExampleError`` naming the first bad line."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ExampleError(f"cannot read {path}: {error.strerror}") from error
    with handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise ExampleError(
                f"line 1: the header must name the columns {', '.join(COLUMNS)} "
                f"(missing: {', '.join(missing)})"
            )
        try:
            return [parse_row(row, reader.line_num) for row in reader]
        except csv.Error as error:
            raise ExampleError(f"line {reader.line_num}: {error}") from error


def write_examples(path: Path, examples: Iterable[Example]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for example in examples:
            writer.writerow(
                [example.speaker, example.text, example.primary, ";".join(example.codes)]
            )


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
