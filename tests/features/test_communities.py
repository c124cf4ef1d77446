"""Leiden communities: deterministic given the seed, independent of row order, point in time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from random_datasets import make_dataset, random_frames

from vrurisk.features import NetworkConfig
from vrurisk.features._cohort import to_day
from vrurisk.features._graph import leiden_communities
from vrurisk.features._network import (
    Graph,
    communities,
    graph_at,
    index_links,
    person_priority,
)

AS_OF = "2022-01-01"


def partition(ds, net: NetworkConfig = NetworkConfig(), as_of: str = AS_OF) -> set:
    """Communities of people linked before ``as_of``, as sets of person ids (labels dropped)."""
    graph = graph_at(index_links(ds, net), to_day(as_of), net)
    labels = communities(graph, net, person_priority(ds))
    ids = ds.people["person_id"].to_numpy()
    linked = graph.degree > 0
    return {frozenset(ids[linked & (labels == label)]) for label in np.unique(labels[linked])}


@pytest.mark.parametrize("seed", range(3))
def test_permuting_people_and_links_gives_the_same_partition(seed):
    people, events, links = random_frames(seed, 150, n_events=450, n_links=500, crowd_share=0.1)
    before = partition(make_dataset(people, events, links))
    assert len(before) > 3  # a real partition, not one blob or all singletons
    rng = np.random.default_rng(seed)
    flipped = links.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    swap = rng.random(len(flipped)) < 0.5
    flipped.loc[swap, ["person_a", "person_b"]] = flipped.loc[
        swap, ["person_b", "person_a"]
    ].to_numpy()
    after = partition(
        make_dataset(
            people.sample(frac=1.0, random_state=seed + 1).reset_index(drop=True),
            events.sample(frac=1.0, random_state=seed + 2).reset_index(drop=True),
            flipped,
        )
    )
    assert after == before


def test_same_seed_same_partition_and_seed_is_used():
    ds = make_dataset(*random_frames(7, 200, n_events=600, n_links=700, crowd_share=0.1))
    assert partition(ds) == partition(ds)
    seeds = {frozenset(partition(ds, NetworkConfig(community_seed=s))) for s in range(6)}
    assert len(seeds) > 1  # the seed reaches igraph's random numbers


def test_links_on_or_after_the_as_of_date_change_nothing():
    people, events, links = random_frames(3, 120, n_events=360, n_links=400, crowd_share=0.1)
    before = partition(make_dataset(people, events, links))
    later = links.copy()
    later["link_date"] = pd.Timestamp(AS_OF) + pd.to_timedelta(np.arange(len(later)) % 90, "D")
    assert partition(make_dataset(people, events, pd.concat([links, later]))) == before


def test_five_loosely_joined_cliques_are_five_communities():
    """A gang-like network: 5 tight sets of 11, joined by single links, is 5 communities (the
    label propagation this replaced could merge such sets into one)."""
    rows, cols = [], []
    for g in range(5):
        members = range(11 * g, 11 * g + 11)
        rows += [a for a in members for b in members if a < b]
        cols += [b for a in members for b in members if a < b]
        rows.append(11 * g)
        cols.append((11 * g + 12) % 55)
    w = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(55, 55))
    labels = leiden_communities((w + w.T).tocsr())
    assert sorted(np.bincount(labels)[np.unique(labels)]) == [11] * 5


def ring_of_cliques(n_cliques: int, size: int, weight: float = 1.0) -> Graph:
    """``n_cliques`` cliques of ``size`` people, each joined to the next by one link."""
    rows, cols = [], []
    for c in range(n_cliques):
        members = range(size * c, size * c + size)
        rows += [a for a in members for b in members if a < b]
        cols += [b for a in members for b in members if a < b]
        rows.append(size * c)
        cols.append((size * c + size + 1) % (size * n_cliques))
    n = size * n_cliques
    w = sp.coo_matrix((np.full(len(rows), weight), (rows, cols)), shape=(n, n))
    weights = (w + w.T).tocsr()
    pattern = weights.copy()
    pattern.data = np.ones_like(pattern.data)
    return Graph(weights, pattern)


@pytest.mark.parametrize("n_cliques", [10, 300])
def test_small_groups_stay_apart_however_large_the_network(n_cliques):
    """Community sizes must not grow with the population. Modularity does (its resolution
    limit: in a ring of 300 cliques of 6 it merges neighbouring cliques, and at 1M synthetic
    people its communities had a median of 2,342 members); the default (CPM) finds each clique
    in a ring of 10 and of 300 alike."""
    labels = communities(ring_of_cliques(n_cliques, 6), NetworkConfig(), None)
    assert sorted(set(np.bincount(labels)) - {0}) == [6]
    assert len(np.unique(labels)) == n_cliques


def test_scaling_every_tie_weight_changes_no_community():
    """The resolution is relative to the median tie: a weight column in other units (or a
    different decay half-life shifting every weight alike) gives the same communities. (Powers
    of two scale exactly in floating point; other factors can flip a near-tie.)"""
    ds = make_dataset(*random_frames(11, 200, n_events=600, n_links=700, crowd_share=0.1))
    net = NetworkConfig()
    graph = graph_at(index_links(ds, net), to_day(AS_OF), net)
    priority = person_priority(ds)
    for factor in (64.0, 2.0**-10):
        scaled = Graph(graph.weights * factor, graph.adjacency)
        assert (communities(graph, net, priority) == communities(scaled, net, priority)).all()


def test_modularity_is_still_available():
    """``community_objective: modularity`` is the previous behaviour: it merges neighbouring
    cliques of a long ring (the resolution limit the default avoids)."""
    net = NetworkConfig(community_objective="modularity", community_resolution=1.0)
    labels = communities(ring_of_cliques(300, 6), net, None)
    assert len(np.unique(labels)) < 300


def test_the_same_graph_is_partitioned_once(monkeypatch):
    """Scoring asks for the communities twice (features, then the groups table): the second
    time comes from the last result, keyed by the graph's content, and equals the first."""
    import vrurisk.features._network as network_module

    ds = make_dataset(*random_frames(5, 150, n_events=450, n_links=500, crowd_share=0.1))
    net = NetworkConfig(community_seed=12345)  # not partitioned by another test
    graph = graph_at(index_links(ds, net), to_day(AS_OF), net)
    calls = []
    real = network_module.start_leiden
    monkeypatch.setattr(
        network_module,
        "start_leiden",
        lambda *a, **k: calls.append(1) or real(*a, **k),
    )
    priority = person_priority(ds)
    first = communities(graph, net, priority)
    first[:] = -1  # the caller's copy: changing it changes nothing cached
    again = communities(graph_at(index_links(ds, net), to_day(AS_OF), net), net, priority)
    assert len(calls) == 1
    assert (again == communities(graph, net.model_copy(), priority)).all() and (again >= 0).all()
    other = communities(graph, net.model_copy(update={"community_resolution": 0.2}), priority)
    assert len(calls) == 2 and len(other) == len(again)


@pytest.mark.parametrize(
    "settings",
    [{}, {"seed": 3}, {"objective": "modularity", "resolution": 1.0, "iterations": 2}],
)
def test_a_child_process_finds_the_same_partition(settings):
    """Large graphs are partitioned in a child process (so the other network features use the
    second core meanwhile): same input, same igraph call, same labels as in this process."""
    from vrurisk.features._graph import start_leiden

    ds = make_dataset(*random_frames(13, 300, n_events=900, n_links=1200, crowd_share=0.1))
    net = NetworkConfig()
    graph = graph_at(index_links(ds, net), to_day(AS_OF), net)
    priority = person_priority(ds)
    here = leiden_communities(graph.weights, priority, **settings)
    wait = start_leiden(graph.weights, priority, child_min_links=0, **settings)
    assert (wait() == here).all()
    assert len(np.unique(here[graph.degree > 0])) > 3


def test_network_features_are_the_same_with_communities_in_a_child(monkeypatch):
    """Every network feature, with the Leiden call in a child process overlapping the rest."""
    import vrurisk.features._graph as graph_module
    import vrurisk.features._network as network_module
    from vrurisk.features import FeatureConfig, build_network_features

    ds = make_dataset(*random_frames(17, 250, n_events=750, n_links=900, crowd_share=0.1))
    features = FeatureConfig(network=NetworkConfig(community_seed=4242))
    here, _ = build_network_features(ds, AS_OF, features=features)
    monkeypatch.setattr(graph_module, "CHILD_MIN_LINKS", 0)
    monkeypatch.setattr(network_module, "_LAST_PARTITION", [None])  # no reuse of the above
    there, _ = build_network_features(ds, AS_OF, features=features)
    pd.testing.assert_frame_equal(here, there)


def test_a_failing_child_process_is_an_error_not_a_silent_fallback(monkeypatch, tmp_path):
    import vrurisk.features._graph as graph_module

    broken = tmp_path / "child.py"
    broken.write_text("import sys\nsys.exit('igraph is not installed')\n")
    monkeypatch.setattr(graph_module, "CHILD_SCRIPT", broken)
    w = sp.coo_matrix(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    wait = graph_module.start_leiden((w + w.T).tocsr(), child_min_links=0)
    with pytest.raises(RuntimeError, match="igraph is not installed"):
        wait()
