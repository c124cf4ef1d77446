"""Feature drift (issue 12, item 4): PSI sees an agency that stops recording, and only then."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from vrurisk.data import simulate_population
from vrurisk.features import (
    CohortConfig,
    FeatureConfig,
    OutcomeConfig,
    family_map,
    feature_reference,
    feature_shares,
    features_for,
    population_stability_index,
)
from vrurisk.monitor._drift import list_drift
from vrurisk.monitor._summary import findings

LIST_DATE = "2024-12-31"
CONFIG = SimpleNamespace(
    cohort=CohortConfig(),
    outcome=OutcomeConfig(),
    features=FeatureConfig(
        network={"enabled": False}, place={"enabled": False}, stage1={"enabled": False}
    ),
    seed=0,
)


@pytest.fixture(scope="module")
def worlds():
    """Training people (one world) and a different set of people from the same world."""
    training = simulate_population(n_people=5000, seed=11, years=5).dataset
    later = simulate_population(n_people=5000, seed=12, years=5).dataset
    return training, later


def drift_of(reference, dataset):
    fm = features_for(CONFIG, dataset, [LIST_DATE])
    return list_drift(
        {
            "feature_distribution": {
                "training": reference,
                "list": feature_shares(reference, fm.X),
                "families": family_map(fm.manifest),
            }
        }
    )


def stop_recording(dataset, *, source, event_type, months):
    """The extract with ``source`` no longer sending ``event_type`` for the last ``months``."""
    events = dataset.events
    start = pd.Timestamp(LIST_DATE) - pd.DateOffset(months=months)
    gone = (
        (events["source"] == source)
        & (events["event_type"] == event_type)
        & (events["event_date"] > start)
    )
    assert gone.sum() > 20  # the plant removes something real
    return dataclasses.replace(dataset, events=events[~gone].reset_index(drop=True))


def test_psi_is_zero_for_equal_shares_and_grows_with_the_shift():
    assert population_stability_index([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]) == 0
    small = population_stability_index([0.5, 0.5], [0.55, 0.45])
    large = population_stability_index([0.5, 0.5], [0.8, 0.2])
    assert 0 < small < 0.1 < 0.25 < large


def test_psi_stays_quiet_on_other_people_from_the_same_world(worlds):
    training, later = worlds
    reference = feature_reference(features_for(CONFIG, training, [LIST_DATE]).X)
    drift = drift_of(reference, later)
    worst = drift["features"][0]
    assert worst["psi"] < 0.1, worst
    assert all(f["level"] == "stable" for f in drift["families"])
    assert drift["vanished"] == []
    texts = [f["text"] for f in findings(_summary_with(drift))]
    assert not any(t.startswith(("Feature drift", "Records have vanished")) for t in texts), texts


def test_psi_sees_an_agency_that_stops_recording_an_event_type(worlds):
    training, later = worlds
    reference = feature_reference(features_for(CONFIG, training, [LIST_DATE]).X)
    planted = stop_recording(later, source="education", event_type="sen_support", months=6)
    drift = drift_of(reference, planted)
    worst = drift["features"][0]
    assert "sen_support" in worst["feature"] and worst["psi"] >= 0.25, worst
    family = {f["family"]: f for f in drift["families"]}["vulnerability"]
    assert family["level"] == "major shift"
    others = [
        f for f in drift["families"] if f["family"] not in ("vulnerability", "agency_contact")
    ]
    assert all(f["level"] == "stable" for f in others), others
    assert "count_sen_support_subject_365d" in [v["feature"] for v in drift["vanished"]]
    texts = [f["text"] for f in findings(_summary_with(drift))]
    assert any(t.startswith("Feature drift in vulnerability") for t in texts), texts
    assert any(t.startswith("Records have vanished") for t in texts), texts


def _summary_with(drift):
    entry = {
        "as_of": LIST_DATE,
        "closed": False,
        "closes_on": "2025-12-31",
        "drift": drift,
        "churn": None,
        "decisions": None,
    }
    return {"lists": [entry], "decisions_recorded": False}


def test_bins_use_training_values_so_counts_keep_whole_edges():
    X = pd.DataFrame({"n": np.r_[np.zeros(70), np.ones(20), np.full(10, 4.0)]})
    ref = feature_reference(X)["n"]
    assert ref["edges"] == [0.0, 1.0]  # the 90% decile is 1: 4 lies above the last edge
    later = feature_shares({"n": ref}, pd.DataFrame({"n": [0.0, 9.0, np.nan, -1.0]}))["n"]
    assert later["shares"] == [0.5, 0.0, 0.25, 0.25]
    assert (later["n_below"], later["n_above"]) == (1, 1)
