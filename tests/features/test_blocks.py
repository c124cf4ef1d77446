"""The feature-block registry: the built-in blocks, and a test-only block both engines build.

The Dask side of the test-only blocks is in ``tests/test_dask_engine.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from block_helpers import RECENT_EVENTS, extra_blocks_registered

from vrurisk.features import FeatureConfig, FeatureSpec, build_feature_matrix, feature_family
from vrurisk.features.blocks import FEATURE_BLOCKS, active_blocks, register_block

DATES = ["2022-01-01", "2023-01-01"]


def test_the_built_in_blocks_are_registered_in_column_order():
    assert list(FEATURE_BLOCKS) == ["individual", "network", "stage1", "place"]
    off = FeatureConfig.model_validate(
        {"network": {"enabled": False}, "stage1": {"enabled": False}}
    )
    assert [b.name for b in active_blocks(off)] == ["individual", "place"]


def test_registering_a_name_twice_is_an_error():
    with pytest.raises(ValueError, match="'network' is already registered"):
        register_block(FEATURE_BLOCKS["network"])


def test_a_registered_block_is_built_into_the_matrix_and_leaves_the_rest_unchanged(
    small_population,
):
    ds = small_population.dataset
    before = build_feature_matrix(ds, DATES)
    with extra_blocks_registered():
        after = build_feature_matrix(ds, DATES)
        family = feature_family(FeatureSpec("test_events_30d", "test_recent", "", ""))
    assert list(after.X.columns) == [
        *before.X.columns,
        "test_events_30d",
        "test_associates_events_30d",
    ]
    assert family == "agency_contact"
    assert {"test_recent", "test_associates"} <= set(after.timings)
    assert after.manifest[: len(before.manifest)] == before.manifest
    np.testing.assert_array_equal(after.X[before.X.columns].to_numpy(), before.X.to_numpy())
    # the values are the block's: events in the 30 days before each as-of date
    events = ds.events
    for as_of in DATES:
        rows = after.rows[after.rows["as_of"] == as_of]
        window = (events["event_date"] < as_of) & (
            events["event_date"] >= np.datetime64(as_of) - np.timedelta64(30, "D")
        )
        want = events[window].groupby("person_idx").size()
        want = want.reindex(rows["person_idx"], fill_value=0).to_numpy()
        np.testing.assert_array_equal(after.X.loc[rows.index, "test_events_30d"], want)
        assert after.X.loc[rows.index, "test_associates_events_30d"].sum() > 0
    assert list(FEATURE_BLOCKS) == ["individual", "network", "stage1", "place"]
    assert RECENT_EVENTS.per_person
