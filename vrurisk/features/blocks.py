"""The feature-block protocol and the pieces engines assemble a feature matrix from.

:func:`vrurisk.features.build_feature_matrix` builds the matrix on one machine; the Dask
engine (:mod:`vrurisk.engine`) builds the same matrix partition by partition. Both iterate the
registered :class:`FeatureBlock` objects (:data:`FEATURE_BLOCKS`, in column order) over the
same :class:`FeatureContext` and :class:`AsOf` (see :mod:`vrurisk.features._registry`).
Adding a block is one module defining a :class:`FeatureBlock` and one :func:`register_block`
call; both engines then build it.
"""

from vrurisk.features._builtin_blocks import (
    FLAGS,
    INDIVIDUAL,
    NETWORK,
    PLACE,
    STAGE1,
    day_timestamp,
    flags_of,
)
from vrurisk.features._cohort import build_labels, censored, day_array, select_cohort, to_day
from vrurisk.features._graph import leiden_communities
from vrurisk.features._individual import (
    event_keys,
    index_events,
    individual_block,
    static_levels,
    window_words,
)
from vrurisk.features._matrix import FeatureMatrix, as_of_days, cohort_at, stack_matrix
from vrurisk.features._network import (
    N_NEIGHBOURHOOD,
    communities,
    graph_at,
    incident_links,
    index_links,
    network_block,
    person_priority,
    violence_flags,
)
from vrurisk.features._place import place_block, without_missing_blocks
from vrurisk.features._registry import (
    FEATURE_BLOCKS,
    AsOf,
    FeatureBlock,
    FeatureContext,
    active_blocks,
    matrix_manifest,
    register_block,
    unregister_block,
)

__all__ = [
    "FEATURE_BLOCKS",
    "FLAGS",
    "INDIVIDUAL",
    "N_NEIGHBOURHOOD",
    "NETWORK",
    "PLACE",
    "STAGE1",
    "AsOf",
    "FeatureBlock",
    "FeatureContext",
    "FeatureMatrix",
    "active_blocks",
    "as_of_days",
    "build_labels",
    "censored",
    "cohort_at",
    "communities",
    "day_array",
    "day_timestamp",
    "event_keys",
    "flags_of",
    "graph_at",
    "incident_links",
    "index_events",
    "index_links",
    "individual_block",
    "leiden_communities",
    "matrix_manifest",
    "network_block",
    "person_priority",
    "place_block",
    "register_block",
    "select_cohort",
    "stack_matrix",
    "static_levels",
    "to_day",
    "unregister_block",
    "violence_flags",
    "window_words",
    "without_missing_blocks",
]
