"""The phrase banks ``write_examples`` combines, read from this folder's TOML files.

``topics.toml`` (what clients talk about, slot by slot), ``therapist_lines.toml`` and
``therapist_speech.toml`` (therapist utterances by code) and ``client_lines.toml`` (client
utterances by talk type, and the rupture markers). They are data, written for Alliance (see
NOTICE.md): edit a file, then run ``write_examples`` to regenerate ``examples.csv``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypedDict, cast

HERE = Path(__file__).resolve().parent


class Topic(TypedDict):
    """One counselling topic's slots (their meaning is in the header of topics.toml)."""

    key: str
    it: list[str]
    ger: list[str]
    change: list[str]
    amount: list[str]
    good: list[str]
    bad: list[str]
    steps: list[str]
    tips: list[str]
    facts: list[str]
    people: list[str]
    values: list[str]
    feel: list[str]
    sustain: list[str]
    reasons: list[str]


@dataclass(frozen=True)
class Bank:
    """One file's utterances by code: templates with topic slots, and whole lines."""

    templates: dict[str, list[str]]
    lines: dict[str, list[str]]


@cache
def read(filename: str) -> dict[str, Any]:
    """One bank file of this folder, as TOML gives it (tables keep the file's order)."""
    with (HERE / filename).open("rb") as file:
        return tomllib.load(file)


def read_bank(filename: str) -> Bank:
    data = read(filename)
    return Bank(templates=data["templates"], lines=data["lines"])


def _markers(name: str) -> list[tuple[str, str]]:
    """Whole client lines showing a marker, each with its talk type."""
    return [(text, talk) for text, talk in read("client_lines.toml")[name]]


TOPICS: list[Topic] = [cast(Topic, topic) for topic in read("topics.toml")["topics"]]
THERAPIST_LINES = read_bank("therapist_lines.toml")
THERAPIST_SPEECH = read_bank("therapist_speech.toml")
CLIENT_LINES = read_bank("client_lines.toml")
SUMMARY_OPENINGS: list[str] = read("therapist_lines.toml")["summary_openings"]
PERMISSION_QUESTIONS: list[str] = read("therapist_lines.toml")["permission_questions"]
EXTRA_SLOTS: dict[str, list[str]] = read("therapist_speech.toml")["extra_slots"]
WITHDRAWAL = _markers("withdrawal")
CONFRONTATION = _markers("confrontation")
