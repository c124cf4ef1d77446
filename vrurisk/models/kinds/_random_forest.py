"""Random forest, explained by shap's TreeExplainer on the probability scale."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from vrurisk.models.kinds._base import (
    Fraction,
    Grid,
    ModelKind,
    PositiveInt,
    Section,
    as_array,
    as_fitted,
    split_pipeline,
)

#: Above this estimated work (rows x trees x leaves x depth^2), forests use Saabas values.
EXACT_TREE_BUDGET = 2e9


class RandomForestGrid(Section):
    n_estimators: Grid(PositiveInt) = (200,)
    max_depth: Grid(PositiveInt | None) = (None,)
    min_samples_leaf: Grid(PositiveInt) = (5,)
    max_features: Grid(Literal["sqrt", "log2"] | Fraction) = ("sqrt",)


def explain_trees(estimator, X: pd.DataFrame):
    """shap's TreeExplainer: exact TreeSHAP within :data:`EXACT_TREE_BUDGET`, else Saabas."""
    shap = import_shap()
    transform, final = split_pipeline(estimator)
    explainer = shap.TreeExplainer(final)
    exact = len(X) * _tree_work(final) <= EXACT_TREE_BUDGET
    values = explainer.shap_values(
        as_array(transform(X)), check_additivity=False, approximate=not exact
    )
    values = np.asarray(values)
    expected = np.atleast_1d(np.asarray(explainer.expected_value, dtype=float))
    if values.ndim == 3:  # (rows, features, classes) for classifiers: explain the positive class
        values, expected = values[:, :, -1], expected[-1:]
    return values, float(expected[-1]), "tree_shap" if exact else "saabas"


def _tree_work(final) -> float:
    """Per-row cost of exact TreeSHAP, trees x leaves x depth^2 (0 when unknown)."""
    trees = getattr(final, "estimators_", None)
    if trees is None:
        return 0.0
    return float(sum(t.get_n_leaves() * max(t.get_depth(), 1) ** 2 for t in np.ravel(trees)))


def import_shap():
    """Import shap, silencing the matplotlib deprecation its plotting module triggers on import."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        import shap
    return shap


class RandomForest(ModelKind):
    """Random forest on the probability scale; shap's TreeExplainer."""

    name = "random_forest"
    grid = RandomForestGrid
    units = "probability"

    def build(self, params: Mapping, seed: int, n_jobs: int):
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(**params, random_state=seed, n_jobs=n_jobs)

    def margin(self, final, Z) -> np.ndarray:
        return final.predict_proba(as_fitted(final, Z))[:, -1]

    def explain(self, estimator, X: pd.DataFrame):
        return explain_trees(estimator, X)

    def matches(self, final) -> bool:
        return "Forest" in type(final).__name__ or "Trees" in type(final).__name__


RANDOM_FOREST = RandomForest()
