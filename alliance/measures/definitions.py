"""What an instrument is once loaded: its items and its scoring rules, independent of files.

An instrument on disk is a folder holding a FHIR ``Questionnaire`` (``questionnaire.json``) and its
scoring rules (``scoring.json``); ``alliance.measures.registry`` reads and checks both and builds
these objects. Scoring (``alliance.measures.scoring``) works on these objects only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# The instruments the product itself relies on (after every session, every few sessions, and
# the headline outcome on the caseload). Every other instrument is content a practice chooses.
CHECKIN_ID = "alliance-checkin"
REVIEW_ID = "alliance-review"
SELF_RATING_ID = "alliance-self-rating"
HEADLINE_OUTCOME_ID = "phq9"


class InstrumentKind(StrEnum):
    ALLIANCE_CHECKIN = "alliance_checkin"  # short client form after every session
    ALLIANCE_REVIEW = "alliance_review"  # longer client form every few sessions
    SELF_RATING = "self_rating"  # the therapist's own rating, mirroring the check-in
    OUTCOME = "outcome"  # symptom or wellbeing measure (PHQ-9, GAD-7, ...)


class Respondent(StrEnum):
    CLIENT = "client"
    THERAPIST = "therapist"


class ItemType(StrEnum):
    CHOICE = "choice"  # one of the answer options, each with a numeric value
    INTEGER = "integer"  # a number between min_value and max_value (e.g. a 0-10 scale)
    TEXT = "text"  # free text, never scored


class Aggregation(StrEnum):
    SUM = "sum"
    MEAN = "mean"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"  # alliance: a low score is the concern
    HIGHER_IS_WORSE = "higher_is_worse"  # symptoms: a high score is the concern


@dataclass(frozen=True)
class AnswerOption:
    value: int
    code: str
    display: str


@dataclass(frozen=True)
class Item:
    link_id: str
    text: str
    type: ItemType
    required: bool = True
    options: tuple[AnswerOption, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    # Labels for the two ends of an integer scale, shown beside a slider or number row.
    min_label: str = ""
    max_label: str = ""
    reverse_keyed: bool = False
    loinc: str | None = None
    # An answer at or above this value raises an immediate safety flag (PHQ-9 item 9: 1).
    safety_threshold: int | None = None

    @property
    def scored(self) -> bool:
        return self.type != ItemType.TEXT

    @property
    def lowest(self) -> int:
        if self.options:
            return min(option.value for option in self.options)
        return self.min_value or 0

    @property
    def highest(self) -> int:
        if self.options:
            return max(option.value for option in self.options)
        return self.max_value or 0


@dataclass(frozen=True)
class Band:
    """A severity (or quality) band: scores from ``minimum`` up to the next band's minimum."""

    minimum: float
    label: str


@dataclass(frozen=True)
class MissingRule:
    """How many scored items may be unanswered before the total is not computed.

    With ``prorate`` a sum is scaled up by answered/total items (the usual rule for PHQ-9 and
    GAD-7 when at most one or two items are missing); a mean simply averages answered items.
    """

    max_missing: int = 0
    prorate: bool = True


@dataclass(frozen=True)
class ScoringRules:
    aggregation: Aggregation
    direction: Direction
    score_min: float
    score_max: float
    subscales: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bands: tuple[Band, ...] = ()
    # "Concern" when the total is below the cut-off (higher_is_better) or at/above it (worse).
    cutoff: float | None = None
    # The smallest change in total that counts as reliable (Jacobson-Truax style).
    reliable_change: float | None = None
    missing: MissingRule = field(default_factory=MissingRule)
    total_loinc: str | None = None
    source: str = ""  # where the cut-off, bands and reliable-change figures come from


@dataclass(frozen=True)
class Instrument:
    id: str  # stable identifier, also the Questionnaire.id ("phq9", "alliance-checkin")
    version: str
    title: str
    kind: InstrumentKind
    respondent: Respondent
    items: tuple[Item, ...]
    scoring: ScoringRules
    questionnaire: dict[str, Any]  # the FHIR Questionnaire JSON as loaded
    validated: bool = False  # a published, validated instrument (not one written here)
    licence: str = ""
    loinc: str | None = None  # panel code
    description: str = ""
    # What the respondent reads before the items ("Over the last 2 weeks, how often..."): the
    # text of the Questionnaire's display items, in order.
    instructions: str = ""

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    @property
    def text_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not item.scored)

    def item(self, link_id: str) -> Item:
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)
