"""Item answers that add up to a planned total, as a person would give them.

Each item is drawn around its share of the total (weighted: on the PHQ-9, tiredness and sleep
usually score higher than slowed movement), clamped to the item's range, then nudged one step
at a time until the items add up to the total exactly. Reverse-keyed items are answered the
other way round, so that scoring them gives back the planned total.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from alliance.measures.definitions import Instrument, Item

# Relative weight of each item in a total (an item not listed weighs 1).
ITEM_WEIGHTS: dict[str, dict[str, float]] = {
    "phq9": {
        "PHQ9_1": 1.0,
        "PHQ9_2": 1.0,
        "PHQ9_3": 1.25,
        "PHQ9_4": 1.35,
        "PHQ9_5": 0.8,
        "PHQ9_6": 0.9,
        "PHQ9_7": 0.9,
        "PHQ9_8": 0.4,
    },
    "gad7": {
        "GAD7_1": 1.15,
        "GAD7_2": 1.05,
        "GAD7_3": 1.1,
        "GAD7_4": 1.1,
        "GAD7_5": 0.7,
        "GAD7_6": 1.0,
        "GAD7_7": 0.8,
    },
}
ITEM_SPREAD = 0.6  # how far (in answer steps) an item strays from its share before nudging


def answers_for(
    rng: random.Random,
    instrument: Instrument,
    keyed_total: int,
    *,
    pinned: Mapping[str, int] | None = None,
    text: Mapping[str, str] | None = None,
) -> dict[str, int | str]:
    """Answers to every scored item whose keyed values add up to ``keyed_total``.

    ``pinned`` items get exactly that answer (and count towards the total); ``text`` holds the
    free-text answers, if any. A total outside what the items can add up to is clamped.
    """
    pinned = dict(pinned or {})
    free = [item for item in instrument.scored_items if item.link_id not in pinned]
    weights = ITEM_WEIGHTS.get(instrument.id, {})
    keyed = {
        item.link_id: _keyed(item, pinned[item.link_id])
        for item in instrument.scored_items
        if item.link_id in pinned
    }
    rest = keyed_total - sum(keyed.values())
    rest = max(sum(item.lowest for item in free), min(sum(item.highest for item in free), rest))
    weight_sum = sum(weights.get(item.link_id, 1.0) for item in free)
    values: dict[str, int] = {}
    for item in free:
        share = rest * weights.get(item.link_id, 1.0) / weight_sum
        values[item.link_id] = _within(item, round(share + rng.gauss(0, ITEM_SPREAD)))
    _nudge(rng, free, values, rest, weights)
    keyed.update(values)
    answers: dict[str, int | str] = {
        item.link_id: _keyed(item, keyed[item.link_id]) for item in instrument.scored_items
    }
    for link_id, comment in (text or {}).items():
        if comment:
            answers[link_id] = comment
    return answers


def _within(item: Item, value: int) -> int:
    return max(item.lowest, min(item.highest, value))


def _keyed(item: Item, value: int) -> int:
    """The value scoring counts for an answer (and back: keying is its own inverse)."""
    return item.lowest + item.highest - value if item.reverse_keyed else value


def _nudge(
    rng: random.Random,
    items: list[Item],
    values: dict[str, int],
    target: int,
    weights: Mapping[str, float],
) -> None:
    """Move single items one step up or down until ``values`` add up to ``target``.

    Heavier items are more likely to take a step up and less likely to take one down, so an
    item's typical place in the profile survives the nudging.
    """
    while (gap := target - sum(values.values())) != 0:
        step = 1 if gap > 0 else -1
        movable = [
            item for item in items if item.lowest <= values[item.link_id] + step <= item.highest
        ]
        chances = [
            weights.get(item.link_id, 1.0) ** step for item in movable
        ]  # w going up, 1/w going down
        chosen = rng.choices(movable, chances)[0]
        values[chosen.link_id] += step
