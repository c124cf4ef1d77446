"""On synthetic data, the audit flags injected recording bias and flags nothing without it.

The score counts a person's recorded low-level police events (drug possession, ASB, stop and
search) in the two years before the as-of date, the kind of "risk factor count" a VRU might use.
With recording bias on, the Black group's low-level events are recorded twice as often for the
same behaviour, so the top k over-selects Black young people who go on to have no serious
violence: the selection rate and false positive rate disparities against White are flagged.
With it off (same seed), nothing is flagged.

Measured with ``benchmarks/recording_bias_audit.py --people 20000 --seeds 10`` with the audit's
simultaneous (Bonferroni) intervals: with bias on, the Black selection rate is flagged in 9 of 10
seeds at top 200 and at top 500 (the false positive rate in 9 and 8); with it off no seed flags
anything. ``benchmarks/fairness_null.py`` prints the same detection rate beside the false-flag
rate of null audits. At 8,000 people the power is lower, hence 20,000 here.
"""

from __future__ import annotations

import pytest
from benchmark_helpers import load_benchmark

from vrurisk.data import simulate_population
from vrurisk.evaluation import FairnessConfig, audit_scores

SEED, PEOPLE, TOP_K = 1, 20_000, (200, 500)
CONFIG = FairnessConfig(sensitive_attributes=["ethnicity"], intersections=False, top_k=TOP_K)


def _benchmark_module():
    return load_benchmark("recording_bias_audit")


def _audit(recording_bias: float):
    population = simulate_population(PEOPLE, seed=SEED, years=5, recording_bias=recording_bias)
    frame = _benchmark_module().low_level_count_frame(population.dataset)
    return audit_scores(frame, score_col="score", label_col="outcome", config=CONFIG)


@pytest.fixture(scope="module")
def audits():
    return {"on": _audit(1.0), "off": _audit(0.0)}


def test_recording_bias_on_flags_the_injected_disparity(audits):
    flags = audits["on"].flags
    flagged = {(r["operating_point"], r["group"], r["metric"]) for r in flags.to_dict("records")}
    for k in TOP_K:
        assert (f"top {k}", "Black", "selection_rate") in flagged
        assert (f"top {k}", "Black", "false_positive_rate") in flagged
    assert set(flags["group"]) == {"Black"}
    assert (flags["ratio"] > 1.25).all() and (flags["reference"] == "White").all()
    assert audits["on"].findings[0].startswith(f"{len(flags)} disparities flagged")


def test_recording_bias_off_flags_nothing(audits):
    audit = audits["off"]
    assert audit.flags.empty
    assert audit.findings[0].startswith("No disparity flagged")
    rows = audit.disparities
    injected = rows[
        (rows["group"] == "Black") & rows["metric"].isin(["selection_rate", "false_positive_rate"])
    ]
    assert len(injected) == 2 * len(TOP_K)
    # Re-tuned for issue 14's world (stronger contagion, which runs within deprived areas where
    # more Black young people live, so true behaviour differs more by group): one of the four
    # ratios measured 1.37 (the others 1.15, 1.28, 1.13) at seed 1, not flagged; the bound was
    # 1.33.
    assert injected["ratio"].between(0.75, 1.45).all()
