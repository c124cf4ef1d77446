"""The lists to monitor: score bundles read back, and each list's outcomes once its window closes.

A list is read from its bundle: ``manifest.json`` (date, panel size, model), ``scores.parquet``
(key, probability, rank), ``monitoring.json`` (the cohort's feature distribution against the
training data, and the model's cross-validation figures), ``fairness.json`` (selection rates by
group with intervals, from the audit made with the list) and the panel's decisions when they
were recorded (:func:`vrurisk.scoring.read_decisions`).

Outcomes are measured from the data exactly as training labels are
(:func:`vrurisk.features.build_labels`): an outcome event in (T, T + horizon], known only once
``T + horizon + recording lag`` is on or before the extraction date; people who left the area
inside the window without an outcome are censored (neither outcome nor none).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk._errors import ConfigError
from vrurisk.scoring import MONITORING_JSON

NOT_A_BUNDLE = "{path} is not a score bundle (no readable manifest.json and scores.parquet)"
OTHER_CONFIG = (
    "{path} is a list of config {found!r}, not {expected!r}: monitor one config's lists at a time"
)
NO_LISTS = (
    "no score bundles of config {name!r} in {directory}: score a list first (bundles of one "
    "config sit side by side), or name the bundles"
)
SAME_DATE = "two bundles are lists at {as_of}: {a} and {b}; monitor one list per date"


@dataclass
class MonitoredList:
    """One list as its bundle recorded it (see the module docstring for the files)."""

    #: The bundle directory.
    path: Path
    as_of: pd.Timestamp
    #: The panel's list size: ranks 1 to k were listed.
    k: int
    #: ``key``, ``probability`` and ``rank`` over the whole cohort scored.
    scores: pd.DataFrame
    manifest: dict
    #: ``monitoring.json`` (None for bundles written before it existed).
    monitoring: dict | None = None
    #: ``fairness.json``.
    fairness: dict | None = None
    #: The panel's recorded decisions (None when none were recorded).
    decisions: pd.DataFrame | None = None

    @property
    def label(self) -> str:
        return str(self.as_of.date())


def read_list(path: str | os.PathLike, *, config_name: str | None = None) -> MonitoredList:
    """A bundle read back as a :class:`MonitoredList` (one-line ConfigError if it is not one)."""
    path = Path(path)
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        as_of = pd.Timestamp(manifest["as_of"])
        k = int(manifest["panel_k"])
        scores = pd.read_parquet(path / "scores.parquet", columns=["key", "probability", "rank"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(NOT_A_BUNDLE.format(path=path)) from exc
    found = (manifest.get("config") or {}).get("name")
    if config_name is not None and found != config_name:
        raise ConfigError(OTHER_CONFIG.format(path=path, found=found, expected=config_name))
    return MonitoredList(
        path=path,
        as_of=as_of,
        k=k,
        scores=scores,
        manifest=manifest,
        monitoring=_json_or_none(path / MONITORING_JSON),
        fairness=_json_or_none(path / "fairness.json"),
        decisions=_decisions(path),
    )


def read_lists(
    bundles: Sequence[str | os.PathLike] = (),
    *,
    directory: str | os.PathLike | None = None,
    config_name: str,
) -> list[MonitoredList]:
    """The named bundles, or every bundle of ``config_name`` in ``directory``, oldest first."""
    from vrurisk.scoring import config_bundles

    paths = [Path(b) for b in bundles]
    if not paths:
        paths = [p for _, p in config_bundles(directory, config_name=config_name)]
        if not paths:
            raise ConfigError(NO_LISTS.format(name=config_name, directory=directory))
    lists = sorted(
        (read_list(p, config_name=config_name) for p in paths), key=lambda x: (x.as_of, x.path)
    )
    for before, after in zip(lists, lists[1:], strict=False):
        if before.as_of == after.as_of:
            raise ConfigError(SAME_DATE.format(as_of=after.label, a=before.path, b=after.path))
    return lists


def _json_or_none(path: Path) -> dict | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _decisions(path: Path) -> pd.DataFrame | None:
    """The panel's decisions recorded with the bundle (None if none, or no decisions module)."""
    try:
        from vrurisk.scoring import read_decisions
    except ImportError:  # a vrurisk without recorded panel decisions
        return None
    return read_decisions(path)


def closes_on(as_of: pd.Timestamp, *, horizon_days: int, recording_lag_days: int) -> pd.Timestamp:
    """The first extraction date at which a list's outcomes are all known."""
    return as_of + pd.Timedelta(days=horizon_days + recording_lag_days)


def outcomes_by_key(
    dataset,
    as_of: pd.Timestamp,
    keys: Callable,
    *,
    outcome,
    recording_lag_days: int = 0,
    people_keys: np.ndarray | None = None,
) -> pd.Series | None:
    """Each person's outcome after ``as_of`` (1.0, 0.0, NaN if censored), indexed by key.

    None while the window (plus the recording lag) has not closed by the extraction date.
    ``people_keys`` (the keys of ``dataset.people`` in order) saves pseudonymising per list.
    """
    from vrurisk.features import build_labels, censored
    from vrurisk.features.blocks import to_day

    extraction = pd.Timestamp(dataset.extraction_date).normalize()
    end = closes_on(as_of, horizon_days=outcome.horizon_days, recording_lag_days=recording_lag_days)
    if end > extraction:
        return None
    idx = np.arange(dataset.n_people)
    labels = build_labels(dataset, as_of, idx, outcome).to_numpy(dtype=float, copy=True)
    labels[censored(dataset, to_day(as_of), idx, outcome)] = np.nan
    if people_keys is None:
        people_keys = np.asarray(keys(dataset.people["person_id"].astype(str).to_numpy()))
    return pd.Series(labels, index=pd.Index(people_keys, name="key"), name="outcome")
