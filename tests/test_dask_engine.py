"""The Dask engine on a LocalCluster gives the single-machine engine's features and scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed", reason="dask.distributed is not installed (vrurisk[scale])")

from vrurisk._errors import ConfigError  # noqa: E402
from vrurisk.config import ExecutionConfig, validate_config  # noqa: E402
from vrurisk.engine import (  # noqa: E402
    build_feature_matrix_dask,
    dask_client,
    fit_lightgbm_dask,
    partition_dataset,
    person_buckets,
)
from vrurisk.engine._dask_features import OTHER_NETWORK  # noqa: E402
from vrurisk.evaluation import explain  # noqa: E402
from vrurisk.features import build_feature_matrix  # noqa: E402
from vrurisk.scoring import score_cohort_dask  # noqa: E402
from vrurisk.training import train_experiment  # noqa: E402

# another Dask cluster on the machine (e.g. a benchmark) may hold the default ports
pytestmark = pytest.mark.filterwarnings("ignore:Port .* is already in use:UserWarning")

DATES = ["2022-01-01", "2022-07-01", "2023-01-01", "2023-07-01"]
TRAIN_DATES = ["2022-07-01", "2023-01-01", "2023-07-01", "2024-07-01"]


def _config(tmp_path):
    return validate_config(
        {
            "config_version": 1,
            "name": "dask-test",
            "data": {"path": str(tmp_path / "unused")},
            "temporal": {"as_of_dates": TRAIN_DATES, "test_dates": 1},
            "models": {
                "lightgbm": {"n_estimators": [30], "num_leaves": [7], "min_child_samples": [20]},
                "baseline": {},
            },
            "evaluation": {"k": [50], "bootstrap": 0},
            "execution": {"engine": "dask", "n_workers": 2, "n_partitions": 5},
        }
    )


@pytest.fixture(scope="module")
def engine(tmp_path_factory, small_population):
    """A 2-worker LocalCluster, the small population partitioned, and a config."""
    tmp = tmp_path_factory.mktemp("dask")
    config = _config(tmp)
    ds = small_population.dataset
    parts = partition_dataset(
        ds, tmp / "parts", config.execution.n_partitions, config.features.network
    )
    with dask_client(config.execution) as client:
        yield client, ds, parts, config


def test_buckets_are_stable_and_keep_each_persons_events_together(engine, small_population):
    _, ds, parts, _ = engine
    ids = ds.people["person_id"]
    bucket = person_buckets(ids, parts.n_partitions)
    assert np.array_equal(bucket, person_buckets(ids.copy(), parts.n_partitions))
    assert set(np.unique(bucket)) == set(range(parts.n_partitions))
    events = pd.read_parquet(parts.events_path)
    want = bucket[events["person_idx"].to_numpy()]
    assert np.array_equal(events["bucket"].astype(int).to_numpy(), want)


def test_features_equal_the_single_machine_engine(engine):
    client, ds, parts, config = engine
    common = dict(cohort=config.cohort, outcome=config.outcome, features=config.features, seed=0)
    dates = DATES[1::2]  # two dates keep the test quick; each date is built independently
    local = build_feature_matrix(ds, dates, **common)
    dist = build_feature_matrix_dask(ds, dates, parts, client=client, **common)
    assert list(dist.X.columns) == list(local.X.columns)
    assert dist.manifest == local.manifest
    pd.testing.assert_frame_equal(dist.rows, local.rows)
    pd.testing.assert_series_equal(dist.y, local.y)
    np.testing.assert_allclose(dist.X.to_numpy(), local.X.to_numpy(), rtol=1e-6, atol=1e-6)
    assert (local.X["net_degree"] > 0).mean() > 0.3  # the network part is really exercised


def test_a_registered_block_is_built_by_both_engines(engine):
    """A test-only per-person block (built on the workers) and a whole-graph block with
    person values (gathered from the workers, built on the driver): no engine code edited."""
    import block_helpers
    import cloudpickle
    from block_helpers import extra_blocks_registered

    client, ds, parts, config = engine
    common = dict(cohort=config.cohort, outcome=config.outcome, features=config.features, seed=0)
    cloudpickle.register_pickle_by_value(block_helpers)  # the workers cannot import tests/
    try:
        with extra_blocks_registered():
            local = build_feature_matrix(ds, DATES[-1:], **common)
            dist = build_feature_matrix_dask(ds, DATES[-1:], parts, client=client, **common)
    finally:
        cloudpickle.unregister_pickle_by_value(block_helpers)
    assert list(dist.X.columns[-2:]) == ["test_events_30d", "test_associates_events_30d"]
    assert dist.manifest == local.manifest
    np.testing.assert_allclose(dist.X.to_numpy(), local.X.to_numpy(), rtol=1e-6, atol=1e-6)
    assert local.X["test_associates_events_30d"].sum() > 0


def test_scores_and_explanations_equal_for_the_same_model(engine):
    client, ds, parts, config = engine
    local_engine = config.model_copy(update={"execution": ExecutionConfig()})
    model = train_experiment(local_engine, ds, tracking=False).champion
    as_of = DATES[-1]
    local = build_feature_matrix(
        ds, [as_of], cohort=config.cohort, outcome=config.outcome, features=config.features
    )
    dist = score_cohort_dask(ds, model, config, parts, client=client, as_of=as_of, explain_top=40)
    proba = pd.Series(model.predict_proba(local.X), index=local.rows["person_id"])
    mine = dist.scores.set_index("person_id")["probability"]
    np.testing.assert_allclose(mine.reindex(proba.index).to_numpy(), proba.to_numpy(), atol=1e-12)
    order = model.rank_order(local.X)
    assert list(dist.scores["person_id"]) == list(local.rows["person_id"].to_numpy()[order])
    ex = explain(model, local.X, rows=order[:40], sample_size=0)
    np.testing.assert_allclose(
        dist.contributions.to_numpy(), ex.contributions.to_numpy(), rtol=1e-9, atol=1e-9
    )


def test_lightgbm_trains_through_its_dask_interface(engine):
    client, ds, _, config = engine
    fm = build_feature_matrix(
        ds, DATES[:2], cohort=config.cohort, outcome=config.outcome, features=config.features
    )
    model = fit_lightgbm_dask(fm.X, fm.y.to_numpy(), config, client=client)
    proba = model.predict_proba(fm.X)[:, 1]
    assert model.n_features_in_ == fm.X.shape[1]
    positives, negatives = proba[fm.y == 1], proba[fm.y == 0]
    assert positives.mean() > negatives.mean()  # it learned something from the labels


def test_partitions_written_for_another_network_config_are_refused(engine):
    client, ds, parts, config = engine
    network = config.features.network.model_copy(update={"max_hops": 5})
    features = config.features.model_copy(update={"network": network})
    with pytest.raises(ConfigError) as caught:
        build_feature_matrix_dask(ds, DATES, parts, client=client, features=features)
    assert str(caught.value) == OTHER_NETWORK


def test_a_local_cluster_starts_when_port_8787_is_taken():
    """Dask's default HTTP port may be held by another process on a shared machine: a leaked
    socket from the failed bind used to error the test run (ResourceWarning as error)."""
    import contextlib
    import socket

    from vrurisk.config import ExecutionConfig
    from vrurisk.engine._dask_models import dask_client

    holder = socket.socket()
    with contextlib.closing(holder):
        with contextlib.suppress(OSError):  # already held by someone else: just as good
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            holder.bind(("0.0.0.0", 8787))
            holder.listen()
        with dask_client(ExecutionConfig(engine="dask", n_workers=1)) as client:
            assert client.submit(sum, [1, 2]).result() == 3
