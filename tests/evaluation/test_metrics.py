"""List, calibration and bootstrap metrics agree with slow, obvious references."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from vrurisk.evaluation import (
    bootstrap_intervals,
    evaluate_predictions,
    expected_calibration_error,
    precision_at_k,
    recall_at_k,
    resolve_k,
    top_k_overlap,
)
from vrurisk.evaluation._metrics import (
    BAD_K,
    _auc_from_counts,
    _bootstrap_counts,
    _precision_at_k_from_counts,
    rank_order,
)


def test_precision_and_recall_at_k_count_the_top_of_the_list():
    y = [1, 0, 0, 1, 1, 0]
    score = [0.9, 0.8, 0.1, 0.7, 0.2, 0.3]
    assert precision_at_k(y, score, 3) == pytest.approx(2 / 3)
    assert recall_at_k(y, score, 3) == pytest.approx(2 / 3)
    assert precision_at_k(y, score, "50%") == pytest.approx(2 / 3)


def test_ties_are_broken_by_row_order():
    assert precision_at_k([0, 1], [0.5, 0.5], 1) == 0.0


@pytest.mark.parametrize("bad", [0, -3, "0%", "101%", "abc", 1.5, True])
def test_bad_k_is_rejected(bad):
    with pytest.raises(ValueError) as info:
        resolve_k(bad, 100)
    assert str(info.value) == BAD_K.format(value=bad)


def test_percent_k_rounds_up_and_stays_within_the_cohort():
    assert resolve_k("1%", 150) == 2
    assert resolve_k(500, 30) == 30


def test_perfect_calibration_has_zero_error_and_constant_bias_shows():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=20_000)
    y = rng.uniform(size=p.size) < p
    assert expected_calibration_error(y, p) < 0.02
    assert expected_calibration_error(y, np.clip(p + 0.2, 0, 1)) > 0.1


def test_list_stability_is_the_shared_share_of_the_lists():
    assert (
        top_k_overlap(["a", "b", "c", "d"], [4, 3, 2, 1], ["d", "c", "b", "a"], [4, 3, 2, 1], 2)
        == 0
    )
    assert top_k_overlap(["a", "b"], [2, 1], ["a", "b"], [2, 1], 2) == 1


@settings(max_examples=40, deadline=None)
@given(
    y=st.lists(st.integers(0, 1), min_size=2, max_size=40),
    seed=st.integers(0, 1000),
    data=st.data(),
)
def test_vectorised_bootstrap_equals_resampling_loop(y, seed, data):
    y = np.array(y, dtype=float)
    score = np.array(
        data.draw(st.lists(st.integers(0, 5), min_size=len(y), max_size=len(y))), float
    )
    counts = _bootstrap_counts(len(y), 5, seed)
    ascending = np.argsort(score, kind="stable")
    _, groups = np.unique(score[ascending], return_inverse=True)
    aucs = _auc_from_counts(y[ascending], groups, counts[:, ascending])
    ranked = rank_order(score)
    precisions = _precision_at_k_from_counts(y[ranked], counts[:, ranked], 3)
    for b in range(5):
        rows = np.repeat(np.arange(len(y)), counts[b].astype(int))
        yb, sb = y[rows], score[rows]
        if len(np.unique(yb)) == 2:
            assert aucs[b] == pytest.approx(roc_auc_score(yb, sb))
        else:
            assert np.isnan(aucs[b])
        # the resample's top 3 in ranked order (ties by original rank)
        order = np.argsort(ranked)[rows]  # each drawn row's position on the list
        top = np.argsort(order, kind="stable")[: min(3, len(rows))]
        assert precisions[b] == pytest.approx(yb[top].mean())


def test_evaluate_predictions_is_consistent_and_intervals_cover_the_estimate():
    rng = np.random.default_rng(1)
    p = rng.beta(1, 20, size=5_000)
    y = (rng.uniform(size=p.size) < p).astype(int)
    m = evaluate_predictions(y, p, ks=[100, "1%"], n_boot=200, seed=0)
    assert m["k_1pct"] == 50 and m["k_100"] == 100
    assert m["precision_at_100"] * 100 == pytest.approx(m["recall_at_100"] * y.sum())
    assert m["roc_auc_low"] <= m["roc_auc"] <= m["roc_auc_high"]
    assert m["precision_at_100_low"] <= m["precision_at_100"] <= m["precision_at_100_high"]
    assert m["base_rate"] == pytest.approx(y.mean())


def test_no_bootstrap_gives_no_intervals():
    assert bootstrap_intervals([0, 1], [0.1, 0.2], n_boot=0) == {}
