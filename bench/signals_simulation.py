"""The signals engine measured on simulated practices with known injected events.

    python bench/signals_simulation.py                          # all three scenarios
    python bench/signals_simulation.py --scenario calibrated    # one of them
    python bench/signals_simulation.py --episodes 500 --seed 7

Three scenarios, every figure on each (all simulated, none about real clients):

- ``original``: the project's first simulator (simulation/original.py), written alongside the
  rules; its figures are optimistic.
- ``calibrated``: calibrated to published effect sizes, written without reading the rules
  (simulation/calibrated.py; ``python -m simulation.report`` shows what it realises).
- ``contrary``: deliberately different assumptions (simulation/contrary.py).

Crisis phrasings for the calibrated and contrary scenarios are the risk lines of the crisis
development sets (alliance/signals/tests/data/crisis_*.csv), and their hard benign lines plus
bench/data's everyday and ordinary check-in comments are mixed into the ordinary comments. The
detector was revised after reading those sets, so crisis recall here is optimistic; held-out
sets are measured by bench/crisis_language.py --heldout.

Per scenario, in a throwaway SQLite database:

1. simulate the practice (fixed seed) and write it into the database;
2. time the batch evaluation of the whole practice (``evaluate_practice``), run it again and
   report what the rerun changed (it should change nothing);
3. read back the rupture episodes and crisis flags and compare them with the injected events:
   rupture recall and precision overall and per rule, crisis recall, false crises per 1,000
   comments;
4. replay every episode after each appointment, as the engine evaluates it: new non-crisis flags
   per therapist per week per rule, and alerts overall: a new rupture episode counts once (its
   flags are one line for the therapist), every other new non-crisis flag once (at a caseload of
   20 clients, so the figure does not depend on the number of simulated episodes);
5. dropout (``dropout_figures``): the risk as it stood a day after each attended session; AUC
   and Brier score at the last attended session, dropouts against completers, and the best AUC
   the scenario's ground truth allows (its oracle's true probability), where it has one; the
   calibration table by tenths of the predicted risk;
6. the ceiling on observables (``simulation/ceiling.py``, skipped with ``--no-ceiling``): what
   each injected dip left in the data, and what gradient boosting on everything the product
   observes, trained with the truth labels on the tuning seeds 101-103, reaches for ruptures
   and dropout on this run: the bound any rule is measured against.

The last line is exactly (for the calibrated scenario, or the one scenario run):
rupture_recall=<x> rupture_precision=<x> dropout_auc=<x> dropout_brier=<x> crisis_recall=<x>
false_crisis_per_1000=<x> alerts_per_therapist_week=<x> batch_seconds=<x>   (on one line)
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent

if TYPE_CHECKING:
    from alliance.signals.catalogue import RuleSet
    from bench.dropout_calibration import DropoutFigures
    from simulation.ceiling import Traces
    from simulation.episode import SimEpisode
    from simulation.metrics import AlertFigures, Figures

SCENARIOS = ("original", "calibrated", "contrary")
DEFAULT_EPISODES = 2000
DEFAULT_SEED = 20261122  # the reporting seed; rules were tuned on seeds 101-103 only
CRISIS_SETS = ("crisis_dev.csv", "crisis_review_a.csv", "crisis_review_b.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=(*SCENARIOS, "all"), default="all")
    parser.add_argument("--episodes", type=int, default=DEFAULT_EPISODES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--no-ceiling",
        action="store_true",
        help="skip the ceiling on observables (trains two models on the tuning seeds)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alliance-signals-bench-") as data_dir:
        os.environ["ALLIANCE_DATA_DIR"] = data_dir
        os.environ["ALLIANCE_ENV"] = "local"
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        setup()
        names = SCENARIOS if args.scenario == "all" else (args.scenario,)
        summaries = {
            name: run(name, args.episodes, args.seed, not args.no_ceiling) for name in names
        }
    print()
    print("Summary")
    for name, (summary, ceiling) in summaries.items():
        print(f"  {name:10} {summary}")
        if ceiling:
            print(f"  {'':10} ceiling on observables: {ceiling}")
    print(summaries.get("calibrated", summaries[names[-1]])[0])


def setup() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def simulate(name: str, episodes: int, seed: int) -> list[SimEpisode]:
    if name == "original":
        from simulation.original import simulate_practice

        return simulate_practice(episodes, seed)
    crisis, benign = crisis_lines()
    simulate_scenario: Callable[..., list[SimEpisode]]
    if name == "calibrated":
        from simulation.calibrated import simulate as simulate_scenario
    else:
        from simulation.contrary import simulate as simulate_scenario
    return simulate_scenario(episodes, seed, crisis, benign)


def crisis_lines() -> tuple[list[str], list[str]]:
    """Risk lines of the crisis development sets; their hard benign lines and bench/data's
    ordinary comments (mixed into the scenarios' ordinary comments)."""
    crisis: list[str] = []
    benign: list[str] = []
    for name in CRISIS_SETS:
        path = ROOT / "alliance" / "signals" / "tests" / "data" / name
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                (crisis if row["label"] == "risk" else benign).append(row["text"])
    for name in ("everyday_comments.txt", "ordinary_checkins.txt"):
        lines = (ROOT / "bench" / "data" / name).read_text(encoding="utf-8").splitlines()
        benign += [line for line in lines if line.strip() and not line.startswith("#")]
    return crisis, benign


def run(name: str, episodes: int, seed: int, ceiling: bool = True) -> tuple[str, str]:
    from alliance.signals.catalogue import defaults
    from alliance.signals.engine import evaluate_practice, expected_bands, outcome_scales
    from simulation.metrics import Figures, count_alerts, score_crisis, score_ruptures
    from simulation.store import store_practice

    print(f"\n=== scenario {name} ===")
    started = time.perf_counter()
    sims = simulate(name, episodes, seed)
    stored = store_practice(sims, slug=f"simulated-{name}")
    print(
        f"simulated {len(sims)} episodes, "
        f"{sum(len(s.evidence.visits) for s in sims)} appointments, "
        f"{sum(len(s.evidence.checkins) for s in sims)} check-ins, "
        f"{sum(len(s.evidence.texts) for s in sims)} comments, "
        f"{sum(len(v) for s in sims for v in s.evidence.outcomes.values())} PHQ-9 scores "
        f"(seed {seed}; stored in {time.perf_counter() - started:.1f} s)"
    )
    now = max(s.evidence.now for s in sims)
    practice_id = stored.practice.pk
    started = time.perf_counter()
    first = evaluate_practice(practice_id, now=now)
    batch_seconds = time.perf_counter() - started
    print(
        f"batch evaluation: {batch_seconds:.1f} s — {first.flags_raised} flags raised, "
        f"{first.ruptures_opened} rupture episodes opened"
    )
    started = time.perf_counter()
    second = evaluate_practice(practice_id, now=now)
    print(
        f"rerun: {time.perf_counter() - started:.1f} s — changed: flags raised "
        f"{second.flags_raised}, cleared {second.flags_cleared}, ruptures opened "
        f"{second.ruptures_opened}, recoveries {second.recoveries_suggested}, risks "
        f"{second.risks_changed}"
    )
    figures = Figures()
    ruptures, crises = read_back(practice_id, stored.episode_of, stored.ref_of)
    for sim in sims:
        score_ruptures(figures, sim, ruptures.get(sim.number, []))
        score_crisis(figures, sim, crises.get(sim.number, set()))
    rules = defaults()
    started = time.perf_counter()
    alerts = count_alerts(sims, rules, expected_bands(practice_id, rules, outcome_scales()))
    alert_seconds = time.perf_counter() - started
    dropout = dropout_figures(sims, rules)
    print_ruptures(figures)
    print_crisis(figures)
    print_alerts(alerts, alert_seconds)
    print_dropout(dropout)
    bound = ceiling_figures(name, episodes, sims, figures, alerts, dropout) if ceiling else ""
    return (
        f"rupture_recall={figures.rupture_recall:.3f} "
        f"rupture_precision={figures.rupture_precision:.3f} "
        f"dropout_auc={dropout.auc_last:.3f} dropout_brier={dropout.brier_all:.3f} "
        f"crisis_recall={figures.crisis_recall:.3f} "
        f"false_crisis_per_1000={figures.false_crisis_per_1000:.2f} "
        f"alerts_per_therapist_week={alerts.per_therapist_week():.2f} "
        f"batch_seconds={batch_seconds:.1f}"
    ), bound


def read_back(
    practice_id: int, episode_of: dict[int, int], ref_of: dict[int, str]
) -> tuple[dict[int, list[tuple[datetime, list[tuple[str, datetime]]]]], dict[int, set[str]]]:
    """The rupture episodes (with their flags) and the crisis refs the engine stored."""
    from alliance.signals.models import Flag, FlagKind, RuptureEpisode

    sim_of = {pk: number for number, pk in episode_of.items()}
    ruptures: dict[int, list[tuple[datetime, list[tuple[str, datetime]]]]] = defaultdict(list)
    flags_of: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for rupture_id, rule, observed_at in Flag.objects.filter(
        practice_id=practice_id, kind=FlagKind.RUPTURE, rupture__isnull=False
    ).values_list("rupture_id", "rule", "observed_at"):
        flags_of[rupture_id].append((rule, observed_at))
    for pk, episode_id, began_at in RuptureEpisode.objects.filter(
        practice_id=practice_id
    ).values_list("pk", "episode_id", "began_at"):
        ruptures[sim_of[episode_id]].append((began_at, flags_of[pk]))
    crises: dict[int, set[str]] = defaultdict(set)
    for episode_id, key in Flag.objects.filter(
        practice_id=practice_id, kind=FlagKind.CRISIS
    ).values_list("episode_id", "key"):
        response_pk = int(key.split(":")[2])  # "crisis:response:<pk>:<rule>"
        crises[sim_of[episode_id]].add(ref_of.get(response_pk, ""))
    return ruptures, crises


def print_ruptures(figures: Figures) -> None:
    from simulation.metrics import median_or_zero

    print("Ruptures (injected dips: repaired and not)")
    print(
        f"  injected {figures.ruptures_injected}, found {figures.ruptures_found}: "
        f"recall {figures.rupture_recall:.3f}"
    )
    print(
        f"  rupture episodes opened {figures.rupture_episodes}, explained by an injected event "
        f"{figures.rupture_episodes_true}: precision {figures.rupture_precision:.3f}"
    )
    print(
        f"  disengaging clients' slides caught by a rupture rule: {figures.drifts_found} of "
        f"{figures.drifts_injected}"
    )
    print(
        f"  median lead (sessions from the dip to the rupture episode): "
        f"{median_or_zero(figures.rupture_lead):g}"
    )
    print(f"  {'rule':34} {'flags':>6} {'precision':>9} {'recall':>7} {'median lead':>11}")
    for rule, per_rule in sorted(figures.per_rule.items()):
        print(
            f"  {rule:34} {per_rule.flags:6d} {per_rule.precision:9.2f} "
            f"{figures.rule_recall(rule):7.2f} {median_or_zero(per_rule.lead_sessions):11g}"
        )


def print_crisis(figures: Figures) -> None:
    print("Crisis")
    print(
        f"  injected {figures.crisis_injected} (PHQ-9 item 9 and crisis words), flagged "
        f"{figures.crisis_found}: recall {figures.crisis_recall:.3f}"
    )
    print(
        f"  crisis flags {figures.crisis_flags}, of them on no injected crisis "
        f"{figures.crisis_false}: {figures.false_crisis_per_1000:.2f} per 1,000 of "
        f"{figures.comments} comments"
    )


def print_alerts(alerts: AlertFigures, seconds: float) -> None:
    from simulation.metrics import CASELOAD

    print(
        f"Alerts: new non-crisis flags per therapist per week at {CASELOAD} clients, per rule "
        f"(replayed after every appointment in {seconds:.1f} s)"
    )
    for rule, count in sorted(alerts.per_rule.items()):
        print(f"  {rule:38} {count:6d} {alerts.per_therapist_week(rule):6.2f}")
    print(
        f"  {'new rupture episodes':38} {alerts.rupture_episodes:6d} "
        f"{CASELOAD * alerts.rupture_episodes / max(alerts.client_weeks, 1):6.2f}"
    )
    print(
        f"  {'alerts (budget 3)':38} {alerts.total:6d} {alerts.per_therapist_week():6.2f} "
        f"(at the simulated caseload: {alerts.simulated_per_therapist_week():.2f}, "
        f"{alerts.client_weeks / alerts.therapist_weeks if alerts.therapist_weeks else 0:.1f} "
        "clients per therapist-week)"
    )


# --- dropout ---------------------------------------------------------------------------------


def dropout_figures(sims: list[SimEpisode], rules: RuleSet) -> DropoutFigures:
    """The dropout risk (a probability) replayed a day after every attended session, by
    bench/dropout_calibration.py: AUC at the last attended session (dropouts against
    completers), the Brier score over every session (the last is chosen by the outcome), and
    the same for the scenario's oracle (the true probability the generator recorded) where
    there is one: the best reachable."""
    from bench.dropout_calibration import dropout_figures as calibration_figures

    return calibration_figures(sims, rules)


def print_dropout(d: DropoutFigures) -> None:
    print("Dropout risk (as it stood a day after the last attended session)")
    print(f"  dropouts {d.dropouts}, completers {d.episodes - d.dropouts}")
    best = "n/a" if d.oracle_auc_last is None else f"{d.oracle_auc_last:.3f}"
    best_brier = "n/a" if d.oracle_brier_all is None else f"{d.oracle_brier_all:.3f}"
    print(f"  AUC {d.auc_last:.3f} (best reachable from the scenario's ground truth: {best})")
    print(f"  Brier over every session {d.brier_all:.3f} (the true probability's: {best_brier})")
    print("  calibration over every session, tenths of the predicted risk (predicted / observed):")
    print("   " + "  ".join(f"{c.predicted:.3f}/{c.observed:.3f}" for c in d.deciles))


# --- the ceiling on observables ---------------------------------------------------------------

TUNING_SEEDS = (101, 102, 103)


def ceiling_figures(
    name: str,
    episodes: int,
    sims: list[SimEpisode],
    figures: Figures,
    alerts: AlertFigures,
    dropout: DropoutFigures,
) -> str:
    """What the best model of the observables reaches on this run's episodes, trained with the
    truth labels on the tuning seeds (simulation/ceiling.py), beside the engine."""
    from simulation import ceiling
    from simulation.metrics import CASELOAD

    started = time.perf_counter()
    train = [s for seed in TUNING_SEEDS for s in simulate(name, episodes, seed)]
    grouped, each = ceiling.rupture_ceiling(train, sims)
    drop = ceiling.dropout_ceiling(train, sims)
    others = alerts.per_therapist_week() - CASELOAD * alerts.rupture_episodes / max(
        alerts.client_weeks, 1
    )
    room = max(0.0, 3.0 - others)
    fit = grouped.within(room)
    print(
        f"Ceiling on observables (gradient boosting with the truth labels, trained on seeds "
        f"{', '.join(map(str, TUNING_SEEDS))}, scored here; {time.perf_counter() - started:.0f} s)"
    )
    print_traces(ceiling.traces(sims))
    print(
        f"  ruptures, a run of flagged moments one episode (as the product groups them): best "
        f"recall at precision >= 0.60 {grouped.recall:.3f} (precision {grouped.precision:.3f}, "
        f"{grouped.alerts:.2f} rupture episodes per therapist-week); best precision at recall "
        f">= 0.80: {_or_none(grouped.best_precision_at_80)}"
    )
    print(
        f"  the same within the alert budget (other alerts {others:.2f}, room {room:.2f}): "
        f"recall {fit[0]:.3f} at precision {fit[1]:.3f} ({fit[2]:.2f} per therapist-week)"
    )
    each_fit = each.within(room)
    print(
        f"  upper bound, every flagged moment its own episode (one rupture counted several "
        f"times): recall {each.recall:.3f} at precision {each.precision:.3f} "
        f"({each.alerts:.2f} per therapist-week); precision at recall >= 0.80: "
        f"{_or_none(each.best_precision_at_80)}; within the alert budget: recall "
        f"{each_fit[0]:.3f} at precision {each_fit[1]:.3f} ({each_fit[2]:.2f} per therapist-week)"
    )
    print(
        f"  the engine: recall {figures.rupture_recall:.3f} at precision "
        f"{figures.rupture_precision:.3f}"
    )
    best = "n/a" if drop.oracle_auc_last is None else f"{drop.oracle_auc_last:.3f}"
    print(
        f"  dropout AUC at the last attended session: boosting on observables "
        f"{drop.auc_last:.3f} (Brier {drop.brier_all:.3f}), the engine {dropout.auc_last:.3f}, "
        f"the true probability (latent state, out of any model's reach) {best}"
    )
    return (
        f"rupture_recall_at_p60={grouped.recall:.3f} within_budget={fit[0]:.3f} "
        f"dropout_auc={drop.auc_last:.3f} (true probability {best})"
    )


def _or_none(value: float) -> str:
    return f"{value:.3f}" if value else "unreachable"


def print_traces(t: Traces) -> None:
    if not t.recorded:
        print(f"  what the injected dips left behind: not recorded by this scenario ({t.dips})")
        return
    print(
        f"  what the {t.recorded} injected dips left behind: points off an answered total "
        f">= 1 {t.share(t.in_total[1]):.3f}, >= 3 {t.share(t.in_total[3]):.3f}, >= 5 "
        f"{t.share(t.in_total[5]):.3f}; a rupture comment {t.share(t.voiced):.3f}; a missed "
        f"appointment {t.share(t.missed):.3f}; nothing at all {t.share(t.nothing):.3f}, at "
        f"most 2 points and nothing else {t.share(t.faint):.3f}"
    )


if __name__ == "__main__":
    main()
