"""Stage-1 neighbour risk: a planted label-revealing signal leaks in-fold and not out-of-fold."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import roc_auc_score

from vrurisk.features import Stage1Config
from vrurisk.features._stage1 import fold_scores, neighbour_risk, person_folds

#: A stage-1 model able to memorise single rows: the worst case for leakage.
MEMORISING = Stage1Config(
    model="lightgbm",
    n_folds=5,
    n_estimators=40,
    num_leaves=1024,
    min_child_samples=1,
    learning_rate=1.0,
    min_positives=1,
)


def planted_pairs(n_pairs: int, seed: int):
    """People in linked pairs; both members share a unique feature vector, labels independent.

    A model that memorises person i's row scores i's partner (same features) with i's label, so
    the partner's score handed back to i as "neighbour risk" would reveal i's own label.
    """
    rng = np.random.default_rng(seed)
    n = 2 * n_pairs
    pair_features = rng.normal(size=(n_pairs, 4))
    X = np.repeat(pair_features, 2, axis=0)
    y = (rng.random(n) < 0.4).astype(float)
    a = np.arange(0, n, 2)
    adj = sp.csr_matrix((np.ones(n), (np.r_[a, a + 1], np.r_[a + 1, a])), shape=(n, n))
    return X, y, adj


def neighbour_mean_auc(train_fold: np.ndarray, folds: np.ndarray, seed: int = 0) -> float:
    X, y, adj = planted_pairs(1500, seed)
    scores = fold_scores(X, y, train_fold, X, MEMORISING, seed)
    feature = neighbour_risk(adj, adj, scores, folds, np.arange(len(y)))[:, 0]
    return roc_auc_score(y, feature)


def test_in_fold_propagation_leaks_the_planted_label():
    """Sanity check of the planted signal: with every row in training, it leaks strongly."""
    n = 3000
    folds = person_folds(np.arange(n).astype(str), MEMORISING.n_folds, 0)
    in_fold = np.full(n, -1)  # no fold is ever held out
    assert neighbour_mean_auc(in_fold, folds) > 0.7


def test_out_of_fold_propagation_does_not_leak():
    n = 3000
    folds = person_folds(np.arange(n).astype(str), MEMORISING.n_folds, 0)
    auc = neighbour_mean_auc(folds, folds)
    assert abs(auc - 0.5) < 0.04


def test_neighbour_risk_uses_each_rows_own_fold_scores():
    # path 0 - 1 - 2, weights 2 and 3; row 1 is in fold 1, rows 0 and 2 in fold 0
    adj = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
    weights = sp.csr_matrix(np.array([[0, 2, 0], [2, 0, 3], [0, 3, 0]], dtype=float))
    scores = np.array([[0.1, 0.2, 0.3], [0.5, 0.6, 0.9]])
    folds = np.array([0, 1, 0])
    out = neighbour_risk(weights, adj, scores, folds, np.arange(3))
    np.testing.assert_allclose(out[0], [0.2, 0.2, 0.4])
    np.testing.assert_allclose(out[1], [0.7, 0.9, 2 * 0.5 + 3 * 0.9])
    np.testing.assert_allclose(out[2], [0.2, 0.2, 0.6])


def test_person_folds_are_stable_and_cover_every_fold():
    ids = np.array([f"p{i}" for i in range(1000)])
    folds = person_folds(ids, 5, seed=3)
    np.testing.assert_array_equal(folds, person_folds(ids, 5, seed=3))
    np.testing.assert_array_equal(folds[::-1], person_folds(ids[::-1], 5, seed=3))
    assert set(folds) == set(range(5))
    assert np.bincount(folds).min() > 150
    assert (folds != person_folds(ids, 5, seed=4)).mean() > 0.5
