"""``vrurisk retention``: delete lists and decisions older than the retention period.

A score bundle holds personal data (one row per person, even if pseudonymised) and aggregate
figures (about groups or features, never a person's row). Once a list is older than the
retention period (``governance.retention_months``, counted from the list's as-of date), its
personal files, its recorded decisions and their MLflow copies are deleted, and the aggregate
figures stay for monitoring over time:

Kept (aggregate, no person's row)
    ``manifest.json`` (what produced the list: counts, model, hashes; the deletion is added to
    it), ``fairness.json`` and ``bias_audit.html`` (group rates with intervals),
    ``model_card.html`` (the model and its cross-validation figures),
    ``global_importance.parquet`` (mean contribution per feature) and, where ``vrurisk score``
    wrote it for ``vrurisk monitor``, ``monitoring.json`` (the cohort's feature distributions
    against the training data).
Deleted (a row per person)
    Everything else the bundle's manifest lists (``scores.parquet``/``.csv``,
    ``explanations.parquet``, ``groups.parquet`` (members as keys), ``panel.html``,
    ``audit_table.csv`` (score, outcome and sensitive attributes per person),
    ``decisions_template.csv``, and any file a later vrurisk version adds: personal unless
    listed as kept) and the ``decisions/`` directory (each version's decision counts are kept in
    the manifest). In the list's MLflow run the same files are deleted from the artefacts
    (``bundle/...`` and ``decisions/``); the run's parameters, metrics and tags stay.

Only directories recognised as vrurisk score bundles are touched (the manifest lists every
file, :class:`vrurisk.data.OutputKind`, and ``decisions/`` holds only recorded versions);
anything else is listed as skipped. Without ``apply`` nothing is deleted. Each bundle's deletion
is one audit-log entry.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pandas as pd

from vrurisk._errors import ConfigError, VruriskError
from vrurisk.scoring import (
    DECISIONS_DIR,
    MANIFEST,
    SCORE_BUNDLE,
    VERSION_FILE,
    decision_versions,
)

#: Aggregate files kept when a list's personal data is deleted (see the module docstring).
KEPT = ("manifest.json", "fairness.json", "bias_audit.html", "model_card.html")
KEPT += ("global_importance.parquet", "monitoring.json")
NO_MONTHS = (
    "governance.retention_months is not set in {config}: set it (how many months lists are "
    "kept) or give --months"
)
NOT_FOUND = "{path} does not exist"


class RetentionError(VruriskError):
    """Retention cannot run (no period, an MLflow store that cannot be reached)."""


def _is_bundle(directory: Path) -> bool:
    """A score bundle (only the files its manifest lists) with at most a decisions directory
    holding only recorded versions."""
    if not (directory / MANIFEST).is_file():
        return False
    decisions = directory / DECISIONS_DIR
    if decisions.exists():
        if not decisions.is_dir() or decisions.is_symlink():
            return False
        for path in decisions.iterdir():
            stem = VERSION_FILE.fullmatch(path.with_suffix(".csv").name)
            if stem is None or path.suffix not in (".csv", ".json") or not path.is_file():
                return False
    return SCORE_BUNDLE.recognises(directory, also=(DECISIONS_DIR,))


def retention_target(
    target: str | os.PathLike, *, months: int | None = None, bundles="scores"
) -> tuple[Path, int, str | None]:
    """(directory of bundles, months, config name or None) for a config file or a directory.

    A config gives ``governance.retention_months`` (``months`` overrides it) and its name (only
    its bundles, in ``bundles``); a directory needs ``months``.
    """
    target = Path(target)
    if target.is_dir():
        if months is None:
            raise ConfigError(f"{target} is a directory: give the retention period (--months)")
        return target, int(months), None
    from vrurisk.config import load_config

    config = load_config(target)
    period = months if months is not None else config.governance.retention_months
    if period is None:
        raise ConfigError(NO_MONTHS.format(config=target))
    return Path(bundles), int(period), config.name


def retention_plan(
    directory: str | os.PathLike,
    *,
    months: int,
    today: dt.date | None = None,
    config_name: str | None = None,
) -> dict:
    """What retention would delete under ``directory`` (a bundle or a directory of bundles).

    Parameters
    ----------
    directory : path
        A score bundle, or a directory whose sub-directories are score bundles.
    months : int
        The retention period: lists whose as-of date is more than this many months before
        ``today`` expire.
    today : date, optional
        Default: today's date.
    config_name : str, optional
        Only bundles of this config (``config.name`` in the manifest).

    Returns
    -------
    dict
        ``cutoff`` (lists dated before it expire), ``expired`` (list of dict: ``path``,
        ``as_of``, ``delete`` (names), ``keep`` (names), ``decision_versions``), ``current``
        (bundles within the period), ``pruned`` (expired bundles already without personal
        data) and ``skipped`` (directories that are not vrurisk score bundles, untouched).
    """
    root = Path(directory)
    if not root.exists():
        raise ConfigError(NOT_FOUND.format(path=root))
    today = pd.Timestamp(today or dt.date.today())
    cutoff = today - pd.DateOffset(months=int(months))
    candidates = [root] if (root / MANIFEST).is_file() else sorted(p for p in root.iterdir())
    plan = {
        "directory": str(root),
        "months": int(months),
        "today": str(today.date()),
        "cutoff": str(cutoff.date()),
        "expired": [],
        "pruned": [],
        "current": [],
        "skipped": [],
    }
    for path in candidates:
        if not path.is_dir() or path.name.startswith("."):
            continue
        if not _is_bundle(path):
            plan["skipped"].append(str(path))
            continue
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        if config_name is not None and (manifest.get("config") or {}).get("name") != config_name:
            continue
        as_of = pd.Timestamp(manifest["as_of"])
        if as_of >= cutoff:
            plan["current"].append({"path": str(path), "as_of": manifest["as_of"]})
            continue
        names = sorted(p.name for p in path.iterdir())
        delete = [n for n in names if n not in KEPT]
        entry = {
            "path": str(path),
            "as_of": manifest["as_of"],
            "delete": delete,
            "keep": [n for n in names if n in KEPT],
            "decision_versions": len(decision_versions(path)),
            "tracking": manifest.get("tracking"),
        }
        plan["expired" if delete else "pruned"].append(entry)
    return plan


def apply_retention(plan: dict, *, audit_log_path=None, track: bool = True) -> list[dict]:
    """Delete what ``plan`` (:func:`retention_plan`) lists as expired; one audit-log entry each.

    For each bundle: its MLflow copies first (when the bundle names its run's store and
    ``track``), then the local files, then the manifest is rewritten to list only the kept
    files and to say what was deleted, when, and the decision counts of each version.

    Returns
    -------
    list of dict
        Per bundle: ``path``, ``deleted``, ``kept``, ``mlflow_run_id``, ``mlflow_deleted``.
    """
    from vrurisk import audit_log

    done = []
    for entry in plan["expired"]:
        path = Path(entry["path"])
        if not _is_bundle(path):  # changed since the plan was made: leave it alone
            continue
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        run_id, mlflow_deleted = None, []
        tracking = manifest.get("tracking")
        if tracking and track:
            run_id, mlflow_deleted = _delete_mlflow_copies(path, tracking, entry["delete"])
        versions = [
            {"version": v["version"], "recorded_at": v["recorded_at"], **_counts(v)}
            for v in decision_versions(path)
        ]
        for name in entry["delete"]:
            target = path / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
        kept = sorted(p.name for p in path.iterdir())
        manifest["files"] = {k: v for k, v in manifest["files"].items() if k in kept}
        manifest["retention"] = {
            "deleted_on": plan["today"],
            "retention_months": plan["months"],
            "deleted": entry["delete"],
            "decision_versions": versions,
            "mlflow_run_id": run_id,
            "mlflow_deleted": mlflow_deleted,
        }
        tmp = path / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path / MANIFEST)
        audit_log.record(
            "retention",
            path=audit_log_path,
            details={
                "out": str(path),
                "as_of": entry["as_of"],
                "retention_months": plan["months"],
                "deleted": entry["delete"],
                "kept": kept,
                "mlflow_run_id": run_id,
                "mlflow_deleted": mlflow_deleted,
            },
        )
        done.append(
            {
                "path": str(path),
                "deleted": entry["delete"],
                "kept": kept,
                "mlflow_run_id": run_id,
                "mlflow_deleted": mlflow_deleted,
            }
        )
    return done


def _counts(version: dict) -> dict:
    record = version.get("record") or {}
    return {"counts": record.get("counts", {}), "n_undecided": record.get("n_undecided")}


MLFLOW_FAILED = (
    "{bundle}: cannot delete its MLflow copies at {uri} ({reason}); nothing of it was deleted. "
    "Delete locally only with --no-tracking"
)


def _delete_mlflow_copies(bundle: Path, tracking: dict, names: list[str]):
    from vrurisk.tracking import delete_bundle_artifacts, find_bundle_run

    try:
        run_id = find_bundle_run(tracking["uri"], tracking["experiment"], bundle)
        if run_id is None:
            return None, []
        paths = [DECISIONS_DIR if n == DECISIONS_DIR else f"bundle/{n}" for n in names]
        return run_id, delete_bundle_artifacts(tracking["uri"], run_id, paths)
    except Exception as exc:
        reason = " ".join(str(exc).split())[:200]
        raise RetentionError(
            MLFLOW_FAILED.format(bundle=bundle, uri=tracking["uri"], reason=reason)
        ) from exc
