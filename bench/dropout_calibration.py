"""How well the dropout risk ranks and how well its percent matches what happens, per scenario.

    .venv/bin/python bench/dropout_calibration.py                  # reporting seeds, 2,000 each
    .venv/bin/python bench/dropout_calibration.py --seeds 101 102 103 --episodes 2000

For each scenario (calibrated, contrary, and the original simulator) the risk is replayed a day
after every attended session and compared with how the episode ended:

- at the last attended session (the bench's long-standing figure): AUC, dropouts against clients
  who ended as planned, beside the best AUC reachable: the same for the scenario's true risk
  (``simulation.chain.Oracle``; the original simulator records none);
- at every attended session: AUC, Brier score (mean squared error of the probability) and a
  calibration table by tenths of the predicted risk (mean predicted against the observed share
  who dropped out), each beside the true risk's.

The last attended session is chosen by the outcome (it is the last because the client then left
or finished), so calibration is read over every session, where the true risk is calibrated by
construction. ``dropout_figures(sims, rules)`` is what ``bench/signals_simulation.py`` calls.
The coefficients were fitted on seeds 101-103 of the calibrated scenario
(``simulation/fit_dropout.py``); the default seeds here are other ones.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
REPORTING_SEEDS = (201, 202)
CRISIS = ("[bench crisis line]",)
AFTER = timedelta(days=1)

if TYPE_CHECKING:
    from alliance.signals.catalogue import RuleSet
    from simulation.episode import SimEpisode


@dataclass
class Decile:
    predicted: float
    observed: float
    oracle: float | None
    count: int


@dataclass
class DropoutFigures:
    episodes: int = 0
    dropouts: int = 0
    moments: int = 0
    auc_last: float = 0.0
    oracle_auc_last: float | None = None
    brier_last: float = 0.0
    auc_all: float = 0.0
    oracle_auc_all: float | None = None
    brier_all: float = 0.0
    oracle_brier_all: float | None = None
    base_brier_all: float = 0.0  # the Brier score of predicting the overall share every time
    deciles: list[Decile] = field(default_factory=list)


def brier(pairs: Sequence[tuple[float, bool]]) -> float:
    return sum((p - float(y)) ** 2 for p, y in pairs) / len(pairs) if pairs else 0.0


def deciles(rows: Sequence[tuple[float, bool, float | None]]) -> list[Decile]:
    """Tenths of the predicted risk (equal counts), with the true risk's mean beside them."""
    ordered = sorted(rows, key=lambda row: row[0])
    out = []
    for n in range(10):
        part = ordered[n * len(ordered) // 10 : (n + 1) * len(ordered) // 10]
        if not part:
            continue
        truth = [o for _, _, o in part if o is not None]
        out.append(
            Decile(
                predicted=sum(p for p, _, _ in part) / len(part),
                observed=sum(float(y) for _, y, _ in part) / len(part),
                oracle=sum(truth) / len(truth) if len(truth) == len(part) else None,
                count=len(part),
            )
        )
    return out


def replay(
    sims: Sequence[SimEpisode], rules: RuleSet
) -> list[list[tuple[float, bool, float | None]]]:
    """Per episode: (predicted probability, dropped out, true probability or None) a day after
    each attended session."""
    from alliance.signals.rules import risk_now

    out = []
    for sim in sims:
        truth = sim.truth.dropout_risk
        rows = []
        for n, moment in enumerate(sim.truth.attended_times):
            view = sim.evidence.until(moment + AFTER)
            view.is_open = True
            oracle = truth[n] if len(truth) == len(sim.truth.attended_times) else None
            rows.append((risk_now(view, rules).percent / 100, sim.truth.dropout, oracle))
        if rows:
            out.append(rows)
    return out


def dropout_figures(sims: Sequence[SimEpisode], rules: RuleSet) -> DropoutFigures:
    from simulation.stats import auc  # here: run as a script, main puts the root on sys.path

    episodes = replay(sims, rules)
    last = [rows[-1] for rows in episodes]
    every = [row for rows in episodes for row in rows]
    has_truth = all(o is not None for _, _, o in every)
    share = sum(float(y) for _, y, _ in every) / len(every) if every else 0.0
    figures = DropoutFigures(
        episodes=len(episodes),
        dropouts=sum(1 for _, y, _ in last if y),
        moments=len(every),
        auc_last=auc([(p, y) for p, y, _ in last]),
        brier_last=brier([(p, y) for p, y, _ in last]),
        auc_all=auc([(p, y) for p, y, _ in every]),
        brier_all=brier([(p, y) for p, y, _ in every]),
        base_brier_all=brier([(share, y) for _, y, _ in every]),
        deciles=deciles(every),
    )
    if has_truth and every:
        figures.oracle_auc_last = auc([(o or 0.0, y) for _, y, o in last])
        figures.oracle_auc_all = auc([(o or 0.0, y) for _, y, o in every])
        figures.oracle_brier_all = brier([(o or 0.0, y) for _, y, o in every])
    return figures


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def report(name: str, figures: DropoutFigures) -> list[str]:
    lines = [
        f"{name}: {figures.episodes} episodes, {figures.dropouts} dropouts, "
        f"{figures.moments} attended sessions",
        f"  last attended session: AUC {figures.auc_last:.3f} (best reachable "
        f"{_number(figures.oracle_auc_last)}), Brier {figures.brier_last:.3f}",
        f"  every attended session: AUC {figures.auc_all:.3f} (best reachable "
        f"{_number(figures.oracle_auc_all)}), Brier {figures.brier_all:.3f} (true risk "
        f"{_number(figures.oracle_brier_all)}, the overall share {figures.base_brier_all:.3f})",
        f"  {'tenth':>5} {'predicted':>9} {'observed':>8} {'true risk':>9} {'sessions':>8}",
    ]
    for n, d in enumerate(figures.deciles, start=1):
        truth = "n/a" if d.oracle is None else f"{d.oracle:.3f}"
        lines.append(f"  {n:5d} {d.predicted:9.3f} {d.observed:8.3f} {truth:>9} {d.count:8d}")
    return lines


def simulate(scenario: str, episodes: int, seed: int) -> list[SimEpisode]:
    if scenario == "calibrated":
        from simulation import calibrated

        return calibrated.simulate(episodes, seed, CRISIS)
    if scenario == "contrary":
        from simulation import contrary

        return contrary.simulate(episodes, seed, CRISIS)
    # The original simulator (``simulation/original.py`` once it leaves the product package).
    from simulation.original import simulate_practice

    return simulate_practice(episodes, seed)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(REPORTING_SEEDS))
    parser.add_argument("--scenarios", nargs="+", default=["calibrated", "contrary", "original"])
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    import django

    django.setup()
    from alliance.signals.catalogue import defaults

    headline: DropoutFigures | None = None
    for scenario in args.scenarios:
        sims = [s for seed in args.seeds for s in simulate(scenario, args.episodes, seed)]
        figures = dropout_figures(sims, defaults())
        print("\n".join(report(f"{scenario} (seeds {args.seeds})", figures)))
        headline = figures if scenario == "calibrated" else headline
    if headline is not None:
        print(
            f"dropout_auc={headline.auc_last:.3f} "
            f"dropout_auc_best={_number(headline.oracle_auc_last)} "
            f"dropout_brier={headline.brier_all:.3f}"
        )


if __name__ == "__main__":
    main()
