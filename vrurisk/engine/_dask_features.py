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
  component size, k-core, PageRank and label-propagation communities, the stage-1 neighbour
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
    FeatureMatrix,
    as_of_days,
    build_labels,
    censored,
    day_timestamp,
    event_keys,
    feature_context,
    graph_at,
    index_events,
    index_links,
    individual_block,
    matrix_manifest,
    network_block,
    place_block,
    select_cohort,
    stack_matrix,
    stage1_block,
    static_levels,
    violence_flags,
    without_missing_blocks,
)

OTHER_NETWORK = (
    "the partitioned edge table was written for another features.network config; "
    "partition the dataset again with this config's network section"
)
FLAGS = ("suspect", "victim", "any", "hop_victim", "decayed")


def _bucket_task(parts, bucket, days, keys, static, cohort, outcome, features):
    """Everything per-person for one bucket at every as-of date (runs on a worker)."""
    sub = read_bucket(parts, bucket)
    index = index_events(sub, features, max(days), keys=keys)
    glob = sub.people["global_idx"].to_numpy()
    out = {"global_idx": glob, "days": {}}
    for day in days:
        rows = select_cohort(sub, day_timestamp(day), cohort)
        rows = rows[~censored(sub, day, rows, outcome)]
        x = individual_block(sub, index, features, day, rows, static)
        y = build_labels(sub, day_timestamp(day), rows, outcome).to_numpy()
        entry = {"rows": glob[rows], "X": x, "y": y}
        if features.network.enabled:
            flags = violence_flags(sub, features.network, day)
            entry["flags"] = np.column_stack([flags[f] for f in FLAGS])
        out["days"][day] = entry
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


def _whole_graph_columns(graph, flags: np.ndarray, network, priority) -> np.ndarray:
    """The whole-graph columns of ``network_block`` (hops to a victim, component, k-core,
    PageRank, communities), on the driver. ``network_block`` is called as is (its cheap
    neighbourhood products are recomputed and dropped) so both engines share one algorithm."""
    as_dict = {name: flags[:, i] for i, name in enumerate(FLAGS)}
    return network_block(graph, as_dict, network, priority)[:, N_NEIGHBOURHOOD:]


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
    timings: dict[str, float] = {}
    t = time.perf_counter()

    keys = event_keys(dataset, features, max(days))
    static = static_levels(dataset, features)
    futures = [
        client.submit(
            _bucket_task, parts, b, days, keys, static, cohort, outcome, features, pure=False
        )
        for b in range(parts.n_partitions)
    ]
    results = []
    for done, future in enumerate(as_completed(futures), 1):
        results.append(future.result())
        future.release()
        say(f"partition {done}/{parts.n_partitions}: individual features and labels")
    timings["partitions"] = time.perf_counter() - t

    manifest = matrix_manifest(keys, features, static)
    links = ctx = None
    if network.enabled:
        t = time.perf_counter()
        links = index_links(dataset, network)
        ctx = feature_context(dataset, days, cohort, outcome, features, seed, keys=keys)
        timings["driver_prepare"] = time.perf_counter() - t

    blocks, labels, keys_out = [], [], []
    for i, day in enumerate(days, 1):
        per = [r["days"][day] for r in results]
        rows = np.concatenate([p["rows"] for p in per]).astype(np.int64)
        order = np.argsort(rows, kind="stable")
        rows = rows[order]
        parts_x = [np.vstack([p["X"] for p in per])[order]]
        y = np.concatenate([p["y"] for p in per])[order]
        if network.enabled:
            flags = np.zeros((dataset.n_people, len(FLAGS)))
            for r, p in zip(results, per, strict=True):
                flags[r["global_idx"]] = p["flags"]
            t = time.perf_counter()
            say(f"as-of {i}/{len(days)}: neighbourhood joins")
            near = _neighbourhood(parts, day, flags, network, client)
            timings["neighbourhood_joins"] = timings.get("neighbourhood_joins", 0.0)
            timings["neighbourhood_joins"] += time.perf_counter() - t
            t = time.perf_counter()
            say(f"as-of {i}/{len(days)}: whole-graph features on the driver")
            graph = graph_at(links, day, network)
            whole = _whole_graph_columns(graph, flags, network, ctx["priority"])
            parts_x.append(np.hstack([near, whole])[rows])
            if features.stage1.enabled:
                parts_x.append(
                    stage1_block(dataset, ctx, day, rows, graph, outcome, features, seed)
                )
            timings["driver_graph"] = timings.get("driver_graph", 0.0) + time.perf_counter() - t
        if features.place.enabled:
            parts_x.append(place_block(dataset, features.place, day)[rows])
        blocks.append(np.hstack([p.astype(np.float32, copy=False) for p in parts_x]))
        labels.append(y)
        keys_out.append((rows, day))

    return stack_matrix(dataset, blocks, labels, keys_out, manifest, timings)
