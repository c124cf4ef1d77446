"""Experiment configs: every mistake is one line naming section.key, found before any work."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from vrurisk._errors import ConfigError
from vrurisk.config import (
    ExperimentConfig,
    check_against_data,
    load_config,
    plan_splits,
)
from vrurisk.models._models_config import EMPTY_GRID_MESSAGE as EMPTY_GRID
from vrurisk.models._temporal import HORIZON_TOO_LONG

CONFIGS = Path(__file__).parents[1] / "vrurisk" / "configs"

MINIMAL = {
    "config_version": 1,
    "data": {"path": "data"},
    "temporal": {"start": "2022-01-01", "end": "2024-01-01", "step_months": 6},
    "models": {"lightgbm": {"num_leaves": [15, 31]}, "logistic_regression": {"C": 0.5}},
}


def write(tmp_path: Path, raw: dict, name: str = "experiment.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def load_error(tmp_path: Path, raw: dict) -> str:
    """Load ``raw`` and return the error message, checking it comes within 2 seconds."""
    path = write(tmp_path, raw)
    started = time.perf_counter()
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert time.perf_counter() - started < 2.0
    message = str(info.value)
    assert "\n" not in message
    return message


def with_changes(**sections) -> dict:
    raw = {
        key: (dict(value) if isinstance(value, dict) else value) for key, value in MINIMAL.items()
    }
    raw.update(sections)
    return raw


def test_minimal_config_loads_with_defaults_and_relative_paths(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.name == "experiment"
    assert config.data.path == (tmp_path / "data").resolve()
    assert config.outcome.horizon_days == 365
    assert config.tracking.uri == f"sqlite:///{(tmp_path / 'mlflow.db').resolve()}"
    assert config.evaluation.selection == "precision_at_50"
    assert [spec.name for spec in config.model_specs] == [
        "lightgbm(num_leaves=15)",
        "lightgbm(num_leaves=31)",
        "logistic_regression",
        "baseline",
    ]
    assert config.model_specs[1].build().get_params()["num_leaves"] == 31
    assert len(config.temporal.dates()) == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"modles": {}},
            "config: unknown key 'modles'; allowed keys: calibration, cohort, config_version, "
            "data, evaluation, execution, fairness, features, governance, models, name, outcome, "
            "privacy, scoring, seed, temporal, tracking, vocabulary; did you mean 'models'?",
        ),
        (
            {"models": {"lightgbm": {"num_leafs": [3]}}},
            "models.lightgbm: unknown key 'num_leafs'; allowed keys: colsample_bytree, "
            "learning_rate, max_depth, min_child_samples, n_estimators, num_leaves, reg_lambda, "
            "subsample; did you mean 'num_leaves'?",
        ),
        (
            {"models": {"lightgbm": {"num_leaves": ["abc"]}}},
            "models.lightgbm.num_leaves must be an integer > 1, got 'abc'",
        ),
        (
            {"models": {"lightgbm": {"num_leaves": [31, 1]}}},
            "models.lightgbm.num_leaves must be an integer > 1, got 1",
        ),
        (
            {"models": {"lightgbm": {"learning_rate": []}}},
            "models.lightgbm.learning_rate must be a non-empty list of numbers > 0, got []",
        ),
        (
            {"models": {"random_forest": {"max_features": "auto"}}},
            "models.random_forest.max_features must be one of 'sqrt', 'log2' or a number > 0 "
            "and <= 1, got 'auto'",
        ),
        ({"models": {}}, EMPTY_GRID),
        ({"models": {"lightgbm": None}}, EMPTY_GRID),
        (
            {"calibration": {"method": "platt"}},
            "calibration.method must be one of 'isotonic', 'sigmoid', 'none', got 'platt'",
        ),
        (
            {"evaluation": {"k": [100, "x%"]}},
            "evaluation.k values must be positive integers or percentages such as '1%', got 'x%'",
        ),
        (
            {"evaluation": {"k": [100], "selection_metric": "auc"}},
            "evaluation.selection_metric must be one of ['roc_auc', 'average_precision', "
            "'brier', 'ece', 'precision_at_100', 'recall_at_100'], got 'auc'",
        ),
        (
            {"temporal": {"start": "2022-01-01"}},
            "temporal: give either as_of_dates or start, end and step_months (got start)",
        ),
        (
            {"temporal": {"as_of_dates": ["2022-13-01", "2023-01-01"]}},
            "temporal.as_of_dates must be a date (YYYY-MM-DD), got '2022-13-01'",
        ),
        (
            {"temporal": {"as_of_dates": ["2023-01-01"], "test_dates": "many"}},
            "temporal.test_dates must be an integer >= 1 and <= 50, got 'many'",
        ),
        (
            {"temporal": {"as_of_dates": ["2022-01-01", "2023-01-01"], "training_history": "x"}},
            "temporal.training_history must be one of 'expanding', 'rolling', got 'x'",
        ),
        (
            {"data": None},
            "data must be a mapping with keys extraction_date, path, tables, url, got None",
        ),
        ({"outcome": {"horizon_days": 0}}, "outcome.horizon_days must be an integer > 0, got 0"),
        (
            {"cohort": {"min_age": "ten"}},
            "cohort.min_age must be a number >= 0 and <= 120, got 'ten'",
        ),
        (
            {"features": {"windows_days": [0]}},
            "features.windows_days: every window must be a positive number of days, got [0]",
        ),
        (
            {"fairness": {"disparity_band": [2, 3]}},
            "fairness.disparity_band must be [low, high] with 0 < low < 1 < high, got [2.0, 3.0]",
        ),
        (
            {"features": {"allowed_static_attributes": ["ethnicity"]}},
            "features.allowed_static_attributes lists the sensitive attribute 'ethnicity' "
            "without a justification; add privacy.sensitive_features: "
            "[{name: ethnicity, justification: ...}]",
        ),
        (
            {"models": {"baseline": {"window_days": 30}}},
            "models.baseline.window_days must be one of features.windows_days [90, 365, 1095], "
            "got 30",
        ),
        (
            {"models": {"baseline": {"factors": ["knife_possession_suspect"]}}},
            "models.baseline.factors must be a mapping of strings to numbers, "
            "got ['knife_possession_suspect']",
        ),
        ({"config_version": 2}, "config_version must be 1, got 2"),
        (
            {"tracking": {"alias": "not ok"}},
            "tracking.alias must be a string matching ^[A-Za-z_][A-Za-z0-9_-]*$, got 'not ok'",
        ),
    ],
)
def test_config_errors_name_the_key_and_what_is_allowed(tmp_path, change, message):
    assert load_error(tmp_path, with_changes(**change)) == message


def test_missing_section_and_files(tmp_path):
    raw = with_changes()
    del raw["models"]
    assert load_error(tmp_path, raw) == (
        "models is required (a mapping with keys baseline, lightgbm, logistic_regression, n_jobs, "
        "random_forest)"
    )
    with pytest.raises(ConfigError, match=r"nope.yaml: config file not found$"):
        load_config(tmp_path / "nope.yaml")
    (tmp_path / "bad.yaml").write_text("models: [", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml: not valid YAML \("):
        load_config(tmp_path / "bad.yaml")
    (tmp_path / "list.yaml").write_text("- 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"list.yaml: a config must be a YAML mapping"):
        load_config(tmp_path / "list.yaml")


def test_horizon_longer_than_the_data_allows_fails_before_training(tmp_path):
    config = load_config(write(tmp_path, with_changes(outcome={"horizon_days": 730})))
    started = time.perf_counter()
    with pytest.raises(ConfigError) as info:
        check_against_data(config, "2025-06-30")
    assert time.perf_counter() - started < 2.0
    assert str(info.value) == HORIZON_TOO_LONG.format(
        horizon="730 days", lag="", first="2022-01-01", last="2024-01-01", extraction="2025-06-30"
    )
    check_against_data(load_config(write(tmp_path, MINIMAL)), "2025-06-30")  # 365 days is fine


def test_recording_lag_is_waited_for_by_split_planning(tmp_path):
    """A 400-day lag leaves no test date whose labels are recorded by 2025-06-30."""
    lagged = with_changes(temporal={**MINIMAL["temporal"], "recording_lag_days": 400})
    config = load_config(write(tmp_path, lagged))
    with pytest.raises(ConfigError) as info:
        check_against_data(config, "2025-06-30")
    assert str(info.value) == HORIZON_TOO_LONG.format(
        horizon="365 days",
        lag=" plus temporal.recording_lag_days (400 days)",
        first="2022-01-01",
        last="2024-01-01",
        extraction="2025-06-30",
    )
    small = with_changes(temporal={**MINIMAL["temporal"], "recording_lag_days": 30})
    splits, refit = plan_splits(load_config(write(tmp_path, small)), "2025-06-30")
    lag = pd.DateOffset(days=365 + 30)
    assert all(t + lag < s.test_date for s in splits for t in s.train_dates)
    assert all(t + lag <= pd.Timestamp("2025-06-30") for t in refit.train_dates)


def test_as_of_date_after_extraction_is_an_error(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    with pytest.raises(ConfigError) as info:
        check_against_data(config, "2023-12-31")
    assert str(info.value) == (
        "temporal: as-of date 2024-01-01 is after the data's extraction date 2023-12-31; "
        "use as-of dates on or before it"
    )


def test_config_is_frozen_and_its_hash_follows_the_values(tmp_path):
    one = load_config(write(tmp_path, MINIMAL, "a.yaml"))
    assert load_config(write(tmp_path, MINIMAL, "a.yaml")).config_hash == one.config_hash
    changed = load_config(write(tmp_path, with_changes(seed=1), "a.yaml"))
    assert changed.config_hash != one.config_hash
    with pytest.raises(ValidationError):
        one.seed = 3


def test_key_order_does_not_change_the_hash(tmp_path):
    (tmp_path / "x").mkdir()
    one = load_config(write(tmp_path, MINIMAL, "same.yaml"))
    two = load_config(write(tmp_path / "x", dict(reversed(list(MINIMAL.items()))), "same.yaml"))
    assert one.to_dict()["data"]["path"] != two.to_dict()["data"]["path"]
    raw = dict(reversed(list(MINIMAL.items())))
    raw["data"] = {"path": str(tmp_path / "data")}
    three = load_config(write(tmp_path / "x", raw, "same.yaml"))
    assert three.config_hash == one.config_hash


@pytest.mark.parametrize("name", ["demo.yaml", "template.yaml"])
def test_shipped_configs_load(name):
    config = load_config(CONFIGS / name)
    assert {spec.kind for spec in config.model_specs} >= {"lightgbm", "baseline"}
    assert isinstance(config, ExperimentConfig)


def _scoring_config(**scoring):
    from vrurisk.config import validate_config

    raw = {
        "config_version": 1,
        "data": {"path": "unused"},
        "temporal": {"as_of_dates": ["2023-01-01", "2024-01-01"]},
        "models": {"baseline": {}},
        "evaluation": {"k": [75, "1%"]},
    }
    if scoring:
        raw["scoring"] = scoring
    return validate_config(raw)


def test_scoring_section_defaults_and_overrides():
    default = _scoring_config()
    assert default.scoring.explain_top == 500 and default.scoring.panel_size is None
    assert default.panel_size == 75  # the first evaluation.k
    custom = _scoring_config(explain_top=40, panel_size="2%")
    assert (custom.scoring.explain_top, custom.panel_size) == (40, "2%")
    # scoring settings never change a trained model: they are not part of the config hash
    assert custom.config_hash == default.config_hash


@pytest.mark.parametrize(
    ("scoring", "message"),
    [
        (
            {"panel_size": "lots"},
            "scoring.panel_size must be a positive integer or a percentage such as '1%', "
            "got 'lots'",
        ),
        ({"explain_top": 0}, "scoring.explain_top must be an integer >= 1, got 0"),
        ({"explain": 10}, None),
    ],
)
def test_scoring_section_errors_name_the_key(scoring, message):
    from vrurisk import ConfigError

    with pytest.raises(ConfigError) as info:
        _scoring_config(**scoring)
    if message is not None:
        assert str(info.value) == message
    else:
        assert str(info.value).startswith("scoring: unknown key 'explain'")


def test_a_typod_section_is_named_not_hidden_behind_the_missing_one(tmp_path):
    """Issue 17: 'modles:' was reported as 'models is required', the typo hidden."""
    raw = with_changes()
    raw["modles"] = raw.pop("models")
    message = load_error(tmp_path, raw)
    assert message.startswith("config: unknown key 'modles'; allowed keys: calibration, ")
    assert message.endswith("; did you mean 'models'? (and 1 more problem(s) in the config)")
