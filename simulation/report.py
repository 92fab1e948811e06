"""Print a generated practice's realised effect sizes beside the scenario's targets.

    .venv/bin/python -m simulation.report --scenario calibrated --episodes 2000 --seed 1

Measures with a target show it, its tolerated range and its source; the rest (oracle AUC,
attendance, comment and crisis rates, PHQ-9 change) are descriptive.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence

from simulation.episode import SimEpisode

# Placeholder crisis lines so the report can show the crisis-words rate; the bench passes its
# own, independently written phrasings.
REPORT_CRISIS = ("[crisis line placeholder 1]", "[crisis line placeholder 2]")

Simulate = Callable[[int, int, Sequence[str]], list[SimEpisode]]


def scenario(name: str) -> Simulate:
    if name == "calibrated":
        from simulation.calibrated import simulate

        return simulate
    if name == "contrary":
        from simulation.contrary import simulate as contrary

        return contrary
    raise ValueError(f"unknown scenario {name!r}")


def lines(name: str, realised: dict[str, float]) -> list[str]:
    """The report's rows: targeted measures first, then the descriptive ones."""
    from simulation.calibration import TARGETS

    targets = TARGETS[name]
    rows = [f"{'measure':26} {'realised':>9} {'target':>7} {'range':>13}  ok  source"]
    for key, target in targets.items():
        value = realised[key]
        span = f"{target.low:.2f}-{target.high:.2f}"
        mark = "yes" if target.holds(value) else "NO"
        rows.append(
            f"{key:26} {value:9.3f} {target.value:7.3f} {span:>13}  {mark:3} {target.source}"
        )
    rows.append("")
    rows.extend(f"{key:26} {value:9.3f}" for key, value in realised.items() if key not in targets)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenario", choices=("calibrated", "contrary"), default="calibrated")
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    from simulation.calibration import TARGETS, measure

    sims = scenario(args.scenario)(args.episodes, args.seed, REPORT_CRISIS)
    realised = measure(sims)
    print(f"{args.scenario} scenario, {args.episodes} episodes, seed {args.seed}")
    print("\n".join(lines(args.scenario, realised)))
    missed = [k for k, t in TARGETS[args.scenario].items() if not t.holds(realised[k])]
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
