"""How a feature is distributed, and how far a later cohort has drifted from it.

The training data's distribution of each feature is kept with the model as a
:func:`feature_reference`: bin edges at the training deciles (repeated edges merged, so a count
that is mostly zero has few bins), the share of training rows in each bin and the share
missing. A scored cohort is summarised in the same bins by :func:`feature_shares` (shares only:
no one's values), and :func:`population_stability_index` compares the two. Because only shares
are kept, a score bundle can be monitored after its rows have been deleted.

The population stability index (PSI) of shares ``e`` (reference) and ``a`` (later cohort) is
``sum((a - e) * ln(a / e))`` over the bins, with every share floored at :data:`PSI_FLOOR` so an
empty bin counts as a large shift rather than an infinite one. The conventional reading is
below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a major shift.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Quantiles of the training values that become bin edges.
REFERENCE_QUANTILES = tuple(np.round(np.arange(0.1, 1.0, 0.1), 1))
#: Smallest share a bin counts with in the PSI (an empty bin is a shift, not infinity).
PSI_FLOOR = 1e-4


def feature_reference(X: pd.DataFrame) -> dict[str, dict]:
    """The training distribution of every column of ``X``, in bins.

    Edges are values seen in training (the "lower" deciles), so a count keeps whole-number
    edges.

    Parameters
    ----------
    X : pandas.DataFrame
        Training rows (one column per feature).

    Returns
    -------
    dict
        Feature name -> ``edges`` (ascending, unique), ``shares`` (one per bin: values
        ``<= edges[0]``, then each ``(edges[i-1], edges[i]]``, then ``> edges[-1]``, and last
        the share missing), ``low`` and ``high`` (the training range; None when all missing)
        and ``n`` (rows).

    Examples
    --------
    >>> X = pd.DataFrame({"count": [0, 0, 0, 0, 0, 0, 1, 1, 2, 5]})
    >>> ref = feature_reference(X)["count"]
    >>> ref["edges"], ref["shares"]
    ([0.0, 1.0, 2.0], [0.6, 0.2, 0.1, 0.1, 0.0])
    """
    out = {}
    for name in X.columns:
        values = X[name].to_numpy(dtype=float)
        present = values[~np.isnan(values)]
        edges = (
            np.unique(np.quantile(present, REFERENCE_QUANTILES, method="lower"))
            if present.size
            else np.array([])
        )
        out[str(name)] = {
            "edges": [float(e) for e in edges],
            "shares": _shares(values, edges),
            "low": float(present.min()) if present.size else None,
            "high": float(present.max()) if present.size else None,
            "n": int(len(values)),
        }
    return out


def feature_shares(reference: dict[str, dict], X: pd.DataFrame) -> dict[str, dict]:
    """A cohort's shares in the reference's bins, and how many fall outside the training range.

    Parameters
    ----------
    reference : dict
        From :func:`feature_reference`.
    X : pandas.DataFrame
        The cohort's features; features of ``reference`` that ``X`` lacks are left out.

    Returns
    -------
    dict
        Feature name -> ``shares`` (as in the reference), ``n_below`` and ``n_above`` (rows
        below the smallest and above the largest training value) and ``n``.

    Examples
    --------
    >>> ref = feature_reference(pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]}))
    >>> feature_shares(ref, pd.DataFrame({"x": [5.0, 1.0]}))["x"]["n_above"]
    1
    """
    out = {}
    for name, ref in reference.items():
        if name not in X.columns:
            continue
        values = X[name].to_numpy(dtype=float)
        low, high = ref["low"], ref["high"]
        out[name] = {
            "shares": _shares(values, np.asarray(ref["edges"], dtype=float)),
            "n_below": int((values < low).sum()) if low is not None else 0,
            "n_above": int((values > high).sum()) if high is not None else 0,
            "n": int(len(values)),
        }
    return out


def population_stability_index(expected, actual, *, floor: float = PSI_FLOOR) -> float:
    """PSI between two sets of bin shares (reference first).

    Examples
    --------
    >>> population_stability_index([0.5, 0.5], [0.5, 0.5])
    0.0
    >>> round(population_stability_index([0.5, 0.5], [0.9, 0.1]), 3)
    0.879
    """
    e = np.maximum(np.asarray(expected, dtype=float), floor)
    a = np.maximum(np.asarray(actual, dtype=float), floor)
    if e.shape != a.shape:
        raise ValueError(f"bin shares differ in length: {e.size} and {a.size}")
    return float(np.sum((a - e) * np.log(a / e)))


def _shares(values: np.ndarray, edges: np.ndarray) -> list[float]:
    """Shares of ``values`` per bin of ``edges`` (right-closed), then the share missing."""
    n = len(values)
    missing = np.isnan(values)
    bins = np.searchsorted(edges, values[~missing], side="left")
    counts = np.bincount(bins, minlength=len(edges) + 1).astype(float)
    shares = np.append(counts, missing.sum()) / max(n, 1)
    return [round(float(s), 8) for s in shares]
