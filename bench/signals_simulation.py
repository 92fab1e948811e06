"""The signals engine measured on a simulated practice with known injected events.

    python bench/signals_simulation.py               # 2,000 episodes, the default seed
    python bench/signals_simulation.py --episodes 500 --seed 7

Everything here is simulated: what the simulator assumes is in simulation/original.py
and docs/signals.md. The run, in a throwaway SQLite database:

1. simulate the practice (fixed seed) and write it into the database;
2. time the batch evaluation of the whole practice (``evaluate_practice``), then run it again
   and report what the rerun changed (it should change nothing);
3. read back the rupture episodes and crisis flags the engine stored and compare them with the
   injected events: recall, precision and lead time (sessions from the event's start to the
   flag) per rule and overall;
4. replay every episode session by session for dropout risk (the risk as it stood a day after
   each attended session): AUC of the risk at the last attended session (dropouts against
   clients who completed) and the lead time (how many sessions before the last attended one the
   flag was already up and stayed up).

The last line is exactly:
rupture_recall=<x> rupture_precision=<x> dropout_auc=<x> dropout_lead_sessions=<x>
crisis_recall=<x> batch_seconds=<x>   (on one line)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alliance-signals-bench-") as data_dir:
        os.environ["ALLIANCE_DATA_DIR"] = data_dir
        os.environ["ALLIANCE_ENV"] = "local"
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        run(args.episodes, args.seed)


def run(episodes: int, seed: int) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from alliance.signals.catalogue import defaults
    from alliance.signals.engine import evaluate_practice
    from alliance.signals.models import Flag, FlagKind, RuptureEpisode
    from simulation.metrics import (
        Figures,
        median_or_zero,
        score_crisis,
        score_dropout,
        score_ruptures,
    )
    from simulation.original import simulate_practice
    from simulation.store import store_practice

    started = time.perf_counter()
    sims = simulate_practice(episodes, seed)
    stored = store_practice(sims)
    print(
        f"simulated {len(sims)} episodes, "
        f"{sum(len(s.evidence.visits) for s in sims)} appointments, "
        f"{sum(len(s.evidence.checkins) for s in sims)} check-ins, "
        f"{sum(len(v) for s in sims for v in s.evidence.outcomes.values())} PHQ-9 scores "
        f"(seed {seed}; stored in {time.perf_counter() - started:.1f} s)"
    )
    now = max(s.evidence.now for s in sims)
    started = time.perf_counter()
    first = evaluate_practice(stored.practice.pk, now=now)
    batch_seconds = time.perf_counter() - started
    print(
        f"batch evaluation: {batch_seconds:.1f} s — {first.flags_raised} flags raised, "
        f"{first.ruptures_opened} rupture episodes opened"
    )
    started = time.perf_counter()
    second = evaluate_practice(stored.practice.pk, now=now)
    print(
        f"rerun: {time.perf_counter() - started:.1f} s — changed: flags raised "
        f"{second.flags_raised}, cleared {second.flags_cleared}, ruptures opened "
        f"{second.ruptures_opened}, recoveries {second.recoveries_suggested}, risks "
        f"{second.risks_changed}"
    )

    # Read back what the engine stored.
    sim_of = {pk: number for number, pk in stored.episode_of.items()}
    rupture_rows: dict[int, list[tuple[datetime, list[tuple[str, datetime]]]]] = defaultdict(list)
    flags_of: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for rupture_id, rule, observed_at in Flag.objects.filter(
        kind=FlagKind.RUPTURE, rupture__isnull=False
    ).values_list("rupture_id", "rule", "observed_at"):
        flags_of[rupture_id].append((rule, observed_at))
    for pk, episode_id, began_at in RuptureEpisode.objects.values_list(
        "pk", "episode_id", "began_at"
    ):
        rupture_rows[sim_of[episode_id]].append((began_at, flags_of[pk]))
    crisis_refs: dict[int, set[str]] = defaultdict(set)
    for episode_id, key in Flag.objects.filter(kind=FlagKind.CRISIS).values_list(
        "episode_id", "key"
    ):
        response_pk = int(key.split(":")[2])  # "crisis:response:<pk>:<rule>"
        crisis_refs[sim_of[episode_id]].add(stored.ref_of.get(response_pk, ""))

    figures = Figures()
    for sim in sims:
        score_ruptures(figures, sim, rupture_rows.get(sim.number, []))
        score_crisis(figures, sim, crisis_refs.get(sim.number, set()))
    started = time.perf_counter()
    score_dropout(figures, sims, defaults())
    replay_seconds = time.perf_counter() - started

    print()
    print("Ruptures (sudden dips injected: repaired and not)")
    print(f"  injected {figures.ruptures_injected}, found {figures.ruptures_found}")
    print(
        f"  rupture episodes opened {figures.rupture_episodes}, explained by an injected event "
        f"{figures.rupture_episodes_true}"
    )
    print(
        f"  disengaging clients' slides caught by a rupture rule: {figures.drifts_found} of "
        f"{figures.drifts_injected}"
    )
    print(
        f"  median lead (sessions from the dip to the rupture episode): "
        f"{median_or_zero(figures.rupture_lead):g}"
    )
    print(f"  {'rule':34} {'flags':>6} {'precision':>9} {'median lead':>11}")
    for rule, per_rule in sorted(figures.per_rule.items()):
        print(
            f"  {rule:34} {per_rule.flags:6d} {per_rule.precision:9.2f} "
            f"{median_or_zero(per_rule.lead_sessions):11g}"
        )
    print("Dropout risk (replayed session by session)")
    print(
        f"  dropouts {figures.dropouts}, flagged by their last session {figures.dropouts_flagged}; "
        f"completers {figures.completers}, flagged at their last session "
        f"{figures.completers_flagged_at_end}"
    )
    lead = median_or_zero(figures.dropout_lead)
    print(
        f"  AUC {figures.dropout_auc:.3f}; median lead {lead:g} sessions "
        f"(a dropout never flagged counts as -1); replay {replay_seconds:.1f} s"
    )
    print("Crisis")
    print(
        f"  injected {figures.crisis_injected} (PHQ-9 item 9 and crisis words), flagged "
        f"{figures.crisis_found}; crisis flags in all {figures.crisis_flags}"
    )
    print(
        f"rupture_recall={figures.rupture_recall:.3f} "
        f"rupture_precision={figures.rupture_precision:.3f} "
        f"dropout_auc={figures.dropout_auc:.3f} dropout_lead_sessions={lead:g} "
        f"crisis_recall={figures.crisis_recall:.3f} batch_seconds={batch_seconds:.1f}"
    )


if __name__ == "__main__":
    main()
