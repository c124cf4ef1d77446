"""Plain-language reasons from SHAP contributions and the feature manifest.

A reason is a feature's own reason template filled in with the person's value ("3 knife
possession events in the last 12 months"), the direction of its contribution (raises / lowers
risk) and its size (a strength word and the contribution itself). Only the person's own feature
values enter a reason; network features describe associates in aggregate by construction (their
templates are counts and distances), so a reason never names or identifies anyone else.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from vrurisk.evaluation._explanations import Explanations

#: Contribution sizes (absolute, in the explanation's units after ``scale``) at which a reason is
#: called "strong" or "moderate"; below the second it is "slight". In log-odds 0.7 is about a
#: doubling of the odds and 0.25 a rise of a quarter.
STRENGTH_THRESHOLDS = {
    "log-odds": (0.7, 0.25),
    "probability": (0.05, 0.015),
}
REASON_COLUMNS = [
    "row",
    "rank",
    "feature",
    "value",
    "contribution",
    "direction",
    "strength",
    "reason",
    "text",
]
NOT_RECORDED = "{description}: none recorded"
FALLBACK = "{name} = {value:g}"


def plain_language_reasons(
    explanations: Explanations,
    X: pd.DataFrame,
    manifest: Iterable | Mapping,
    n: int = 3,
    *,
    scale: float = 1.0,
) -> pd.DataFrame:
    """The ``n`` largest contributions of each explained person, in plain language.

    Parameters
    ----------
    explanations : Explanations
        From :func:`vrurisk.evaluation.explain`.
    X : pandas.DataFrame
        The feature matrix the explanations came from (values are read from the rows named by
        ``explanations.contributions.index``).
    manifest : list of FeatureSpec (or of their dicts), or a mapping name -> FeatureSpec
        Gives each feature's ``reason`` template and ``description``.
    n : int, default 3
        Reasons per person, largest absolute contribution first. Features contributing exactly
        nothing are never given as reasons.
    scale : float, default 1.0
        Multiplies each contribution before its direction and strength are judged. Scoring
        passes :attr:`vrurisk.models.RiskModel.reason_scale` (the calibrator's slope in
        log-odds), so "strong" means about a doubling of the odds of the *calibrated*
        probability the panel sees, not of the uncalibrated model's. The ``contribution``
        column holds the scaled value.

    Returns
    -------
    pandas.DataFrame
        One row per (person, reason) with columns ``row`` (the label in ``X``), ``rank`` (1 is
        the largest), ``feature``, ``value``, ``contribution``, ``direction`` (``"raises"`` or
        ``"lowers"``), ``strength`` (``"strong"``, ``"moderate"``, ``"slight"``), ``reason`` (the
        filled-in template) and ``text`` (reason, direction and strength in one sentence).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from vrurisk.features import FeatureSpec
    >>> from vrurisk.evaluation import Explanations
    >>> spec = FeatureSpec("knife_365d", "individual", "knife possession events in the last 12 "
    ...                    "months", "{value:.0f} knife possession events in the last 12 months")
    >>> ex = Explanations(pd.DataFrame({"knife_365d": [1.2]}), -3.0, "lightgbm", "log-odds",
    ...                   pd.Series({"knife_365d": 0.4}), 1)
    >>> reasons = plain_language_reasons(ex, pd.DataFrame({"knife_365d": [3.0]}), [spec])
    >>> reasons.loc[0, "text"]
    '3 knife possession events in the last 12 months (raises risk, strong)'
    """
    specs = _specs_by_name(manifest)
    contributions = explanations.contributions
    if contributions.empty or n <= 0:
        return pd.DataFrame(columns=REASON_COLUMNS)
    names = np.asarray(contributions.columns)
    values = contributions.to_numpy(dtype=float)
    feature_values = X.loc[contributions.index, list(names)].to_numpy(dtype=float)
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :n]
    strong, moderate = STRENGTH_THRESHOLDS.get(explanations.units, STRENGTH_THRESHOLDS["log-odds"])
    records = []
    for i, label in enumerate(contributions.index):
        rank = 0
        for j in order[i]:
            contribution = values[i, j] * scale
            if contribution == 0 or not math.isfinite(contribution):
                continue
            rank += 1
            size = abs(contribution)
            strength = "strong" if size >= strong else "moderate" if size >= moderate else "slight"
            direction = "raises" if contribution > 0 else "lowers"
            reason = describe_value(specs.get(names[j]), names[j], feature_values[i, j])
            records.append(
                (
                    label,
                    rank,
                    names[j],
                    feature_values[i, j],
                    contribution,
                    direction,
                    strength,
                    reason,
                    f"{reason} ({direction} risk, {strength})",
                )
            )
    return pd.DataFrame.from_records(records, columns=REASON_COLUMNS)


def reasons_by_person(reasons: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """One row per person (indexed by ``row``) with columns ``reason_1`` .. ``reason_n`` (text)."""
    columns = [f"reason_{rank}" for rank in range(1, n + 1)]
    if reasons.empty:
        return pd.DataFrame(columns=columns)
    wide = reasons[reasons["rank"] <= n].pivot(index="row", columns="rank", values="text")
    wide = wide.reindex(columns=range(1, n + 1))
    wide.columns = columns
    wide.index.name = None
    return wide


def describe_value(spec, name: str, value: float) -> str:
    """A feature's reason template filled with ``value`` (a safe fallback if it cannot be)."""
    if spec is None:
        return FALLBACK.format(name=name, value=value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_RECORDED.format(description=spec.description)
    try:
        return spec.explain(float(value))
    except (KeyError, IndexError, ValueError, TypeError):
        return FALLBACK.format(name=spec.description, value=value)


def _specs_by_name(manifest) -> dict:
    from vrurisk.features import FeatureSpec

    items = manifest.values() if isinstance(manifest, Mapping) else manifest
    specs = {}
    for item in items:
        spec = FeatureSpec.from_dict(item) if isinstance(item, Mapping) else item
        specs[spec.name] = spec
    return specs
