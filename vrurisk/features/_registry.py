"""The feature-block protocol and registry that both engines iterate.

A *feature block* is a set of feature columns computed together at an as-of date T from records
dated strictly before T (the individual, network, stage-1 and place blocks are built in).
:func:`vrurisk.features.build_feature_matrix` and the Dask engine
(:func:`vrurisk.engine.build_feature_matrix_dask`) both loop over :data:`FEATURE_BLOCKS` in
registration order, which is also the column order of the matrix. Adding a block is one module
defining a :class:`FeatureBlock` plus one :func:`register_block` call; both engines then
compute it (``tests/features/test_blocks.py`` registers a test-only block and checks both).

Where a block runs on the Dask engine follows from what it declares:

* ``per_person=True``: a person's columns need only that person's own rows of ``people`` and
  ``events`` (no links, no other people), so the workers build it partition by partition;
* otherwise it runs on the driver, which holds the whole dataset. What such a block needs
  from every person's own records (e.g. the network block's violence flags) it declares as
  ``person_values``: the workers compute those per partition and the driver gathers them.

Examples
--------
>>> from vrurisk.features.blocks import FEATURE_BLOCKS
>>> list(FEATURE_BLOCKS)
['individual', 'network', 'stage1', 'place']
>>> FEATURE_BLOCKS["individual"].per_person, FEATURE_BLOCKS["network"].per_person
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from vrurisk.data import Dataset
    from vrurisk.features._config import CohortConfig, FeatureConfig, OutcomeConfig
    from vrurisk.features._manifest import FeatureSpec

ALREADY_REGISTERED = "a feature block named {name!r} is already registered"


class FeatureContext:
    """What every as-of date of one matrix shares, each piece built on first use.

    Parameters
    ----------
    dataset : Dataset
        The whole dataset, or (on a Dask worker) one partition of it.
    days : list of int
        The as-of dates as day numbers.
    cohort, outcome, features : config sections
    seed : int
    keys : list, optional
        The (event type, role) columns; default those of ``dataset`` (the Dask engine passes
        the whole population's to every partition).
    static : list, optional
        The static attribute levels; default those of ``dataset``.
    """

    def __init__(
        self,
        dataset: Dataset,
        days: list[int],
        cohort: CohortConfig,
        outcome: OutcomeConfig,
        features: FeatureConfig,
        seed: int,
        *,
        keys: list | None = None,
        static: list | None = None,
    ) -> None:
        self.dataset = dataset
        self.days = days
        self.cohort = cohort
        self.outcome = outcome
        self.features = features
        self.seed = seed
        self._keys = keys
        if static is not None:
            self.static = static

    def with_dataset(self, dataset: Dataset | None) -> FeatureContext:
        """The same settings, event columns and static levels over another dataset (a Dask
        worker's partition; None for the copy sent to the workers)."""
        return FeatureContext(
            dataset,
            self.days,
            self.cohort,
            self.outcome,
            self.features,
            self.seed,
            keys=self.keys,
            static=self.static,
        )

    @cached_property
    def events(self):
        """The events sorted and encoded once for every as-of date (an ``EventIndex``)."""
        from vrurisk.features._individual import index_events

        return index_events(self.dataset, self.features, max(self.days), keys=self._keys)

    @cached_property
    def keys(self) -> tuple:
        """The (event type, role) columns of the individual block."""
        if self._keys is not None:
            return tuple(self._keys)
        return self.events.keys

    @cached_property
    def static(self) -> list:
        """The levels of the static attributes the config allows."""
        from vrurisk.features._individual import static_levels

        return static_levels(self.dataset, self.features)

    @cached_property
    def event_day(self) -> np.ndarray:
        from vrurisk.features._cohort import day_array

        return day_array(self.dataset.events["event_date"])

    @cached_property
    def event_person(self) -> np.ndarray:
        return self.dataset.events["person_idx"].to_numpy()

    @cached_property
    def outcome_events(self) -> np.ndarray:
        """A boolean per event: it is an outcome event."""
        from vrurisk.features._cohort import outcome_mask

        return outcome_mask(self.dataset, self.outcome)

    @cached_property
    def folds(self) -> np.ndarray:
        """The stage-1 fold of every person."""
        from vrurisk.features._stage1 import person_folds

        return person_folds(
            self.dataset.people["person_id"], self.features.stage1.n_folds, self.seed
        )

    @cached_property
    def priority(self) -> np.ndarray:
        """The canonical node order for community detection."""
        from vrurisk.features._network import person_priority

        return person_priority(self.dataset)

    @cached_property
    def links(self):
        """The links indexed once for every as-of date (a ``LinkIndex``)."""
        from vrurisk.features._network import index_links

        return index_links(self.dataset, self.features.network)


class AsOf:
    """One as-of date of one matrix: what a block's ``build`` reads.

    Attributes
    ----------
    shared : FeatureContext
    day : int
        The as-of date as a day number; records dated on or after it are never read.
    rows : numpy.ndarray
        The cohort at ``day`` (positions into ``shared.dataset.people``).
    """

    def __init__(self, shared: FeatureContext, day: int, rows: np.ndarray) -> None:
        self.shared = shared
        self.day = day
        self.rows = rows
        self._person_values: dict[str, np.ndarray] = {}

    @property
    def dataset(self) -> Dataset:
        return self.shared.dataset

    @property
    def features(self) -> FeatureConfig:
        return self.shared.features

    @cached_property
    def graph(self):
        """The network at ``day`` (shared by the blocks that need it)."""
        from vrurisk.features._network import graph_at

        return graph_at(self.shared.links, self.day, self.features.network)

    def person_values(self, block: FeatureBlock) -> np.ndarray:
        """``block.person_values`` for every person: computed here on first use, or set by an
        engine that computed them elsewhere (the Dask workers) with :meth:`set_person_values`."""
        if block.name not in self._person_values:
            self._person_values[block.name] = block.person_values(self)
        return self._person_values[block.name]

    def set_person_values(self, block: FeatureBlock, values: np.ndarray) -> None:
        self._person_values[block.name] = values


def always(features: FeatureConfig) -> bool:
    """The default of :attr:`FeatureBlock.enabled`: the block is always in the matrix."""
    return True


@dataclass(frozen=True)
class FeatureBlock:
    """One block of feature columns: what both engines need to build it.

    Parameters
    ----------
    name : str
        The block's id: its manifest ``group`` and its key in the matrix's ``timings``.
    columns : callable
        ``columns(shared: FeatureContext) -> list[FeatureSpec]``, one per column, in order
        (every spec's ``group`` is ``name``).
    build : callable
        ``build(at: AsOf) -> array`` of shape ``(len(at.rows), len(columns))``, from records
        dated strictly before ``at.day``.
    enabled : callable
        ``enabled(features: FeatureConfig) -> bool``: is the block in the matrix?
    family : str or callable
        The panel family (a key of :data:`vrurisk.features.FAMILIES`) of the block's columns,
        or ``family(column_name) -> str``.
    per_person : bool
        True when a person's columns need only their own rows of ``people`` and ``events``:
        the Dask engine then builds the block on the workers.
    person_values : callable, optional
        ``person_values(at) -> array`` with one row per person of ``at.dataset`` (everyone,
        not only the cohort), from each person's own records: what a whole-population block
        needs per person. Read in ``build`` with ``at.person_values(block)``; the Dask engine
        computes it on the workers.
    """

    name: str
    columns: Callable[[FeatureContext], list[FeatureSpec]]
    build: Callable[[AsOf], np.ndarray]
    enabled: Callable[[FeatureConfig], bool] = always
    family: str | Callable[[str], str] = "other_records"
    per_person: bool = False
    person_values: Callable[[AsOf], np.ndarray] | None = None

    def family_of(self, column: str) -> str:
        """The family of one of this block's columns."""
        return self.family if isinstance(self.family, str) else self.family(column)


#: Every registered feature block by name, in column order.
FEATURE_BLOCKS: dict[str, FeatureBlock] = {}


def register_block(block: FeatureBlock) -> FeatureBlock:
    """Add ``block`` to :data:`FEATURE_BLOCKS`, after those already registered."""
    if block.name in FEATURE_BLOCKS:
        raise ValueError(ALREADY_REGISTERED.format(name=block.name))
    FEATURE_BLOCKS[block.name] = block
    return block


def unregister_block(name: str) -> None:
    """Remove a registered block (tests register and remove their own)."""
    del FEATURE_BLOCKS[name]


def active_blocks(features: FeatureConfig) -> list[FeatureBlock]:
    """The registered blocks ``features`` switches on, in column order."""
    return [block for block in FEATURE_BLOCKS.values() if block.enabled(features)]


def matrix_manifest(shared: FeatureContext, blocks: list[FeatureBlock]) -> list[FeatureSpec]:
    """The manifest of every column of ``blocks``, in column order."""
    return [spec for block in blocks for spec in block.columns(shared)]
