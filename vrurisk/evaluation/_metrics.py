"""List metrics, calibration metrics and bootstrap intervals for risk scores.

A panel works down a list: what matters is how many of the k people it can see would go on to
be involved in serious violence (precision@k) and how many of those involved it saw
(recall@k). ``k`` is a number of people (``100``) or a share of the cohort (``"1%"``).

Ranking metrics take ``y_score`` (higher = riskier) and treat equal scores as ties, never by
row position, so no metric depends on the order of the rows: ROC AUC counts a tied
(positive, negative) pair as one half, average precision takes tied scores as one threshold, and
precision@k / recall@k are the *expected* values when the people tied at the cut-off are
chosen at random (everyone scored above the cut-off score, plus the tied group's share of its
outcomes for the places left). :func:`evaluate_predictions` computes every metric of one test
date from one set of predictions, so they are consistent with each other.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from vrurisk.evaluation._k import BAD_K, k_label, parse_k, resolve_k  # noqa: F401 - re-exported

LENGTH_MISMATCH = "y_true and y_score have different lengths: {a} and {b}."


def _check(y_true, y_score) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=float)
    y_score = np.asarray(y_score, dtype=float)
    if len(y_true) != len(y_score):
        raise ValueError(LENGTH_MISMATCH.format(a=len(y_true), b=len(y_score)))
    return y_true, y_score


def rank_order(y_score, tiebreak=None) -> np.ndarray:
    """Row positions from highest to lowest score: the order of a list.

    Equal scores are ordered by ``tiebreak`` (ascending; e.g. pseudonymised keys, so the order
    of a list never follows the order of the input rows), then by row position.

    Examples
    --------
    >>> rank_order([0.2, 0.9, 0.2], tiebreak=["k3", "k1", "k2"]).tolist()
    [1, 2, 0]
    """
    y_score = np.asarray(y_score, dtype=float)
    keys = [np.arange(len(y_score))]
    if tiebreak is not None:
        keys.append(pd.factorize(np.asarray(tiebreak, dtype=object), sort=True)[0])
    keys.append(-y_score)
    return np.lexsort(keys)


def top_k(y_score, k, tiebreak=None) -> np.ndarray:
    """Positions of the ``k`` highest scores (see :func:`resolve_k` for ``k``), ties at the
    cut-off chosen by ``tiebreak`` as in :func:`rank_order`."""
    return rank_order(y_score, tiebreak)[: resolve_k(k, len(y_score))]


def expected_hits_at_k(y_true, y_score, k) -> float:
    """Expected number of people with the outcome among the ``k`` highest scores when the people
    tied at the cut-off score are chosen at random.

    Everyone scored above the cut-off is on the list; the places left go to the group tied at
    the cut-off, each bringing that group's outcome rate.

    Examples
    --------
    >>> expected_hits_at_k([1, 0, 1, 0], [0.9, 0.5, 0.5, 0.5], 2)
    1.3333333333333333
    """
    y_true, y_score = _check(y_true, y_score)
    if len(y_true) == 0:
        return float("nan")
    size = resolve_k(k, len(y_true))
    cut = np.sort(y_score)[::-1][size - 1]
    above, tied = y_score > cut, y_score == cut
    return float(y_true[above].sum() + (size - above.sum()) * y_true[tied].mean())


def precision_at_k(y_true, y_score, k) -> float:
    """Share of the ``k`` highest-scored people who had the outcome.

    With ties at the cut-off this is the expected precision over a random choice among the
    tied people (see :func:`expected_hits_at_k`): it does not depend on the order of the rows.

    Examples
    --------
    >>> precision_at_k([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 2)
    0.5
    >>> precision_at_k([0, 1, 0, 0], [0.5, 0.5, 0.5, 0.1], 1)  # one place, three tied
    0.3333333333333333
    """
    y_true, y_score = _check(y_true, y_score)
    return expected_hits_at_k(y_true, y_score, k) / resolve_k(k, len(y_true))


def recall_at_k(y_true, y_score, k) -> float:
    """Share of the people who had the outcome who are among the ``k`` highest scores
    (expected over a random choice among people tied at the cut-off, as :func:`precision_at_k`).

    Examples
    --------
    >>> recall_at_k([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 2)
    0.5
    """
    y_true, y_score = _check(y_true, y_score)
    positives = y_true.sum()
    return float(expected_hits_at_k(y_true, y_score, k) / positives) if positives else float("nan")


def roc_auc(y_true, y_score) -> float:
    """Area under the ROC curve (NaN when only one class is present)."""
    y_true, y_score = _check(y_true, y_score)
    if len(np.unique(y_true)) < 2:
        return float("nan")
    return float(roc_auc_score(y_true, y_score))


def average_precision(y_true, y_score) -> float:
    """Average precision (area under the precision-recall curve; NaN without positives)."""
    y_true, y_score = _check(y_true, y_score)
    if not y_true.any():
        return float("nan")
    return float(average_precision_score(y_true, y_score))


def brier_score(y_true, y_prob) -> float:
    """Mean squared error of the predicted probabilities (lower is better)."""
    y_true, y_prob = _check(y_true, y_prob)
    return float(brier_score_loss(y_true, y_prob))


def base_rate(y_true) -> float:
    """Share of people with the outcome."""
    return float(np.mean(np.asarray(y_true, dtype=float)))


def expected_calibration_error(y_true, y_prob, *, n_bins: int = 10) -> float:
    """Mean gap between predicted and observed rates over equal-size bins of predictions.

    Bins hold equal numbers of people (sorted by probability) rather than equal probability
    ranges: with low base rates equal-width bins would put almost everyone in the first bin.
    People with equal probabilities are never split between bins (a tied group goes whole into
    the bin of its first member), so the result does not depend on the order of the rows.
    The gap of each bin is weighted by its size.

    Examples
    --------
    >>> expected_calibration_error([0, 0, 1, 1], [0.0, 0.0, 1.0, 1.0], n_bins=2)
    0.0
    """
    y_true, y_prob = _check(y_true, y_prob)
    if len(y_true) == 0:
        return float("nan")
    order = np.argsort(y_prob, kind="stable")
    sizes = [len(c) for c in np.array_split(order, min(n_bins, len(order)))]
    first = np.searchsorted(y_prob[order], y_prob[order], side="left")
    bins = np.searchsorted(np.cumsum(sizes), first, side="right")
    gap = 0.0
    for b in np.unique(bins):
        chunk = order[bins == b]
        gap += len(chunk) * abs(y_true[chunk].mean() - y_prob[chunk].mean())
    return float(gap / len(y_true))


def top_k_overlap(ids_a: Sequence, score_a, ids_b: Sequence, score_b, k) -> float:
    """List stability: share of the top-k list at one date still on the top-k list at the next.

    ``k`` is resolved against each cohort separately; the overlap is divided by the shorter list.
    People tied at a cut-off are chosen by their id (as :func:`rank_order` with ``tiebreak``),
    never by row position.

    Examples
    --------
    >>> top_k_overlap(["a", "b", "c"], [3, 2, 1], ["b", "a", "d"], [3, 1, 2], 2)
    0.5
    """
    top_a = set(np.asarray(ids_a)[top_k(score_a, k, tiebreak=ids_a)].tolist())
    top_b = set(np.asarray(ids_b)[top_k(score_b, k, tiebreak=ids_b)].tolist())
    return len(top_a & top_b) / min(len(top_a), len(top_b))


def _bootstrap_counts(n: int, n_boot: int, seed: int) -> np.ndarray:
    """How many times each row is drawn in each resample (shape ``n_boot x n``)."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(np.float64)


def _group_counts(
    y_sorted: np.ndarray, groups: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per resample and score group (ascending score): drawn positives and drawn rows."""
    n_groups = int(groups.max()) + 1
    member = sparse.csr_matrix(
        (np.ones(len(groups)), (np.arange(len(groups)), groups)), shape=(len(groups), n_groups)
    )
    pos = np.asarray(counts @ member.multiply(y_sorted[:, None]).tocsr())
    total = np.asarray(counts @ member)
    return pos, total


def _auc_from_counts(y_sorted: np.ndarray, groups: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """AUC of each resample (Mann-Whitney with weights; ties count one half)."""
    pos, total = _group_counts(y_sorted, groups, counts)
    return _auc_from_groups(pos, total - pos)


def _auc_from_groups(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    neg_below = np.cumsum(neg, axis=1) - neg
    wins = (pos * (neg_below + 0.5 * neg)).sum(axis=1)
    total = pos.sum(axis=1) * neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, wins / total, np.nan)


def _hits_from_groups(pos: np.ndarray, total: np.ndarray, size: int) -> np.ndarray:
    """Expected hits in the top ``size`` of each resample, groups in descending score order:
    whole groups above the cut-off, the cut-off group's outcome rate for the places left."""
    before = np.cumsum(total, axis=1) - total
    taken = np.clip(size - before, 0, total)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(total > 0, pos / np.where(total > 0, total, 1), 0.0)
    return (taken * rate).sum(axis=1)


def bootstrap_intervals(
    y_true, y_score, *, ks: Sequence = (), n_boot: int = 200, level: float = 0.95, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals for ROC AUC, precision@k and recall@k (rows resampled
    together; ties handled as in the point estimates).

    Rows are put in a canonical order (by score, then outcome) before resampling, so the
    intervals depend on the (outcome, score) pairs only, not on the order of the rows.

    Returns ``{"roc_auc": (low, high), "precision_at_<k>": (low, high), "recall_at_<k>": ...}``;
    empty when ``n_boot`` is 0.
    """
    y_true, y_score = _check(y_true, y_score)
    if n_boot <= 0 or len(y_true) == 0:
        return {}
    canonical = np.lexsort((y_true, y_score))
    y_true, y_score = y_true[canonical], y_score[canonical]
    counts = _bootstrap_counts(len(y_true), n_boot, seed)
    tail = (1 - level) / 2 * 100
    _, groups = np.unique(y_score, return_inverse=True)
    pos, total = _group_counts(y_true, groups, counts)
    out = {"roc_auc": _percentiles(_auc_from_groups(pos, total - pos), tail)}
    positives = pos.sum(axis=1)
    for k in ks:
        size = resolve_k(k, len(y_true))
        hits = _hits_from_groups(pos[:, ::-1], total[:, ::-1], size)
        out[f"precision_at_{k_label(k)}"] = _percentiles(hits / size, tail)
        with np.errstate(invalid="ignore", divide="ignore"):
            recall = np.where(positives > 0, hits / np.where(positives > 0, positives, 1), np.nan)
        out[f"recall_at_{k_label(k)}"] = _percentiles(recall, tail)
    return out


def _percentiles(values: np.ndarray, tail: float) -> tuple[float, float]:
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return (float("nan"), float("nan"))
    low, high = np.percentile(values, [tail, 100 - tail])
    return (float(low), float(high))


def evaluate_predictions(
    y_true,
    y_prob,
    *,
    y_score=None,
    ks: Sequence = (100,),
    n_boot: int = 200,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, float]:
    """Every metric of one test date, from one set of predictions.

    Parameters
    ----------
    y_true : array of 0/1
    y_prob : array of float
        Calibrated probabilities (Brier score and calibration error).
    y_score : array of float, optional
        Ranking score (ROC AUC, average precision, precision@k, recall@k); defaults to
        ``y_prob``. Equal scores are ties (see the module docstring), never broken by row.
    ks : sequence of int or str
        List sizes (``100``) or shares of the cohort (``"1%"``).
    n_boot, level, seed
        Bootstrap resamples, interval coverage and seed for the intervals.

    Returns
    -------
    dict
        ``n``, ``n_positive``, ``base_rate``, ``roc_auc``, ``average_precision``, ``brier``,
        ``ece``, ``precision_at_<k>``, ``recall_at_<k>``, ``k_<k>`` (the list size) and
        ``<metric>_low`` / ``<metric>_high`` for the bootstrap intervals (ROC AUC, precision@k,
        recall@k).

    Examples
    --------
    >>> m = evaluate_predictions([0, 1, 0, 1], [0.1, 0.8, 0.3, 0.6], ks=[1], n_boot=0)
    >>> m["roc_auc"], m["precision_at_1"], m["recall_at_1"]
    (1.0, 1.0, 0.5)
    """
    y_true, y_prob = _check(y_true, y_prob)
    y_score = y_prob if y_score is None else _check(y_true, y_score)[1]
    metrics = {
        "n": float(len(y_true)),
        "n_positive": float(y_true.sum()),
        "base_rate": base_rate(y_true),
        "roc_auc": roc_auc(y_true, y_score),
        "average_precision": average_precision(y_true, y_score),
        "brier": brier_score(y_true, y_prob),
        "ece": expected_calibration_error(y_true, y_prob),
    }
    for k in ks:
        label = k_label(k)
        metrics[f"k_{label}"] = float(resolve_k(k, len(y_true)))
        metrics[f"precision_at_{label}"] = precision_at_k(y_true, y_score, k)
        metrics[f"recall_at_{label}"] = recall_at_k(y_true, y_score, k)
    intervals = bootstrap_intervals(y_true, y_score, ks=ks, n_boot=n_boot, level=level, seed=seed)
    for name, (low, high) in intervals.items():
        metrics[f"{name}_low"] = low
        metrics[f"{name}_high"] = high
    return metrics
