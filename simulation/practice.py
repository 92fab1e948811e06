"""A whole simulated practice from a scenario's ``Params`` and comment book.

Each episode gets its own ``random.Random`` seeded from the practice's, so an episode's draws
never depend on how many draws an earlier episode happened to make.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from simulation.episode import SimEpisode
from simulation.express import Extras, express
from simulation.generator import Walk, draw_client, draw_therapists
from simulation.params import Params
from simulation.stats import weighted_choice
from simulation.text import CommentBook

FIRST_MONDAY = datetime(2025, 1, 6, tzinfo=UTC)
INTAKE_DAYS = 300  # first sessions spread over the first ten months


def simulate_practice(
    p: Params,
    book: CommentBook,
    episodes: int,
    seed: int,
    crisis_comments: Sequence[str],
    ordinary_extra: Sequence[str] = (),
) -> list[SimEpisode]:
    rng = random.Random(seed)
    therapists = draw_therapists(rng, p)
    extras = Extras(tuple(crisis_comments), tuple(ordinary_extra))
    sims = []
    for number in range(1, episodes + 1):
        own = random.Random(rng.getrandbits(64))
        therapist = weighted_choice(own, [(t, t.caseload) for t in therapists])
        client = draw_client(own, p, therapist)
        week = own.randrange(INTAKE_DAYS // 7)
        first = FIRST_MONDAY + timedelta(days=7 * week + own.randrange(5), hours=own.randint(8, 18))
        course = Walk(own, p, client, first).run()
        sims.append(express(own, p, book, course, number, extras))
    return sims
