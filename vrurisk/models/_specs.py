"""Model specs: one unfitted estimator per point of the config's hyperparameter grid.

Specs are built once when the config is loaded (nothing is fitted), so a hyperparameter the
estimator rejects fails in the first second rather than an hour into training. Each model kind
has one small builder function; :data:`BUILDERS` chooses between them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from vrurisk.models._baseline import RiskFactorCountClassifier

#: Model kinds, in the order comparisons list them (the baseline last, beside the others).
KINDS = ("lightgbm", "logistic_regression", "random_forest", "baseline")


def _lightgbm(params: Mapping, seed: int, n_jobs: int) -> BaseEstimator:
    from lightgbm import LGBMClassifier

    return LGBMClassifier(**params, random_state=seed, n_jobs=n_jobs, verbosity=-1)


def signed_log1p(X):
    """``sign(x) * log(1 + |x|)``: tames heavy-tailed counts, keeps signs (trends)."""
    return np.sign(X) * np.log1p(np.abs(X))


def _logistic_regression(params: Mapping, seed: int, n_jobs: int) -> BaseEstimator:
    params = dict(params)
    penalty = params.pop("penalty", "l2")
    l1_ratio = {"l2": 0.0, "l1": 1.0}[penalty]
    model = LogisticRegression(
        **params, l1_ratio=l1_ratio, solver="saga" if penalty == "l1" else "lbfgs", max_iter=2000
    )
    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("log", FunctionTransformer(signed_log1p, feature_names_out="one-to-one")),
            ("scale", StandardScaler()),
            ("model", model),
        ]
    )


def _random_forest(params: Mapping, seed: int, n_jobs: int) -> BaseEstimator:
    return RandomForestClassifier(**params, random_state=seed, n_jobs=n_jobs)


def _baseline(params: Mapping, seed: int, n_jobs: int) -> BaseEstimator:
    return RiskFactorCountClassifier(**params)


#: One builder per model kind: ``builder(params, seed, n_jobs) -> unfitted estimator``.
BUILDERS: dict[str, Callable[[Mapping, int, int], BaseEstimator]] = {
    "lightgbm": _lightgbm,
    "logistic_regression": _logistic_regression,
    "random_forest": _random_forest,
    "baseline": _baseline,
}


@dataclass(frozen=True)
class ModelSpec:
    """One point of the grid: a model kind, its hyperparameters and an unfitted template."""

    name: str
    kind: str
    params: dict
    template: BaseEstimator = field(repr=False, compare=False)

    def build(self) -> BaseEstimator:
        """A fresh, unfitted copy of the estimator."""
        return clone(self.template)


def build_model_specs(
    grid: Mapping[str, Mapping[str, list]], *, seed: int = 0, n_jobs: int = 1
) -> list[ModelSpec]:
    """Expand ``{kind: {param: [values]}}`` into one :class:`ModelSpec` per combination.

    Names are the kind alone when its grid has one point, else the kind with the varying
    hyperparameters, e.g. ``"lightgbm(num_leaves=15)"``.

    Examples
    --------
    >>> specs = build_model_specs({"random_forest": {"max_depth": [4, 8]}, "baseline": {}})
    >>> [s.name for s in specs]
    ['random_forest(max_depth=4)', 'random_forest(max_depth=8)', 'baseline']
    """
    specs = []
    for kind in KINDS:
        if kind not in grid:
            continue
        axes = {name: list(values) for name, values in grid[kind].items()}
        varying = [name for name, values in axes.items() if len(values) > 1]
        for combo in itertools.product(*axes.values()):
            params = dict(zip(axes, combo, strict=True))
            label = ", ".join(f"{name}={params[name]}" for name in varying)
            name = f"{kind}({label})" if label else kind
            template = BUILDERS[kind](params, seed, n_jobs)
            specs.append(ModelSpec(name, kind, params, template))
    return specs
