"""Checking answers and computing scores: pure functions of an instrument and its answers.

``clean_answers`` turns what a form, the API or an import sent into the answers that are
stored; ``score`` computes everything shown from those stored answers, so a response can be
scored again at any time. The rules are described in ``docs/instruments.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from alliance.measures.definitions import (
    Aggregation,
    Direction,
    Instrument,
    Item,
    ItemType,
    ScoringRules,
)

TEXT_MAX_LENGTH = 2000
_WHOLE_NUMBER = re.compile(r"[+-]?\d+")


class AnswerError(Exception):
    """Answers that cannot be stored; ``errors`` maps a linkId to a message for the person."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{link_id}: {message}" for link_id, message in errors.items()))


class _Invalid(Exception):
    pass


def clean_answers(instrument: Instrument, raw: Mapping[str, object]) -> dict[str, int | str]:
    """The answered items, in the instrument's order, with numbers as ``int`` and text trimmed.

    ``raw`` values may be strings (an HTML form), ints, or ``None``/``""`` for unanswered.
    Raises ``AnswerError`` listing every problem at once.
    """
    known = {item.link_id for item in instrument.items}
    errors = {
        str(link_id): "This question is not part of this form."
        for link_id in raw
        if link_id not in known
    }
    cleaned: dict[str, int | str] = {}
    for item in instrument.items:
        try:
            answer = _clean_one(item, raw.get(item.link_id))
        except _Invalid as invalid:
            errors[item.link_id] = str(invalid)
            continue
        if answer is None:
            if item.required:
                errors[item.link_id] = _missing_message(item)
            continue
        cleaned[item.link_id] = answer
    if errors:
        raise AnswerError(errors)
    return cleaned


def _clean_one(item: Item, value: object) -> int | str | None:
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    if item.type == ItemType.TEXT:
        if not isinstance(value, str):
            raise _Invalid("Please write your answer as text.")
        if len(value) > TEXT_MAX_LENGTH:
            raise _Invalid(
                f"Please shorten this to {TEXT_MAX_LENGTH} characters or fewer "
                f"(it has {len(value)})."
            )
        return value
    number = _as_whole_number(value)
    if item.type == ItemType.CHOICE:
        if number is None or number not in {option.value for option in item.options}:
            raise _Invalid("Please choose one of the answers shown.")
        return number
    if number is None or not item.lowest <= number <= item.highest:
        raise _Invalid(f"Enter a whole number from {item.lowest} to {item.highest}.")
    return number


def _as_whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        return int(value)
    return None


def _missing_message(item: Item) -> str:
    if item.type == ItemType.TEXT:
        return "Please write an answer."
    return "Please choose an answer."


@dataclass(frozen=True)
class ScoreResult:
    total: float | None  # None when too many items are unanswered
    subscales: dict[str, float | None]
    band: str | None
    concern: bool  # the total is on the concerning side of the cut-off
    safety_items: tuple[str, ...]  # linkIds whose answer must raise an immediate flag
    missing: tuple[str, ...]  # scored linkIds left unanswered
    comment: str  # the free-text answers joined with "\n"


def score(instrument: Instrument, answers: Mapping[str, int | str]) -> ScoreResult:
    """Score stored answers (as returned by ``clean_answers``).

    Reverse-keyed items count as ``lowest + highest - answer``. Safety thresholds apply to the
    answer as given, before reverse keying. Raises ``ValueError`` for answers that cannot have
    come from ``clean_answers`` (an unknown item, text for a scored item).
    """
    values = _scored_values(instrument, answers)
    rules = instrument.scoring
    keyed = {
        item.link_id: _keyed(item, values[item.link_id])
        for item in instrument.scored_items
        if item.link_id in values
    }
    scored_ids = tuple(item.link_id for item in instrument.scored_items)
    subscales = {
        name: _aggregate(rules, keyed, link_ids) for name, link_ids in rules.subscales.items()
    }
    total = _aggregate(rules, keyed, scored_ids)
    safety = tuple(
        item.link_id
        for item in instrument.scored_items
        if item.safety_threshold is not None
        and item.link_id in values
        and values[item.link_id] >= item.safety_threshold
    )
    comments = (answers.get(item.link_id) for item in instrument.text_items)
    return ScoreResult(
        total=total,
        subscales=subscales,
        band=_band(rules, total),
        concern=_concern(rules, total),
        safety_items=safety,
        missing=tuple(link_id for link_id in scored_ids if link_id not in values),
        comment="\n".join(comment for comment in comments if isinstance(comment, str) and comment),
    )


def _scored_values(instrument: Instrument, answers: Mapping[str, int | str]) -> dict[str, int]:
    known = {item.link_id: item for item in instrument.items}
    values: dict[str, int] = {}
    for link_id, value in answers.items():
        item = known.get(link_id)
        if item is None:
            raise ValueError(f"{instrument.id} has no item {link_id!r}")
        if not item.scored:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(
                f"{instrument.id} item {link_id!r}: expected a whole number, got {value!r}"
            )
        values[link_id] = value
    return values


def _keyed(item: Item, value: int) -> int:
    return item.lowest + item.highest - value if item.reverse_keyed else value


def _aggregate(
    rules: ScoringRules, keyed: Mapping[str, int], link_ids: tuple[str, ...]
) -> float | None:
    """Sum or mean of the answered items among ``link_ids``, or None when more are missing than
    the rule allows.

    A sum with missing items is prorated (scaled up to all items) when the rule says so, to one
    decimal; a mean is the mean of the answered items, to two decimals.
    """
    values = [keyed[link_id] for link_id in link_ids if link_id in keyed]
    item_count = len(link_ids)
    missing = item_count - len(values)
    if not values or missing > rules.missing.max_missing:
        return None
    if rules.aggregation == Aggregation.MEAN:
        return _rounded(sum(values), len(values), places=2)
    if missing and rules.missing.prorate:
        return _rounded(sum(values) * item_count, len(values), places=1)
    return float(sum(values))


def _rounded(numerator: int, denominator: int, *, places: int) -> float:
    """numerator / denominator rounded half up (2.25 -> 2.3), as people round by hand; Python's
    round() would give 2.2."""
    exact = Decimal(numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _band(rules: ScoringRules, total: float | None) -> str | None:
    if total is None:
        return None
    label = None
    for band in rules.bands:
        if total >= band.minimum:
            label = band.label
    return label


def _concern(rules: ScoringRules, total: float | None) -> bool:
    if total is None or rules.cutoff is None:
        return False
    if rules.direction == Direction.HIGHER_IS_BETTER:
        return total < rules.cutoff
    return total >= rules.cutoff


class Change(StrEnum):
    IMPROVED = "improved"
    DETERIORATED = "deteriorated"
    NO_RELIABLE_CHANGE = "no_reliable_change"


def reliable_change(instrument: Instrument, before: float, after: float) -> Change:
    """Whether the change from ``before`` to ``after`` is at least the instrument's reliable-change
    threshold, in the better or the worse direction. An instrument without a threshold never
    reports reliable change."""
    threshold = instrument.scoring.reliable_change
    if threshold is None:
        return Change.NO_RELIABLE_CHANGE
    improvement = after - before
    if instrument.scoring.direction == Direction.HIGHER_IS_WORSE:
        improvement = -improvement
    # Totals are rounded decimals (a prorated 18.0, a mean of 3.75): compare without float noise.
    if improvement >= threshold or math.isclose(improvement, threshold):
        return Change.IMPROVED
    if -improvement >= threshold or math.isclose(-improvement, threshold):
        return Change.DETERIORATED
    return Change.NO_RELIABLE_CHANGE
