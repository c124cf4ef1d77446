"""Common tests over every registered model kind, scikit-learn style.

Every kind in :data:`vrurisk.models.kinds.MODEL_KINDS` is built from its config section,
trained and calibrated, explained (contributions add up to its raw margin), logged to MLflow
and reloaded with the same predictions. A test-only kind, defined and registered in this file,
goes through the same battery: adding a kind is one module plus one ``register`` call.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import mlflow
import numpy as np
import pytest
from mlflow_store import fresh_sqlite_store
from planted_helpers import planted_frame, planted_outcome
from pydantic import ValidationError
from sklearn.linear_model import LogisticRegression

from vrurisk.evaluation import explain
from vrurisk.evaluation._explanations import infer_kind, raw_margin
from vrurisk.models import build_model_specs, fit_risk_model
from vrurisk.models._models_config import build_models_config
from vrurisk.models.kinds import (
    MODEL_KINDS,
    Grid,
    ModelKind,
    PositiveFloat,
    Section,
    as_array,
    as_fitted,
    register,
    split_pipeline,
    unregister,
)

# --- a test-only model kind: this block is all a new kind needs ------------------------------


class PlainLogit(LogisticRegression):
    """Logistic regression on raw inputs (a stand-in for a new kind of model)."""


class PlainLogitGrid(Section):
    C: Grid(PositiveFloat) = (1.0,)


class PlainLogitKind(ModelKind):
    """The test-only kind: a class of its own, registered below; nothing else is edited."""

    name = "plain_logit"
    grid = PlainLogitGrid
    units = "log-odds"

    def build(self, params, seed, n_jobs):
        return PlainLogit(**params, max_iter=500)

    def explain(self, estimator, X):
        transform, final = split_pipeline(estimator)
        coef = np.ravel(final.coef_)
        return as_array(transform(X)) * coef, float(np.ravel(final.intercept_)[0]), "linear_shap"

    def margin(self, final, Z):
        return final.decision_function(as_fitted(final, Z))

    def matches(self, final):
        return isinstance(final, PlainLogit)


PLAIN_LOGIT = PlainLogitKind()


@pytest.fixture(scope="module", autouse=True)
def plain_logit_registered():
    register(PLAIN_LOGIT)
    yield
    unregister(PLAIN_LOGIT.name)


# --- the battery -----------------------------------------------------------------------------

#: Small settings so every kind trains in well under a second.
SMALL = {
    "lightgbm": {"n_estimators": [20], "num_leaves": [7]},
    "random_forest": {"n_estimators": [10], "max_depth": [4]},
    "baseline": {"factors": {"a": 1.0, "b": 2.0}},
}


def every_kind():
    names = [name for name in MODEL_KINDS if name != PLAIN_LOGIT.name]
    return [*names, PLAIN_LOGIT.name]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 400
    X = planted_frame(rng, n, {"a": ("poisson", 0.5), "b": ("poisson", 0.3), "c": ("normal",)})
    y = planted_outcome(rng, -1.5 + 0.8 * X["a"] + 1.0 * X["b"] + 0.3 * X["c"])
    as_of = np.where(np.arange(n) < n // 2, "2023-01-01", "2023-07-01").astype("datetime64[ns]")
    return X, y, as_of, np.arange(n) % (n // 2)


@pytest.fixture(scope="module")
def fitted(data):
    X, y, as_of, person = data
    models = {}
    for name in every_kind():
        kind = MODEL_KINDS[name]
        grid = {name: kind.grid_values(kind.grid.model_validate(SMALL.get(name, {})))}
        (spec,) = build_model_specs(grid, seed=0)
        models[name] = fit_risk_model(
            spec,
            X,
            y,
            as_of=as_of,
            person=person,
            calibration="sigmoid",
            manifest=[],
            config_hash="test",
        )
    return models


def test_the_registry_holds_the_built_in_kinds_and_the_test_kind():
    assert list(MODEL_KINDS)[:3] == ["lightgbm", "logistic_regression", "random_forest"]
    assert list(MODEL_KINDS)[-1] == "baseline"  # a registered kind goes before the baseline
    assert PLAIN_LOGIT.name in MODEL_KINDS


def test_registering_a_name_twice_is_an_error():
    with pytest.raises(ValueError, match="already registered"):
        register(PLAIN_LOGIT)


@pytest.mark.parametrize("name", every_kind())
def test_the_config_section_is_read_from_the_registry(name):
    section = build_models_config().model_validate({name: SMALL.get(name, {})})
    assert name in section.grid()
    with pytest.raises(ValidationError, match=name):
        build_models_config().model_validate({name: {"not_a_hyperparameter": 1}})


@pytest.mark.parametrize("name", every_kind())
def test_every_kind_trains_and_calibrates(name, fitted, data):
    X, y, _, _ = data
    model = fitted[name]
    assert model.kind == name
    proba = model.predict_proba(X)
    assert proba.shape == (len(X),) and np.all((proba >= 0) & (proba <= 1))
    assert len(np.unique(proba)) > 1


@pytest.mark.parametrize("name", every_kind())
def test_every_kind_is_explained_additively(name, fitted, data):
    X, _, _, _ = data
    model = fitted[name]
    ex = explain(model, X, rows=np.arange(50))
    assert ex.kind == name and ex.units == MODEL_KINDS[name].units
    np.testing.assert_allclose(ex.raw_margin, raw_margin(model, X.iloc[:50]), atol=1e-8)
    assert infer_kind(model.estimator_) == name


@pytest.mark.parametrize("name", every_kind())
def test_every_kind_is_logged_and_reloaded(name, fitted, data, tmp_path):
    from vrurisk.tracking import _log_champion, _requirements, _store, load_risk_model

    X, _, _, _ = data
    model = fitted[name]
    uri = f"sqlite:///{fresh_sqlite_store(tmp_path)}"
    tracking = SimpleNamespace(registered_model=f"kind-{name}", alias="champion")
    result = SimpleNamespace(
        config=SimpleNamespace(tracking=tracking), champion=model, data_fingerprint="fp"
    )
    cwd = os.getcwd()
    os.chdir(tmp_path)  # artefacts of a sqlite store default to ./mlruns
    try:
        with _store(uri) as client, mlflow.start_run():
            _log_champion(client, result, X.head(5))
        loaded = load_risk_model(f"models:/kind-{name}@champion", tracking_uri=uri)
    finally:
        os.chdir(cwd)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    pins = [pin.split("==")[0] for pin in _requirements(name)]
    assert set(MODEL_KINDS[name].requirements) <= set(pins)
