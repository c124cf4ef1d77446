"""What a model kind is: one object carrying everything vrurisk needs to know about it.

A :class:`ModelKind` bundles the hyperparameter section of the config (a pydantic model),
the builder of an unfitted estimator, the exact explainer (contributions that add up to the
raw margin) and what an MLflow model of that kind needs installed. The registry in
:mod:`vrurisk.models.kinds` holds one per kind; config, model specs, explanations and
tracking read it instead of keeping their own string-keyed tables.

Nothing here imports scikit-learn or LightGBM: builders and explainers import them when
called, so validating a config stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, ClassVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, BeforeValidator, Field

from vrurisk._section import Section, as_list  # noqa: F401 - the kinds build on these

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator


def Grid(inner):  # noqa: N802 - reads like a type in the field declarations
    """A non-empty list of hyperparameter values (a single value is a list of one)."""
    return Annotated[tuple[inner, ...], BeforeValidator(as_list), Field(min_length=1)]


PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(gt=0, le=1)]


class ModelKind:
    """One kind of model, everything about it in one place: subclass it, register an instance.

    Class attributes
    ----------------
    name : str
        The config key under ``models`` and the ``kind`` of its specs and fitted models.
    grid : type of pydantic.BaseModel
        The ``models.<name>`` section: each field a hyperparameter (a list is a grid axis).
    units : str
        The scale of :meth:`margin` (``"log-odds"`` or ``"probability"``).
    requirements : tuple of str
        Packages (beyond vrurisk's core) an MLflow model of this kind must pin.
    always_trained : bool
        Trained with its defaults even when the config leaves it out (the baseline).

    A kind defines :meth:`build`, :meth:`explain`, :meth:`margin` and :meth:`matches`;
    :meth:`grid_values` has a default.
    """

    name: ClassVar[str]
    grid: ClassVar[type[BaseModel]]
    units: ClassVar[str]
    requirements: ClassVar[tuple[str, ...]] = ()
    always_trained: ClassVar[bool] = False

    def build(self, params: Mapping, seed: int, n_jobs: int) -> BaseEstimator:
        """An unfitted estimator for one grid point."""
        raise NotImplementedError

    def explain(self, estimator, X: pd.DataFrame) -> tuple[np.ndarray, float, str]:
        """``(contributions, base, method)``: row sums plus ``base`` equal :meth:`margin`."""
        raise NotImplementedError

    def margin(self, final, Z) -> np.ndarray:
        """The raw output of the pipeline's final step on transformed inputs ``Z``."""
        raise NotImplementedError

    def matches(self, final) -> bool:
        """Is the bare estimator ``final`` of this kind?"""
        raise NotImplementedError

    def grid_values(self, section: BaseModel) -> dict[str, tuple]:
        """``{param: (values, ...)}`` of a validated ``grid`` section (default: its fields)."""
        return section.model_dump()

    def __repr__(self) -> str:
        return f"<model kind {self.name!r}>"


# --- helpers shared by the kinds' explainers ------------------------------------------------


def split_pipeline(estimator) -> tuple[Callable[[pd.DataFrame], object], object]:
    """(transform of X up to the final step, final step) for a pipeline; identity otherwise."""
    steps = getattr(estimator, "steps", None)
    if not steps or len(steps) == 1:
        final = steps[0][1] if steps else estimator
        return (lambda X: X), final
    head = estimator[:-1]
    return head.transform, steps[-1][1]


def as_array(Z) -> np.ndarray:
    """``Z`` as a float array (frames by their values)."""
    return np.asarray(Z.to_numpy() if hasattr(Z, "to_numpy") else Z, dtype=float)


def as_fitted(final, Z):
    """Z as the final step saw it in fit: a frame with its column names, else an array."""
    names = getattr(final, "feature_names_in_", None)
    if names is None:
        return as_array(Z)
    return pd.DataFrame(as_array(Z), columns=list(names))


def decision_margin(final, Z) -> np.ndarray:
    """The log-odds of an estimator with ``decision_function`` (linear models, the baseline)."""
    return final.decision_function(as_fitted(final, Z))
