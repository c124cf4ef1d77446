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
from vrurisk.features._network import communities, graph_at, index_links, person_priority

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
