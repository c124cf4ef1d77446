"""How long does a bias audit of a scored cohort take, and its HTML report?

    python benchmarks/bias_audit_speed.py [--people 20000] [--k 100,500]

A current-list audit (selection rates from one cohort, error rates from another of the same
size) by sex, ethnicity and their intersection, at the given top-k operating points.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np
import pandas as pd

from vrurisk.evaluation import FairnessConfig, audit_scores
from vrurisk.reports import write_bias_audit


def cohort(n: int, seed: int, labels: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "score": rng.beta(1, 20, n),
            "sex": rng.choice(["F", "M"], n),
            "ethnicity": rng.choice(
                ["White", "Black", "Asian", "Mixed", "Other"], n, p=[0.6, 0.15, 0.15, 0.06, 0.04]
            ),
        }
    )
    if labels:
        frame["outcome"] = (rng.random(n) < frame["score"]).astype(int)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--k", default="100,500")
    args = parser.parse_args()
    config = FairnessConfig(top_k=[int(k) for k in args.k.split(",")])
    closed, current = cohort(args.people, 0, True), cohort(args.people, 1, False)
    started = time.perf_counter()
    audit = audit_scores(
        closed, score_col="score", label_col="outcome", config=config, current=current
    )
    audited = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        write_bias_audit(audit, tmp)
        written = time.perf_counter() - started
    print(
        f"{args.people:,} people x 2 lists, {len(config.top_k)} operating points, "
        f"{len(audit.attributes)} attributes, {len(audit.disparities)} comparisons: "
        f"audit {audited:.1f} s, fairness.json + bias_audit.html {written:.1f} s"
    )


if __name__ == "__main__":
    main()
