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
    scale_free_shares,
)
from vrurisk.models import grows_with_the_data
from vrurisk.models._risk_model import shares_by_date
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


def monitoring_of(training, training_as_of, current, *, families=None, views=True):
    """``monitoring.json``'s feature distribution as training and scoring write it."""
    reference = feature_reference(training)
    distribution = {
        "training": reference,
        "list": feature_shares(reference, current),
        "families": families or {},
    }
    if views:
        growing = [c for c in training.columns if grows_with_the_data(c)]
        distribution["training_by_date"] = shares_by_date(reference, training, training_as_of)
        distribution["scale_free"] = {
            "training": scale_free_shares(training[growing], training_as_of),
            "list": scale_free_shares(current[growing]),
        }
    return {"feature_distribution": distribution}


def drift_of(training, dataset):
    """Drift of ``dataset``'s cohort at LIST_DATE against ``training``'s at the same date."""
    before = features_for(CONFIG, training, [LIST_DATE])
    fm = features_for(CONFIG, dataset, [LIST_DATE])
    monitoring = monitoring_of(
        before.X, before.rows["as_of"], fm.X, families=family_map(fm.manifest)
    )
    return list_drift(monitoring, as_of=LIST_DATE)


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
    drift = drift_of(training, later)
    worst = drift["features"][0]
    assert worst["psi"] < 0.1, worst
    assert all(f["level"] == "stable" for f in drift["families"])
    assert drift["vanished"] == []
    texts = [f["text"] for f in findings(_summary_with(drift))]
    assert not any(t.startswith(("Feature drift", "Records have vanished")) for t in texts), texts


def test_psi_sees_an_agency_that_stops_recording_an_event_type(worlds):
    training, later = worlds
    planted = stop_recording(later, source="education", event_type="sen_support", months=6)
    drift = drift_of(training, planted)
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
    # real drift stays loud on the views that explain expected shifts: the counts that lost
    # their records grow with the data, but relative to their list they shifted all the same
    assert family["level_unexplained"] == "major shift"
    lost = {r["feature"]: r for r in drift["features"]}["count_sen_support_subject_365d"]
    assert lost["explained"] is None and lost["psi_scale_free"] >= 0.25, lost
    assert not any(t.startswith("Expected growth") and "sen_support" in t for t in texts), texts


def _summary_with(drift, as_of=LIST_DATE):
    entry = {
        "as_of": as_of,
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


def _dated(frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, np.ndarray]:
    """Training rows stacked over as-of dates, and each row's date."""
    X = pd.concat(frames.values(), ignore_index=True)
    as_of = np.repeat(pd.to_datetime(list(frames)), [len(f) for f in frames.values()])
    return X, as_of


def test_a_network_that_grows_is_expected_growth_and_a_real_shift_stays_loud():
    """Issue 12 item 4: a component that triples in size is growth; a rate that triples is not,
    and a count whose zeros double is a real shift though it grows with the data."""
    rng = np.random.default_rng(3)
    n = 4000

    def cohort(scale, rate_scale=1.0, share_with=0.4):
        return pd.DataFrame(
            {
                "net_component_size": np.round(scale * rng.lognormal(3, 1, n)),
                "count_sen_support_subject_all": np.round(scale * rng.lognormal(1, 0.5, n))
                * (rng.random(n) < share_with),
                "place_area_violence_rate_365d": rate_scale * rng.lognormal(0, 0.5, n),
            }
        )

    X, as_of = _dated({"2023-01-01": cohort(1.0), "2023-07-01": cohort(1.2)})
    grown = cohort(3.0, share_with=0.4)
    drift = list_drift(monitoring_of(X, as_of, grown), as_of="2023-12-31")
    rows = {r["feature"]: r for r in drift["features"]}
    size = rows["net_component_size"]
    assert size["psi"] >= 0.25 and size["psi_scale_free"] < 0.1, size
    assert size["explained"] == "growth" and size["verdict"] == "stable"
    texts = [f["text"] for f in findings(_summary_with(drift, "2023-12-31"))]
    growth = [t for t in texts if t.startswith("Expected growth, not a reason to retrain")]
    assert len(growth) == 1 and "net_component_size (PSI" in growth[0], texts
    assert not any("retraining recommended" in t for t in texts), texts

    changed = cohort(3.0, rate_scale=3.0, share_with=0.8)
    drift = list_drift(monitoring_of(X, as_of, changed), as_of="2023-12-31")
    rows = {r["feature"]: r for r in drift["features"]}
    assert rows["place_area_violence_rate_365d"]["verdict"] == "major shift"
    assert rows["count_sen_support_subject_all"]["explained"] is None
    assert rows["count_sen_support_subject_all"]["psi_scale_free"] >= 0.25
    texts = [f["text"] for f in findings(_summary_with(drift, "2023-12-31"))]
    assert any("place_area_violence_rate_365d" in t and "major shift" in t for t in texts), texts
    assert any("count_sen_support_subject_all" in t for t in texts if "Expected" not in t)


def _seasonal(share: float, n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "count_sen_support_subject_90d": (rng.random(n) < share).astype(float),
            "age": rng.uniform(10, 25, n),
        }
    )


def test_a_seasonal_record_like_a_training_list_of_the_same_season_is_explained():
    X, as_of = _dated(
        {
            "2023-01-01": _seasonal(0.0, seed=1),
            "2023-04-01": _seasonal(0.0, seed=2),
            "2023-10-01": _seasonal(0.4, seed=3),
        }
    )
    drift = list_drift(monitoring_of(X, as_of, _seasonal(0.4, seed=4)), as_of="2025-10-15")
    row = {r["feature"]: r for r in drift["features"]}["count_sen_support_subject_90d"]
    assert row["psi"] >= 0.25, row  # against the pooled training data: a major shift
    assert row["explained"] == "training_date"
    assert row["closest_training"]["as_of"] == "2023-10-01"
    assert row["closest_training"]["days_apart"] == 14
    texts = [f["text"] for f in findings(_summary_with(drift, "2025-10-15"))]
    assert not any(t.startswith("Feature drift") for t in texts), texts
    assert any(
        "is like the training list of 2023-10-01, at the same time of year" in t for t in texts
    ), texts


def test_a_season_training_never_saw_is_said_to_be_new_to_the_model():
    X, as_of = _dated({"2023-01-01": _seasonal(0.0, seed=1), "2023-07-01": _seasonal(0.0, seed=2)})
    drift = list_drift(monitoring_of(X, as_of, _seasonal(0.2, seed=4)), as_of="2025-11-30")
    row = {r["feature"]: r for r in drift["features"]}["count_sen_support_subject_90d"]
    assert row["explained"] is None and row["unseen_months"] == ["September"], row
    found = findings(_summary_with(drift, "2025-11-30"))
    unseen = [f for f in found if f["text"].startswith("The model never saw lists in September")]
    assert len(unseen) == 1 and unseen[0]["level"] == "act", found
    text = unseen[0]["text"]
    assert "records that fall in September are new to it" in text
    assert "1 January, 1 July" in text and "temporal.step_months: 3" in text
    assert not any(f["text"].startswith("Feature drift") for f in found), found


def test_bundles_without_the_views_keep_the_pooled_verdict():
    X, as_of = _dated({"2023-01-01": _seasonal(0.0, seed=1), "2023-10-01": _seasonal(0.3)})
    monitoring = monitoring_of(X, as_of, _seasonal(0.6, seed=4), views=False)
    drift = list_drift(monitoring, as_of="2025-10-15")
    row = {r["feature"]: r for r in drift["features"]}["count_sen_support_subject_90d"]
    assert row["explained"] is None and row["verdict"] == row["level"] == "major shift"
    assert drift["training_dates"] == []


def test_a_seasonal_record_absent_off_season_has_not_vanished_but_absent_in_season_has():
    X, as_of = _dated({"2023-01-01": _seasonal(0.0, seed=1), "2023-10-01": _seasonal(0.3)})
    off = list_drift(monitoring_of(X, as_of, _seasonal(0.0, seed=4)), as_of="2025-12-31")
    assert off["vanished"] == []
    texts = [f["text"] for f in findings(_summary_with(off, "2025-12-31"))]
    assert not any(t.startswith(("Records have vanished", "Feature drift")) for t in texts), texts
    during = list_drift(monitoring_of(X, as_of, _seasonal(0.0, seed=4)), as_of="2025-10-05")
    assert [v["feature"] for v in during["vanished"]] == ["count_sen_support_subject_90d"]
    assert during["vanished"][0]["training_share"] == pytest.approx(0.3, abs=0.03)
