"""Fit the shipped dropout-model coefficients on tuning seeds of the calibrated scenario.

    .venv/bin/python -m simulation.fit_dropout                 # writes the shipped file
    .venv/bin/python -m simulation.fit_dropout --check         # prints, writes nothing

Every episode of the tuning practices gives one row per appointment up to its last attended
session (``alliance.signals.dropout_fit.moments``), labelled with how it ended. The reporting
seeds (``bench/dropout_calibration.py``) are never read here.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from datetime import date
from typing import Any

from alliance.signals.dropout_model import FEATURES
from alliance.signals.reestimate import share_below, wobble

TUNING_SEEDS = (101, 102, 103)
EPISODES = 2000
# Placeholder crisis lines: the comments do not enter the dropout model.
CRISIS = ("[fit crisis line]",)
CHECKIN_CUTOFF = 32.0  # the check-in's own cut-off (its scoring file)


def fit(seeds: Sequence[int], episodes: int) -> dict[str, Any]:
    from alliance.signals.catalogue import defaults
    from alliance.signals.dropout_fit import model_from_fit, observations, two_stage
    from simulation import calibrated

    pairs = []
    for seed in seeds:
        pairs += [
            (s.evidence, s.truth.dropout) for s in calibrated.simulate(episodes, seed, CRISIS)
        ]
    rows = observations(pairs, defaults())
    beta = two_stage(rows)
    provenance = {
        "fitted_on": "simulation.calibrated (the calibrated scenario)",
        "seeds": list(seeds),
        "episodes": len(pairs),
        "dropouts": sum(1 for _, dropped in pairs if dropped),
        "rows": int(rows.x.shape[0]),
        "rows_are": "a day after each appointment, and at 2 and 3 agreed gaps after a session while none follows (alliance.signals.dropout_fit.moments)",
        "method": "logistic regression, Newton's method, ridge 1e-3 (alliance.signals."
        "dropout_fit); every coefficient from the moments after attended sessions, then "
        "gap_ratio alone from every moment (alliance.signals.dropout_fit.two_stage)",
        "rupture_rules": "catalogue defaults",
        "features": list(FEATURES),
        "fitted": date.today().isoformat(),
        # What the rupture thresholds' defaults mean on these data (alliance.signals.reestimate):
        # the planned endings' session-to-session wobble and the share of their check-ins below
        # the check-in's cut-off.
        "reference": {
            "wobble": round(wobble(pairs)[0], 3),
            "share_below_cutoff": round(share_below(pairs, CHECKIN_CUTOFF), 4),
        },
        "command": "python -m simulation.fit_dropout",
    }
    return model_from_fit(rows, beta, provenance).as_dict()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--episodes", type=int, default=EPISODES)
    parser.add_argument("--check", action="store_true", help="print only")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    import django

    django.setup()
    from alliance.signals.dropout_model import DATA

    model = fit(TUNING_SEEDS, args.episodes)
    text = json.dumps(model, indent=1) + "\n"
    print(json.dumps({"intercept": model["intercept"], **model["coefficients"]}, indent=1))
    if not args.check:
        DATA.write_text(text, encoding="utf-8")
        print(f"wrote {DATA}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
