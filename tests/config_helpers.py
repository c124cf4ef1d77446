"""A tiny experiment config that trains in seconds on the small population, for all tests,
and the feature matrix a training result was built from."""

from __future__ import annotations

from typing import Any


def tiny_raw_config(**sections: Any) -> dict:
    """A raw config dict; each keyword replaces a whole top-level section (or ``name``/``seed``).

    The default trains a small LightGBM and the baseline on three half-yearly as-of dates,
    without stage 1, with a few bootstrap samples: quick enough for any test.
    """
    raw: dict[str, Any] = {
        "config_version": 1,
        "data": {"path": "unused"},
        "temporal": {"start": "2023-01-01", "end": "2024-07-01", "step_months": 6, "test_dates": 1},
        "models": {
            "lightgbm": {"n_estimators": 20, "num_leaves": 7, "min_child_samples": 30},
            "baseline": {},
        },
        "features": {"stage1": {"enabled": False}},
        "evaluation": {"k": [50], "bootstrap": 20},
    }
    raw.update(sections)
    return raw


def training_matrix(result, dataset):
    """Every feature row of the as-of dates a :class:`TrainingResult`'s splits used."""
    from vrurisk.features import features_for

    config = result.config
    dates = sorted({d for s in result.splits for d in (*s.train_dates, s.test_date)})
    return features_for(config, dataset, dates).X
