"""The built-in feature blocks, registered in column order: individual, network, stage 1, place.

Each is a thin :class:`~vrurisk.features.blocks.FeatureBlock` over the builders of its own
module (``_individual``, ``_network``, ``_stage1``, ``_place``); see
:mod:`vrurisk.features._registry` for the protocol.
"""

from __future__ import annotations

import numpy as np

from vrurisk.features._cohort import censored, select_cohort
from vrurisk.features._families import individual_family, network_family
from vrurisk.features._graph import neighbours_of, sorted_unique
from vrurisk.features._individual import individual_block, individual_manifest
from vrurisk.features._network import network_block, network_manifest, violence_flags
from vrurisk.features._place import place_block, place_manifest
from vrurisk.features._registry import AsOf, FeatureBlock, FeatureContext, register_block
from vrurisk.features._stage1 import fold_scores, neighbour_risk, stage1_manifest

#: The per-person violence flags the network block reads, in ``person_values`` column order.
FLAGS = ("suspect", "victim", "any", "hop_victim", "decayed")


def day_timestamp(day: int):
    """A day number back as a timestamp."""
    import pandas as pd

    return pd.Timestamp(np.datetime64(int(day), "D"))


def _individual_columns(shared: FeatureContext) -> list:
    from types import SimpleNamespace

    return individual_manifest(SimpleNamespace(keys=shared.keys), shared.features, shared.static)


def _individual(at: AsOf) -> np.ndarray:
    shared = at.shared
    return individual_block(at.dataset, shared.events, at.features, at.day, at.rows, shared.static)


INDIVIDUAL = FeatureBlock(
    "individual",
    columns=_individual_columns,
    build=_individual,
    family=individual_family,
    per_person=True,
)


def _violence_flags(at: AsOf) -> np.ndarray:
    flags = violence_flags(at.dataset, at.features.network, at.day)
    return np.column_stack([flags[name] for name in FLAGS])


def flags_of(values: np.ndarray) -> dict[str, np.ndarray]:
    """The network block's ``person_values`` back as ``network_block``'s flags."""
    return {name: values[:, i] for i, name in enumerate(FLAGS)}


def _network(at: AsOf) -> np.ndarray:
    flags = flags_of(at.person_values(NETWORK))
    return network_block(at.graph, flags, at.features.network, at.shared.priority)[at.rows]


NETWORK = FeatureBlock(
    "network",
    columns=lambda shared: network_manifest(shared.features.network),
    build=_network,
    enabled=lambda features: features.network.enabled,
    family=network_family,
    person_values=_violence_flags,
)


def _stage1(at: AsOf) -> np.ndarray:
    """Stage-1 neighbour risk for the cohort (see _stage1's module docstring)."""
    shared, dataset, features = at.shared, at.dataset, at.features
    outcome, config, day = shared.outcome, features.stage1, at.day
    train_day = day - outcome.horizon_days - 1
    train_rows = select_cohort(dataset, day_timestamp(train_day), shared.cohort)
    train_rows = train_rows[~censored(dataset, train_day, train_rows, outcome)]
    train_X = individual_block(
        dataset, shared.events, features, train_day, train_rows, shared.static
    )
    ev_day = shared.event_day
    window = (ev_day > train_day) & (ev_day <= train_day + outcome.horizon_days)
    label = np.zeros(dataset.n_people)
    label[shared.event_person[shared.outcome_events & window]] = 1.0
    # model k only needs to score the neighbours of fold-k people
    folds, graph = shared.folds, at.graph
    rows = np.asarray(at.rows, dtype=np.int64)
    owner, nb = neighbours_of(graph.adjacency, rows)
    apply_idx = sorted_unique(nb)
    nb_fold = folds[rows][owner]
    apply_rows = [
        np.searchsorted(apply_idx, sorted_unique(nb[nb_fold == k])) for k in range(config.n_folds)
    ]
    apply_X = individual_block(dataset, shared.events, features, day, apply_idx, shared.static)
    part = fold_scores(
        train_X, label[train_rows], folds[train_rows], apply_X, config, shared.seed, apply_rows
    )
    scores = np.zeros((config.n_folds, dataset.n_people))
    scores[:, apply_idx] = part
    return neighbour_risk(graph.weights, graph.adjacency, scores, folds, rows)


STAGE1 = FeatureBlock(
    "stage1",
    columns=lambda shared: stage1_manifest(),
    build=_stage1,
    enabled=lambda features: features.network.enabled and features.stage1.enabled,
    family="associates",
)

PLACE = FeatureBlock(
    "place",
    columns=lambda shared: place_manifest(shared.features.place),
    build=lambda at: place_block(at.dataset, at.features.place, at.day)[at.rows],
    enabled=lambda features: features.place.enabled,
    family="place",
)


def block_features(block: FeatureBlock, dataset, as_of, person_idx=None, features=None):
    """One block's columns at one as-of date, as a frame with its manifest (see the public
    ``build_individual_features``, ``build_network_features`` and ``build_place_features``)."""
    import pandas as pd

    from vrurisk.features._cohort import to_day
    from vrurisk.features._config import FeatureConfig

    day = to_day(as_of)
    shared = FeatureContext(dataset, [day], None, None, features or FeatureConfig(), 0)
    rows = np.arange(dataset.n_people) if person_idx is None else person_idx
    values = block.build(AsOf(shared, day, np.asarray(rows, dtype=np.int64)))
    manifest = block.columns(shared)
    return pd.DataFrame(values.astype(np.float32), columns=[s.name for s in manifest]), manifest


for _block in (INDIVIDUAL, NETWORK, STAGE1, PLACE):
    register_block(_block)
