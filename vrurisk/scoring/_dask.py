"""Scoring a cohort on a Dask cluster: equal to :func:`vrurisk.scoring.score_cohort`'s scores.

Features come from the Dask engine (:func:`vrurisk.engine.build_feature_matrix_dask`); the
rows are scored and their top explained (TreeSHAP) on the workers. A library API: ``vrurisk
score`` builds features on the engine and scores on the driver instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from vrurisk.engine import PartitionedDataset, build_feature_matrix_dask
from vrurisk.evaluation import explain
from vrurisk.features import features_for
from vrurisk.scoring._score import parse_as_of

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig


def _score_chunk(model, X: pd.DataFrame) -> np.ndarray:
    raw = model.raw_score(X)
    return np.column_stack([raw, model.calibrator_.transform(raw)])


def _explain_chunk(model, X: pd.DataFrame, rows: np.ndarray, seed: int) -> pd.DataFrame:
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
