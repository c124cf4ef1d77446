"""Dask cluster set-up, LightGBM through its Dask interface, scoring and explanations per
partition."""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from vrurisk._errors import ConfigError
from vrurisk.engine._dask_features import build_feature_matrix_dask
from vrurisk.engine._partition import PartitionedDataset
from vrurisk.features import features_for

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


def _score_chunk(model, X: pd.DataFrame) -> np.ndarray:
    raw = model.raw_score(X)
    return np.column_stack([raw, model.calibrator_.transform(raw)])


def _explain_chunk(model, X: pd.DataFrame, rows: np.ndarray, seed: int) -> pd.DataFrame:
    from vrurisk.evaluation import explain

    if not len(rows):
        return pd.DataFrame(columns=model.feature_names_, dtype=float)
    return explain(model, X, rows=rows, sample_size=0, seed=seed).contributions


@dataclass(frozen=True)
class DaskScored:
    """Scores of a cohort (``person_id``, ``probability``, ``rank``; best first) and SHAP
    contributions of the top rows, computed per partition."""

    scores: pd.DataFrame
    contributions: pd.DataFrame
    features: object  # the FeatureMatrix


def score_cohort_dask(
    dataset,
    model,
    config: ExperimentConfig,
    parts: PartitionedDataset,
    *,
    client,
    as_of,
    explain_top: int = 500,
    progress=None,
) -> DaskScored:
    """Score the cohort at ``as_of`` on a Dask cluster, and explain its top ``explain_top``.

    Features come from :func:`build_feature_matrix_dask`; the feature rows are cut into
    ``execution.n_partitions`` chunks scored (raw and calibrated) by the model on the workers;
    the ranking (probability, then raw score, then row, as :meth:`RiskModel.rank_order`) is
    made on the driver; each chunk's top rows are explained (TreeSHAP) on the worker holding
    it. Equal to ``model.predict_proba`` / :func:`vrurisk.evaluation.explain` on one machine.
    The bias audit and the report bundle are not distributed (run them on the scores).
    """
    from vrurisk.scoring import parse_as_of

    as_of = parse_as_of(as_of, dataset)
    fm = features_for(
        config,
        dataset,
        [as_of],
        build=build_feature_matrix_dask,
        parts=parts,
        client=client,
        progress=progress,
    )
    model.check_features(list(fm.X.columns))
    X = fm.X[model.feature_names_]
    bounds = np.linspace(0, len(X), config.execution.n_partitions + 1).astype(int)
    chunks = [X.iloc[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
    remote_model = client.scatter(model, broadcast=True)
    remote = client.scatter(chunks)
    scored = np.vstack(
        client.gather(client.map(_score_chunk, [remote_model] * len(remote), remote))
    )
    raw, proba = scored[:, 0], scored[:, 1]
    order = np.lexsort((np.arange(len(raw)), -raw, -proba))
    rank = np.empty(len(raw), dtype=np.int64)
    rank[order] = np.arange(1, len(raw) + 1)

    top = np.sort(order[: min(explain_top, len(X))])
    owner = np.searchsorted(bounds, top, side="right") - 1
    local = [top[owner == c] - bounds[c] for c in range(len(chunks))]
    futures = client.map(
        _explain_chunk, [remote_model] * len(remote), remote, local, [config.seed] * len(remote)
    )
    contributions = pd.concat([f for f in client.gather(futures) if len(f)])
    contributions = contributions.loc[order[: len(top)]]
    scores = pd.DataFrame(
        {
            "person_id": fm.rows["person_id"].to_numpy(),
            "probability": proba,
            "rank": rank,
        }
    ).iloc[order]
    return DaskScored(scores.reset_index(drop=True), contributions, fm)
