"""Logistic regression on signed-log, scaled inputs, explained by exact linear SHAP."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from vrurisk._errors import ModelError
from vrurisk.models.kinds._base import (
    Grid,
    ModelKind,
    PositiveFloat,
    Section,
    as_array,
    decision_margin,
    split_pipeline,
)

NOT_ONE_TO_ONE = (
    "the logistic regression pipeline turns {n_in} features into {n_out}; explanations need "
    "one output column per feature"
)


class LogisticRegressionGrid(Section):
    C: Grid(PositiveFloat) = (1.0,)
    penalty: Grid(Literal["l2", "l1"]) = ("l2",)


def signed_log1p(X):
    """``sign(x) * log(1 + |x|)``: tames heavy-tailed counts, keeps signs (trends)."""
    return np.sign(X) * np.log1p(np.abs(X))


def _training_mean(estimator, Z: np.ndarray) -> np.ndarray:
    """E[z]: zero when the last transform is a fitted centring StandardScaler, else Z's mean."""
    steps = getattr(estimator, "steps", None) or []
    if len(steps) >= 2:
        scaler = steps[-2][1]
        if type(scaler).__name__ == "StandardScaler" and getattr(scaler, "with_mean", False):
            return np.zeros(Z.shape[1])
    return np.nanmean(Z, axis=0) if len(Z) else np.zeros(Z.shape[1])


class LogisticRegressionKind(ModelKind):
    """Logistic regression on signed-log, scaled inputs; exact linear SHAP."""

    name = "logistic_regression"
    grid = LogisticRegressionGrid
    units = "log-odds"

    def build(self, params: Mapping, seed: int, n_jobs: int):
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import FunctionTransformer, StandardScaler

        params = dict(params)
        penalty = params.pop("penalty", "l2")
        l1_ratio = {"l2": 0.0, "l1": 1.0}[penalty]
        model = LogisticRegression(
            **params,
            l1_ratio=l1_ratio,
            solver="saga" if penalty == "l1" else "lbfgs",
            max_iter=2000,
        )
        return Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                ("log", FunctionTransformer(signed_log1p, feature_names_out="one-to-one")),
                ("scale", StandardScaler()),
                ("model", model),
            ]
        )

    def explain(self, estimator, X: pd.DataFrame):
        transform, final = split_pipeline(estimator)
        Z = as_array(transform(X))
        if Z.shape[1] != X.shape[1]:
            raise ModelError(NOT_ONE_TO_ONE.format(n_in=X.shape[1], n_out=Z.shape[1]))
        coef = np.asarray(final.coef_, dtype=float).ravel()
        intercept = float(np.asarray(final.intercept_, dtype=float).ravel()[0])
        mean = _training_mean(estimator, Z)
        return coef * (Z - mean), intercept + float(coef @ mean), "linear_shap"

    def margin(self, final, Z) -> np.ndarray:
        return decision_margin(final, Z)

    def matches(self, final) -> bool:
        return type(final).__name__ == "LogisticRegression"


LOGISTIC_REGRESSION = LogisticRegressionKind()
