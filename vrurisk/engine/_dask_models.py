"""Dask cluster set-up and LightGBM through its Dask interface (scoring and explanations per
partition are in :mod:`vrurisk.scoring._dask`)."""

from __future__ import annotations

import contextlib
import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from vrurisk._errors import ConfigError

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig

NO_DASK = (
    "execution.engine is 'dask' but dask.distributed is not installed; "
    "install vrurisk[scale] or use execution.engine: local"
)
UNREACHABLE = (
    "execution.scheduler: no Dask scheduler answered at {address} within {s:g} s; "
    "start it, correct the address or leave execution.scheduler out for a LocalCluster"
)
NO_LIGHTGBM = "models.lightgbm: the Dask engine trains LightGBM, but the config's grid has none"


@contextlib.contextmanager
def dask_client(execution):
    """A ``distributed.Client`` for ``config.execution``: the given scheduler, else a
    LocalCluster of ``n_workers`` workers (processes unless ``execution.processes`` is false;
    closed on exit). A scheduler that does not answer within ``execution.connect_timeout_s``
    seconds is a :class:`ConfigError`."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ConfigError(NO_DASK) from exc
    if execution.scheduler:
        try:
            client = Client(execution.scheduler, timeout=f"{execution.connect_timeout_s}s")
        except (OSError, TimeoutError) as exc:
            raise ConfigError(
                UNREACHABLE.format(address=execution.scheduler, s=execution.connect_timeout_s)
            ) from exc
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=execution.n_workers,
            threads_per_worker=execution.threads_per_worker,
            processes=execution.processes,
            memory_limit=execution.memory_limit,
            dashboard_address=":0",  # a free port: 8787 may be held by another process
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _lightgbm_params(config: ExperimentConfig) -> dict:
    spec = next((s for s in config.model_specs if s.kind == "lightgbm"), None)
    if spec is None:
        raise ConfigError(NO_LIGHTGBM)
    return dict(spec.params)


def fit_lightgbm_dask(
    X: pd.DataFrame, y: np.ndarray, config: ExperimentConfig, *, client, n_partitions=None
):
    """Fit the config's (first) LightGBM grid point with ``lightgbm.DaskLGBMClassifier``.

    The rows are split into ``n_partitions`` (default: one per worker) and LightGBM's own
    distributed training (data-parallel, one LightGBM process per worker) fits them.

    Returns
    -------
    lightgbm.LGBMClassifier
        The fitted model, brought back to the driver (``to_local()``).
    """
    import dask.dataframe as dd
    from lightgbm import DaskLGBMClassifier

    workers = len(client.scheduler_info()["workers"])
    n_partitions = n_partitions or workers
    X = X.reset_index(drop=True)
    dX = dd.from_pandas(X, npartitions=n_partitions)
    dy = dd.from_pandas(pd.Series(np.asarray(y), name="label"), npartitions=n_partitions)
    model = DaskLGBMClassifier(
        client=client,
        **_lightgbm_params(config),
        random_state=config.seed,
        verbosity=-1,
    )
    with warnings.catch_warnings():
        # LightGBM sizes each worker's threads from Dask and says so for its default n_jobs
        warnings.filterwarnings("ignore", "Parameter n_jobs will be ignored", UserWarning)
        model.fit(dX, dy)
    return model.to_local()
