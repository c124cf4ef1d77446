"""Training on a real extract says what is wrong with it (issue 11, traps 7 and 8)."""

from __future__ import annotations

import pandas as pd
import pytest
from config_helpers import tiny_raw_config

from vrurisk import ModelError
from vrurisk.config import validate_config
from vrurisk.models import constant_feature_warnings
from vrurisk.training import train_experiment


def test_an_empty_cohort_names_the_age_filter_and_the_dates(small_population):
    config = validate_config(tiny_raw_config(cohort={"min_age": 90, "max_age": 100}))
    with pytest.raises(ModelError) as info:
        train_experiment(config, small_population.dataset, tracking=False)
    message = str(info.value)
    # before: "training on as-of dates  needs at least 10 rows ... got 0 with and 0 without"
    assert message.startswith(
        "nobody is in the cohort at as-of dates 2023-01-01, 2023-07-01: the cohort is people "
        "aged 90 to 100 with an event in the 730 days before at each date; birth dates run "
    )
    assert "check cohort.min_age/max_age against the birth dates" in message


def test_constant_near_constant_and_date_only_features_are_named():
    dates = pd.to_datetime(["2023-01-01"] * 200 + ["2023-07-01"] * 200)
    X = pd.DataFrame(
        {
            "age": [24.0] * 200 + [24.5] * 200,  # imputed birth dates: age only encodes T
            "flag": [0.0] * 395 + [1.0] * 5,
            "zero": [0.0] * 400,
            "count": [float(i % 7) for i in range(400)],
        }
    )
    warnings = constant_feature_warnings(X, dates.to_numpy())
    assert warnings == [
        "1 feature(s) are constant over the 400 training rows: zero; they carry little or "
        "nothing to learn from, so check the data behind them",
        "1 feature(s) are nearly constant (fewer than 10 rows differ) over the 400 training "
        "rows: flag; they carry little or nothing to learn from, so check the data behind them",
        "1 feature(s) take one value per as-of date over the 400 training rows, so they only "
        "tell the dates apart: age (e.g. imputed birth dates make age encode only the as-of date)",
    ]


def test_training_reports_the_data_warnings(small_population):
    config = validate_config(
        tiny_raw_config(vocabulary={"violence_types": ["violence", "knife_crime"]})
    )
    result = train_experiment(config, small_population.dataset, tracking=False)
    assert any("'knife_crime' never occurs" in w for w in result.data_warnings)
    assert result.to_dict()["data_warnings"] == result.data_warnings
