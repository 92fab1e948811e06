"""Coding turns and building the report: the one place that asks for the coder.

The coder lives in ``alliance.conversation.coder`` and is imported only when needed, so this
module (and the pages, the task and the command that use it) import without it. Tests pass their
own ``Coder`` or replace ``current_coder``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alliance.conversation.coding import CodedTurn, Coder, Turn
from alliance.conversation.report import Report, build_report


def current_coder() -> Coder:
    from alliance.conversation.coder import active_coder

    return active_coder()


@dataclass(frozen=True)
class Analysis:
    coder_name: str
    coder_version: str
    coded: list[CodedTurn]
    report: Report


def analyse(turns: Sequence[Turn], coder: Coder | None = None) -> Analysis:
    coder = coder or current_coder()
    coded = coder.code(turns)
    if len(coded) != len(turns):
        raise ValueError(
            f"the coder {coder.name} returned {len(coded)} coded turns for {len(turns)} turns"
        )
    return Analysis(coder.name, coder.version, coded, build_report(coded))
