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

A feature that grows with the data (a count over all history, the size of a growing network
component) passes its training distribution as a matter of course, so its PSI says "the data
grew", not "the data changed". :func:`scale_free_shares` gives it a second view that growth
leaves alone: each value relative to the typical value of its own cohort (the mean of the
cohort's positive values at the same as-of date), in bins on a doubling scale. Zero stays zero,
so a record that stops arriving still shows; a cohort that merely grew does not.
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


#: Octaves either side of the typical value in :func:`scale_free_shares`: bins centred at
#: 1/16, 1/8, ..., 1, ..., 16 times it (values beyond count in the outermost bin).
SCALE_FREE_OCTAVES = 4


def scale_free_shares(X: pd.DataFrame, as_of=None) -> dict[str, dict]:
    """Each column's shares on a scale-free view: value relative to its cohort's typical value.

    Rows are grouped by ``as_of`` (one cohort if None); within a cohort each value is divided
    by the mean of the cohort's positive values and placed on a doubling scale (log2 of the
    ratio) with :data:`SCALE_FREE_OCTAVES` octaves either side. A ratio between two bin centres
    is shared between them in proportion to its distance (soft binning), so a cohort whose
    typical value moves a little moves each person's share a little, rather than carrying a
    whole count across a bin edge. Bins: zero or below, the octaves from ``1/2**OCTAVES`` to
    ``2**OCTAVES``, then missing.

    Parameters
    ----------
    X : pandas.DataFrame
        Features (non-negative counts and sizes) of one or more cohorts.
    as_of : array-like, optional
        Each row's as-of date: a cohort per date.

    Returns
    -------
    dict
        Feature name -> ``shares`` (one per bin), ``n`` and ``scale`` (the typical value of the
        latest cohort; None if it has no positive value), so growth can be told from shrinkage.

    Examples
    --------
    >>> small = pd.DataFrame({"size": [0.0, 2.0, 4.0, 6.0]})
    >>> big = pd.DataFrame({"size": [0.0, 20.0, 40.0, 60.0]})
    >>> scale_free_shares(small)["size"]["shares"] == scale_free_shares(big)["size"]["shares"]
    True
    >>> scale_free_shares(small)["size"]["scale"], scale_free_shares(big)["size"]["scale"]
    (4.0, 40.0)
    """
    groups = (  # by date, oldest first
        [np.arange(len(X))]
        if as_of is None
        else [
            rows
            for _, rows in sorted(
                pd.Series(np.arange(len(X))).groupby(np.asarray(as_of)).indices.items()
            )
        ]
    )
    n_bins = 2 * SCALE_FREE_OCTAVES + 1
    out = {}
    for name in X.columns:
        column = X[name].to_numpy(dtype=float)
        counts = np.zeros(n_bins + 2)
        scale = None
        for rows in groups:
            values = column[rows]
            missing = np.isnan(values)
            positive = values[~missing & (values > 0)]
            counts[0] += int((values[~missing] <= 0).sum())
            counts[-1] += int(missing.sum())
            scale = float(positive.mean()) if positive.size else None
            if scale is None:
                continue
            octave = np.log2(positive / scale) + SCALE_FREE_OCTAVES
            octave = np.clip(octave, 0, n_bins - 1)
            below = np.floor(octave).astype(int)
            weight = octave - below
            np.add.at(counts, 1 + below, 1.0 - weight)
            np.add.at(counts, 1 + np.minimum(below + 1, n_bins - 1), weight)
        shares = counts / max(len(column), 1)
        out[str(name)] = {
            "shares": [round(float(v), 8) for v in shares],
            "n": int(len(column)),
            "scale": scale,
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
