"""The feature matrix contract: shapes, manifest, protected attributes, configs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from random_datasets import make_dataset, random_frames

from vrurisk import ConfigError
from vrurisk.features import (
    GROUPS,
    CohortConfig,
    FeatureConfig,
    OutcomeConfig,
    build_feature_matrix,
    build_individual_features,
    select_cohort,
)

EVERYONE = CohortConfig(min_age=0, max_age=120, lookback_days=None)


@pytest.fixture(scope="module")
def dataset():
    return make_dataset(*random_frames(11, n_people=60, n_events=400, n_links=120))


def test_matrix_rows_columns_and_manifest(dataset):
    dates = ["2021-01-01", "2022-01-01"]
    fm = build_feature_matrix(dataset, dates, cohort=EVERYONE)
    assert list(fm.X.columns) == [s.name for s in fm.manifest]
    assert len(set(fm.X.columns)) == fm.X.shape[1]
    assert (fm.X.dtypes == np.float32).all()
    assert np.isfinite(fm.X.to_numpy()).all()
    # everyone with an event before T (people first recorded later are not known at T)
    first = dataset.events.groupby("person_idx")["event_date"].min()
    known = sum(int((first < pd.Timestamp(d)).sum()) for d in dates)
    assert 0 < known < 2 * dataset.n_people
    assert len(fm.X) == len(fm.y) == len(fm.rows) == known
    assert list(fm.rows.columns) == ["person_idx", "person_id", "as_of"]
    assert sorted(fm.rows["as_of"].unique()) == [pd.Timestamp(d) for d in dates]
    assert {s.group for s in fm.manifest} == set(GROUPS)
    for spec in fm.manifest:
        assert "{value" in spec.reason
        text = spec.explain(1.0)
        # every placeholder filled in: no template syntax left for a panel to read
        assert text.strip() and "{" not in text and "}" not in text, (spec.name, text)


def test_protected_attributes_are_features_only_when_allowed(dataset):
    plain, _ = build_individual_features(dataset, "2021-01-01")
    assert not [c for c in plain.columns if "sex" in c or "ethnicity" in c]
    allowed, manifest = build_individual_features(
        dataset, "2021-01-01", features=FeatureConfig(allowed_static_attributes=("sex",))
    )
    assert {"static_sex_f", "static_sex_m"} <= set(allowed.columns)
    assert not [c for c in allowed.columns if "ethnicity" in c]
    np.testing.assert_array_equal(
        allowed["static_sex_f"].to_numpy(), (dataset.people["sex"] == "F").to_numpy()
    )


def test_unknown_static_attribute_is_a_config_error(dataset):
    features = FeatureConfig(allowed_static_attributes=("religion",))
    with pytest.raises(ConfigError) as err:
        build_individual_features(dataset, "2021-01-01", features=features)
    assert str(err.value) == (
        "The features.allowed_static_attributes entry 'religion' is not a column of people."
    )


def test_bad_as_of_date_is_a_config_error(dataset):
    with pytest.raises(ConfigError) as err:
        build_feature_matrix(dataset, ["not a date"])
    assert str(err.value) == "as_of 'not a date' is not a date (YYYY-MM-DD)"


def test_cohort_age_and_activity(dataset):
    as_of = pd.Timestamp("2021-06-01")
    cohort = CohortConfig(min_age=12, max_age=20, lookback_days=365)
    chosen = set(select_cohort(dataset, as_of, cohort).tolist())
    age = (as_of - dataset.people["birth_date"]).dt.days / 365.25
    ev = dataset.events
    recent = ev[(ev["event_date"] < as_of) & (ev["event_date"] >= as_of - pd.Timedelta(days=365))]
    active = set(recent["person_idx"])
    expected = {i for i in range(dataset.n_people) if 12 <= age[i] <= 20 and i in active}
    assert chosen == expected


def test_configs_reject_unknown_keys_and_bad_values():
    with pytest.raises(ValidationError, match="extra_forbidden|Extra inputs"):
        FeatureConfig(windows=(90,))
    with pytest.raises(ValidationError, match="positive number of days"):
        FeatureConfig(windows_days=(0, 90))
    with pytest.raises(ValidationError, match="must not exceed"):
        CohortConfig(min_age=30, max_age=20)
    with pytest.raises(ValidationError, match="at least one event type"):
        OutcomeConfig(event_types=())
    with pytest.raises(ValidationError, match="stage1.enabled needs"):
        FeatureConfig(network={"enabled": False})
    both_off = FeatureConfig(network={"enabled": False}, stage1={"enabled": False})
    assert not both_off.network.enabled and not both_off.stage1.enabled


def test_deterministic(dataset):
    a = build_feature_matrix(dataset, ["2022-01-01"], cohort=EVERYONE, seed=3)
    b = build_feature_matrix(dataset, ["2022-01-01"], cohort=EVERYONE, seed=3)
    pd.testing.assert_frame_equal(a.X, b.X)


def test_features_do_not_depend_on_row_order():
    people, events, links = random_frames(5, n_people=80, n_events=600, n_links=200)
    rng = np.random.default_rng(0)
    shuffled = [f.iloc[rng.permutation(len(f))] for f in (people, events, links)]
    features = FeatureConfig(stage1={"model": "logistic_regression", "min_positives": 2})
    a, b = (
        build_feature_matrix(
            make_dataset(*frames), ["2022-01-01"], cohort=EVERYONE, features=features
        )
        for frames in ((people, events, links), shuffled)
    )
    order_a = np.argsort(a.rows["person_id"].to_numpy())
    order_b = np.argsort(b.rows["person_id"].to_numpy())
    xa, xb = a.X.iloc[order_a].reset_index(drop=True), b.X.iloc[order_b].reset_index(drop=True)
    stage1 = [s.name for s in a.manifest if s.group == "stage1"]
    assert xa["stage1_neighbour_risk_max"].max() > 0
    pd.testing.assert_frame_equal(xa.drop(columns=stage1), xb.drop(columns=stage1))
    np.testing.assert_allclose(xa[stage1].to_numpy(), xb[stage1].to_numpy(), atol=1e-4)
