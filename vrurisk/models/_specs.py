"""Model specs: one unfitted estimator per point of the config's hyperparameter grid.

Specs are built once when the config is loaded (nothing is fitted), so a hyperparameter the
estimator rejects fails in the first second rather than an hour into training. Each model kind
has one builder, on its :class:`~vrurisk.models.kinds.ModelKind` in the registry.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from sklearn.base import BaseEstimator, clone

from vrurisk.models.kinds import MODEL_KINDS, signed_log1p

#: The built-in model kinds, in the order comparisons list them (the baseline last); the
#: registry :data:`vrurisk.models.kinds.MODEL_KINDS` also holds any kind registered later.
KINDS = tuple(MODEL_KINDS)

# Pickled logistic-regression pipelines name ``vrurisk.models._specs.signed_log1p``.
__all__ = ["KINDS", "ModelSpec", "build_model_specs", "signed_log1p"]


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
    for kind in MODEL_KINDS:
        if kind not in grid:
            continue
        axes = {name: list(values) for name, values in grid[kind].items()}
        varying = [name for name, values in axes.items() if len(values) > 1]
        for combo in itertools.product(*axes.values()):
            params = dict(zip(axes, combo, strict=True))
            label = ", ".join(f"{name}={params[name]}" for name in varying)
            name = f"{kind}({label})" if label else kind
            template = MODEL_KINDS[kind].build(params, seed, n_jobs)
            specs.append(ModelSpec(name, kind, params, template))
    return specs
