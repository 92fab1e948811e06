"""Generated practices shared by the tests of one worker (each takes seconds to build)."""

from __future__ import annotations

import pytest

from simulation import calibrated, contrary
from simulation.episode import SimEpisode
from simulation.tests.helpers import CRISIS, EXTRA, LARGE, SEED


@pytest.fixture(scope="session")
def calibrated_practice() -> list[SimEpisode]:
    return calibrated.simulate(LARGE, SEED, CRISIS, EXTRA)


@pytest.fixture(scope="session")
def contrary_practice() -> list[SimEpisode]:
    return contrary.simulate(LARGE, SEED, CRISIS, EXTRA)
