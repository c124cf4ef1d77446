"""The model-kind registry: one :class:`ModelKind` per kind of model vrurisk trains.

Config sections (``models.<kind>``), model specs, explanations and MLflow logging all read
this registry. Adding a kind is one module defining a :class:`ModelKind` subclass (its
attributes and its ``build``, ``explain``, ``margin`` and ``matches`` methods) plus one
:func:`register` call of an instance (built-in kinds are registered below, in the order
comparisons list them, the baseline last).

Examples
--------
>>> from vrurisk.models.kinds import MODEL_KINDS
>>> list(MODEL_KINDS)
['lightgbm', 'logistic_regression', 'random_forest', 'baseline']
>>> MODEL_KINDS["random_forest"].units
'probability'
"""

from __future__ import annotations

from vrurisk._errors import ModelError
from vrurisk.models.kinds._base import (
    Fraction,
    Grid,
    ModelKind,
    PositiveFloat,
    PositiveInt,
    Section,
    as_array,
    as_fitted,
    as_list,
    split_pipeline,
)
from vrurisk.models.kinds._baseline import BASELINE, DEFAULT_RISK_FACTORS, BaselineConfig
from vrurisk.models.kinds._lightgbm import LIGHTGBM, LightGBMGrid
from vrurisk.models.kinds._logistic_regression import (
    LOGISTIC_REGRESSION,
    LogisticRegressionGrid,
    signed_log1p,
)
from vrurisk.models.kinds._random_forest import RANDOM_FOREST, RandomForestGrid, import_shap

__all__ = [
    "DEFAULT_RISK_FACTORS",
    "MODEL_KINDS",
    "BaselineConfig",
    "Fraction",
    "Grid",
    "LightGBMGrid",
    "LogisticRegressionGrid",
    "ModelKind",
    "PositiveFloat",
    "PositiveInt",
    "RandomForestGrid",
    "Section",
    "as_array",
    "as_list",
    "as_fitted",
    "import_shap",
    "infer_kind",
    "register",
    "signed_log1p",
    "split_pipeline",
    "unregister",
]

CANNOT_INFER_KIND = (
    "cannot tell what kind of model {name} is; pass kind= one of {allowed} to explain()"
)
ALREADY_REGISTERED = "a model kind named {name!r} is already registered"

#: Every registered model kind by name, in the order comparisons list them.
MODEL_KINDS: dict[str, ModelKind] = {}


def register(kind: ModelKind) -> ModelKind:
    """Add ``kind`` to :data:`MODEL_KINDS` (before the baseline, which stays last)."""
    if kind.name in MODEL_KINDS:
        raise ValueError(ALREADY_REGISTERED.format(name=kind.name))
    always = {n: k for n, k in MODEL_KINDS.items() if k.always_trained}
    for name in always:
        del MODEL_KINDS[name]
    MODEL_KINDS[kind.name] = kind
    MODEL_KINDS.update(always)
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests that register a kind of their own clean up with this)."""
    MODEL_KINDS.pop(name, None)


def infer_kind(final) -> str:
    """The name of the registered kind whose ``matches`` accepts the estimator ``final``."""
    for kind in MODEL_KINDS.values():
        if kind.matches(final):
            return kind.name
    name = type(final).__name__
    raise ModelError(CANNOT_INFER_KIND.format(name=name, allowed=list(MODEL_KINDS)))


for _kind in (LIGHTGBM, LOGISTIC_REGRESSION, RANDOM_FOREST, BASELINE):
    register(_kind)
del _kind
