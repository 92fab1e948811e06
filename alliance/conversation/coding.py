"""The coding vocabulary and the shapes every part of conversation analysis shares.

A transcript is parsed into ``Turn``s (``alliance.conversation.importers``); a ``Coder``
(``alliance.conversation.coder``) gives each turn its codes; the report
(``alliance.conversation.report``) turns coded turns into figures. The code names are a public
interface (``alliance analyze --json``, docs/conversation.md): change them only with the docs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

THERAPIST = "therapist"
CLIENT = "client"
SPEAKERS = (THERAPIST, CLIENT)

# Therapist behaviour codes (MITI 4.2.1-inspired, plus what the sources name: validation,
# advice, self-disclosure, judgment, structuring).
OPEN_QUESTION = "open_question"
CLOSED_QUESTION = "closed_question"
SIMPLE_REFLECTION = "simple_reflection"
COMPLEX_REFLECTION = "complex_reflection"
AFFIRMATION = "affirmation"
ADVICE = "advice"
INFORMATION = "information"
SELF_DISCLOSURE = "self_disclosure"
JUDGMENT = "judgment"
STRUCTURING = "structuring"
OTHER = "other"
THERAPIST_CODES = (
    OPEN_QUESTION,
    CLOSED_QUESTION,
    SIMPLE_REFLECTION,
    COMPLEX_REFLECTION,
    AFFIRMATION,
    ADVICE,
    INFORMATION,
    SELF_DISCLOSURE,
    JUDGMENT,
    STRUCTURING,
    OTHER,
)

# Client talk type (one per turn) and rupture markers (added to ``codes`` when present).
CHANGE_TALK = "change_talk"
SUSTAIN_TALK = "sustain_talk"
NEUTRAL = "neutral"
CLIENT_PRIMARY = (CHANGE_TALK, SUSTAIN_TALK, NEUTRAL)
WITHDRAWAL = "withdrawal"
CONFRONTATION = "confrontation"
CLIENT_MARKERS = (WITHDRAWAL, CONFRONTATION)


@dataclass(frozen=True)
class Turn:
    index: int  # 0-based position in the transcript
    speaker: str  # THERAPIST or CLIENT
    text: str
    start: float | None = None  # seconds from the start of the recording, when known
    end: float | None = None
    line: int | None = None  # the source line the turn began on (for error messages)


@dataclass(frozen=True)
class CodedTurn:
    turn: Turn
    codes: tuple[str, ...]  # every code that applies; a long turn may carry several
    primary: str  # the one code that best describes the turn
    # Extra facts a figure needs, e.g. {"permission": True} on advice given after asking.
    detail: dict[str, Any] = field(default_factory=dict)


class Coder(Protocol):
    """Anything that codes turns: the shipped coder, or one a practice trained."""

    name: str
    version: str

    def code(self, turns: Sequence[Turn]) -> list[CodedTurn]: ...
