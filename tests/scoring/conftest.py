"""Scoring fixtures: a tiny config, its data on disk and a champion trained once per session."""

from __future__ import annotations

import pytest
from scoring_helpers import tiny_config, write_config

from vrurisk.config import load_config
from vrurisk.data import save_dataset


@pytest.fixture(scope="session")
def scoring_setup(tmp_path_factory, small_population):
    """Data on disk, a config and a champion trained without MLflow (shared, read-only)."""
    from vrurisk.models._train import train_experiment

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
def registered_setup(tmp_path_factory, scoring_setup):
    """The same config trained with MLflow tracking: a model registered as tiny-risk@champion."""
    from vrurisk.models._train import train_experiment

    root = tmp_path_factory.mktemp("registered")
    config = tiny_config(scoring_setup["root"] / "data", f"sqlite:///{root}/mlflow.db")
    path = write_config(root / "tiny.yaml", config)
    loaded = load_config(path)
    result = train_experiment(loaded, scoring_setup["dataset"], tracking=True)
    return {"root": root, "config_path": path, "config": loaded, "result": result}
