"""LightGBM: gradient-boosted trees, explained by LightGBM's own exact TreeSHAP."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import Field

from vrurisk.models.kinds._base import (
    Fraction,
    Grid,
    ModelKind,
    PositiveFloat,
    PositiveInt,
    Section,
    as_array,
    split_pipeline,
)


class LightGBMGrid(Section):
    n_estimators: Grid(PositiveInt) = (200,)
    learning_rate: Grid(PositiveFloat) = (0.05,)
    num_leaves: Grid(Annotated[int, Field(gt=1)]) = (31,)
    min_child_samples: Grid(PositiveInt) = (20,)
    max_depth: Grid(int) = (-1,)
    subsample: Grid(Fraction) = (1.0,)
    colsample_bytree: Grid(Fraction) = (1.0,)
    reg_lambda: Grid(Annotated[float, Field(ge=0)]) = (0.0,)


def _booster(final):
    return getattr(final, "booster_", final)


def _base_value(final, n_features: int) -> float:
    zero = np.zeros((1, n_features))
    return float(np.asarray(_booster(final).predict(zero, pred_contrib=True))[0, -1])


class LightGBM(ModelKind):
    """Gradient-boosted trees (LightGBM); its own exact TreeSHAP."""

    name = "lightgbm"
    grid = LightGBMGrid
    units = "log-odds"
    requirements = ("lightgbm",)

    def build(self, params: Mapping, seed: int, n_jobs: int):
        from lightgbm import LGBMClassifier

        return LGBMClassifier(**params, random_state=seed, n_jobs=n_jobs, verbosity=-1)

    def explain(self, estimator, X: pd.DataFrame):
        transform, final = split_pipeline(estimator)
        out = np.asarray(_booster(final).predict(as_array(transform(X)), pred_contrib=True))
        # The last column of LightGBM's output is the expected value, the same for every row.
        base = float(out[0, -1]) if len(out) else _base_value(final, X.shape[1])
        return out[:, :-1], base, "tree_shap_lightgbm"

    def margin(self, final, Z) -> np.ndarray:
        return _booster(final).predict(as_array(Z), raw_score=True)

    def matches(self, final) -> bool:
        return type(final).__module__.startswith("lightgbm")


LIGHTGBM = LightGBM()
