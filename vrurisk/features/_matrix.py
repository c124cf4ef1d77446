"""The feature matrix: cohort rows stacked over as-of dates, with labels and a manifest.

Work is shared across as-of dates: events and links are sorted and encoded once, and each date
only slices them. At each date T everything is built from records dated strictly before T and
labels from (T, T + horizon] (see :mod:`vrurisk.features._stage1` for the stage-1 scheme).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from vrurisk._errors import ConfigError
from vrurisk.data import Dataset
from vrurisk.features._builtin_blocks import day_timestamp
from vrurisk.features._cohort import NO_AS_OF, build_labels, censored, select_cohort, to_day
from vrurisk.features._config import CohortConfig, FeatureConfig, OutcomeConfig
from vrurisk.features._manifest import FeatureSpec
from vrurisk.features._place import without_missing_blocks
from vrurisk.features._registry import AsOf, FeatureContext, active_blocks, matrix_manifest


@dataclass(frozen=True)
class FeatureMatrix:
    """Features, labels and row keys of a cohort stacked over as-of dates.

    Attributes
    ----------
    X : pandas.DataFrame
        One row per person per as-of date, float32 columns, RangeIndex.
    y : pandas.Series
        Outcome labels aligned with ``X``: int64 0/1 when every label window has closed, else
        float64 with NaN where the window (T, T + horizon] runs past the extraction date.
    rows : pandas.DataFrame
        ``person_idx``, ``person_id`` and ``as_of`` of each row of ``X``.
    manifest : list of FeatureSpec
        One entry per column of ``X``, in column order.
    timings : dict
        Seconds spent per stage (for benchmarks).
    """

    X: pd.DataFrame
    y: pd.Series
    rows: pd.DataFrame
    manifest: list[FeatureSpec]
    timings: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def feature_names(self) -> list[str]:
        return list(self.X.columns)


def as_of_days(as_of_dates) -> list[int]:
    """The as-of dates as sorted unique day numbers (days since 1970-01-01)."""
    if isinstance(as_of_dates, (str, pd.Timestamp)) or not isinstance(as_of_dates, Iterable):
        as_of_dates = [as_of_dates]
    days = sorted({to_day(d) for d in as_of_dates})
    if not days:
        raise ConfigError(NO_AS_OF)
    return days


def cohort_at(dataset, day: int, cohort: CohortConfig, outcome: OutcomeConfig) -> np.ndarray:
    """The cohort at ``day`` whose outcome is knowable (the censored are left out)."""
    rows = select_cohort(dataset, day_timestamp(day), cohort)
    return rows[~censored(dataset, day, rows, outcome)]


def stack_matrix(dataset, blocks, labels, keys, manifest, timings) -> FeatureMatrix:
    """Stack per-date feature blocks and labels; ``keys`` holds each block's (rows, day)."""
    X = pd.DataFrame(np.vstack(blocks), columns=[s.name for s in manifest])
    y = pd.Series(np.concatenate(labels), name="label")
    if not y.isna().any():
        y = y.astype(np.int64)
    person_idx = np.concatenate([r for r, _ in keys]).astype(np.int64)
    as_of = np.concatenate([np.full(len(r), day_timestamp(d).to_datetime64()) for r, d in keys])
    rows_frame = pd.DataFrame(
        {
            "person_idx": person_idx,
            "person_id": dataset.people["person_id"].to_numpy()[person_idx],
            "as_of": pd.to_datetime(as_of),
        }
    )
    return FeatureMatrix(X, y, rows_frame, manifest, timings)


def build_feature_matrix(
    dataset: Dataset,
    as_of_dates,
    *,
    cohort: CohortConfig | None = None,
    outcome: OutcomeConfig | None = None,
    features: FeatureConfig | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> FeatureMatrix:
    """Build the cohort's features and labels at each as-of date and stack them.

    Parameters
    ----------
    dataset : Dataset
    as_of_dates : date-like or iterable of date-like
    cohort, outcome, features : config sections, optional (defaults when omitted)
    seed : int
        Fixes the stage-1 person folds, subsampling and models.
    progress : callable, optional
        Called with a short message as each as-of date starts (minutes at 1M people).

    Returns
    -------
    FeatureMatrix

    Examples
    --------
    >>> from vrurisk.data import Dataset
    >>> fm = build_feature_matrix(Dataset.example(), ["2020-06-01"])
    >>> fm.rows["person_id"].tolist(), fm.y.tolist(), fm.X["net_degree"].tolist()
    (['a'], [0], [1.0])
    """
    import time

    cohort = cohort or CohortConfig()
    outcome = outcome or OutcomeConfig()
    features = without_missing_blocks(dataset, features or FeatureConfig())
    days = as_of_days(as_of_dates)
    timings: dict[str, float] = {}

    def tick(stage: str, start: float) -> float:
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - start
        return now

    t = time.perf_counter()
    shared = FeatureContext(dataset, days, cohort, outcome, features, seed)
    blocks = active_blocks(features)
    shared.events  # noqa: B018 (index the events once, timed as preparation)
    if features.network.enabled:
        shared.links  # noqa: B018
    t = tick("prepare", t)
    manifest = matrix_manifest(shared, blocks)

    values, labels, keys = [], [], []
    for i, day in enumerate(days, 1):
        if progress is not None:
            progress(f"features at {day_timestamp(day).date()} ({i}/{len(days)})")
        rows = cohort_at(dataset, day, cohort, outcome)
        t = tick("cohort", t)
        at = AsOf(shared, day, rows)
        parts = []
        for block in blocks:
            parts.append(block.build(at))
            t = tick(block.name, t)
        values.append(np.hstack([p.astype(np.float32, copy=False) for p in parts]))
        labels.append(build_labels(dataset, day_timestamp(day), rows, outcome).to_numpy())
        keys.append((rows, day))
        t = tick("labels", t)

    fm = stack_matrix(dataset, values, labels, keys, manifest, timings)
    tick("stack", t)
    return fm


class FeatureSettings(Protocol):
    """What the feature builders read from a config (an ``ExperimentConfig`` is one)."""

    cohort: CohortConfig
    outcome: OutcomeConfig
    features: FeatureConfig
    seed: int


def features_for(
    config: FeatureSettings,
    dataset: Dataset,
    as_of_dates,
    *,
    build: Callable[..., FeatureMatrix] | None = None,
    progress: Callable[[str], None] | None = None,
    **engine,
) -> FeatureMatrix:
    """The feature matrix a config asks for: its cohort, outcome, features and seed.

    Parameters
    ----------
    config : ExperimentConfig or any object with ``cohort``, ``outcome``, ``features``, ``seed``
    dataset : Dataset
    as_of_dates : date-like or iterable of date-like
    build : callable, optional
        The builder (default :func:`build_feature_matrix`; the Dask engine passes
        :func:`vrurisk.engine.build_feature_matrix_dask` with ``parts=`` and ``client=``).
    progress : callable, optional
        Called with a short message at each long step.
    **engine
        Further keyword arguments of ``build``.

    Returns
    -------
    FeatureMatrix

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from vrurisk.data import simulate_population
    >>> ds = simulate_population(n_people=300, seed=0).dataset
    >>> config = SimpleNamespace(cohort=CohortConfig(), outcome=OutcomeConfig(),
    ...                          features=FeatureConfig(), seed=0)
    >>> features_for(config, ds, ["2020-06-01"]).X.shape[0] > 0
    True
    """
    return (build or build_feature_matrix)(
        dataset,
        as_of_dates,
        cohort=config.cohort,
        outcome=config.outcome,
        features=config.features,
        seed=config.seed,
        progress=progress,
        **engine,
    )
