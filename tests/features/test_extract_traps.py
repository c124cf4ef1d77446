"""Traps a real extract hit (issue 11): double-counted ties, witnesses as involvement, place
features without areas, people who left counted as negatives."""

from __future__ import annotations

import pandas as pd

from vrurisk.data import Dataset
from vrurisk.features import (
    CohortConfig,
    FeatureConfig,
    NetworkConfig,
    OutcomeConfig,
    build_feature_matrix,
    build_network_features,
)

NO_DECAY = FeatureConfig(network=NetworkConfig(decay_half_life_days=None))


def dataset(people, events, links=None, extraction="2024-01-01") -> Dataset:
    return Dataset.from_frames(
        pd.DataFrame(people), pd.DataFrame(events), links, extraction_date=extraction
    )


def test_a_link_and_a_shared_incident_on_one_date_are_one_tie():
    # before: the pair counted twice (weighted degree 2.0): links + incident_id
    ds = dataset(
        {"person_id": ["a", "b"], "birth_date": ["2004-01-01"] * 2},
        {
            "person_id": ["a", "b"],
            "event_date": ["2020-05-01"] * 2,
            "event_type": ["violence"] * 2,
            "role": ["suspect", "suspect"],
            "incident_id": ["i1", "i1"],
        },
        pd.DataFrame(
            {
                "person_a": ["a", "b"],
                "person_b": ["b", "a"],
                "link_date": ["2020-05-01"] * 2,
                "link_type": ["co_offending", "school"],
            }
        ),
    )
    net, _ = build_network_features(ds, "2021-01-01", features=NO_DECAY)
    assert net["net_weighted_degree"].tolist() == [1.0, 1.0]
    assert net["net_degree"].tolist() == [1.0, 1.0]


def test_ties_on_different_dates_still_add_up():
    ds = dataset(
        {"person_id": ["a", "b"], "birth_date": ["2004-01-01"] * 2},
        {"person_id": ["a"], "event_date": ["2020-05-01"], "event_type": ["asb"]},
        pd.DataFrame(
            {
                "person_a": ["a", "a"],
                "person_b": ["b", "b"],
                "link_date": ["2020-05-01", "2020-06-01"],
            }
        ),
    )
    net, _ = build_network_features(ds, "2021-01-01", features=NO_DECAY)
    assert net["net_weighted_degree"].tolist() == [2.0, 2.0]


def witness_dataset() -> Dataset:
    return dataset(
        {"person_id": ["a", "b", "c"], "birth_date": ["2004-01-01"] * 3},
        {
            "person_id": ["b", "c"],
            "event_date": ["2020-12-01"] * 2,
            "event_type": ["violence", "violence"],
            "role": ["witness", "suspect"],
        },
        pd.DataFrame(
            {"person_a": ["a", "a"], "person_b": ["b", "c"], "link_date": ["2020-01-01"] * 2}
        ),
    )


def test_witnesses_are_not_involved_in_violence_by_default():
    net, _ = build_network_features(witness_dataset(), "2021-01-01", features=NO_DECAY)
    # before: 2.0 (the witness b counted as "involved in violence")
    assert net["net_weighted_violence_exposure_180d"].tolist() == [1.0, 0.0, 0.0]
    assert net["net_community_violence_rate_180d"].iloc[0] == 0.5


def test_witnesses_count_when_configured():
    features = FeatureConfig(network=NetworkConfig(decay_half_life_days=None, violence_roles=None))
    net, _ = build_network_features(witness_dataset(), "2021-01-01", features=features)
    assert net["net_weighted_violence_exposure_180d"].tolist() == [2.0, 0.0, 0.0]


def area_dataset(area: bool) -> Dataset:
    people = {"person_id": ["a", "b", "c"], "birth_date": ["2004-01-01"] * 3}
    if area:
        people["area"] = ["E1", "E1", "E2"]
    return dataset(
        people,
        {
            "person_id": ["a", "b", "c"],
            "event_date": ["2020-06-01"] * 3,
            "event_type": ["violence", "asb", "asb"],
            "role": ["suspect"] * 3,
        },
    )


def test_no_area_column_means_no_place_features():
    # before: one shared "area" whose leave-one-out rate encoded the person's own past
    fm = build_feature_matrix(area_dataset(False), ["2021-01-01"])
    assert not [c for c in fm.X.columns if c.startswith("place_")]
    fm = build_feature_matrix(area_dataset(True), ["2021-01-01"])
    assert [c for c in fm.X.columns if c.startswith("place_")] == ["place_area_violence_rate_365d"]


def leaving_dataset() -> Dataset:
    # a: left before T; b: left inside the window, no outcome before leaving (censored);
    # c: left inside the window after an outcome (a known positive); d: stayed, negative
    return dataset(
        {
            "person_id": ["a", "b", "c", "d"],
            "birth_date": ["2004-01-01"] * 4,
            "left_date": ["2020-12-01", "2021-03-01", "2021-06-01", None],
            "left_reason": ["moved", "custody", "died", None],
        },
        {
            "person_id": ["a", "b", "c", "d", "b", "c"],
            "event_date": ["2020-06-01"] * 4 + ["2021-05-01", "2021-02-01"],
            "event_type": ["asb"] * 4 + ["serious_violence", "serious_violence"],
            "role": ["suspect"] * 6,
        },
    )


def test_people_who_left_are_censored_not_negatives():
    fm = build_feature_matrix(
        leaving_dataset(),
        ["2021-01-01"],
        cohort=CohortConfig(),
        outcome=OutcomeConfig(horizon_days=365),
        features=FeatureConfig(stage1={"enabled": False}),
    )
    # before: a and b were negatives
    assert fm.rows["person_id"].tolist() == ["c", "d"]
    assert fm.y.tolist() == [1, 0]


def test_people_who_leave_after_the_window_are_kept():
    fm = build_feature_matrix(leaving_dataset(), ["2020-01-01"], outcome=OutcomeConfig())
    assert fm.rows["person_id"].tolist() == []  # no events in the two years before: no cohort
    fm = build_feature_matrix(
        leaving_dataset(), ["2020-11-01"], outcome=OutcomeConfig(horizon_days=20)
    )
    assert fm.rows["person_id"].tolist() == ["a", "b", "c", "d"]
    assert fm.y.tolist() == [0, 0, 0, 0]
