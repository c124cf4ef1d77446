"""The feature matrix on a Dask cluster, equal to :func:`vrurisk.features.build_feature_matrix`.

What runs where
---------------
* **Per partition, on the workers** (one task per person bucket, reading its own partitioned
  Parquet): cohort selection, every individual feature, outcome labels and the per-person
  violence flags, at every as-of date, with the single-machine builders
  (``select_cohort``, ``individual_block``, ``build_labels``, ``violence_flags``). The
  (event type, role) columns and category codes are the whole population's, fixed on the driver.
* **Distributed joins over the link table** (dask.dataframe): degree, weighted degree, associates
  involved in violence (as suspect / victim / any, counts and shares), link-weighted exposure,
  the decayed exposure and the 2-hop count: the symmetric edge table is read from Parquet,
  filtered to links before T, merged on ``dst`` with the (sparse) per-person flags and summed
  by ``src``; the 2-hop count is a second join of the edges with the 1-hop counts.
* **On the driver** (they need the whole graph at once): hops to the nearest recent victim,
  component size, k-core, PageRank and Leiden communities, the stage-1 neighbour
  risk (a model trained on a sample, applied to neighbours), the area violence rates, and the
  incident-implied links (written into the edge table by ``partition_dataset``).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from vrurisk._errors import ConfigError
from vrurisk.data import Dataset
from vrurisk.engine._partition import PartitionedDataset, read_bucket
from vrurisk.features import CohortConfig, FeatureConfig, OutcomeConfig
from vrurisk.features.blocks import (
    N_NEIGHBOURHOOD,
    NETWORK,
    AsOf,
    FeatureBlock,
    FeatureContext,
    FeatureMatrix,
    active_blocks,
    as_of_days,
    build_labels,
    cohort_at,
    day_timestamp,
    event_keys,
    flags_of,
    matrix_manifest,
    network_block,
    stack_matrix,
    static_levels,
    without_missing_blocks,
)

OTHER_NETWORK = (
    "the partitioned edge table was written for another features.network config; "
    "partition the dataset again with this config's network section"
)


def _bucket_task(parts, bucket, blocks: list[FeatureBlock], shared: FeatureContext):
    """Labels, the per-person blocks and the person values of one bucket at every as-of
    date (runs on a worker; ``shared`` is the driver's context with its data left behind)."""
    sub = read_bucket(parts, bucket)
    local = shared.with_dataset(sub)
    glob = sub.people["global_idx"].to_numpy()
    out = {"global_idx": glob, "days": {}}
    for day in local.days:
        rows = cohort_at(sub, day, local.cohort, local.outcome)
        at = AsOf(local, day, rows)
        out["days"][day] = {
            "rows": glob[rows],
            "y": build_labels(sub, day_timestamp(day), rows, local.outcome).to_numpy(),
            "X": {b.name: b.build(at) for b in blocks if b.per_person},
            "values": {
                b.name: at.person_values(b)
                for b in blocks
                if not b.per_person and b.person_values is not None
            },
        }
    return out


def _neighbourhood(parts: PartitionedDataset, day: int, flags: np.ndarray, network, client):
    """Neighbourhood aggregates at ``day`` by dask.dataframe joins over the edge table.

    Returns an (n_people, 9) array: degree, weighted degree, suspects, victims, share suspects,
    share victims, weighted exposure, decayed exposure, 2-hop count (``network_block``'s first
    nine columns).
    """
    import dask
    import dask.dataframe as dd

    n = parts.n_people
    where = [("day", "<", day), ("until", ">=", day)]
    if network.link_window_days is not None:
        where.append(("day", ">=", day - network.link_window_days))
    edges = dd.read_parquet(
        parts.edges_path, filters=where, columns=["src", "dst", "day", "weight"]
    )
    if network.decay_half_life_days is not None:
        half = network.decay_half_life_days
        edges = edges.assign(w=edges.weight * np.exp2(-(day - edges.day) / half))
    else:
        edges = edges.assign(w=edges.weight)
    pairs = edges.groupby(["src", "dst"]).w.sum().reset_index()
    pairs = client.persist(pairs)

    frame = pd.DataFrame(flags[:, [0, 1, 2, 4]], columns=["suspect", "victim", "any", "decayed"])
    frame = frame[(frame != 0).any(axis=1)]
    fl = dd.from_pandas(frame, npartitions=max(1, parts.n_partitions // 2))
    joined = pairs.merge(fl, left_on="dst", right_index=True, how="inner")
    joined = joined.assign(w_any=joined.w * joined["any"], w_decayed=joined.w * joined.decayed)
    by_src = joined.groupby("src")[["suspect", "victim", "any", "w_any", "w_decayed"]].sum()
    base = pairs.groupby("src").w.agg(["count", "sum"])
    base, by_src = dask.compute(base, by_src)

    inv = by_src["any"]
    inv = inv[inv != 0].rename("inv").to_frame()
    two = pairs.merge(
        dd.from_pandas(inv, npartitions=max(1, parts.n_partitions // 2)),
        left_on="dst",
        right_index=True,
        how="inner",
    )
    two = two.groupby("src").inv.sum().compute()

    def dense(series: pd.Series) -> np.ndarray:
        out = np.zeros(n)
        out[series.index.to_numpy(dtype=np.int64)] = series.to_numpy(dtype=np.float64)
        return out

    deg, wdeg = dense(base["count"]), dense(base["sum"])
    sus, vic = dense(by_src["suspect"]), dense(by_src["victim"])
    safe = np.maximum(deg, 1.0)
    return np.column_stack(
        [
            deg,
            wdeg,
            sus,
            vic,
            sus / safe,
            vic / safe,
            dense(by_src["w_any"]),
            dense(by_src["w_decayed"]),
            dense(two) - deg * flags[:, 2],
        ]
    )


def _network_on_cluster(at: AsOf, parts: PartitionedDataset, client) -> np.ndarray:
    """The network block: neighbourhood aggregates by joins on the cluster, the whole-graph
    columns (hops to a victim, component, k-core, PageRank, communities) on the driver.
    ``network_block`` is called as is for the latter (its cheap neighbourhood products are
    recomputed and dropped) so both engines share one algorithm."""
    flags, network = at.person_values(NETWORK), at.features.network
    near = _neighbourhood(parts, at.day, flags, network, client)
    whole = network_block(at.graph, flags_of(flags), network, at.shared.priority)
    return np.hstack([near, whole[:, N_NEIGHBOURHOOD:]])[at.rows]


#: Blocks the Dask engine computes its own way (the rest: per-person blocks on the workers,
#: others with their own ``build`` on the driver).
ON_CLUSTER = {NETWORK.name: _network_on_cluster}


def build_feature_matrix_dask(
    dataset: Dataset,
    as_of_dates,
    parts: PartitionedDataset,
    *,
    client,
    cohort: CohortConfig | None = None,
    outcome: OutcomeConfig | None = None,
    features: FeatureConfig | None = None,
    seed: int = 0,
    progress=None,
) -> FeatureMatrix:
    """:func:`~vrurisk.features.build_feature_matrix` computed on a Dask cluster.

    Parameters
    ----------
    dataset : Dataset
        The whole dataset, on the driver (for the whole-graph features; see the module notes).
    as_of_dates : date-like or iterable of date-like
    parts : PartitionedDataset
        From :func:`partition_dataset` of the same dataset.
    client : distributed.Client
    cohort, outcome, features, seed :
        As for the single-machine builder.
    progress : callable, optional
        Called with a short message at each long step.

    Returns
    -------
    FeatureMatrix
        Equal to the single-machine matrix (same rows, columns and labels; values to float
        tolerance where sums are taken in a different order).
    """
    from distributed import as_completed

    say = progress or (lambda message: None)
    cohort = cohort or CohortConfig()
    outcome = outcome or OutcomeConfig()
    features = without_missing_blocks(dataset, features or FeatureConfig())
    network = features.network
    days = as_of_days(as_of_dates)
    if network.enabled and parts.network != network.model_dump(mode="json"):
        raise ConfigError(OTHER_NETWORK)
    blocks = active_blocks(features)
    shared = FeatureContext(
        dataset,
        days,
        cohort,
        outcome,
        features,
        seed,
        keys=event_keys(dataset, features, max(days)),
        static=static_levels(dataset, features),
    )
    timings: dict[str, float] = {}
    t = time.perf_counter()
    futures = [
        client.submit(_bucket_task, parts, b, blocks, shared.with_dataset(None), pure=False)
        for b in range(parts.n_partitions)
    ]
    results = []
    for done, future in enumerate(as_completed(futures), 1):
        results.append(future.result())
        future.release()
        say(f"partition {done}/{parts.n_partitions}: per-person features and labels")
    timings["partitions"] = time.perf_counter() - t

    values, labels, keys_out = [], [], []
    for i, day in enumerate(days, 1):
        per = [r["days"][day] for r in results]
        rows = np.concatenate([p["rows"] for p in per]).astype(np.int64)
        order = np.argsort(rows, kind="stable")
        at = AsOf(shared, day, rows[order])
        for block in blocks:
            if not block.per_person and block.person_values is not None:
                gathered = [
                    (r["global_idx"], p["values"][block.name])
                    for r, p in zip(results, per, strict=True)
                ]
                whole = np.zeros((dataset.n_people, gathered[0][1].shape[1]))
                for where, part in gathered:
                    whole[where] = part
                at.set_person_values(block, whole)
        parts_x = []
        for block in blocks:
            t = time.perf_counter()
            if block.per_person:
                parts_x.append(np.vstack([p["X"][block.name] for p in per])[order])
            else:
                say(f"as-of {i}/{len(days)}: {block.name} features")
                build = ON_CLUSTER.get(block.name)
                parts_x.append(block.build(at) if build is None else build(at, parts, client))
            timings[block.name] = timings.get(block.name, 0.0) + time.perf_counter() - t
        values.append(np.hstack([p.astype(np.float32, copy=False) for p in parts_x]))
        labels.append(np.concatenate([p["y"] for p in per])[order])
        keys_out.append((at.rows, day))

    manifest = matrix_manifest(shared, blocks)
    return stack_matrix(dataset, values, labels, keys_out, manifest, timings)
