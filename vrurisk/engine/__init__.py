"""Running the pipeline beyond one machine: the Dask engine (``execution: {engine: dask}``).

People are partitioned by a hash of their id; per-person features, labels and scores are
computed per partition on Dask workers, neighbourhood aggregates by distributed joins over the
link table, LightGBM through its Dask interface. Results equal the single-machine engine's.

Whole-graph features (hops to a victim, components, k-core, PageRank, communities), the stage-1
neighbour risk and area rates are still computed on the driver, which holds the whole dataset
(see :mod:`vrurisk.engine._dask_features`).

``vrurisk train`` and ``vrurisk score`` switch on ``execution.engine`` through
:func:`~vrurisk.engine.feature_engine`: with ``dask`` the feature matrix is built on
the cluster and collected; model fitting (out-of-fold calibration, held-out models),
registration, scoring, TreeSHAP explanations and the bias audit then run on the driver, exactly
as locally. :func:`fit_lightgbm_dask` and :func:`vrurisk.scoring.score_cohort_dask` are library APIs
the commands do not use.
"""

from vrurisk.engine._dask_features import build_feature_matrix_dask
from vrurisk.engine._dask_models import dask_client, fit_lightgbm_dask
from vrurisk.engine._partition import PartitionedDataset, partition_dataset, person_buckets
from vrurisk.engine._switch import feature_engine

__all__ = [
    "PartitionedDataset",
    "build_feature_matrix_dask",
    "dask_client",
    "feature_engine",
    "fit_lightgbm_dask",
    "partition_dataset",
    "person_buckets",
]
