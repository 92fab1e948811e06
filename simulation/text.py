"""Template expansion for comment pools: many distinct, natural sentences from a few slots.

A pool is a tuple of templates with ``{slot}`` placeholders and a mapping from slot names to
fillers. ``expand`` lists every sentence a pool can produce (to count distinct comments, so
false alarms per 1,000 comments mean something); ``draw`` picks one at random.
"""

from __future__ import annotations

import itertools
import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from simulation.stats import weighted_choice

Slots = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Pool:
    templates: tuple[str, ...]
    slots: Slots = field(default_factory=dict)

    def draw(self, rng: random.Random) -> str:
        template = rng.choice(self.templates)
        filled = {name: rng.choice(self.slots[name]) for name in _names(template)}
        return _tidy(template.format(**filled))

    def expand(self) -> set[str]:
        sentences: set[str] = set()
        for template in self.templates:
            names = _names(template)
            for values in itertools.product(*(self.slots[name] for name in names)):
                sentences.add(_tidy(template.format(**dict(zip(names, values, strict=True)))))
        return sentences


def _names(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _tidy(text: str) -> str:
    """Collapse the double spaces an empty filler leaves and capitalise the first letter."""
    text = " ".join(text.split())
    text = text.replace(" ,", ",").replace(" .", ".").replace(" ?", "?").replace(" !", "!")
    return text[:1].upper() + text[1:] if text else text


def vary(rng: random.Random, text: str) -> str:
    """Surface variation people show when typing on a phone: all lower case, no final stop,
    an extra exclamation or ellipsis. Meaning is untouched, so wording rules meet it as is."""
    roll = rng.random()
    if roll < 0.2:
        text = text.lower()
    elif roll < 0.3:
        text = text.rstrip(".")
    elif roll < 0.35 and text.endswith("."):
        text = text[:-1] + "..."
    return text


@dataclass(frozen=True)
class CommentBook:
    """A scenario's comment vocabulary, by kind; the generator only calls these methods."""

    ordinary_pools: tuple[tuple[Pool, float], ...]
    life_pool: Pool
    confrontation_pool: Pool
    withdrawal_pool: Pool

    def ordinary(self, rng: random.Random) -> str:
        return weighted_choice(rng, self.ordinary_pools).draw(rng)

    def life(self, rng: random.Random) -> str:
        return self.life_pool.draw(rng)

    def confrontation(self, rng: random.Random) -> str:
        return vary(rng, self.confrontation_pool.draw(rng))

    def withdrawal(self, rng: random.Random) -> str:
        return vary(rng, self.withdrawal_pool.draw(rng))

    def distinct_ordinary(self) -> set[str]:
        """Every ordinary sentence the book can write (life-outside ones included)."""
        found = set(self.life_pool.expand())
        for pool, _ in self.ordinary_pools:
            found |= pool.expand()
        return found
