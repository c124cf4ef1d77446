"""Stage 1 of the Avon and Somerset shape: individual risk, propagated over the network.

Scheme (no label reaches a person's own features, through a neighbour or through time)
-------------------------------------------------------------------------------------
For features at as-of date T:

1. **Point in time.** The stage-1 model is trained on individual features at
   ``T1 = T - horizon - 1 day`` with outcomes in ``(T1, T1 + horizon] = (T - horizon - 1, T - 1]``,
   so everything it learns is dated strictly before T. The outcome labels of the final model,
   (T, T + horizon], are never seen by stage 1 at T.
2. **Out of fold by person.** Every person gets a fixed fold ``f(i)`` in ``0..K-1`` (a seeded
   hash of their id, the same at every as-of date). ``K`` models are trained; model ``M_k``
   never sees the training rows of fold-k people. ``M_k`` scores (on individual features at
   T) the neighbours of fold-k people, and only those.
3. **Propagation.** Person i's neighbour features (mean, max and weighted sum of neighbours'
   scores) use only ``M_f(i)``'s scores. So i's own stage-1 label cannot flow back to i through
   a neighbour's score, however closely the model memorised i (the planted-signal test checks
   that an in-fold scheme leaks and this one does not).

When the training window holds fewer than ``min_positives`` outcomes (e.g. T early in the
data), every score is the training base rate (0 with no training rows).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from vrurisk.features._config import Stage1Config
from vrurisk.features._manifest import FeatureSpec


def stage1_manifest() -> list[FeatureSpec]:
    """One :class:`FeatureSpec` per stage-1 column."""
    spec = [
        (
            "stage1_neighbour_risk_mean",
            "average individual risk score of their associates (stage-1 model, out of fold)",
            "their associates' average estimated risk (from their own records) is {value:.1%}",
        ),
        (
            "stage1_neighbour_risk_max",
            "highest individual risk score among their associates (stage-1 model, out of fold)",
            "the highest estimated risk among their associates (from their own records) is "
            "{value:.1%}",
        ),
        (
            "stage1_neighbour_risk_weighted_sum",
            "associates' individual risk scores summed, weighted by link strength",
            "their associates' estimated risks add up to {value:.2f} (closer ties count more)",
        ),
    ]
    return [FeatureSpec(name, "stage1", desc, reason) for name, desc, reason in spec]


def person_folds(person_ids, n_folds: int, seed: int) -> np.ndarray:
    """The fixed fold of every person, from a seeded hash of their id (so it does not depend
    on the order of rows in ``people``)."""
    import pandas as pd

    hashed = pd.util.hash_array(np.asarray(person_ids, dtype=object))
    mixed = (hashed ^ np.uint64((seed * 0x9E3779B97F4A7C15) % 2**64)) * np.uint64(
        0xBF58476D1CE4E5B9
    )
    return ((mixed >> np.uint64(32)) % np.uint64(n_folds)).astype(np.int64)


def _make_model(config: Stage1Config, seed: int):
    if config.model == "lightgbm":
        from lightgbm import LGBMClassifier

        return LGBMClassifier(
            n_estimators=config.n_estimators,
            num_leaves=config.num_leaves,
            learning_rate=config.learning_rate,
            min_child_samples=config.min_child_samples,
            random_state=seed,
            n_jobs=config.n_jobs,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


def fold_scores(
    train_X: np.ndarray,
    train_y: np.ndarray,
    train_fold: np.ndarray,
    apply_X: np.ndarray,
    config: Stage1Config,
    seed: int = 0,
    apply_rows: list[np.ndarray] | None = None,
) -> np.ndarray:
    """``(n_folds, n_apply)`` scores: row k from the model trained without fold k's people.

    With ``apply_rows``, model k scores only the rows ``apply_rows[k]`` of ``apply_X`` (the
    neighbours of fold-k people; the others are left at 0).
    """
    k = config.n_folds
    out = np.zeros((k, len(apply_X)))
    if len(train_X) > config.max_train_rows:
        pick = np.random.default_rng([seed, 2]).choice(
            len(train_X), config.max_train_rows, replace=False
        )
        pick.sort()
        train_X, train_y, train_fold = train_X[pick], train_y[pick], train_fold[pick]
    for fold in range(k):
        use = train_fold != fold
        y = train_y[use]
        wanted = np.arange(len(apply_X)) if apply_rows is None else apply_rows[fold]
        positives = int(y.sum())
        if positives < config.min_positives or positives == len(y) or not len(wanted):
            out[fold, wanted] = y.mean() if len(y) else 0.0
            continue
        model = _make_model(config, seed).fit(train_X[use], y)
        out[fold, wanted] = model.predict_proba(apply_X[wanted])[:, 1]
    return out


def neighbour_risk(
    weights: sp.csr_matrix,
    adjacency: sp.csr_matrix,
    scores: np.ndarray,
    folds: np.ndarray,
    rows: np.ndarray,
) -> np.ndarray:
    """Mean, max and weighted sum of neighbours' scores for ``rows``, each row using the
    scores of the model of its own fold (``scores[folds[row]]``). 0 with no neighbours."""
    out = np.zeros((len(rows), 3))
    sub_a, sub_w = adjacency[rows], weights[rows]
    deg = np.diff(sub_a.indptr)
    has = deg > 0
    row_fold = folds[rows]
    for fold in range(scores.shape[0]):
        mine = np.flatnonzero(row_fold == fold)
        if not len(mine):
            continue
        s = scores[fold]
        a, w = sub_a[mine], sub_w[mine]
        total = a @ s
        d = np.diff(a.indptr)
        vals = s[a.indices]
        top = np.zeros(len(mine))
        nz = d > 0
        if len(vals):
            top[nz] = np.maximum.reduceat(vals, a.indptr[:-1][nz])
        out[mine, 0] = np.divide(total, d, out=np.zeros(len(mine)), where=d > 0)
        out[mine, 1] = top
        out[mine, 2] = w @ s
    out[~has] = 0.0
    return out
