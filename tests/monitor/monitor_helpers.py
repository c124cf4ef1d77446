"""Monitor fixtures: a tiny model and three monthly lists of it written as score bundles."""

from __future__ import annotations

import hashlib

import numpy as np
import yaml
from config_helpers import tiny_raw_config

from vrurisk.config import load_config
from vrurisk.data import save_dataset

#: Two lists whose outcome windows have closed by the extraction date (2025-12-31), one open.
LIST_DATES = ("2024-09-30", "2024-12-31", "2025-03-31")
PSEUDONYM_KEY = "monitor-test-key-not-secret-0123456789"


def fake_keys(ids):
    return np.array([hashlib.sha256(f"m:{i}".encode()).hexdigest()[:16] for i in ids], dtype=object)


def write_lists(setup, directory, dates=LIST_DATES, keys=fake_keys):
    """Score the setup's model at ``dates`` and write one bundle per date into ``directory``."""
    from vrurisk.reports import metric_rows
    from vrurisk.scoring import score_cohort, write_score_bundle

    config, result = setup["config"], setup["result"]
    for date in dates:
        scored = score_cohort(
            setup["dataset"], result.champion, config, as_of=date, keys=keys, explain_top=50
        )
        write_score_bundle(
            scored,
            directory / f"{config.name}-{date}",
            config=config,
            metrics=metric_rows(result.metrics),
        )
    return directory


def build_setup(tmp_path_factory, small_population) -> dict:
    """Data on disk, a tiny config and its champion trained without MLflow, and its lists."""
    from vrurisk.training import train_experiment

    root = tmp_path_factory.mktemp("monitor")
    save_dataset(small_population.dataset, root / "data")
    raw = tiny_raw_config(
        name="tinymon",
        data={"path": str(root / "data")},
        fairness={"sensitive_attributes": ["sex", "ethnicity"], "bootstrap_samples": 200},
        tracking={"uri": f"sqlite:///{root}/ml.db", "experiment": "tinymon"},
    )
    path = root / "tinymon.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    config = load_config(path)
    result = train_experiment(config, small_population.dataset, tracking=False)
    setup = {
        "root": root,
        "config_path": path,
        "config": config,
        "dataset": small_population.dataset,
        "result": result,
    }
    setup["lists"] = write_lists(setup, root / "lists")
    return setup
