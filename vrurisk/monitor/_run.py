"""``vrurisk monitor``: read a config's lists, measure their outcomes, write the report.

Writes ``monitor.json`` (the summary) and ``monitor.html`` (for the governance board)
atomically through the output guard, and records an audit-log entry before the directory is
moved into place.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from vrurisk.data import OutputKind
from vrurisk.reports import MONITOR_HTML, MONITOR_JSON

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig

MONITOR_REPORT = OutputKind("a monitor report", MONITOR_JSON, frozenset({MONITOR_HTML}))


def default_lists_directory() -> Path:
    """Where ``vrurisk score`` puts bundles by default (``scores/NAME-DATE``)."""
    return Path("scores")


def default_out(config: ExperimentConfig) -> Path:
    return Path("monitoring") / config.name


def run_monitor(
    config: ExperimentConfig,
    *,
    bundles: Sequence[str | os.PathLike] = (),
    directory: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    dataset=None,
    keys=None,
    audit_log_path: str | os.PathLike | None = None,
    progress=None,
    force: bool = False,
    track: bool = True,
) -> dict:
    """Monitor the config's lists (``bundles``, else every bundle of it in ``directory``).

    Parameters
    ----------
    config : ExperimentConfig
        Its name picks the bundles; its data gives the outcomes, its outcome and temporal
        sections when a window closes, its fairness section the groups.
    bundles : sequence of paths, optional
        Score bundles to monitor (default: all of ``config.name``'s in ``directory``).
    directory : path, optional
        Where the bundles sit side by side (default ``scores``).
    out : path, optional
        Report directory (default ``monitoring/<name>``), replaced atomically.
    dataset : Dataset, optional
        The data (default: loaded from ``config.data``).
    keys : callable, optional
        Person ids -> keys (default: the config's pseudonymisation key, as scoring used).
    track : bool
        Also log the report (aggregates only) as an MLflow run of the config's experiment,
        tagged ``vrurisk.kind=monitor`` (its id is the summary's ``run_id``).

    Returns
    -------
    dict
        The summary (as ``monitor.json``) with ``out`` and ``seconds`` added.
    """
    from vrurisk import audit_log
    from vrurisk.data import (
        check_output_directory,
        write_directory_atomically,
    )
    from vrurisk.monitor._lists import outcomes_by_key, read_lists
    from vrurisk.monitor._summary import monitor_lists
    from vrurisk.reports import write_monitor

    say = progress or (lambda message: None)
    started = time.perf_counter()
    target = Path(out) if out is not None else default_out(config)
    protected = (config.data.path,) if config.data.path is not None else ()
    check_output_directory(target, MONITOR_REPORT, force=force, protected=protected)
    lists = read_lists(
        bundles,
        directory=directory if directory is not None else default_lists_directory(),
        config_name=config.name,
    )
    say(f"{len(lists)} list(s) of {config.name}: {lists[0].label} to {lists[-1].label}")
    if keys is None:
        from vrurisk.privacy import load_key, pseudonymise

        key = load_key(config.privacy)
        keys = lambda ids: pseudonymise(ids, key)  # noqa: E731
    if dataset is None:
        say(f"loading data from {config.data.source}")
        dataset = config.load_data()
    people_keys = np.asarray(keys(dataset.people["person_id"].astype(str).to_numpy()), dtype=object)
    attributes = [a for a in config.fairness.sensitive_attributes if a in dataset.people.columns]
    people = dataset.people[attributes].astype("string").set_axis(pd.Index(people_keys, name="key"))
    outcomes = {
        item.label: outcomes_by_key(
            dataset,
            item.as_of,
            keys,
            outcome=config.outcome,
            recording_lag_days=config.temporal.recording_lag_days,
            people_keys=people_keys,
        )
        for item in lists
    }
    summary = monitor_lists(
        lists,
        outcomes=outcomes,
        people=people,
        fairness=config.fairness,
        extraction_date=dataset.extraction_date,
        horizon_days=config.outcome.horizon_days,
        recording_lag_days=config.temporal.recording_lag_days,
    )
    summary["config"] = config.name

    logged = {
        "out": str(target),
        "lists": [e["as_of"] for e in summary["lists"]],
        "n_closed": summary["n_closed"],
        "findings": [f["text"] for f in summary["findings"] if f["level"] == "act"],
    }

    def write(directory: Path) -> None:
        write_monitor(summary, directory)  # then the audit log, before the report is in place
        audit_log.record(
            "monitor", details=logged, config=config, dataset=dataset, path=audit_log_path
        )

    write_directory_atomically(
        target, write, output=MONITOR_REPORT, force=force, protected=protected
    )
    summary["out"] = str(target)
    summary["run_id"] = None
    if track:
        from vrurisk.tracking import log_monitor_run

        levels = [f["level"] for f in summary["findings"]]
        summary["run_id"] = log_monitor_run(
            config,
            report_dir=target,
            data_fingerprint=dataset.fingerprint(),
            metrics={
                "n_lists": summary["n_lists"],
                "n_closed": summary["n_closed"],
                **{f"findings_{level}": levels.count(level) for level in ("act", "watch", "ok")},
            },
            params={"lists": ",".join(logged["lists"])[:500]},
        )
        say(f"logged to MLflow run {summary['run_id']}")
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary
