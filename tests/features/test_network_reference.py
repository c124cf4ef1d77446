"""Every network feature equals a slow, obviously-correct per-node networkx reference."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_datasets import make_dataset, random_frames

from vrurisk.features import FeatureConfig, NetworkConfig, build_network_features
from vrurisk.features._network import person_priority


def reference_graph(ds, as_of: pd.Timestamp, net: NetworkConfig) -> nx.Graph:
    """Links dated before T (and shared incidents): one tie per pair per date (the strongest),
    weights summed over dates."""
    g = nx.Graph()
    g.add_nodes_from(range(ds.n_people))
    strongest = {}

    def tie(a, b, date, weight):
        key = (min(a, b), max(a, b), date)
        strongest[key] = max(strongest.get(key, 0.0), weight)

    def add(a, b, date, weight):
        if date >= as_of or weight <= 0:
            return
        if net.link_window_days is not None and (as_of - date).days > net.link_window_days:
            return
        if net.decay_half_life_days is not None:
            weight *= 0.5 ** ((as_of - date).days / net.decay_half_life_days)
        old = g.edges[a, b]["weight"] if g.has_edge(a, b) else 0.0
        g.add_edge(a, b, weight=old + weight)

    for row in ds.links.itertuples():
        weight = net.link_weights.get(str(row.link_type), 1.0)
        if net.use_weight_column and not pd.isna(row.weight):
            weight *= row.weight
        if net.link_types is not None and row.link_type not in net.link_types:
            continue
        tie(row.idx_a, row.idx_b, row.link_date, weight)
    if net.incident_links:
        first = {}
        for row in ds.events.dropna(subset=["incident_id"]).itertuples():
            key = (row.incident_id, row.person_idx)
            first[key] = min(first.get(key, row.event_date), row.event_date)
        by_incident = {}
        for (inc, person), date in first.items():
            by_incident.setdefault(inc, []).append((person, date))
        for members in by_incident.values():
            if sum(date < as_of for _, date in members) > net.max_incident_size:
                continue
            for i, (pa, da) in enumerate(members):
                for pb, db in members[i + 1 :]:
                    tie(pa, pb, max(da, db), net.link_weights["incident"])
    for (a, b, date), weight in strongest.items():
        add(a, b, date, weight)
    return g


def reference_flags(ds, as_of, net):
    suspect, victim, anyrole, hop_victim = set(), set(), set(), set()
    decayed = {}
    for row in ds.events.itertuples():
        if row.event_type not in net.violence_event_types or row.event_date >= as_of:
            continue
        if net.violence_roles is not None and row.role not in net.violence_roles:
            continue
        age = (as_of - row.event_date).days
        decayed[row.person_idx] = decayed.get(row.person_idx, 0.0) + 0.5 ** (
            age / net.exposure_half_life_days
        )
        if age <= net.violence_window_days:
            anyrole.add(row.person_idx)
            if row.role == "suspect":
                suspect.add(row.person_idx)
            if row.role == "victim":
                victim.add(row.person_idx)
        if age <= net.victim_window_days and row.role == "victim":
            hop_victim.add(row.person_idx)
    return suspect, victim, anyrole, hop_victim, decayed


def reference_communities(g: nx.Graph, net: NetworkConfig, priority: np.ndarray) -> dict:
    """The same algorithm (igraph's Leiden, the configured objective, weighted, seeded) on the
    networkx graph: linked nodes in priority order, edges sorted, CPM weights in units of the
    median tie, each community named by its lowest-priority member."""
    import random
    import statistics

    import igraph

    linked = sorted((v for v in g if g.degree(v) > 0), key=lambda v: priority[v])
    pos = {v: i for i, v in enumerate(linked)}
    edges = sorted(
        (min(pos[u], pos[v]), max(pos[u], pos[v]), d["weight"])
        for u, v, d in g.edges(data=True)
        if d["weight"] > 0
    )
    if net.community_objective == "cpm" and edges:
        typical = statistics.median(w for _, _, w in edges)
        edges = [(u, v, w / typical) for u, v, w in edges]
    ig = igraph.Graph(n=len(linked), edges=[(u, v) for u, v, _ in edges])
    igraph.set_random_number_generator(random.Random(net.community_seed))
    try:
        membership = ig.community_leiden(
            objective_function={"cpm": "CPM", "modularity": "modularity"}[net.community_objective],
            weights=[w for _, _, w in edges],
            resolution=net.community_resolution,
            n_iterations=net.community_iterations,
        ).membership
    finally:
        igraph.set_random_number_generator(random)
    labels = {v: v for v in g}
    first = {}
    for v in linked:  # priority order: the first seen is the lowest
        first.setdefault(membership[pos[v]], v)
    for v in linked:
        labels[v] = first[membership[pos[v]]]
    return labels


def reference_features(ds, as_of: pd.Timestamp, net: NetworkConfig) -> pd.DataFrame:
    """Per-node loops over an nx.Graph: what an analyst would write (also the benchmark's
    naive implementation)."""
    g = reference_graph(ds, as_of, net)
    suspect, victim, anyrole, hop_victim, decayed = reference_flags(ds, as_of, net)
    core = nx.core_number(g)
    linked = g.subgraph([v for v in g if g.degree(v) > 0])
    rank = nx.pagerank(linked, alpha=net.pagerank_alpha, weight="weight") if len(linked) else {}
    community = reference_communities(g, net, person_priority(ds))
    members = {}
    for v, label in community.items():
        members.setdefault(label, []).append(v)
    component = {}
    for nodes in nx.connected_components(g):
        for v in nodes:
            component[v] = len(nodes)
    rows = []
    for v in g:
        nbrs = list(g[v])
        deg = len(nbrs)
        hops = net.max_hops + 1
        for u, d in nx.single_source_shortest_path_length(g, v, cutoff=net.max_hops).items():
            if u != v and u in hop_victim:
                hops = min(hops, d)
        others = [u for u in members[community[v]] if u != v]
        rows.append(
            [
                deg,
                sum(g[v][u]["weight"] for u in nbrs),
                sum(u in suspect for u in nbrs),
                sum(u in victim for u in nbrs),
                sum(u in suspect for u in nbrs) / max(deg, 1),
                sum(u in victim for u in nbrs) / max(deg, 1),
                sum(g[v][u]["weight"] for u in nbrs if u in anyrole),
                sum(g[v][u]["weight"] * decayed.get(u, 0.0) for u in nbrs),
                sum(w in anyrole for u in nbrs for w in g[u] if w != v),
                hops,
                component[v],
                core[v],
                rank[v] * linked.number_of_nodes() if v in rank else 0.0,
                len(others) + 1,
                sum(u in anyrole for u in others) / len(others) if others else 0.0,
            ]
        )
    return pd.DataFrame(rows, dtype=float)


NETWORK_CONFIGS = [
    NetworkConfig(),
    NetworkConfig(decay_half_life_days=None, incident_links=False, max_hops=2),
    NetworkConfig(
        link_types=("associate", "co_offending", "incident"),
        link_weights={"associate": 2.0},
        link_window_days=900,
        victim_window_days=400,
        violence_window_days=700,
        max_hops=4,
        use_weight_column=False,
        exposure_half_life_days=200,
        max_incident_size=5,
        community_objective="modularity",
        community_resolution=1.0,
        community_iterations=2,
    ),
]


def check_against_reference(seed: int, n_people: int, n_links: int, config_index: int, as_of):
    frames = random_frames(
        seed, n_people, n_events=3 * n_people, n_links=max(1, n_links), crowd_share=0.2
    )
    ds = make_dataset(*frames)
    net = NETWORK_CONFIGS[config_index]
    fast, manifest = build_network_features(ds, as_of, features=FeatureConfig(network=net))
    slow = reference_features(ds, pd.Timestamp(as_of), net)
    assert [s.name for s in manifest] == list(fast.columns)
    for j, column in enumerate(fast.columns):
        np.testing.assert_allclose(
            fast[column].to_numpy(np.float64),
            slow[j].to_numpy(),
            rtol=2e-5,
            atol=2e-5,
            err_msg=column,
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31),
    n_people=st.integers(2, 40),
    density=st.floats(0.2, 3.0),
    config_index=st.integers(0, len(NETWORK_CONFIGS) - 1),
    as_of=st.sampled_from(["2019-06-01", "2021-01-01", "2022-07-15", "2024-01-01"]),
)
def test_network_features_equal_networkx_reference(seed, n_people, density, config_index, as_of):
    check_against_reference(seed, n_people, int(density * n_people), config_index, as_of)


@pytest.mark.parametrize("seed", range(2))
def test_network_features_on_a_larger_graph(seed):
    """A few hundred people: deeper k-cores, longer BFS frontiers, real community structure."""
    check_against_reference(seed, 250, 750, seed, "2022-01-01")


def one_tie_by_lexsort(a, b, day, weight, until):
    """The previous implementation of ``one_tie_per_pair_per_date`` (a four-key lexsort, then
    ``index_links`` sorted the ties by date), kept as the reference for the single-key sort
    that replaced both."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((-weight, day, hi, lo))
    lo, hi, day, weight, until = (x[order] for x in (lo, hi, day, weight, until))
    first = np.ones(len(lo), dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1]) | (day[1:] != day[:-1])
    starts = np.flatnonzero(first)
    longest = np.maximum.reduceat(until, starts) if len(starts) else until[:0]
    by_date = np.argsort(day[first], kind="stable")
    return tuple(x[by_date] for x in (lo[first], hi[first], day[first], weight[first], longest))


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n_links=st.integers(0, 400),
    n_people=st.integers(2, 30),
    n_days=st.integers(1, 40),
    offset=st.sampled_from([0, 3_000_000_000]),  # ids too large for the one-key sort
)
def test_one_tie_per_pair_per_date_equals_the_lexsort_version(
    seed, n_links, n_people, n_days, offset
):
    from vrurisk.features._network import NEVER, one_tie_per_pair_per_date

    rng = np.random.default_rng(seed)
    a = rng.integers(0, n_people, n_links) + offset
    b = rng.integers(0, n_people, n_links) + offset
    day = rng.integers(-20_000, -20_000 + n_days, n_links)  # dates before 1970 too
    weight = rng.choice([0.5, 1.0, 2.0, 3.25], n_links)
    until = np.where(rng.random(n_links) < 0.5, NEVER, rng.integers(-20_000, 20_000, n_links))
    fast = one_tie_per_pair_per_date(a, b, day, weight, until)
    slow = one_tie_by_lexsort(a, b, day, weight, until)
    for mine, theirs in zip(fast, slow, strict=True):
        np.testing.assert_array_equal(mine, theirs)
