"""The feature matrix: cohort rows stacked over as-of dates, with labels and a manifest.

Work is shared across as-of dates: events and links are sorted and encoded once, and each date
only slices them. At each date T everything is built from records dated strictly before T and
labels from (T, T + horizon] (see :mod:`vrurisk.features._stage1` for the stage-1 scheme).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Protocol

import numpy as np
import pandas as pd

from vrurisk._errors import ConfigError
from vrurisk.data import Dataset
from vrurisk.features._cohort import (
    NO_AS_OF,
    build_labels,
    censored,
    day_array,
    outcome_mask,
    select_cohort,
    to_day,
)
from vrurisk.features._config import CohortConfig, FeatureConfig, OutcomeConfig
from vrurisk.features._graph import neighbours_of, sorted_unique
from vrurisk.features._individual import (
    index_events,
    individual_block,
    individual_manifest,
    static_levels,
)
from vrurisk.features._manifest import FeatureSpec
from vrurisk.features._network import (
    graph_at,
    index_links,
    network_block,
    network_manifest,
    person_priority,
    violence_flags,
)
from vrurisk.features._place import place_block, place_manifest, without_missing_blocks
from vrurisk.features._stage1 import fold_scores, neighbour_risk, person_folds, stage1_manifest


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


def stage1_block(dataset, ctx, day, rows, graph, outcome, features, seed):
    """Stage-1 neighbour risk for ``rows`` at ``day`` (see _stage1's module docstring)."""
    config = features.stage1
    train_day = day - outcome.horizon_days - 1
    train_rows = select_cohort(dataset, day_timestamp(train_day), ctx["cohort"])
    train_rows = train_rows[~censored(dataset, train_day, train_rows, outcome)]
    train_X = individual_block(
        dataset, ctx["events"], features, train_day, train_rows, ctx["static"]
    )
    ev_day = ctx["event_day"]
    hit = ctx["outcome"] & (ev_day > train_day) & (ev_day <= train_day + outcome.horizon_days)
    label = np.zeros(dataset.n_people)
    label[ctx["event_person"][hit]] = 1.0
    # model k only needs to score the neighbours of fold-k people
    folds = ctx["folds"]
    rows = np.asarray(rows, dtype=np.int64)
    owner, nb = neighbours_of(graph.adjacency, rows)
    apply_idx = sorted_unique(nb)
    nb_fold = folds[rows][owner]
    apply_rows = [
        np.searchsorted(apply_idx, sorted_unique(nb[nb_fold == k])) for k in range(config.n_folds)
    ]
    apply_X = individual_block(dataset, ctx["events"], features, day, apply_idx, ctx["static"])
    part = fold_scores(
        train_X, label[train_rows], folds[train_rows], apply_X, config, seed, apply_rows
    )
    scores = np.zeros((config.n_folds, dataset.n_people))
    scores[:, apply_idx] = part
    return neighbour_risk(graph.weights, graph.adjacency, scores, folds, rows)


def day_timestamp(day: int) -> pd.Timestamp:
    """A day number back as a timestamp."""
    return pd.Timestamp(np.datetime64(int(day), "D"))


def feature_context(dataset, days, cohort, outcome, features, seed, keys=None) -> dict:
    """What every as-of date shares: the event index (``keys``: fixed event columns), static
    levels, outcome events, stage-1 folds and community tie priorities."""
    return {
        "cohort": cohort,
        "events": index_events(dataset, features, max(days), keys=keys),
        "static": static_levels(dataset, features),
        "event_day": day_array(dataset.events["event_date"]),
        "event_person": dataset.events["person_idx"].to_numpy(),
        "outcome": outcome_mask(dataset, outcome),
        "folds": person_folds(dataset.people["person_id"], features.stage1.n_folds, seed),
        "priority": person_priority(dataset),
    }


def matrix_manifest(keys, features: FeatureConfig, static: list) -> list[FeatureSpec]:
    """The manifest of every column, in column order, for event columns ``keys``."""
    manifest = individual_manifest(SimpleNamespace(keys=tuple(keys)), features, static)
    if features.network.enabled:
        manifest += network_manifest(features.network)
    if features.stage1.enabled:
        manifest += stage1_manifest()
    if features.place.enabled:
        manifest += place_manifest(features.place)
    return manifest


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
    >>> import pandas as pd
    >>> from vrurisk.data import Dataset
    >>> people = pd.DataFrame({"person_id": ["a", "b"], "birth_date": ["2005-01-01", "2006-01-01"]})
    >>> events = pd.DataFrame({"person_id": ["a", "b"], "event_date": ["2020-05-01"] * 2,
    ...                        "event_type": ["asb", "violence"]})
    >>> links = pd.DataFrame({"person_a": ["a"], "person_b": ["b"], "link_date": ["2020-05-01"]})
    >>> ds = Dataset.from_frames(people, events, links, extraction_date="2022-01-01")
    >>> fm = build_feature_matrix(ds, ["2020-06-01"])
    >>> fm.X.shape[0], fm.y.tolist(), fm.X["net_degree"].tolist()
    (2, [0, 0], [1.0, 1.0])
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
    ctx = feature_context(dataset, days, cohort, outcome, features, seed)
    network = features.network
    links = index_links(dataset, network) if network.enabled else None
    t = tick("prepare", t)
    manifest = matrix_manifest(ctx["events"].keys, features, ctx["static"])

    blocks, labels, keys = [], [], []
    for i, day in enumerate(days, 1):
        if progress is not None:
            progress(f"features at {day_timestamp(day).date()} ({i}/{len(days)})")
        rows = select_cohort(dataset, day_timestamp(day), cohort)
        rows = rows[~censored(dataset, day, rows, outcome)]
        t = tick("cohort", t)
        parts = [individual_block(dataset, ctx["events"], features, day, rows, ctx["static"])]
        t = tick("individual", t)
        if network.enabled:
            graph = graph_at(links, day, network)
            flags = violence_flags(dataset, network, day)
            parts.append(network_block(graph, flags, network, ctx["priority"])[rows])
            t = tick("network", t)
            if features.stage1.enabled:
                parts.append(stage1_block(dataset, ctx, day, rows, graph, outcome, features, seed))
                t = tick("stage1", t)
        if features.place.enabled:
            parts.append(place_block(dataset, features.place, day)[rows])
            t = tick("place", t)
        blocks.append(np.hstack([p.astype(np.float32, copy=False) for p in parts]))
        labels.append(build_labels(dataset, day_timestamp(day), rows, outcome).to_numpy())
        keys.append((rows, day))
        t = tick("labels", t)

    fm = stack_matrix(dataset, blocks, labels, keys, manifest, timings)
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
