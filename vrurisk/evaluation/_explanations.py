"""Per-person SHAP contributions and global importance for every kind of vrurisk model.

Contributions explain the *uncalibrated* base estimator on its own raw scale, so that they add
up exactly: ``contributions.sum(axis=1) + base_value == raw margin``. That scale is the log-odds
for LightGBM, logistic regression and the count baseline, and the probability of the positive
class for a random forest (scikit-learn forests average probabilities, so there is no log-odds
to split). Calibration is a monotone map applied afterwards; it changes the
probability shown to a panel, never the order of the reasons.

Each kind of model brings its own explainer on its
:class:`~vrurisk.models.kinds.ModelKind` (the registry :data:`~vrurisk.models.kinds.MODEL_KINDS`):

* ``lightgbm``: LightGBM's own TreeSHAP (``Booster.predict(..., pred_contrib=True)``);
* ``random_forest`` (and any other tree ensemble shap supports): ``shap.TreeExplainer``;
* ``logistic_regression``: exact linear SHAP, ``coef * (z - E[z])`` on the scaled inputs, with
  ``E[z]`` the training mean when the pipeline ends in a ``StandardScaler`` (then ``E[z] = 0``),
  else the mean over the cohort sample;
* ``baseline``: exact, each factor present adds its weight times the slope of the count's
  logistic link (a factor that is absent contributes nothing; the base value is the log-odds of
  someone with no risk factor).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vrurisk._errors import ModelError
from vrurisk.models.kinds import MODEL_KINDS, split_pipeline
from vrurisk.models.kinds import infer_kind as _infer_final_kind

UNKNOWN_KIND = "The 'kind' parameter of explain must be one of {allowed}. Got {value!r} instead."
FEATURES_DIFFER = "X does not have the model's features: missing {missing}, extra {extra}"
NOT_ADDITIVE = (
    "explanations of the {kind} model do not add up to its raw margin "
    "(largest error {error:.2g}); this is a bug in vrurisk"
)
DUPLICATE_INDEX = "X must have a unique index to be explained"

#: How contributions are computed, by method name.
METHODS = {
    "tree_shap_lightgbm": "exact TreeSHAP (LightGBM pred_contrib)",
    "tree_shap": "exact TreeSHAP (shap.TreeExplainer, path-dependent)",
    "saabas": "Saabas path attribution (shap.TreeExplainer approximate=True): additive like "
    "SHAP, used for forests too deep for exact TreeSHAP within the time budget",
    "linear_shap": "exact linear SHAP, coef * (z - E[z]) on the scaled inputs",
    "risk_factor_count": "exact: slope * weight for each risk factor present",
}

#: The public name of :data:`METHODS`.
EXPLANATION_METHODS = METHODS


@dataclass(frozen=True)
class Explanations:
    """SHAP contributions for some people and global importance over a cohort sample.

    Attributes
    ----------
    contributions : pandas.DataFrame
        One row per explained person (indexed like the rows of ``X`` they came from), one column
        per feature, in ``units``.
    base_value : float
        The model's expected raw output; ``contributions.sum(axis=1) + base_value`` is each
        person's raw margin.
    kind : str
        The model kind explained (a key of :data:`~vrurisk.models.kinds.MODEL_KINDS`).
    units : str
        Scale of the contributions: ``"log-odds"``, ``"probability"`` or ``"risk-factor points"``.
    global_importance : pandas.Series
        Mean absolute contribution of each feature over a seeded random sample of the cohort,
        largest first.
    n_sample : int
        Size of the cohort sample behind ``global_importance``.
    method : str
        How the contributions were computed (see :data:`METHODS`).
    """

    contributions: pd.DataFrame
    base_value: float
    kind: str
    units: str
    global_importance: pd.Series
    n_sample: int
    method: str = ""

    @property
    def feature_names(self) -> list[str]:
        return list(self.contributions.columns)

    @property
    def raw_margin(self) -> pd.Series:
        """The base estimator's raw output for each explained person."""
        return self.contributions.sum(axis=1) + self.base_value

    def to_frame(self) -> pd.DataFrame:
        """Contributions with ``base_value`` and ``raw_margin`` columns (for Parquet)."""
        frame = self.contributions.copy()
        frame["base_value"] = self.base_value
        frame["raw_margin"] = self.raw_margin
        return frame

    def importance_frame(self) -> pd.DataFrame:
        """Global importance as a two-column frame, largest first."""
        return pd.DataFrame(
            {
                "feature": self.global_importance.index,
                "mean_abs_contribution": self.global_importance.to_numpy(),
            }
        )


def explain(
    model,
    X: pd.DataFrame,
    *,
    kind: str | None = None,
    rows: Sequence[int] | np.ndarray | None = None,
    sample_size: int = 1000,
    seed: int = 0,
    check_additivity: bool = True,
) -> Explanations:
    """Explain a model's raw output for some people, and its global importance on a cohort.

    Parameters
    ----------
    model : RiskModel or estimator
        A fitted :class:`vrurisk.models.RiskModel` (its uncalibrated ``estimator_`` is explained)
        or a fitted base estimator (a LightGBM classifier or booster, a scikit-learn pipeline
        ending in ``LogisticRegression``, a random forest, the risk-factor-count baseline).
    X : pandas.DataFrame
        The cohort's feature matrix, with the model's feature columns (extra columns are an
        error, order does not matter).
    kind : str, optional
        A key of :data:`~vrurisk.models.kinds.MODEL_KINDS`. Defaults to ``model.kind``, else
        is inferred from the estimator.
    rows : sequence of int, optional
        Positions (not labels) in ``X`` of the people to explain, e.g. the top k of the list.
        Defaults to everyone.
    sample_size : int, default 1000
        Size of the seeded random sample of ``X`` on which global importance is computed.
    seed : int, default 0
        Seed of that sample.
    check_additivity : bool, default True
        Check that contributions plus base value equal the raw margin (cheap; a failure is a bug).

    Returns
    -------
    Explanations

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
    >>> y = (X["a"] + rng.normal(size=200) > 0).astype(int)
    >>> pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    >>> ex = explain(pipe, X, rows=[0, 1, 2])
    >>> ex.kind, ex.units, ex.contributions.shape
    ('logistic_regression', 'log-odds', (3, 2))
    >>> bool(np.allclose(ex.raw_margin, pipe.decision_function(X.iloc[:3])))
    True
    """
    estimator, kind = _unwrap(model, kind)
    if kind not in MODEL_KINDS:
        raise ValueError(UNKNOWN_KIND.format(allowed=list(MODEL_KINDS), value=kind))
    if not X.index.is_unique:
        raise ValueError(DUPLICATE_INDEX)
    names = _feature_names(model, estimator, X)
    X = X[names]
    n = len(X)
    explained = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    sample = np.sort(np.random.default_rng(seed).permutation(n)[: min(sample_size, n)])
    needed = np.union1d(explained, sample)

    values, base, method = MODEL_KINDS[kind].explain(estimator, X.iloc[needed])
    values = np.asarray(values, dtype=float)
    if check_additivity:
        _check_additivity(kind, estimator, X.iloc[needed], values, base)
    where = pd.Index(needed)
    person = values[where.get_indexer(explained)]
    pooled = values[where.get_indexer(sample)]
    contributions = pd.DataFrame(person, index=X.index[explained], columns=names)
    importance = pd.Series(
        np.abs(pooled).mean(axis=0) if len(pooled) else np.zeros(len(names)),
        index=names,
        name="mean_abs_contribution",
    ).sort_values(ascending=False, kind="stable")
    return Explanations(
        contributions=contributions,
        base_value=float(base),
        kind=kind,
        units=MODEL_KINDS[kind].units,
        global_importance=importance,
        n_sample=len(sample),
        method=method,
    )


def raw_margin(model, X: pd.DataFrame, *, kind: str | None = None) -> np.ndarray:
    """The uncalibrated base estimator's raw output (the scale contributions add up to)."""
    estimator, kind = _unwrap(model, kind)
    transform, final = split_pipeline(estimator)
    return np.asarray(MODEL_KINDS[kind].margin(final, transform(X)), dtype=float)


def infer_kind(estimator) -> str:
    """Guess the model kind from the (final step of the) estimator's class."""
    return _infer_final_kind(split_pipeline(estimator)[1])


# --- helpers ----------------------------------------------------------------------------------


def _unwrap(model, kind: str | None) -> tuple[object, str]:
    """(base estimator, kind) of a RiskModel (it has ``kind`` and ``estimator_``) or estimator."""
    is_risk_model = hasattr(model, "kind") and hasattr(model, "estimator_")
    estimator = model.estimator_ if is_risk_model else model
    if kind is None:
        kind = model.kind if is_risk_model else infer_kind(estimator)
    return estimator, kind


def _feature_names(model, estimator, X: pd.DataFrame) -> list[str]:
    names = getattr(model, "feature_names_", None)
    if names is None:
        names = getattr(estimator, "feature_names_in_", None)
    if names is None:
        names = getattr(estimator, "feature_name_", None)
    names = list(X.columns) if names is None else [str(name) for name in names]
    missing = [name for name in names if name not in X.columns]
    extra = [column for column in X.columns if column not in names]
    if missing or extra:
        raise ModelError(FEATURES_DIFFER.format(missing=missing or "none", extra=extra or "none"))
    return names


def _check_additivity(kind, estimator, X, values, base) -> None:
    if not len(X):
        return
    transform, final = split_pipeline(estimator)
    margin = np.asarray(MODEL_KINDS[kind].margin(final, transform(X)), dtype=float)
    error = float(np.max(np.abs(values.sum(axis=1) + base - margin)))
    if not error <= 1e-6 * max(1.0, float(np.max(np.abs(margin)))):
        raise RuntimeError(NOT_ADDITIVE.format(kind=kind, error=error))
