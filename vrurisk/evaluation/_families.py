"""Contributions summed over feature families, and the family reasons a panel reads first.

Contributions are additive (``sum + base_value == raw margin``), so a family's contribution is
the sum of its features' and the families still add up to the model's output exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from vrurisk.evaluation._reasons import STRENGTH_THRESHOLDS
from vrurisk.features import FAMILIES, family_map


def family_contributions(contributions: pd.DataFrame, manifest: Iterable) -> pd.DataFrame:
    """Per-person contributions summed by feature family.

    Parameters
    ----------
    contributions : pandas.DataFrame
        One row per person, one column per feature (from :class:`Explanations`).
    manifest : list of FeatureSpec (or their dicts)
        Features missing from it fall into ``other_records``.

    Returns
    -------
    pandas.DataFrame
        Same index, one column per family present (in :data:`FAMILIES` order); rows add up to
        the rows of ``contributions``.

    Examples
    --------
    >>> import pandas as pd
    >>> from vrurisk.features import FeatureSpec
    >>> manifest = [FeatureSpec("net_degree", "network", "", ""),
    ...             FeatureSpec("net_pagerank", "network", "", ""),
    ...             FeatureSpec("age", "individual", "", "")]
    >>> c = pd.DataFrame({"net_degree": [0.5], "net_pagerank": [-0.2], "age": [0.1]})
    >>> family_contributions(c, manifest).round(2).to_dict("records")
    [{'network_position': 0.3, 'age': 0.1}]
    """
    families = family_map(manifest)
    of = [families.get(name, "other_records") for name in contributions.columns]
    present = [family for family in FAMILIES if family in of]
    summed = contributions.T.groupby(pd.Index(of, name="family"), sort=False).sum().T
    return summed.reindex(columns=present)


def strength_word(size: float, units: str) -> str:
    """ "strong", "moderate" or "slight" for an absolute contribution in ``units``."""
    strong, moderate = STRENGTH_THRESHOLDS.get(units, STRENGTH_THRESHOLDS["log-odds"])
    return "strong" if size >= strong else "moderate" if size >= moderate else "slight"


def main_families(row: pd.Series, *, n: int = 3, scale: float = 1.0, units: str = "log-odds"):
    """The families a panel reads first for one person: those that raise risk, largest first.

    Only when no family raises the estimate are the ones that lower it given (largest first),
    so a listed person's main reasons never mix in a family pulling the other way.

    Parameters
    ----------
    row : pandas.Series
        One person's family contributions (a row of :func:`family_contributions`).
    n : int
        At most this many families.
    scale : float
        Multiplies contributions before their strength is judged (the calibrator's slope, as
        for :func:`plain_language_reasons`).
    units : str
        Units of the contributions.

    Returns
    -------
    list of dict
        ``family``, ``label``, ``contribution`` (scaled), ``direction``, ``strength``.
    """
    values = row.astype(float) * scale
    values = values[np.isfinite(values) & (values != 0)]
    raising = values[values > 0]
    chosen = raising if len(raising) else values[values < 0]
    chosen = chosen.reindex(chosen.abs().sort_values(ascending=False, kind="stable").index)
    return [
        {
            "family": family,
            "label": FAMILIES.get(family, family),
            "contribution": float(value),
            "direction": "raises" if value > 0 else "lowers",
            "strength": strength_word(abs(float(value)), units),
        }
        for family, value in chosen.head(n).items()
    ]


def family_reasons_by_person(
    families: pd.DataFrame, *, n: int = 3, scale: float = 1.0, units: str = "log-odds"
) -> pd.DataFrame:
    """One row per person (the index of ``families``) with ``reason_1`` .. ``reason_n``: the
    person's :func:`main_families` as text, e.g. "knife and drug events: raises risk (strong)".

    Examples
    --------
    >>> f = pd.DataFrame({"knife_drugs": [1.2], "place": [-0.4]}, index=["k1"])
    >>> family_reasons_by_person(f, n=2).loc["k1"].tolist()
    ['knife and drug events: raises risk (strong)', '']
    """
    columns = [f"reason_{rank}" for rank in range(1, n + 1)]
    rows = {}
    for key, row in families.iterrows():
        main = main_families(row, n=n, scale=scale, units=units)
        texts = [f"{m['label']}: {m['direction']} risk ({m['strength']})" for m in main]
        rows[key] = texts + [""] * (n - len(texts))
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)
