"""``vrurisk score``: load config, data and registered model; score; write; track; audit-log.

The CLI's ``vrurisk score`` is a thin wrapper over :func:`run_scoring`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from vrurisk.data import check_output_directory
from vrurisk.scoring._bundle import SCORE_BUNDLE, SCORES, write_score_bundle
from vrurisk.scoring._score import parse_as_of, score_cohort

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig


def default_model_uri(config: ExperimentConfig) -> str:
    """``models:/<tracking.registered_model>@<tracking.alias>`` of the config."""
    return f"models:/{config.tracking.registered_model}@{config.tracking.alias}"


def default_out(config: ExperimentConfig, as_of: pd.Timestamp) -> Path:
    return Path("scores") / f"{config.name}-{as_of.date()}"


def run_scoring(
    config: ExperimentConfig,
    *,
    dataset=None,
    model_uri: str | None = None,
    as_of=None,
    out: str | os.PathLike | None = None,
    reveal_ids: bool = False,
    explain_top: int | None = None,
    track: bool = True,
    audit_log_path: str | os.PathLike | None = None,
    progress=None,
    force: bool = False,
) -> dict:
    """Score the config's cohort with a registered model and write the bundle.

    Steps: load the data (unless given) and the model (``models:/NAME@ALIAS``, default from
    ``config.tracking``), score at ``as_of`` (default: the data's extraction date), explain and
    audit, write the bundle atomically to ``out``, log it to MLflow (tagged with the model
    version, data fingerprint and as-of date) and record an audit-log entry. ``out`` is
    checked before the model is loaded: an existing directory that is not a previous bundle is
    refused unless ``force``, the data directory (and anything holding it) always.

    Returns
    -------
    dict
        A JSON-able summary: ``out``, ``files``, ``as_of``, ``outcome_as_of``, ``model_uri``,
        ``model_version``, ``n_scored``, ``panel_k``, ``n_explained``, ``n_flagged``,
        ``run_id``, ``timings``.
    """
    from vrurisk.engine import feature_engine

    say = progress or (lambda message: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    keys, key_label = _pseudonymiser(config)  # no key, no scoring: fail before any work
    with feature_engine(config, progress=say) as build:  # an unreachable scheduler: no work
        return _run_scoring(
            config,
            dataset=dataset,
            model_uri=model_uri,
            as_of=as_of,
            out=out,
            reveal_ids=reveal_ids,
            explain_top=explain_top,
            track=track,
            audit_log_path=audit_log_path,
            say=say,
            force=force,
            keys=keys,
            key_label=key_label,
            build=build,
            started=started,
            timings=timings,
        )


def _run_scoring(
    config,
    *,
    dataset,
    model_uri,
    as_of,
    out,
    reveal_ids,
    explain_top,
    track,
    audit_log_path,
    say,
    force,
    keys,
    key_label,
    build,
    started,
    timings,
) -> dict:
    from vrurisk.reports import metric_rows
    from vrurisk.tracking import load_risk_model, load_training_metrics, model_version

    if dataset is None:
        say(f"loading data from {config.data.source}")
        dataset = config.load_data()
    as_of = parse_as_of(as_of, dataset)
    timings["load_data"] = time.perf_counter() - started
    target = Path(out) if out is not None else default_out(config, as_of)
    protected = (config.data.path,) if config.data.path is not None else ()
    check_output_directory(target, SCORE_BUNDLE, force=force, protected=protected)
    uri = model_uri or default_model_uri(config)
    say(f"loading model {uri}")
    t = time.perf_counter()
    model = load_risk_model(uri, tracking_uri=config.tracking.uri)
    version = (
        model_version(uri, tracking_uri=config.tracking.uri) if uri.startswith("models:/") else ""
    )
    metrics = load_training_metrics(uri, tracking_uri=config.tracking.uri)
    timings["load_model"] = time.perf_counter() - t

    say(f"scoring the cohort at {as_of.date()}")
    scored = score_cohort(
        dataset,
        model,
        config,
        as_of=as_of,
        keys=keys,
        explain_top=explain_top,
        reveal_ids=reveal_ids,
        model_info={"uri": uri, "version": version},
        build=build,
    )
    timings.update({f"score_{k}": v for k, v in scored.timings.items()})
    changes = changes_since_previous(config, dataset, scored, target, keys)
    if changes is not None:
        say(f"since the list at {changes['previous_as_of']}: {changes['summary']}")
    for warning in scored.warnings:
        say(f"warning: {warning}")
    say(f"writing the bundle to {target}")
    t = time.perf_counter()
    write_score_bundle(
        scored,
        target,
        config=config,
        metrics=metric_rows(metrics),
        extra_manifest={
            "model_uri": uri,
            "model_version": version,
            "pseudonym_key": key_label,
            "engine": config.execution.engine,
            "tracking": _tracking_place(config) if track else None,
        },
        before_commit=lambda manifest: _audit_log(
            config, dataset, target, manifest, audit_log_path
        ),
        force=force,
        protected=protected,
        changes=changes,
    )
    timings["write_bundle"] = time.perf_counter() - t
    summary = {
        "out": str(target),
        "files": sorted(path.name for path in target.iterdir()),
        "as_of": str(as_of.date()),
        "outcome_as_of": None if scored.outcome_as_of is None else str(scored.outcome_as_of.date()),
        "model_uri": uri,
        "model_version": version,
        "n_scored": len(scored.scores),
        "panel_k": scored.k,
        "n_explained": scored.n_explained,
        "n_flagged": int(len(scored.audit.flags)),
        "identifiers": "raw" if reveal_ids else "pseudonymised",
        "pseudonym_key": key_label,
        "run_id": None,
        "timings": timings,
        "previous_list": None
        if changes is None
        else {"path": changes["previous_path"], "as_of": changes["previous_as_of"]},
        "changes": None if changes is None else changes["summary"],
        "warnings": list(scored.warnings),
    }
    if track:
        say(f"logging the bundle to MLflow at {config.tracking.shown_uri}")
        t = time.perf_counter()
        summary["run_id"] = _log_run(config, scored, target, uri, reveal_ids)
        timings["mlflow"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - started
    summary["timings"] = {k: round(v, 2) for k, v in timings.items()}
    return summary


def changes_since_previous(config, dataset, scored, target: Path, keys) -> dict | None:
    """Changes since the previous list of this config beside ``target`` (None if there is none).

    See :mod:`vrurisk.scoring._history` for where the previous list is looked for.
    """
    from vrurisk.scoring._decisions import read_decisions
    from vrurisk.scoring._history import find_previous_bundle, list_changes, load_previous_list

    found = find_previous_bundle(target, config_name=config.name, as_of=scored.as_of)
    if found is None:
        return None
    previous = load_previous_list(found)
    people = dataset.people
    age = (scored.as_of - pd.to_datetime(people["birth_date"])).dt.days / 365.25
    older = people.loc[(age > config.cohort.max_age).to_numpy(), "person_id"].astype(str)
    aged_out = set(keys(older.to_numpy())) if len(older) else set()
    changes = list_changes(
        previous["scores"],
        previous["k"],
        scored.scores,
        scored.k,
        aged_out=aged_out,
        previous_as_of=previous["as_of"],
        previous_decisions=read_decisions(found),
    )
    changes["previous_path"] = previous["path"]
    return changes


def _tracking_place(config: ExperimentConfig) -> dict:
    """Where the bundle's MLflow run is (so decisions and retention can find it): no password."""
    from vrurisk.tracking import shareable_uri

    return {"uri": shareable_uri(config.tracking.uri), "experiment": config.experiment_name}


def _pseudonymiser(config: ExperimentConfig):
    """(ids -> keys with the config's pseudonymisation key, the key's label) (vrurisk.privacy)."""
    from vrurisk.privacy import load_key, pseudonymise

    key = load_key(config.privacy)
    return (lambda ids: pseudonymise(ids, key)), key.label


def _log_run(config: ExperimentConfig, scored, target: Path, uri: str, reveal_ids: bool) -> str:
    """Log the bundle to MLflow; never with raw identifiers (those stay in the local bundle)."""
    from vrurisk.tracking import log_scoring_run

    common = dict(
        model_uri=uri,
        data_fingerprint=scored.data_info["fingerprint"],
        as_of=scored.as_of,
        metrics={
            "n_scored": len(scored.scores),
            "n_explained": scored.n_explained,
            "n_flagged_disparities": len(scored.audit.flags),
            **{f"seconds_{k}": v for k, v in scored.timings.items()},
        },
        params={"panel_k": scored.k, "explain_top": scored.n_explained},
    )
    if not reveal_ids:
        return log_scoring_run(config, bundle_dir=target, **common)
    with tempfile.TemporaryDirectory(prefix="vrurisk-bundle-") as tmp:
        staged = Path(tmp) / target.name
        shutil.copytree(target, staged)
        keyed = scored.scores.drop(columns=["person_id"])
        keyed.to_parquet(staged / f"{SCORES}.parquet", index=False)
        keyed.to_csv(staged / f"{SCORES}.csv", index=False)
        return log_scoring_run(config, bundle_dir=staged, **common)


def _audit_log(config: ExperimentConfig, dataset, target: Path, manifest: dict, path=None) -> None:
    """One audit-log entry per bundle, appended before the bundle is moved into place."""
    from vrurisk import audit_log

    audit_log.record(
        "score",
        config=config,
        dataset=dataset,
        path=path,
        details={
            "out": str(target),
            "as_of": manifest["as_of"],
            "outcome_as_of": manifest["outcome_as_of"],
            "model_uri": manifest.get("model_uri"),
            "model_version": manifest.get("model_version"),
            "n_scored": manifest["n_scored"],
            "n_explained": manifest["n_explained"],
            "identifiers": manifest["identifiers"],
            "pseudonym_key": manifest.get("pseudonym_key"),
            "n_flagged_disparities": manifest["n_flagged_disparities"],
        },
    )
