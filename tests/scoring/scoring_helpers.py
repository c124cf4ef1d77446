"""Helpers of the scoring tests: a tiny config small enough to train in seconds."""

from __future__ import annotations

import yaml

PSEUDONYM_KEY = "test-key-not-secret-0123456789abcdef"


def tiny_config(data_path, tracking_uri: str, **overrides) -> dict:
    """A config small enough to train in seconds on the shared small population."""
    config = {
        "config_version": 1,
        "name": "tiny",
        "seed": 0,
        "data": {"path": str(data_path)},
        "temporal": {
            "as_of_dates": ["2022-12-31", "2023-06-30", "2024-06-30"],
            "test_dates": 1,
        },
        "models": {
            "lightgbm": {"n_estimators": [40], "num_leaves": [7], "min_child_samples": [10]},
            "baseline": {},
            "n_jobs": 1,
        },
        "evaluation": {"k": [50], "bootstrap": 50},
        "fairness": {"sensitive_attributes": ["sex", "ethnicity"], "bootstrap_samples": 200},
        "tracking": {
            "uri": tracking_uri,
            "experiment": "tiny",
            "registered_model": "tiny-risk",
            "alias": "champion",
        },
    }
    for section, values in overrides.items():
        config[section] = {**config.get(section, {}), **values}
    return config


def write_config(path, config: dict):
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def relabelled(dataset, rows, event_type: str):
    """``dataset`` with the events at ``rows`` (positions) relabelled ``event_type``."""
    from vrurisk.data import Dataset

    events = dataset.events.drop(columns=["person_idx"]).copy()
    events["event_type"] = events["event_type"].astype(str)
    events.loc[list(rows), "event_type"] = event_type
    return Dataset.from_frames(
        dataset.people.drop(columns=["person_idx"]),
        events,
        dataset.links.drop(columns=["idx_a", "idx_b"]),
        extraction_date=dataset.extraction_date,
    )
