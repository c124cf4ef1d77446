"""Does the bias audit keep its promise: few fair audits flag anything, yet real bias shows?

(a) Null audits: 2,200 rows, top 50, sex x ethnicity (with their intersection), group membership
drawn independently of score and outcome. Any flag is a false flag; the audit controls the
audit-wide false-flag rate at 1 - ci_level (5%), so at most ~5% of audits may flag anything.

(b) Power: the planted recording bias of the synthetic population
(``simulate_population(20000, seed=s, years=5, recording_bias=1.0)``), scored and audited exactly
as ``tests/evaluation/test_fairness_recording_bias.py`` and ``benchmarks/recording_bias_audit.py``
do (count of recorded low-level police events, ethnicity, top 200 and top 500). Detected = the
Black selection rate is flagged at some operating point.

    python benchmarks/fairness_null.py [--audits 200] [--seeds 10] [--people 20000]

(``--audits 0`` skips part (a).)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk.evaluation import FairnessConfig, audit_scores
from vrurisk.evaluation._fairness_judgement import RatioDistribution, jeffreys

SEXES, SEX_SHARES = ["M", "F"], [0.55, 0.45]
ETHNICITIES = ["White", "Black", "Asian", "Mixed", "Other"]
ETHNICITY_SHARES = [0.60, 0.15, 0.12, 0.07, 0.06]
NULL_CONFIG = FairnessConfig(sensitive_attributes=["sex", "ethnicity"], top_k=[50])
BIAS_CONFIG = FairnessConfig(
    sensitive_attributes=["ethnicity"], intersections=False, top_k=[200, 500]
)


def null_frame(rows: int, seed: int) -> pd.DataFrame:
    """A scored list in which group membership is independent of score and outcome.

    The score predicts the outcome (about a 4% outcome rate); sex and ethnicity are drawn
    independently of both.
    """
    rng = np.random.default_rng(seed)
    risk = rng.normal(size=rows)
    outcome = rng.random(rows) < 1 / (1 + np.exp(-(-3.6 + 1.0 * risk)))
    return pd.DataFrame(
        {
            "score": risk + rng.normal(scale=0.7, size=rows),
            "outcome": outcome.astype(int),
            "sex": rng.choice(SEXES, rows, p=SEX_SHARES),
            "ethnicity": rng.choice(ETHNICITIES, rows, p=ETHNICITY_SHARES),
        }
    )


def null_audits(n_audits: int, *, rows: int = 2200, first_seed: int = 0):
    """Audit ``n_audits`` null lists; returns (number that flag anything, last audit)."""
    flagged, audit = 0, None
    for seed in range(first_seed, first_seed + n_audits):
        audit = audit_scores(
            null_frame(rows, seed), score_col="score", label_col="outcome", config=NULL_CONFIG
        )
        flagged += bool(len(audit.flags))
    return flagged, audit


def _recording_bias_module():
    path = Path(__file__).resolve().parent / "recording_bias_audit.py"
    spec = importlib.util.spec_from_file_location("recording_bias_audit", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recording_bias_audit(people: int, seed: int):
    """The audit of the planted recording bias at one seed (same path as its test)."""
    from vrurisk.data import simulate_population

    population = simulate_population(people, seed=seed, years=5, recording_bias=1.0)
    frame = _recording_bias_module().low_level_count_frame(population.dataset)
    return audit_scores(frame, score_col="score", label_col="outcome", config=BIAS_CONFIG)


def _unadjusted_flag(row: dict, config: FairnessConfig) -> bool:
    """Would the old rule (one 95% interval per comparison, no multiplicity) flag this row?"""
    ratio = RatioDistribution(
        *jeffreys(row["events"], row["denominator"]),
        *jeffreys(row["reference_events"], row["reference_denominator"]),
    )
    low, high = ratio.interval(config.ci_level)
    return low > config.disparity_band[1] or high < config.disparity_band[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

    if args.audits:
        started = time.perf_counter()
        flagged, last = null_audits(args.audits)
        print(
            f"(a) null: {flagged} of {args.audits} audits flag anything "
            f"({flagged / args.audits:.1%}; target <= 5%); 2,200 rows, top 50, sex x ethnicity, "
            f"{len(last.disparities)} comparisons per audit of which "
            f"{last.multiplicity['n_judged']} judged in the last one "
            f"({time.perf_counter() - started:.0f} s)"
        )

    started = time.perf_counter()
    detected, unadjusted, per_seed = 0, 0, []
    for seed in range(args.seeds):
        audit = recording_bias_audit(args.people, seed)
        flags = audit.flags
        hit = ((flags["group"] == "Black") & (flags["metric"] == "selection_rate")).any()
        detected += bool(hit)
        black = audit.disparities[
            (audit.disparities["group"] == "Black")
            & (audit.disparities["metric"] == "selection_rate")
        ]
        unadjusted += any(_unadjusted_flag(r, BIAS_CONFIG) for r in black.to_dict("records"))
        per_seed.append(
            f"seed {seed}: "
            + ", ".join(
                f"{r['operating_point']} ratio {r['ratio']:.2f} [{r['ci_low']:.2f}, "
                f"{r['ci_high']:.2f}] {r['verdict']}, smallest flaggable "
                f"{r['smallest_flaggable_ratio']:.2f}"
                for r in black.to_dict(orient="records")
            )
            + f" (m = {audit.multiplicity['n_judged']})"
        )
    print(
        f"(b) power: the planted recording bias (Black selection rate) is flagged in {detected} "
        f"of {args.seeds} seeds at {args.people} people (target >= 9 of 10; "
        f"{time.perf_counter() - started:.0f} s); power kept: {detected} of the {unadjusted} "
        "seeds that an unadjusted per-comparison 95% interval (the old rule) flags"
    )
    for line in per_seed:
        print("   ", line)
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
