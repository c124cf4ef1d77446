"""Audit-wide false-flag control, the expected-count rule, degenerate audits and stated power."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from benchmark_helpers import load_benchmark

from vrurisk.evaluation import FairnessConfig, audit_scores
from vrurisk.evaluation._fairness_judgement import (
    RatioDistribution,
    jeffreys,
    lists_to_pool,
    smallest_flaggable_ratio,
)


def _null_module():
    return load_benchmark("fairness_null")


def test_null_audits_rarely_flag_anything():
    """40 fair audits (2,200 rows, top 50, sex x ethnicity): the old rule flagged ~1 in 3.

    The audit-wide rate is controlled at 5%; 3 of 40 is the most a 5% procedure gives with
    probability ~0.86, and the Bonferroni control is conservative (0 of 200 measured).
    """
    flagged, last = _null_module().null_audits(40)
    assert flagged <= 3
    assert last.multiplicity["method"] == "Bonferroni simultaneous intervals"
    judged = last.multiplicity["n_judged"]
    assert last.multiplicity["per_comparison_level"] == pytest.approx(1 - 0.05 / judged)
    assert "too few expected" in set(last.disparities["verdict"])


def test_ratio_distribution_matches_monte_carlo():
    rng = np.random.default_rng(0)
    ratio = RatioDistribution(*jeffreys(3, 132), *jeffreys(30, 1320))
    draws = rng.beta(3.5, 129.5, 400_000) / rng.beta(30.5, 1290.5, 400_000)
    for c in (0.5, 1.0, 2.0, 4.0):
        assert ratio.cdf(c) == pytest.approx(np.mean(draws <= c), abs=0.003)
    low, high = ratio.interval(0.99)
    assert low == pytest.approx(np.quantile(draws, 0.005), rel=0.03)
    assert high == pytest.approx(np.quantile(draws, 0.995), rel=0.03)


def test_power_grows_with_list_size_and_pooling():
    args = (25, 1100, 1.25, 1 - 0.05 / 6)
    small = smallest_flaggable_ratio(1100, *args)
    large = smallest_flaggable_ratio(11000, 250, 11000, 1.25, 1 - 0.05 / 6)
    assert 1.25 < large < small < 4 and small > 1.5
    pooled = lists_to_pool(1.5, 1100, *args)
    assert pooled is not None and pooled > 1
    assert smallest_flaggable_ratio(pooled * 1100, pooled * 25, pooled * 1100, *args[2:]) <= 1.5
    assert math.isinf(smallest_flaggable_ratio(10, 0, 100, 1.25, 0.95))


def test_power_is_stated_per_operating_point():
    frame = _null_module().null_frame(2200, seed=1)
    config = FairnessConfig(sensitive_attributes=["sex"], top_k=[50, 500])
    audit = audit_scores(frame, score_col="score", label_col="outcome", config=config)
    power = {p["operating_point"]: p for p in audit.power}
    assert set(power) == {"top 50", "top 500"}
    assert power["top 50"]["smallest"]["ratio"] > power["top 500"]["smallest"]["ratio"]
    assert power["top 50"]["sentence"].startswith(
        "At top 50, the smallest selection-rate disparity this audit could have flagged was"
    )
    assert "cannot see even a 1.5x disparity" in power["top 50"]["sentence"]
    assert power["top 50"]["sentence"] in audit.findings
    assert "Pooling" in power["top 50"]["sentence"]
    summary = json.loads(json.dumps(audit.to_dict(), allow_nan=False))
    assert summary["power"][0]["lists_to_pool"] >= 2
    assert {"smallest_flaggable_ratio", "lists_to_pool"} <= set(summary["disparities"][0])


def _frame(outcome) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    return pd.DataFrame(
        {"score": rng.random(n), "outcome": outcome, "g": rng.choice(["a", "b"], n)}
    )


@pytest.mark.parametrize(
    ("outcome", "config", "reason"),
    [
        (
            np.tile([0, 1], 200),
            {"thresholds": [2.0]},
            "nobody in the scored table is flagged",
        ),
        (
            np.tile([0, 1], 200),
            {"thresholds": [-1.0]},
            "everybody in the scored table is flagged",
        ),
        (1, {"top_k": [100]}, "everyone had the outcome (every label is 1)"),
        (0, {"top_k": [100]}, "everyone did not have the outcome (every label is 0)"),
    ],
)
def test_degenerate_audits_judge_nothing(outcome, config, reason):
    config = FairnessConfig(sensitive_attributes=["g"], **config)
    audit = audit_scores(_frame(outcome), score_col="score", label_col="outcome", config=config)
    assert set(audit.disparities["verdict"]) == {"degenerate"}
    point = audit.operating_points[0].name
    assert reason in audit.degenerate[point]
    assert audit.findings[0].startswith("Nothing judged: the audit is degenerate")
    assert any(reason in f for f in audit.findings)
    assert not any("inside the" in f for f in audit.findings)
    assert audit.multiplicity["n_judged"] == 0
    assert any("No comparison could be judged" in f for f in audit.findings)
    assert not any("simultaneous interval" in f for f in audit.findings)
