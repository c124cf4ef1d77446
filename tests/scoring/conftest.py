"""Scoring fixtures: a tiny config, its data on disk and a champion trained once per session."""

from __future__ import annotations

import pytest
from scoring_helpers import tiny_config, write_config

from vrurisk.config import load_config
from vrurisk.data import save_dataset


@pytest.fixture(scope="session")
def scoring_setup(tmp_path_factory, small_population):
    """Data on disk, a config and a champion trained without MLflow (shared, read-only)."""
    from vrurisk.training import train_experiment

    root = tmp_path_factory.mktemp("scoring")
    save_dataset(small_population.dataset, root / "data")
    path = write_config(root / "tiny.yaml", tiny_config(root / "data", f"sqlite:///{root}/ml.db"))
    config = load_config(path)
    result = train_experiment(config, small_population.dataset, tracking=False)
    return {
        "root": root,
        "config_path": path,
        "config": config,
        "dataset": small_population.dataset,
        "result": result,
        "model": result.champion,
    }


@pytest.fixture(scope="session")
def registered_setup(scoring_setup):
    """The session's champion logged to MLflow and registered as tiny-risk@champion."""
    from vrurisk.features import build_feature_matrix
    from vrurisk.models import synthetic_input_example
    from vrurisk.tracking import log_training

    s = scoring_setup
    config = s["config"]
    fm = build_feature_matrix(
        s["dataset"],
        config.temporal.dates()[:1],
        cohort=config.cohort,
        outcome=config.outcome,
        features=config.features,
        seed=config.seed,
    )
    example = synthetic_input_example(fm.X)
    s["result"].tracking = log_training(s["result"], input_example=example)
    return s


@pytest.fixture(scope="session")
def scored(scoring_setup):
    """The tiny cohort scored once (fake 16-hex keys, 60 explained)."""
    from test_score import fake_keys

    from vrurisk.scoring import score_cohort

    s = scoring_setup
    return score_cohort(s["dataset"], s["model"], s["config"], keys=fake_keys, explain_top=60)
