"""Common tests over every row of the fairness-rate table (vrurisk.evaluation.FAIRNESS_RATES)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairness_helpers import random_scores

from vrurisk.evaluation import FAIRNESS_RATES, FairnessConfig, audit_scores
from vrurisk.evaluation._fairness_metrics import bootstrap_rates, denominators, rates_from_counts

RATES = [rate.name for rate in FAIRNESS_RATES]
CELLS = {"tp": 7, "fp": 13, "fn": 5, "tn": 75}


@pytest.fixture(scope="module")
def audit():
    frame = random_scores(0, 400, lambda rng, n: rng.choice(["A", "B"], n, p=[0.6, 0.4]))
    config = FairnessConfig(sensitive_attributes=["eth"], top_k=[80], min_group_size=5)
    return audit_scores(frame, score_col="score", label_col="outcome", config=config)


def test_names_are_unique():
    assert len(set(RATES)) == len(RATES)


@pytest.mark.parametrize("rate", FAIRNESS_RATES, ids=RATES)
def test_a_rate_is_a_share_of_its_declared_denominator(rate):
    counts = tuple(CELLS.values())
    denominator = denominators(pd.Series(CELLS))[rate.denominator]
    assert rate.events(*counts) + rate.others(*counts) == denominator
    assert 0 <= rate.value(**CELLS) <= 1
    assert np.isnan(rate.value(tp=0, fp=0, fn=0, tn=0))


@pytest.mark.parametrize("rate", FAIRNESS_RATES, ids=RATES)
def test_a_rate_has_a_label_a_meaning_and_a_direction_when_compared(rate):
    assert rate.label and rate.meaning.startswith("the share of")
    assert (rate.worse_when is None) == (not rate.compared)


@pytest.mark.parametrize("rate", FAIRNESS_RATES, ids=RATES)
def test_point_estimate_and_bootstrap_agree(rate):
    rates = rates_from_counts([*CELLS.values(), 0.0])
    assert rates[rate.name] == pytest.approx(rate.value(**CELLS))
    draws = bootstrap_rates(pd.Series(CELLS), 4000, seed=0, key="group")[rate.name]
    assert np.mean(draws) == pytest.approx(rate.value(**CELLS), abs=0.03)


@pytest.mark.parametrize("rate", FAIRNESS_RATES, ids=RATES)
def test_the_audit_reports_every_rate_and_compares_the_compared_ones(rate, audit):
    groups = audit.groups
    assert {rate.name, f"{rate.name}_low", f"{rate.name}_high"} <= set(groups.columns)
    compared = set(audit.disparities["metric"])
    assert (rate.name in compared) == rate.compared
