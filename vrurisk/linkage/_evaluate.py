"""Linkage quality against known truth: pairwise precision and recall."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vrurisk._errors import DataValidationError

KEYS = ["agency", "agency_id"]
TRUTH_MISMATCH = (
    "pairwise_precision_recall: {n} record(s) of the linked crosswalk are not in the truth "
    "table (first: {first})"
)


def _pairs(sizes: pd.Series) -> int:
    n = sizes.to_numpy(dtype=np.int64)
    return int((n * (n - 1) // 2).sum())


def pairwise_precision_recall(crosswalk: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Pairwise precision and recall of a linkage against the true person of every record.

    A pair of records is linked when both carry the same ``person_id`` in ``crosswalk`` and
    truly matched when they carry the same ``person_id`` in ``truth``. Precision is the share of
    linked pairs that truly match; recall the share of truly matching pairs that are linked.

    Parameters
    ----------
    crosswalk : pandas.DataFrame
        ``agency``, ``agency_id``, ``person_id`` as written by :func:`link_agencies`.
    truth : pandas.DataFrame
        ``agency``, ``agency_id``, ``person_id``: the true person of every record.

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1``, ``linked_pairs``, ``true_pairs``, ``correct_pairs``.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"agency": ["a", "b", "c"], "agency_id": ["1", "2", "3"],
    ...                       "person_id": ["x", "x", "y"]})
    >>> linked = truth.assign(person_id=["p", "p", "p"])
    >>> result = pairwise_precision_recall(linked, truth)
    >>> round(result["precision"], 3), result["recall"]
    (0.333, 1.0)
    """
    merged = crosswalk[[*KEYS, "person_id"]].merge(
        truth[[*KEYS, "person_id"]], on=KEYS, how="left", suffixes=("_linked", "_true")
    )
    lost = merged["person_id_true"].isna()
    if lost.any():
        first = merged.loc[lost, KEYS].iloc[0].tolist()
        raise DataValidationError(TRUTH_MISMATCH.format(n=int(lost.sum()), first=first))
    linked = _pairs(merged.groupby("person_id_linked").size())
    true = _pairs(merged.groupby("person_id_true").size())
    correct = _pairs(merged.groupby(["person_id_linked", "person_id_true"]).size())
    precision = correct / linked if linked else float("nan")
    recall = correct / true if true else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if linked and true and correct else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "linked_pairs": linked,
        "true_pairs": true,
        "correct_pairs": correct,
    }
