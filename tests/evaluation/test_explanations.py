"""explain(): contributions add up to the raw margin for every kind of model."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planted_helpers import planted_frame, planted_outcome
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from vrurisk import ModelError
from vrurisk.evaluation import Explanations, explain
from vrurisk.evaluation._explanations import FEATURES_DIFFER, UNKNOWN_KIND, raw_margin
from vrurisk.models import RiskFactorCountClassifier

#: The planted inputs: two that drive the outcome, one that lowers it, two of noise.
COLUMNS = {
    "knife_365d": ("poisson", 0.4),
    "assoc_victims_180d": ("poisson", 0.5),
    "age_first_contact": ("uniform", 9, 18),
    "noise_a": ("normal",),
    "noise_b": ("normal",),
}
FEATURES = list(COLUMNS)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)
    n = 600
    X = planted_frame(rng, n, COLUMNS, index=pd.RangeIndex(100, 100 + n))
    logit = (
        -2 + 1.2 * X["knife_365d"] + 0.9 * X["assoc_victims_180d"] - 0.2 * X["age_first_contact"]
    )
    return X, pd.Series(planted_outcome(rng, logit), index=X.index)


@pytest.fixture(scope="module")
def models(data):
    X, y = data
    return {
        "lightgbm": lgb.LGBMClassifier(n_estimators=30, num_leaves=7, verbose=-1).fit(X, y),
        "logistic_regression": make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y),
        "random_forest": RandomForestClassifier(n_estimators=15, max_depth=4, random_state=0).fit(
            X, y
        ),
    }


class Wrapped:
    """Stand-in for a RiskModel: an estimator_, a kind and its feature names."""

    def __init__(self, estimator, kind, names):
        self.estimator_, self.kind, self.feature_names_ = estimator, kind, names


@pytest.mark.parametrize("kind", ["lightgbm", "logistic_regression", "random_forest"])
def test_contributions_add_up_to_the_raw_margin(data, models, kind):
    X, _ = data
    rows = [0, 5, 17, 599]
    ex = explain(models[kind], X, rows=rows, sample_size=200)
    assert ex.kind == kind
    assert list(ex.contributions.index) == list(X.index[rows])
    assert ex.feature_names == FEATURES
    margin = raw_margin(models[kind], X.iloc[rows])
    np.testing.assert_allclose(ex.raw_margin.to_numpy(), margin, atol=1e-9)


def test_deep_forests_fall_back_to_additive_saabas_values(data, models, monkeypatch):
    X, _ = data
    exact = explain(models["random_forest"], X, rows=[0, 1], sample_size=10)
    monkeypatch.setattr("vrurisk.models.kinds._random_forest.EXACT_TREE_BUDGET", 0)
    fast = explain(models["random_forest"], X, rows=[0, 1], sample_size=10)
    assert (exact.method, fast.method) == ("tree_shap", "saabas")
    np.testing.assert_allclose(fast.raw_margin, exact.raw_margin, atol=1e-9)


@pytest.mark.parametrize(
    "attribute, want",
    [
        ("method", ("tree_shap_lightgbm", "linear_shap", "tree_shap")),
        ("units", ("log-odds", "log-odds", "probability")),
    ],
)
def test_methods_and_units_follow_the_model(data, models, attribute, want):
    X, _ = data
    got = {
        kind: getattr(explain(m, X, rows=[0], sample_size=10), attribute)
        for kind, m in models.items()
    }
    assert got == dict(zip(["lightgbm", "logistic_regression", "random_forest"], want, strict=True))


def test_lightgbm_margin_is_the_log_odds_of_the_uncalibrated_probability(data, models):
    X, _ = data
    ex = explain(models["lightgbm"], X, rows=[3, 4], sample_size=10)
    proba = models["lightgbm"].predict_proba(X.iloc[[3, 4]])[:, 1]
    np.testing.assert_allclose(1 / (1 + np.exp(-ex.raw_margin.to_numpy())), proba, atol=1e-9)


def test_logistic_regression_contribution_is_coef_times_standardised_value(data, models):
    X, _ = data
    pipe = models["logistic_regression"]
    ex = explain(pipe, X, rows=[7], sample_size=10)
    scaler, lr = pipe[0], pipe[-1]
    expected = lr.coef_[0] * (X.iloc[7].to_numpy() - scaler.mean_) / scaler.scale_
    np.testing.assert_allclose(ex.contributions.iloc[0].to_numpy(), expected)
    assert ex.base_value == pytest.approx(lr.intercept_[0])


def test_logistic_regression_with_missing_values_imputed(data):
    X, y = data
    X = X.copy()
    X.iloc[::7, 2] = np.nan
    pipe = make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression()).fit(X, y)
    ex = explain(pipe, X, rows=[0, 7, 14], sample_size=50)
    np.testing.assert_allclose(ex.raw_margin, pipe.decision_function(X.iloc[[0, 7, 14]]))


def test_baseline_contribution_is_weight_times_presence_in_log_odds(data):
    X, y = data
    baseline = RiskFactorCountClassifier(
        factors={"knife_365d": 2.0, "assoc_victims_180d": 1.0}
    ).fit(X, y)
    ex = explain(baseline, X, rows=[0, 1, 2, 3], sample_size=10)
    slope = baseline.link_.coef_[0, 0]
    present = (X["knife_365d"].iloc[:4] > 0).to_numpy()
    np.testing.assert_allclose(ex.contributions["knife_365d"], 2.0 * slope * present)
    np.testing.assert_allclose(ex.contributions["noise_a"], 0)
    np.testing.assert_allclose(ex.raw_margin, baseline.decision_function(X.iloc[:4]))
    assert (ex.kind, ex.units) == ("baseline", "log-odds")


def test_global_importance_ranks_signal_above_noise_and_is_seeded(data, models):
    X, _ = data
    first = explain(models["lightgbm"], X, rows=[], sample_size=300, seed=3)
    again = explain(models["lightgbm"], X, rows=[], sample_size=300, seed=3)
    assert first.n_sample == 300
    assert first.contributions.empty
    pd.testing.assert_series_equal(first.global_importance, again.global_importance)
    assert set(first.global_importance.index[-2:]) == {"noise_a", "noise_b"}
    assert first.global_importance.is_monotonic_decreasing


def test_risk_model_wrapper_reorders_columns_and_names_missing_features(data, models):
    X, _ = data
    wrapped = Wrapped(models["lightgbm"], "lightgbm", FEATURES)
    shuffled = X[FEATURES[::-1]]
    ex = explain(wrapped, shuffled, rows=[0], sample_size=10)
    assert ex.feature_names == FEATURES
    with pytest.raises(ModelError) as info:
        explain(wrapped, X.drop(columns="noise_b").assign(extra=1.0), rows=[0])
    assert str(info.value) == FEATURES_DIFFER.format(missing=["noise_b"], extra=["extra"])


def test_unknown_kind_is_refused(data, models):
    X, _ = data
    with pytest.raises(ValueError) as info:
        explain(models["lightgbm"], X, kind="xgboost")
    assert str(info.value) == UNKNOWN_KIND.format(
        allowed=["lightgbm", "logistic_regression", "random_forest", "baseline"], value="xgboost"
    )


def test_frames_for_parquet(data, models):
    X, _ = data
    ex = explain(models["lightgbm"], X, rows=[0, 1], sample_size=20)
    frame = ex.to_frame()
    assert list(frame.columns) == [*FEATURES, "base_value", "raw_margin"]
    assert list(ex.importance_frame().columns) == ["feature", "mean_abs_contribution"]
    assert isinstance(ex, Explanations)


@settings(max_examples=15, deadline=None)
@given(rows=st.lists(st.integers(0, 599), min_size=1, max_size=20, unique=True))
def test_a_persons_contributions_do_not_depend_on_who_else_is_explained(data, models, rows):
    X, _ = data
    pipe = models["logistic_regression"]
    together = explain(pipe, X, rows=rows, sample_size=5)
    alone = explain(pipe, X, rows=rows[:1], sample_size=5)
    np.testing.assert_allclose(together.contributions.iloc[:1], alone.contributions)
