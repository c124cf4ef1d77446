"""Community resolution: what size of group each setting finds (issue 14).

For each objective/resolution, on the synthetic world at one as-of date, prints the size of a
linked person's community (median, 90th percentile, largest), the modularity of the partition
(weighted), how well the generator's street groups are kept together (share of a member's
group-mates in the member's community) and how pure the communities are around them (share of
a member's community that is their group), and the CPU seconds of the Leiden call.

Usage::

    python benchmarks/communities.py --people 100000
    python benchmarks/communities.py --people 1000000 --settings cpm:0.1 modularity:1
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from vrurisk.data import simulate_population
from vrurisk.features import NetworkConfig
from vrurisk.features._cohort import to_day
from vrurisk.features._network import communities, graph_at, index_links, person_priority

AS_OF = "2025-01-01"
SETTINGS = ["modularity:1", "cpm:0.02", "cpm:0.05", "cpm:0.1", "cpm:0.2", "cpm:0.5"]


def modularity(graph, labels: np.ndarray) -> float:
    """Weighted modularity (resolution 1) of a partition given as a label per node."""
    W = graph.weights.tocoo()
    strength = np.asarray(graph.weights.sum(axis=1)).ravel()
    total = strength.sum()
    inside = W.data[labels[W.row] == labels[W.col]].sum()
    per = np.bincount(labels, weights=strength)
    return float(inside / total - (per**2).sum() / total**2)


def group_recovery(labels: np.ndarray, group: np.ndarray, linked: np.ndarray) -> tuple:
    """(share of group-mates in the same community, share of the community in the group),
    averaged over linked street-group members whose group has another linked member."""
    members = np.flatnonzero((group >= 0) & linked)
    frame = pd.DataFrame({"g": group[members], "c": labels[members]})
    group_size = frame.groupby("g")["c"].transform("size").to_numpy()
    both = frame.groupby(["g", "c"])["c"].transform("size").to_numpy()
    community_size = np.bincount(labels)[labels[members]]
    keep = group_size > 1
    together = ((both - 1) / np.maximum(group_size - 1, 1))[keep].mean()
    purity = (both / community_size)[keep].mean()
    return together, purity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--settings", nargs="+", default=SETTINGS)
    args = parser.parse_args()
    t = time.perf_counter()
    population = simulate_population(args.people, seed=0, years=6)
    ds = population.dataset
    truth = population.truth.set_index("person_id")
    group = truth["group_id"].reindex(ds.people["person_id"]).to_numpy()
    print(f"{args.people:,} people simulated in {time.perf_counter() - t:.0f} s")
    base = NetworkConfig()
    graph = graph_at(index_links(ds, base), to_day(AS_OF), base)
    priority = person_priority(ds)
    linked = graph.degree > 0
    print(
        f"{int(linked.sum()):,} linked people, {graph.adjacency.nnz // 2:,} linked pairs; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("setting          median  p90  largest  modularity  group-mates together  purity  CPU s")
    for setting in args.settings:
        objective, resolution = setting.split(":")
        net = base.model_copy(
            update={"community_objective": objective, "community_resolution": float(resolution)}
        )
        cpu = time.process_time()
        labels = communities(graph, net, priority)
        cpu = time.process_time() - cpu
        size = np.bincount(labels)[labels][linked]
        together, purity = group_recovery(labels, group, linked)
        print(
            f"{setting:<15} {np.median(size):7.0f} {np.percentile(size, 90):4.0f} "
            f"{size.max():8,} {modularity(graph, labels):11.3f} {together:21.2f} "
            f"{purity:7.2f} {cpu:6.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
