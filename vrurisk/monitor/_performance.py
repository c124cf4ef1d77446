"""How a closed list did: base rate, precision on the list, calibration by band, against CV.

Everything is measured on the list as the panel saw it: the bundle's ranks (the top ``k`` were
listed) and its calibrated probabilities, against the outcomes measured from the data (see
:func:`~vrurisk.monitor._lists.outcomes_by_key`). People whose outcome is censored (they left
inside the window) or who are no longer in the data are left out of every rate and counted.
Intervals for observed rates are Jeffreys intervals (the Beta(events + 1/2, others + 1/2)
quantiles).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import beta

from vrurisk.evaluation import expected_calibration_error, roc_auc

#: Calibration has drifted in a band when its observed rate's 95% interval excludes the mean
#: predicted probability and observed / predicted lies outside this band.
CALIBRATION_BAND = (0.8, 1.25)
LEVEL = 0.95
#: Bands below the list: the rest of the cohort in groups of equal size.
N_LOWER_BANDS = 4


def jeffreys_interval(events: int, total: int, level: float = LEVEL) -> tuple[float, float]:
    """Jeffreys interval of a rate (``(nan, nan)`` with no one): 5 of 50 gives 3.9% to 20.5%.

    >>> low, high = jeffreys_interval(5, 50)
    >>> f"{low:.1%} to {high:.1%}"
    '3.9% to 20.5%'

    """
    if total <= 0:
        return math.nan, math.nan
    tail = (1 - level) / 2
    low = 0.0 if events == 0 else float(beta.ppf(tail, events + 0.5, total - events + 0.5))
    high = 1.0 if events == total else float(beta.ppf(1 - tail, events + 0.5, total - events + 0.5))
    return low, high


def rate_row(outcome: np.ndarray) -> dict:
    """Events, people with a known outcome, the observed rate and its interval."""
    known = outcome[~np.isnan(outcome)]
    events, total = int(known.sum()), int(len(known))
    low, high = jeffreys_interval(events, total)
    return {
        "events": events,
        "n_known": total,
        "rate": events / total if total else math.nan,
        "low": low,
        "high": high,
    }


def list_performance(scores: pd.DataFrame, k: int, outcomes: pd.Series | None) -> dict:
    """Base rate, precision@k, calibration by band, ECE and ROC AUC of one list.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``key``, ``probability``, ``rank`` of the whole cohort.
    k : int
        The panel's list size (ranks 1..k were listed).
    outcomes : pandas.Series or None
        Outcome by key (1.0, 0.0, NaN censored); None while the window is open.

    Returns
    -------
    dict
        ``closed`` and, always, ``n``, ``predicted_rate`` (mean probability); when closed:
        ``base_rate`` (:func:`rate_row` over the cohort), ``precision_at_k`` (over the listed),
        ``bands`` (the list, then the rest in :data:`N_LOWER_BANDS` bands of rank), ``ece``,
        ``roc_auc``, ``n_censored`` and ``n_not_in_data``.
    """
    ordered = scores.sort_values("rank", kind="stable")
    probability = ordered["probability"].to_numpy(dtype=float)
    out = {
        "closed": outcomes is not None,
        "n": int(len(ordered)),
        "predicted_rate": float(probability.mean()) if len(ordered) else math.nan,
    }
    if outcomes is None:
        return out
    position = outcomes.index.get_indexer(ordered["key"].to_numpy(dtype=object))
    found = position >= 0
    outcome = np.full(len(ordered), np.nan)
    outcome[found] = outcomes.to_numpy(dtype=float)[position[found]]
    listed = ordered["rank"].to_numpy() <= k
    known = ~np.isnan(outcome)
    out["n_not_in_data"] = int((~found).sum())
    out["n_censored"] = int((found & ~known).sum())
    out["base_rate"] = rate_row(outcome)
    out["precision_at_k"] = {**rate_row(outcome[listed]), "k": int(listed.sum())}
    out["bands"] = _bands(probability, outcome, listed)
    out["ece"] = (
        expected_calibration_error(outcome[known], probability[known]) if known.any() else None
    )
    both = known.any() and 0 < np.nansum(outcome) < known.sum()
    out["roc_auc"] = roc_auc(outcome[known], probability[known]) if both else None
    return out


def _bands(probability: np.ndarray, outcome: np.ndarray, listed: np.ndarray) -> list[dict]:
    """The list, then the rest of the cohort in equal bands of rank: predicted vs observed."""
    n_listed = int(listed.sum())
    rest = len(probability) - n_listed
    edges = np.linspace(n_listed, len(probability), N_LOWER_BANDS + 1).round().astype(int)
    spans = [("on the list", 0, n_listed)]
    for i in range(N_LOWER_BANDS):
        lo, hi = int(edges[i]), int(edges[i + 1])
        if hi > lo and rest > 0:
            spans.append((f"ranks {lo + 1:,} to {hi:,}", lo, hi))
    rows = []
    for name, lo, hi in spans:
        row = rate_row(outcome[lo:hi])
        known = ~np.isnan(outcome[lo:hi])
        predicted = float(probability[lo:hi][known].mean()) if known.any() else math.nan
        ratio = row["rate"] / predicted if predicted and not math.isnan(predicted) else math.nan
        drifted = (
            not math.isnan(predicted)
            and not (row["low"] <= predicted <= row["high"])
            and not (CALIBRATION_BAND[0] <= ratio <= CALIBRATION_BAND[1])
        )
        rows.append({"band": name, "n": hi - lo, "predicted": predicted, **row, "drifted": drifted})
    return rows


def cross_validation_figures(monitoring: dict | None, k: int) -> dict:
    """The champion's cross-validation precision@k, ECE and ROC AUC from ``monitoring.json``.

    Returns ``{metric: {value, ci_low, ci_high, window}}`` for ``precision_at_k`` (the CV list
    size equal to the panel's ``k``, if trained with it), ``ece`` and ``roc_auc``; empty when the
    bundle carries none.
    """
    rows = (monitoring or {}).get("cross_validation") or []
    wanted = {f"precision_at_{k}": "precision_at_k", "ece": "ece", "roc_auc": "roc_auc"}
    out = {}
    for row in rows:
        name = wanted.get(row.get("metric"))
        if name and row.get("value") is not None:
            out[name] = {
                "value": float(row["value"]),
                "ci_low": row.get("ci_low"),
                "ci_high": row.get("ci_high"),
                "window": row.get("window", ""),
            }
    return out
