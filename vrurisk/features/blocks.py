"""The pieces of the feature matrix, for engines (and group tables) that assemble it themselves.

:func:`vrurisk.features.build_feature_matrix` builds the matrix on one machine; the Dask
engine (:mod:`vrurisk.engine`) builds the same matrix from the same pieces, partition by
partition. Both import them from here: the per-date context, the individual, network, place and
stage-1 blocks, the manifest and the stacking of blocks into a :class:`FeatureMatrix`.
"""

from vrurisk.features._cohort import build_labels, censored, day_array, select_cohort, to_day
from vrurisk.features._graph import leiden_communities
from vrurisk.features._individual import (
    event_keys,
    index_events,
    individual_block,
    static_levels,
    window_words,
)
from vrurisk.features._matrix import (
    FeatureMatrix,
    as_of_days,
    day_timestamp,
    feature_context,
    matrix_manifest,
    stack_matrix,
    stage1_block,
)
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

__all__ = [
    "N_NEIGHBOURHOOD",
    "person_priority",
    "incident_links",
    "window_words",
    "leiden_communities",
    "communities",
    "to_day",
    "day_array",
    "FeatureMatrix",
    "as_of_days",
    "build_labels",
    "censored",
    "day_timestamp",
    "event_keys",
    "feature_context",
    "graph_at",
    "index_events",
    "index_links",
    "individual_block",
    "matrix_manifest",
    "network_block",
    "place_block",
    "without_missing_blocks",
    "select_cohort",
    "stack_matrix",
    "stage1_block",
    "static_levels",
    "violence_flags",
]
