"""The engine switch ``vrurisk train`` and ``vrurisk score`` go through (``execution.engine``).

With ``engine: local`` the feature matrix is built in this process. With ``engine: dask`` the
cluster is reached first (before any data is read: an unreachable scheduler is one line), the
dataset is partitioned by person into a temporary directory and the feature matrix is built on
the cluster (:func:`~vrurisk.engine.build_feature_matrix_dask`). What follows (model fitting
with out-of-fold calibration, registration, explanations, reasons, the bias audit, the bundle)
is the single-machine pipeline on the collected matrix, so a Dask-made model or bundle equals
a local one and differs only in the ``engine`` its metadata records.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def feature_engine(config, *, progress: Callable[[str], None] | None = None) -> Iterator:
    """A ``build_feature_matrix``-like function for ``config.execution`` (context manager).

    Parameters
    ----------
    config : ExperimentConfig
    progress : callable, optional
        Called with a short message at each long step.

    Yields
    ------
    callable
        ``build(dataset, dates, *, cohort, outcome, features, seed, progress)`` returning a
        :class:`~vrurisk.features.FeatureMatrix` equal to the single-machine one.

    Raises
    ------
    ConfigError
        On entry, when ``dask.distributed`` is missing or the scheduler does not answer within
        ``execution.connect_timeout_s`` seconds (an unknown engine is refused by the config).
    """
    execution = config.execution
    if execution.engine == "local":
        from vrurisk.features import build_feature_matrix

        yield build_feature_matrix
        return
    from vrurisk.engine._dask_features import build_feature_matrix_dask
    from vrurisk.engine._dask_models import dask_client
    from vrurisk.engine._partition import partition_dataset

    say = progress or (lambda message: None)
    where = execution.scheduler or f"a LocalCluster of {execution.n_workers} workers"
    say(f"connecting to the Dask engine: {where}")
    with (
        dask_client(execution) as client,
        tempfile.TemporaryDirectory(prefix="vrurisk-parts-") as tmp,
    ):
        written = {}

        def build(dataset, dates, **kwargs):
            key = id(dataset)
            if key not in written:
                say(f"partitioning {dataset.n_people:,} people into {execution.n_partitions}")
                written[key] = partition_dataset(
                    dataset,
                    f"{tmp}/{len(written)}",
                    execution.n_partitions,
                    kwargs["features"].network,
                )
            return build_feature_matrix_dask(dataset, dates, written[key], client=client, **kwargs)

        yield build
