"""The scenarios' episodes go through the product's store, engine and bench scoring unchanged."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from alliance.appointments.models import Appointment
from alliance.measures.models import MeasureResponse
from alliance.practice.models import CareEpisode
from alliance.signals.catalogue import defaults
from alliance.signals.engine import evaluate_practice
from simulation import calibrated, contrary
from simulation.episode import SimEpisode
from simulation.metrics import Figures, score_crisis, score_dropout, score_ruptures
from simulation.original import simulate_practice
from simulation.store import THERAPISTS, store_practice
from simulation.tests.helpers import CRISIS

Simulate = Callable[[int, int, Sequence[str]], list[SimEpisode]]


@pytest.mark.django_db
@pytest.mark.parametrize("simulate", [calibrated.simulate, contrary.simulate])
def test_a_scenario_is_stored_with_its_therapists_and_the_engine_evaluates_it(
    simulate: Simulate,
) -> None:
    sims = simulate(40, 3, CRISIS)
    stored = store_practice(sims, slug="scenario")
    episodes = CareEpisode.objects.filter(practice=stored.practice)
    therapist_of = dict(episodes.values_list("pk", "therapist_id"))
    for sim in sims:
        assert sim.therapist is not None
        assert therapist_of[stored.episode_of[sim.number]] == stored.therapist_of[sim.therapist]
    assert Appointment.objects.filter(practice=stored.practice).count() == sum(
        len(s.evidence.visits) for s in sims
    )
    responses = MeasureResponse.objects.filter(practice=stored.practice)
    assert responses.count() == sum(
        len(s.evidence.checkins) + len(s.evidence.outcomes["phq9"]) for s in sims
    )
    assert set(stored.ref_of.values()) == {
        r for s in sims for r in [c.ref for c in s.evidence.checkins]
    } | {r for s in sims for r in [x.ref for x in s.evidence.outcomes["phq9"]]}
    evaluate_practice(stored.practice.pk, now=max(s.evidence.now for s in sims))


@pytest.mark.django_db
def test_the_old_simulator_is_still_dealt_round_robin() -> None:
    sims = simulate_practice(25, seed=2)
    assert all(s.therapist is None for s in sims)
    stored = store_practice(sims, slug="old")
    assert len(stored.therapist_of) == THERAPISTS
    first = CareEpisode.objects.get(pk=stored.episode_of[sims[0].number])
    assert first.therapist_id == stored.therapist_of[0]


def test_the_bench_scoring_accepts_scenario_episodes() -> None:
    sims = calibrated.simulate(150, 8, CRISIS) + contrary.simulate(150, 8, CRISIS)
    figures = Figures()
    for sim in sims:
        score_ruptures(figures, sim, [])
        score_crisis(figures, sim, set(sim.truth.crisis_refs))
    score_dropout(figures, sims, defaults())
    dips = sum(1 for s in sims for r in s.truth.ruptures if r.kind == "dip")
    assert figures.ruptures_injected == dips > 0
    assert figures.drifts_injected == sum(len(s.truth.ruptures) for s in sims) - dips
    assert figures.crisis_recall == 1.0
    assert figures.dropouts == sum(s.truth.dropout for s in sims) > 0
    assert figures.dropouts + figures.completers == len(sims)
    assert 0.0 <= figures.dropout_auc <= 1.0
