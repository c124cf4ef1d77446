"""Custody periods with a return date (issue 11 trap 6): out of the cohort while inside, no
label when custody took most of the outcome window, and nothing dated on or after T changes
anything at T."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vrurisk import DataValidationError
from vrurisk.data import Dataset, load_dataset, save_dataset
from vrurisk.features import build_feature_matrix, build_labels, censored, select_cohort
from vrurisk.features._cohort import to_day
from vrurisk.features._config import CohortConfig, FeatureConfig, OutcomeConfig

T = "2023-01-01"
EXTRACTION = "2025-01-01"


def tiny(custody=None) -> Dataset:
    people = pd.DataFrame({"person_id": ["a", "b", "c", "d"], "birth_date": ["2005-01-01"] * 4})
    events = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d", "d", "a"],
            "event_date": [
                "2022-06-01",
                "2022-06-01",
                "2022-06-01",
                "2022-06-01",
                "2023-03-01",  # d: an outcome before custody starts
                "2024-06-01",
            ],
            "event_type": ["asb", "asb", "asb", "asb", "serious_violence", "asb"],
            "role": ["suspect"] * 6,
        }
    )
    ds = Dataset.from_frames(people, events, None, extraction_date=EXTRACTION)
    if custody is None:
        return ds
    return ds.with_tables(custody=pd.DataFrame(custody))


CUSTODY = {
    # a: in custody on T (remanded before, released after): not in the cohort at T
    # b: inside for 300 of the 365 days after T, no outcome: no label at T (censored)
    # c: inside for 30 days after T: keeps its negative label
    # d: an outcome, then custody: keeps its positive label
    "person_id": ["a", "b", "c", "d"],
    "start_date": ["2022-12-01", "2023-02-01", "2023-06-01", "2023-04-01"],
    "end_date": ["2023-02-01", None, "2023-07-01", "2023-12-01"],
}


def test_in_custody_at_t_is_not_in_the_cohort_and_custody_decides_labels():
    plain, held = tiny(), tiny(CUSTODY)
    assert select_cohort(plain, T).tolist() == [0, 1, 2, 3]
    rows = select_cohort(held, T)
    assert held.people["person_id"].to_numpy()[rows].tolist() == ["b", "c", "d"]
    outcome = OutcomeConfig()
    gone = censored(held, to_day(T), rows, outcome)
    assert gone.tolist() == [True, False, False]
    labels = build_labels(held, T, rows[~gone], outcome)
    assert labels.tolist() == [0.0, 1.0]  # c negative, d positive
    # back in the community after release: in the cohort again
    assert "a" in held.people["person_id"].to_numpy()[select_cohort(held, "2023-06-01")]


def test_the_custody_share_that_censors_is_configurable():
    held = tiny(CUSTODY)
    rows = select_cohort(held, T)
    strict = OutcomeConfig(custody_censor_share=0.05)  # 30 of 365 days is more than 5%
    assert censored(held, to_day(T), rows, strict).tolist() == [True, True, False]
    with pytest.raises(ValueError, match="custody_censor_share"):
        OutcomeConfig(custody_censor_share=1.5)


def test_custody_is_saved_and_loaded_with_the_dataset(tmp_path):
    held = tiny(CUSTODY)
    save_dataset(held, tmp_path / "data", format="csv")
    back = load_dataset(tmp_path / "data")
    assert back.custody["person_id"].tolist() == ["a", "b", "c", "d"]
    assert back.fingerprint() == held.fingerprint() != tiny().fingerprint()


@pytest.mark.parametrize(
    ("custody", "message"),
    [
        (
            {"person_id": ["a"], "start_date": ["2023-02-01"], "end_date": ["2023-01-01"]},
            "custody: column 'end_date' has 1 date(s) before the row's start_date: row 1 "
            "('2023-01-01')",
        ),
        (
            {
                "person_id": ["a", "a"],
                "start_date": ["2023-01-01", "2023-02-01"],
                "end_date": ["2023-03-01", "2023-04-01"],
            },
            "custody: 1 period(s) start before the same person's previous period ended: row 2 "
            "('2023-02-01')",
        ),
        (
            {"person_id": ["a", "a"], "start_date": ["2023-01-01", "2023-02-01"]},
            "custody: 1 period(s) start before the same person's previous period ended: row 2 "
            "('2023-02-01')",
        ),
        (
            {"person_id": ["zz"], "start_date": ["2023-01-01"]},
            "custody: column 'person_id' has 1 id(s) that are not in people: row 1 ('zz')",
        ),
    ],
)
def test_bad_custody_periods_are_one_line(custody, message):
    with pytest.raises(DataValidationError) as info:
        tiny(custody)
    assert str(info.value).startswith(message), str(info.value)
    assert "\n" not in str(info.value)


def test_small_population_custody_after_t_changes_nothing_at_t(small_population):
    """Property at scale: custody records starting on or after T leave cohort and X alone."""
    ds = small_population.dataset
    as_of = ds.extraction_date - pd.Timedelta(days=200)  # the label window is still open
    rng = np.random.default_rng(0)
    who = rng.choice(ds.people["person_id"].to_numpy(), 300, replace=False)
    starts = as_of + pd.to_timedelta(rng.integers(0, 150, 300), unit="D")
    late = pd.DataFrame({"person_id": who, "start_date": starts.strftime("%Y-%m-%d")})
    base = build_feature_matrix(ds, [as_of], features=FeatureConfig(stage1={"enabled": False}))
    after = build_feature_matrix(
        ds.with_tables(custody=late), [as_of], features=FeatureConfig(stage1={"enabled": False})
    )
    pd.testing.assert_frame_equal(base.X, after.X)
    pd.testing.assert_frame_equal(base.rows, after.rows)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcd"), st.integers(0, 400), st.one_of(st.none(), st.integers(0, 200))
        ),
        max_size=6,
    )
)
def test_custody_dated_on_or_after_t_changes_nothing_at_t(periods):
    """Any periods starting on or after T: same cohort, same censoring of windows before T."""
    t = pd.Timestamp(T)
    rows = {"person_id": [], "start_date": [], "end_date": []}
    last_end: dict[str, pd.Timestamp] = {}
    for person, offset, length in periods:
        if person in last_end and last_end[person] is None:
            continue  # still inside: no later period for this person
        start = max(t + pd.Timedelta(days=offset), last_end.get(person, t))
        end = None if length is None else start + pd.Timedelta(days=length)
        if end is not None and end > pd.Timestamp(EXTRACTION):
            end = None
        if start > pd.Timestamp(EXTRACTION):
            continue
        rows["person_id"].append(person)
        rows["start_date"].append(start.strftime("%Y-%m-%d"))
        rows["end_date"].append(None if end is None else end.strftime("%Y-%m-%d"))
        last_end[person] = end
    plain = tiny()
    held = tiny(rows) if rows["person_id"] else plain
    cohort = CohortConfig(lookback_days=None)
    assert select_cohort(held, T, cohort).tolist() == select_cohort(plain, T, cohort).tolist()
    earlier = "2021-06-01"  # a window (2021-06-01, 2022-06-01] closed before T
    people = select_cohort(plain, "2022-12-31", cohort)
    outcome = OutcomeConfig(horizon_days=365)
    assert (
        censored(held, to_day(earlier), people, outcome).tolist()
        == censored(plain, to_day(earlier), people, outcome).tolist()
    )


def test_the_dask_engine_refuses_custody_rather_than_ignoring_it(tmp_path):
    from vrurisk import ConfigError
    from vrurisk.engine._partition import partition_dataset

    with pytest.raises(ConfigError, match="does not read the custody table yet"):
        partition_dataset(tiny(CUSTODY), tmp_path / "parts", 2)
