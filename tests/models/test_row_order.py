"""Permuting the rows of the input tables changes no metric of any model (issue 10, defect 5).

The risk-factor-count baseline has a handful of distinct scores, so before ties were handled as
ties its AUC and average precision depended on which tied person happened to come first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from config_helpers import tiny_raw_config

from vrurisk.config import validate_config
from vrurisk.data import Dataset
from vrurisk.data._dataset import DERIVED_COLUMNS
from vrurisk.training import train_experiment


def _config():
    raw = tiny_raw_config(
        temporal={"start": "2022-01-01", "end": "2024-07-01", "step_months": 6, "test_dates": 2},
        models={
            "lightgbm": {"n_estimators": 15, "num_leaves": 7, "min_child_samples": 30},
            "logistic_regression": {"C": 0.1},
            "random_forest": {"n_estimators": 10, "max_depth": 4},
            "baseline": {},
        },
        features={"stage1": {"model": "logistic_regression", "n_folds": 2}},
        evaluation={"k": [50, "5%"], "bootstrap": 30},
    )
    return validate_config(raw, name="row-order")


def _frames(dataset: Dataset) -> dict[str, pd.DataFrame]:
    return {
        name: getattr(dataset, name).drop(columns=list(DERIVED_COLUMNS), errors="ignore")
        for name in ("people", "events", "links")
    }


def _shuffled(frames: dict[str, pd.DataFrame], seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    return {
        name: frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
        for name, frame in frames.items()
    }


@pytest.fixture(scope="module")
def population(small_population):
    return small_population.dataset


def _metrics(frames, extraction_date) -> pd.DataFrame:
    ds = Dataset.from_frames(**frames, extraction_date=extraction_date)
    result = train_experiment(_config(), ds, tracking=False)
    return result.metrics.sort_values(["model", "split"]).reset_index(drop=True)


def test_permuting_input_rows_changes_no_metric_of_any_model(population):
    frames = _frames(population)
    reference = _metrics(frames, population.extraction_date)
    assert set(reference["model"]) == {
        "lightgbm",
        "logistic_regression",
        "random_forest",
        "baseline",
    }
    shuffled = _metrics(_shuffled(frames, 1), population.extraction_date)
    pd.testing.assert_frame_equal(reference, shuffled, check_exact=True)


def test_baseline_metrics_count_tied_scores_as_ties():
    """A risk-factor count has few distinct scores: its AUC / AP are scikit-learn's on the tied
    probabilities, and reversing the rows changes no metric (ties were broken by row before)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    from vrurisk.evaluation import evaluate_predictions
    from vrurisk.models import build_model_specs, fit_risk_model
    from vrurisk.training import _rank_score

    rng = np.random.default_rng(0)
    n = 2_000
    names = ["count_violence_suspect_365d", "count_asb_suspect_365d", "count_stop_search_365d"]
    X = pd.DataFrame({c: rng.poisson(0.4, n).astype(np.float32) for c in names})
    count = (X > 0).sum(axis=1).to_numpy()
    y = (rng.random(n) < 0.03 + 0.04 * count).astype(int)
    spec = build_model_specs({"baseline": {"factors": [dict.fromkeys(names, 1.0)]}})[0]
    model = fit_risk_model(
        spec,
        X,
        y,
        as_of=np.full(n, np.datetime64("2023-01-01")),
        person=np.arange(n),
        calibration="sigmoid",
        manifest=[],
        config_hash="",
    )
    proba, score = _rank_score(model, X)
    assert len(np.unique(score)) == len(np.unique(count)) == 4
    forward = evaluate_predictions(y, proba, y_score=score, ks=[100, "5%"], n_boot=50)
    reverse = slice(None, None, -1)
    proba_r, score_r = _rank_score(model, X.iloc[reverse])
    backward = evaluate_predictions(y[reverse], proba_r, y_score=score_r, ks=[100, "5%"], n_boot=50)
    assert forward == pytest.approx(backward, rel=1e-12, abs=1e-12)
    assert forward["roc_auc"] == pytest.approx(roc_auc_score(y, proba))
    assert forward["average_precision"] == pytest.approx(average_precision_score(y, proba))
