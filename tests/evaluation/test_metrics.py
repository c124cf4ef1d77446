"""List, calibration and bootstrap metrics agree with slow, obvious references."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, roc_auc_score

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
    _group_counts,
    _hits_from_groups,
    rank_order,
)


def test_precision_and_recall_at_k_count_the_top_of_the_list():
    y = [1, 0, 0, 1, 1, 0]
    score = [0.9, 0.8, 0.1, 0.7, 0.2, 0.3]
    assert precision_at_k(y, score, 3) == pytest.approx(2 / 3)
    assert recall_at_k(y, score, 3) == pytest.approx(2 / 3)
    assert precision_at_k(y, score, "50%") == pytest.approx(2 / 3)


def test_ties_at_the_cut_off_give_the_expected_precision_over_random_tie_breaking():
    assert precision_at_k([0, 1], [0.5, 0.5], 1) == 0.5
    assert precision_at_k([1, 0], [0.5, 0.5], 1) == 0.5
    # 1 sure place (0.9, a hit), 2 places among 4 tied with 1 hit: 1 + 2 * 1/4
    y, s = [1, 0, 1, 0, 0, 0], [0.9, 0.5, 0.5, 0.5, 0.5, 0.1]
    assert precision_at_k(y, s, 3) == pytest.approx(1.5 / 3)
    assert recall_at_k(y, s, 3) == pytest.approx(1.5 / 2)


def test_lists_order_ties_by_the_tiebreak_key_not_by_row():
    assert rank_order([0.5, 0.9, 0.5], tiebreak=["z", "a", "b"]).tolist() == [1, 2, 0]
    assert rank_order([0.5, 0.5, 0.9], tiebreak=["b", "z", "a"]).tolist() == [2, 0, 1]


def outcomes_seed_and_data(min_size: int, max_size: int):
    """40 hypothesis cases: a 0/1 outcome list, a seed, and ``data`` to draw tied scores."""
    cases = given(
        y=st.lists(st.integers(0, 1), min_size=min_size, max_size=max_size),
        seed=st.integers(0, 1000),
        data=st.data(),
    )
    return lambda test: settings(max_examples=40, deadline=None)(cases(test))


@outcomes_seed_and_data(4, 60)
def test_no_metric_depends_on_the_order_of_tied_rows(y, seed, data):
    """Scores with few distinct values (like the risk-factor-count baseline): every metric and
    interval is the same after any permutation of the rows, and ROC AUC / average precision are
    scikit-learn's on the tied scores."""
    y = np.array(y, dtype=float)
    y[:2] = [0, 1]
    score = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(y), max_size=len(y))))
    perm = np.random.default_rng(seed).permutation(len(y))
    a = evaluate_predictions(y, score / 4, ks=[3, "20%"], n_boot=20, seed=1)
    b = evaluate_predictions(y[perm], score[perm] / 4, ks=[3, "20%"], n_boot=20, seed=1)
    assert a == pytest.approx(b, nan_ok=True, rel=1e-12, abs=1e-12)
    assert a["roc_auc"] == pytest.approx(roc_auc_score(y, score))
    assert a["average_precision"] == pytest.approx(average_precision_score(y, score))


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


@outcomes_seed_and_data(2, 40)
def test_vectorised_bootstrap_equals_resampling_loop(y, seed, data):
    y = np.array(y, dtype=float)
    score = np.array(
        data.draw(st.lists(st.integers(0, 5), min_size=len(y), max_size=len(y))), float
    )
    counts = _bootstrap_counts(len(y), 5, seed)
    ascending = np.argsort(score, kind="stable")
    _, groups = np.unique(score[ascending], return_inverse=True)
    aucs = _auc_from_counts(y[ascending], groups, counts[:, ascending])
    pos, total = _group_counts(y[ascending], groups, counts[:, ascending])
    size = min(3, len(y))
    precisions = _hits_from_groups(pos[:, ::-1], total[:, ::-1], size) / size
    for b in range(5):
        rows = np.repeat(np.arange(len(y)), counts[b].astype(int))
        yb, sb = y[rows], score[rows]
        if len(np.unique(yb)) == 2:
            assert aucs[b] == pytest.approx(roc_auc_score(yb, sb))
        else:
            assert np.isnan(aucs[b])
        assert precisions[b] == pytest.approx(precision_at_k(yb, sb, 3))


def test_evaluate_predictions_is_consistent_and_intervals_cover_the_estimate():
    rng = np.random.default_rng(1)
    p = rng.beta(1, 20, size=5_000)
    y = (rng.uniform(size=p.size) < p).astype(int)
    m = evaluate_predictions(y, p, ks=[100, "1%"], n_boot=200, seed=0)
    assert m["k_1pct"] == 50 and m["k_100"] == 100
    assert m["precision_at_100"] * 100 == pytest.approx(m["recall_at_100"] * y.sum())
    assert m["roc_auc_low"] <= m["roc_auc"] <= m["roc_auc_high"]
    assert m["precision_at_100_low"] <= m["precision_at_100"] <= m["precision_at_100_high"]
    assert m["recall_at_1pct_low"] <= m["recall_at_1pct"] <= m["recall_at_1pct_high"]
    assert m["base_rate"] == pytest.approx(y.mean())


def test_no_bootstrap_gives_no_intervals():
    assert bootstrap_intervals([0, 1], [0.1, 0.2], n_boot=0) == {}
