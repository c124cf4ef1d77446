"""Temporal splits: training label windows always close on or before the test date."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vrurisk.models import refit_split, temporal_splits
from vrurisk.models._splits import NO_SPLITS

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
)
def test_training_label_windows_never_overlap_the_test_window(
    as_of, horizon, extra, n_test, rolling
):
    label_end = pd.Timestamp(max(as_of)) + pd.Timedelta(days=extra)
    kwargs = dict(horizon=horizon, label_end=label_end, n_test_dates=n_test)
    if rolling is not None:
        kwargs.update(history="rolling", history_length=rolling)
    try:
        splits = temporal_splits(as_of, **kwargs)
    except ValueError as exc:
        assert str(exc).startswith("no temporal split is possible")
        return
    h = pd.DateOffset(days=horizon)
    assert 1 <= len(splits) <= n_test
    tests = [s.test_date for s in splits]
    assert tests == sorted(tests) and len(set(tests)) == len(tests)
    for split in splits:
        assert split.train_dates, "every split trains on something"
        assert split.test_date + h <= label_end, "test labels must be known"
        for t in split.train_dates:
            # the training label window (t, t + h] closes on or before the test date, so it
            # never overlaps the test window (T, T + h]
            assert t + h <= split.test_date
            if rolling is not None:
                assert t >= split.test_date - pd.DateOffset(days=rolling)
    final = refit_split(as_of, horizon=horizon, label_end=label_end)
    assert all(t + h <= label_end for t in final.train_dates)


def test_expanding_and_rolling_histories():
    as_of = pd.date_range("2020-01-01", periods=7, freq="6MS")
    expanding = temporal_splits(as_of, horizon=365, label_end="2023-12-31", n_test_dates=2)
    assert [s.name for s in expanding] == ["test_2022-01-01", "test_2022-07-01"]
    assert [len(s.train_dates) for s in expanding] == [3, 4]
    rolling = temporal_splits(
        as_of,
        horizon=365,
        label_end="2023-12-31",
        n_test_dates=2,
        history="rolling",
        history_length=730,
    )
    assert [str(d.date()) for d in rolling[-1].train_dates] == [
        "2020-07-01",
        "2021-01-01",
        "2021-07-01",
    ]


def test_no_possible_split_says_why():
    with pytest.raises(ValueError) as info:
        temporal_splits(["2023-01-01", "2023-06-01"], horizon=365, label_end="2024-03-01")
    assert str(info.value) == NO_SPLITS.format(
        n_dates=2, first="2023-01-01", last="2023-06-01", horizon="365 days", label_end="2024-03-01"
    )
