"""``vrurisk decisions record``: store a validated decisions sheet with its bundle.

Where and how versions are stored is described in :mod:`vrurisk.scoring._decisions` (the bundle
format belongs to scoring, which also reads the previous list's decisions for the panel pack).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from vrurisk._errors import OutputError, VruriskError
from vrurisk._serialise import file_sha256, json_safe
from vrurisk.decisions._validate import load_bundle, validate_decisions
from vrurisk.scoring import DECISIONS_DIR, decision_versions

ALREADY_RECORDED = (
    "{bundle} already holds decisions (version {version}, recorded {at}); to record a new "
    "version, which is kept beside the earlier one, ask for it explicitly (--new-version)"
)
NO_RUN = (
    "{bundle}: the list's MLflow run was not found in {uri} (experiment {experiment!r}); "
    "nothing recorded. Record locally only with --no-tracking"
)
MLFLOW_FAILED = "{bundle}: cannot log the decisions to MLflow at {uri} ({reason}); nothing recorded"
RACE = "{path} appeared while recording (another recording at the same time?); nothing recorded"


class DecisionsError(VruriskError):
    """Decisions cannot be recorded (already recorded, no MLflow run)."""


def record_decisions(
    bundle_dir: str | os.PathLike,
    sheet: str | os.PathLike,
    *,
    new_version: bool = False,
    track: bool = True,
    audit_log_path: str | os.PathLike | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """Validate a filled-in decisions sheet and store it, immutably, with its bundle.

    Parameters
    ----------
    bundle_dir : path
        The score bundle whose ``decisions_template.csv`` the panel filled in.
    sheet : path
        The filled-in sheet (CSV with the template's columns and no others).
    new_version : bool
        Record even though a version exists: the new one becomes the current record and the
        earlier ones are kept. Without it a second recording is refused.
    track : bool
        Log the stored files to the list's MLflow run (when the bundle was tracked). A tracked
        bundle whose run cannot be found is refused (nothing recorded) unless ``track=False``.
    audit_log_path : path, optional
        The audit log (default :func:`vrurisk.audit_log.audit_log_path`).
    now : datetime, optional
        The recording time (UTC; default now); decision dates after its day are refused.

    Returns
    -------
    dict
        ``bundle``, ``version``, ``recorded_at``, ``path`` (the stored CSV), ``n_decided``,
        ``n_undecided``, ``counts`` (decision code -> people), ``mlflow_run_id`` (or None) and
        ``mlflow`` (what happened there, in words).

    Raises
    ------
    DataValidationError
        The sheet is wrong: one line naming the file, column and rows; nothing is stored.
    DecisionsError
        Decisions were already recorded (and ``new_version`` is false), or the MLflow run of a
        tracked bundle is missing.
    """
    from vrurisk import audit_log

    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    bundle = load_bundle(bundle_dir)
    rows, n_undecided = validate_decisions(bundle, sheet, today=now.date())
    versions = decision_versions(bundle["path"])
    if versions and not new_version:
        last = versions[-1]
        raise DecisionsError(
            ALREADY_RECORDED.format(
                bundle=bundle["path"], version=last["version"], at=last["recorded_at"]
            )
        )
    version = versions[-1]["version"] + 1 if versions else 1
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    directory = bundle["path"] / DECISIONS_DIR
    final_csv = directory / f"v{version:03d}-{stamp}.csv"
    final_json = final_csv.with_suffix(".json")
    counts = rows["decision"].value_counts().sort_index().to_dict()
    created_dir = not directory.exists()
    staged: list[Path] = []
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
        tmp_csv = directory / f".{final_csv.name}.{os.getpid()}.tmp"
        tmp_json = directory / f".{final_json.name}.{os.getpid()}.tmp"
        staged = [tmp_csv, tmp_json]
        rows.to_csv(tmp_csv, index=False)
        record = {
            "version": version,
            "recorded_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "list_as_of": str(bundle["as_of"].date()),
            "source_file": Path(sheet).name,
            "source_sha256": file_sha256(sheet),
            "sha256": file_sha256(tmp_csv),
            "n_decided": len(rows),
            "n_undecided": n_undecided,
            "counts": counts,
            "supersedes": versions[-1]["version"] if versions else None,
            "mlflow_run_id": None,
        }
        tracking = bundle["manifest"].get("tracking")
        run_id, mlflow_words = None, "the list was not logged to MLflow"
        if tracking and track:
            run_id = _find_run(bundle["path"], tracking)
            record["mlflow_run_id"] = run_id
        elif tracking:
            mlflow_words = "not logged to MLflow (asked not to)"
        tmp_json.write_text(json.dumps(json_safe(record), indent=2) + "\n", encoding="utf-8")
        if run_id is not None:
            _log_to_run(bundle["path"], tracking, run_id, version, [tmp_csv, tmp_json])
            mlflow_words = f"logged to MLflow run {run_id} under decisions/v{version:03d}"
        audit_log.record(
            "decisions",
            path=audit_log_path,
            details={
                "out": str(final_csv),
                "bundle": str(bundle["path"]),
                "list_as_of": record["list_as_of"],
                "version": version,
                "source_sha256": record["source_sha256"],
                "sha256": record["sha256"],
                "n_decided": len(rows),
                "n_undecided": n_undecided,
                "counts": counts,
                "mlflow_run_id": run_id,
            },
        )
        for tmp, final in ((tmp_csv, final_csv), (tmp_json, final_json)):
            try:
                os.link(tmp, final)  # fails if it exists: a version is never replaced
            except FileExistsError as exc:
                raise OutputError(RACE.format(path=final)) from exc
            os.chmod(final, 0o444)
    except OSError as exc:
        for path in (final_csv, final_json):
            if path.exists() and not any(v["path"] == path for v in versions):
                path.unlink(missing_ok=True)
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"cannot record decisions in {directory}: {exc.strerror or exc}") from exc
    finally:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
        if created_dir and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    return {
        "bundle": str(bundle["path"]),
        "version": version,
        "recorded_at": record["recorded_at"],
        "path": str(final_csv),
        "n_decided": len(rows),
        "n_undecided": n_undecided,
        "counts": counts,
        "mlflow_run_id": run_id,
        "mlflow": mlflow_words,
    }


def _find_run(bundle: Path, tracking: dict) -> str:
    from vrurisk.tracking import find_bundle_run

    try:
        run_id = find_bundle_run(tracking["uri"], tracking["experiment"], bundle)
    except Exception as exc:  # an unreachable store: one line, nothing recorded
        reason = " ".join(str(exc).split())[:200]
        raise DecisionsError(
            MLFLOW_FAILED.format(bundle=bundle, uri=tracking["uri"], reason=reason)
        ) from exc
    if run_id is None:
        raise DecisionsError(
            NO_RUN.format(bundle=bundle, uri=tracking["uri"], experiment=tracking["experiment"])
        )
    return run_id


def _log_to_run(bundle: Path, tracking: dict, run_id: str, version: int, paths) -> None:
    import shutil
    import tempfile

    from vrurisk.tracking import log_to_bundle_run

    with tempfile.TemporaryDirectory(prefix="vrurisk-decisions-") as tmp:
        named = []
        for path in paths:  # the staged files under their final names
            target = Path(tmp) / path.name.lstrip(".").rsplit(".", 2)[0]
            shutil.copyfile(path, target)
            named.append(target)
        try:
            log_to_bundle_run(tracking["uri"], run_id, named, f"decisions/v{version:03d}")
        except Exception as exc:
            reason = " ".join(str(exc).split())[:200]
            raise DecisionsError(
                MLFLOW_FAILED.format(bundle=bundle, uri=tracking["uri"], reason=reason)
            ) from exc
