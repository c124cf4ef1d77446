"""Benchmark the point-in-time feature builders on the synthetic population.

For each size (default 100k and 1M people, 6 years, one as-of date) prints:

* seconds and peak traced memory (tracemalloc, numpy buffers included) per stage;
* individual features vs one DuckDB SQL query per as-of date computing the same aggregates
  (counts per type/role over the windows, all-history counts, last date, trend, sources, first
  contact), values checked equal; goal <= 1.0x DuckDB's time;
* network features vs a naive networkx per-node implementation (the reference of
  ``tests/features/test_network_reference.py``) at sizes up to ``--naive-max`` people, values
  checked equal; goal >= 50x;
* all network features for the as-of date, Leiden communities included (goal <= 20 s at 1M
  people / ~4M links on 2 idle cores): wall time, CPU time of this process and of the child
  process the Leiden call runs in (it overlaps the other features), and the load average,
  with a breakdown per part.

Usage::

    nice python benchmarks/features.py --sizes 100000 1000000
    python benchmarks/features.py --sizes 1000000 --network-only --cache /tmp/pops
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk.data import load_dataset, save_dataset, simulate_population
from vrurisk.features import FeatureConfig, OutcomeConfig, build_feature_matrix, select_cohort
from vrurisk.features._cohort import build_labels, day_array, to_day
from vrurisk.features._individual import index_events, individual_block, static_levels
from vrurisk.features._network import (
    graph_at,
    index_links,
    network_block,
    person_priority,
    violence_flags,
)
from vrurisk.features._place import place_block
from vrurisk.features.blocks import STAGE1, AsOf, FeatureContext

AS_OF = "2025-01-01"


def measure(name: str, fn, table: list, traced: bool = True):
    """Run ``fn``; append (stage, seconds, peak MB) to ``table``; return its result."""
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else float("nan")
    if traced:
        tracemalloc.stop()
    table.append((name, seconds, peak))
    return result


def stage_table(ds, features: FeatureConfig, outcome: OutcomeConfig) -> list:
    """Each stage of build_feature_matrix at one as-of date, under tracemalloc."""
    day = to_day(AS_OF)
    table: list = []
    index = measure("prepare events", lambda: index_events(ds, features, day), table)
    static = static_levels(ds, features)
    rows = measure("cohort", lambda: select_cohort(ds, AS_OF), table)
    measure(
        "individual",
        lambda: individual_block(ds, index, features, day, rows, static),
        table,
    )
    links = measure("prepare links", lambda: index_links(ds, features.network), table)
    graph = measure("network: graph", lambda: graph_at(links, day, features.network), table)
    measure(
        "network: features",
        lambda: network_block(
            graph, violence_flags(ds, features.network, day), features.network, person_priority(ds)
        ),
        table,
    )
    from vrurisk.features import CohortConfig

    shared = FeatureContext(ds, [day], CohortConfig(), outcome, features, 0)
    at = AsOf(shared, day, rows)
    at.__dict__["graph"] = graph  # the graph timed above (AsOf.graph is a cached property)
    measure("stage1", lambda: STAGE1.build(at), table)
    measure("place", lambda: place_block(ds, features.place, day), table)
    measure("labels", lambda: build_labels(ds, AS_OF, rows, outcome), table)
    return table


DUCKDB_SQL = """
SELECT person_idx, event_type, role,
       count(*) FILTER (WHERE day >= {t} - 90) AS n_90,
       count(*) FILTER (WHERE day >= {t} - 365) AS n_365,
       count(*) FILTER (WHERE day >= {t} - 1095) AS n_1095,
       count(*) AS n_all,
       max(day) AS last_day,
       count(*) FILTER (WHERE day >= {t} - 730 AND day < {t} - 365) AS n_prev_365,
       count(DISTINCT source) AS n_sources,
       min(day) AS first_day
FROM events SEMI JOIN cohort USING (person_idx)
WHERE day < {t}
GROUP BY GROUPING SETS ((person_idx, event_type, role), (person_idx))
"""


def duckdb_individual(ds, rows: np.ndarray, threads: int):
    """The individual aggregates as one DuckDB query; returns (seconds, long result)."""
    import duckdb

    events = pd.DataFrame(
        {
            "person_idx": ds.events["person_idx"].to_numpy(),
            "day": day_array(ds.events["event_date"]),
            "event_type": ds.events["event_type"].astype(str),
            "role": ds.events["role"].astype(str),
            "source": ds.events["source"].astype(str),
        }
    )
    cohort = pd.DataFrame({"person_idx": rows})
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.register("events", events)
    con.register("cohort", cohort)
    sql = DUCKDB_SQL.format(t=to_day(AS_OF))
    con.execute(sql).df()  # warm-up: registration and plan caches
    start = time.perf_counter()
    result = con.execute(sql).df()
    return time.perf_counter() - start, result


def check_duckdb_values(result: pd.DataFrame, X: pd.DataFrame, rows: np.ndarray) -> int:
    """Compare the DuckDB counts with our columns; returns how many values were compared."""
    per_key = result[result["event_type"].notna()]
    pos = pd.Series(np.arange(len(rows)), index=rows)
    compared = 0
    for (etype, role), part in per_key.groupby(["event_type", "role"]):
        r = pos[part["person_idx"].to_numpy()].to_numpy()
        for column, w in (
            ("n_90", "90d"),
            ("n_365", "365d"),
            ("n_1095", "1095d"),
            ("n_all", "all"),
        ):
            ours = X[f"count_{etype}_{role}_{w}"].to_numpy()
            expected = np.zeros(len(rows))
            expected[r] = part[column].to_numpy()
            np.testing.assert_array_equal(ours, expected, err_msg=f"{etype} {role} {w}")
            compared += len(rows)
    return compared


def naive_network(ds, features: FeatureConfig) -> pd.DataFrame:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "features"))
    from test_network_reference import reference_features

    return reference_features(ds, pd.Timestamp(AS_OF), features.network)


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds used so far by this process and by its finished child processes (the Leiden
    call runs in a child on a large graph)."""
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def network_parts(ds, features: FeatureConfig) -> None:
    """All network features at AS_OF, timed as a whole (wall and CPU) and per part."""
    from vrurisk.features import _graph, _network
    from vrurisk.features._network import communities

    net = features.network
    day = to_day(AS_OF)
    parts: list = []

    def part(name, fn):
        wall, (own, kids) = time.perf_counter(), cpu_seconds()
        result = fn()
        own2, kids2 = cpu_seconds()
        parts.append((name, time.perf_counter() - wall, own2 - own, kids2 - kids))
        return result

    load = os.getloadavg()[0]
    wall, (own, kids) = time.perf_counter(), cpu_seconds()
    links = index_links(ds, net)
    graph = graph_at(links, day, net)
    flags = violence_flags(ds, net, day)
    network_block(graph, flags, net, person_priority(ds))
    wall = time.perf_counter() - wall
    own2, kids2 = cpu_seconds()
    print(
        f"network: all features {wall:.2f} s wall, {own2 - own + kids2 - kids:.2f} s CPU "
        f"({own2 - own:.2f} s this process, {kids2 - kids:.2f} s the Leiden child process; "
        f"load average {load:.1f} -> {os.getloadavg()[0]:.1f}); "
        f"{graph.adjacency.nnz // 2:,} linked pairs",
        flush=True,
    )
    links = part("index links", lambda: index_links(ds, net))
    graph = part("graph at T", lambda: graph_at(links, day, net))
    flags = part("violence flags", lambda: violence_flags(ds, net, day))
    priority = part("person priority", lambda: person_priority(ds))
    A, W = graph.adjacency, graph.weights
    part(
        "neighbourhood sums",
        lambda: (A @ flags["any"], W @ flags["decayed"], A @ (A @ flags["any"])),
    )
    _network._LAST_PARTITION[0] = None  # time Leiden itself, not the reuse of the run above
    labels = part("communities", lambda: communities(graph, net, priority))
    part(
        "hops to victim",
        lambda: _graph.hops_to_other_source(A, flags["hop_victim"] > 0, net.max_hops),
    )
    part("components", lambda: _graph.component_sizes(A))
    part("k-core", lambda: _graph.core_numbers(A))
    part("pagerank", lambda: _graph.pagerank(W))
    print("  parts one at a time (communities: its wall includes waiting for the child):")
    for name, w, c, k in parts:
        child = f" + {k:5.2f} s child" if k else ""
        print(f"  {name:<20} {w:7.2f} s wall {c:7.2f} s CPU{child}", flush=True)
    linked = graph.degree > 0
    size = np.bincount(labels)[labels][linked]
    print(
        f"  communities ({net.community_objective}, resolution {net.community_resolution:g}): "
        f"a linked person's community has median {np.median(size):.0f} members, 90th "
        f"percentile {np.percentile(size, 90):.0f}, largest {size.max():,}",
        flush=True,
    )


def run(
    n_people: int, naive_max: int, threads: int, cache: str | None, network_only: bool = False
) -> None:
    print(f"\n=== {n_people:,} people, one as-of date {AS_OF} ===", flush=True)
    start = time.perf_counter()
    cached = Path(cache) / f"synth-{n_people}" if cache else None
    if cached is not None and cached.exists():
        ds = load_dataset(cached)
        how = f"loaded from {cached}"
    else:
        ds = simulate_population(n_people, seed=0, years=6).dataset
        how = "simulated"
        if cached is not None:
            save_dataset(ds, cached)
    print(
        f"{how} in {time.perf_counter() - start:.1f} s: {len(ds.events):,} events, "
        f"{len(ds.links):,} links",
        flush=True,
    )
    features, outcome = FeatureConfig(), OutcomeConfig()
    if network_only:
        network_parts(ds, features)
        return

    fm = build_feature_matrix(ds, [AS_OF], features=features, outcome=outcome)
    total = sum(fm.timings.values())
    print(f"build_feature_matrix: {total:.2f} s, X {fm.X.shape}, untraced stage seconds:")
    for stage, seconds in fm.timings.items():
        print(f"  {stage:<12} {seconds:8.2f} s")

    print("stages under tracemalloc (seconds, peak MB):")
    for stage, seconds, peak in stage_table(ds, features, outcome):
        print(f"  {stage:<18} {seconds:8.2f} s {peak:10.1f} MB", flush=True)

    rows = select_cohort(ds, AS_OF)
    day = to_day(AS_OF)
    t0 = time.perf_counter()
    index = index_events(ds, features, day)
    t1 = time.perf_counter()
    X = individual_block(ds, index, features, day, rows, static_levels(ds, features))
    t2 = time.perf_counter()
    names = [s.name for s in fm.manifest if s.group == "individual"]
    duck_s, result = duckdb_individual(ds, rows, threads)
    compared = check_duckdb_values(result, pd.DataFrame(X, columns=names), rows)
    print(
        f"individual: ours {t2 - t0:.2f} s incl. sorting events ({t2 - t1:.2f} s per extra "
        f"as-of date) vs DuckDB {duck_s:.2f} s ({threads} threads) -> ratio "
        f"{(t2 - t0) / duck_s:.2f}x ({(t2 - t1) / duck_s:.2f}x per extra date); "
        f"{compared:,} counts identical",
        flush=True,
    )

    t0 = time.perf_counter()
    links = index_links(ds, features.network)
    graph = graph_at(links, day, features.network)
    flags = violence_flags(ds, features.network, day)
    fast = network_block(graph, flags, features.network, person_priority(ds))
    fast_s = time.perf_counter() - t0
    print(
        f"network: all features in {fast_s:.2f} s ({graph.adjacency.nnz // 2:,} distinct "
        f"linked pairs)",
        flush=True,
    )
    if n_people <= naive_max:
        t0 = time.perf_counter()
        slow = naive_network(ds, features)
        slow_s = time.perf_counter() - t0
        np.testing.assert_allclose(fast, slow.to_numpy(), rtol=2e-5, atol=2e-5)
        print(
            f"network: naive networkx per-node {slow_s:.1f} s -> {slow_s / fast_s:.0f}x "
            f"faster, values identical (rtol 2e-5)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--naive-max", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--cache", help="directory to keep simulated populations in (simulating 1M takes minutes)"
    )
    parser.add_argument(
        "--network-only", action="store_true", help="only the network features, timed by part"
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    for n in args.sizes:
        run(n, args.naive_max, args.threads, args.cache, args.network_only)
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
