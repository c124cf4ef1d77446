"""Temporal splits: training label windows always close (and are recorded) before the test date."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vrurisk.models import refit_split, temporal_splits
from vrurisk.models._splits import NO_SPLITS, labels_known

dates = st.lists(
    st.dates(
        min_value=pd.Timestamp("2015-01-01").date(), max_value=pd.Timestamp("2025-01-01").date()
    ),
    min_size=1,
    max_size=12,
    unique=True,
)


@settings(max_examples=100, deadline=None)
@given(
    as_of=dates,
    horizon=st.integers(1, 800),
    extra=st.integers(0, 1500),
    n_test=st.integers(1, 5),
    rolling=st.one_of(st.none(), st.integers(1, 2000)),
    lag=st.one_of(st.just(0), st.integers(0, 120)),
)
def test_training_label_windows_never_overlap_the_test_window(
    as_of, horizon, extra, n_test, rolling, lag
):
    label_end = pd.Timestamp(max(as_of)) + pd.Timedelta(days=extra)
    kwargs = dict(horizon=horizon, label_end=label_end, n_test_dates=n_test, recording_lag=lag)
    if rolling is not None:
        kwargs.update(history="rolling", history_length=rolling)
    try:
        splits = temporal_splits(as_of, **kwargs)
    except ValueError as exc:
        assert str(exc).startswith("no temporal split is possible")
        return
    h = pd.DateOffset(days=horizon)
    known = pd.DateOffset(days=horizon + lag)
    assert 1 <= len(splits) <= n_test
    tests = [s.test_date for s in splits]
    assert tests == sorted(tests) and len(set(tests)) == len(tests)
    for split in splits:
        assert split.train_dates, "every split trains on something"
        assert split.test_date + known <= label_end, "test labels must be known and recorded"
        for t in split.train_dates:
            # the training label window (t, t + h] closes, and is recorded, strictly before the
            # test date: it never overlaps the test window (T, T + h] and never ends on T itself
            # (a model at T sees only records dated before T)
            assert t + known < split.test_date
            assert t + h < split.test_date
            if rolling is not None:
                assert t >= split.test_date - pd.DateOffset(days=rolling)
    final = refit_split(as_of, horizon=horizon, label_end=label_end, recording_lag=lag)
    assert all(t + known <= label_end for t in final.train_dates)


@settings(max_examples=50, deadline=None)
@given(
    start=st.dates(
        min_value=pd.Timestamp("2015-01-01").date(), max_value=pd.Timestamp("2022-01-01").date()
    ),
    horizon=st.integers(1, 500),
    lag=st.integers(0, 60),
    n_test=st.integers(1, 3),
)
def test_a_training_window_ending_on_the_test_date_or_within_the_lag_is_never_used(
    start, horizon, lag, n_test
):
    """Dates placed exactly on the boundary: t + h + lag == T is excluded, one day earlier is in."""
    test = pd.Timestamp(start) + pd.DateOffset(days=2 * (horizon + lag) + 10)
    on_boundary = test - pd.DateOffset(days=horizon + lag)
    inside = on_boundary - pd.DateOffset(days=1)
    label_end = test + pd.DateOffset(days=horizon + lag)
    splits = temporal_splits(
        [inside, on_boundary, test], horizon=horizon, label_end=label_end, recording_lag=lag
    )
    last = splits[-1]
    assert last.test_date == test
    assert inside in last.train_dates and on_boundary not in last.train_dates
    assert not labels_known(on_boundary, test, horizon=horizon, recording_lag=lag)
    assert labels_known(on_boundary, test, horizon=horizon, recording_lag=lag, strict=False)


def test_expanding_and_rolling_histories():
    as_of = pd.date_range("2020-01-01", periods=7, freq="6MS")
    expanding = temporal_splits(as_of, horizon=365, label_end="2023-12-31", n_test_dates=2)
    assert [s.name for s in expanding] == ["test_2022-01-01", "test_2022-07-01"]
    # 2021-01-01 + 365 days = 2022-01-01 and 2021-07-01 + 365 days = 2022-07-01: a window that
    # ends on its test date is not used, so each test date trains on one date fewer than with <=
    assert [len(s.train_dates) for s in expanding] == [2, 3]
    rolling = temporal_splits(
        as_of,
        horizon=365,
        label_end="2023-12-31",
        n_test_dates=2,
        history="rolling",
        history_length=730,
    )
    assert [str(d.date()) for d in rolling[-1].train_dates] == ["2020-07-01", "2021-01-01"]


def test_no_possible_split_says_why():
    with pytest.raises(ValueError) as info:
        temporal_splits(["2023-01-01", "2023-06-01"], horizon=365, label_end="2024-03-01")
    assert str(info.value) == NO_SPLITS.format(
        n_dates=2,
        first="2023-01-01",
        last="2023-06-01",
        horizon="365 days",
        lag="",
        label_end="2024-03-01",
    )
    with pytest.raises(ValueError) as info:
        temporal_splits(
            ["2022-01-01", "2023-06-01"], horizon=365, label_end="2024-08-01", recording_lag=90
        )
    assert "365 days label horizon and a 90 days recording lag" in str(info.value)
