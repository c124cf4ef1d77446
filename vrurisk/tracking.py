"""Everything MLflow, in one place.

- :func:`log_training`: one experiment per config; a parent run per training invocation with
  one nested run per model per test date; tags (config hash, data fingerprint, git commit,
  vrurisk version); the validated config, feature manifest and metrics table as artefacts; the
  champion logged as an ``mlflow.pyfunc`` model (signature, input example of feature values
  only) and registered under ``tracking.registered_model`` with alias ``tracking.alias``.
- :func:`load_risk_model`: a :class:`~vrurisk.models.RiskModel` back from ``models:/NAME@ALIAS``
  (or any model URI).
- :func:`log_scoring_run`: a scoring bundle logged as a run tagged with the model version, the
  data fingerprint and the as-of date.

Any tracking URI works: the default ``sqlite:///mlflow.db`` (a file beside the config)
or a shared server, e.g. ``mlflow server --backend-store-uri postgresql://... \\
--artifacts-destination s3://...`` and ``tracking.uri: http://mlflow.internal:5000``.

The registered model is a pickle: load models only from a tracking store you trust.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import stat
import subprocess
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.tracking import MlflowClient

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: concurrent first runs are not serialised
    fcntl = None

from vrurisk._errors import ConfigError, ModelError

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig

os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

__all__ = [
    "BAD_MODEL_URI",
    "NOT_A_RISK_MODEL",
    "NO_STORE",
    "RISK_MODEL_FILE",
    "RiskModelPyfunc",
    "git_commit",
    "load_risk_model",
    "load_training_metrics",
    "delete_bundle_artifacts",
    "find_bundle_run",
    "log_evaluation_run",
    "log_monitor_run",
    "log_scoring_run",
    "log_to_bundle_run",
    "shareable_uri",
    "log_training",
    "model_version",
    "prepare_store",
    "run_tags",
]

RISK_MODEL_FILE = "risk_model.pkl"
MODEL_NAME_IN_RUN = "model"
BAD_MODEL_URI = "{uri}: cannot load a vrurisk model ({reason})"
NO_STORE = "tracking.uri: cannot open the SQLite store {path} ({reason})"
NOT_A_RISK_MODEL = "{uri}: this MLflow model was not logged by vrurisk (no {file} artefact)"

TAG_PREFIX = "vrurisk."


class RiskModelPyfunc(mlflow.pyfunc.PythonModel):
    """The pyfunc face of a RiskModel: ``predict(features) -> calibrated probability``.

    ``predict`` carries the type hints MLflow 3 reads when the class is defined: a DataFrame in
    (MLflow accepts it without inferring a schema from it), a 1-d array out. The logged
    signature (feature names, float64) is what describes and validates the input columns.
    """

    def load_context(self, context):
        with open(context.artifacts["risk_model"], "rb") as handle:
            self.risk_model = pickle.load(handle)

    def predict(
        self, context, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> np.ndarray:
        return self.risk_model.predict_proba(pd.DataFrame(model_input))


#: Local SQLite stores this process has prepared (created or checked under the lock).
_PREPARED: set[str] = set()


def _sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` URI (``None`` for any other store)."""
    if not uri.startswith("sqlite:///"):
        return None
    return Path(uri.removeprefix("sqlite:///").split("?", 1)[0])


def prepare_store(uri: str) -> None:
    """Create a local SQLite store's tables once, under a lock, before anything uses it.

    MLflow creates (migrates) a SQLite store's tables the first time any process opens it; two
    processes doing so at the same moment crash (``duplicate column name: step``). Here the
    first process to take an exclusive ``fcntl`` lock on ``<database>.lock`` (beside the
    database) creates the tables while the others wait, then find them there. Other stores
    (a tracking server, PostgreSQL) are left to their own server.

    Raises
    ------
    ConfigError
        When the store's directory does not exist or cannot be written.
    """
    database = _sqlite_path(uri)
    if database is None or uri in _PREPARED:
        return
    lock = database.with_name(database.name + ".lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(NO_STORE.format(path=database, reason=reason)) from exc
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        client.search_experiments(max_results=1)  # creates or checks the tracking tables
        client.search_registered_models(max_results=1)  # and the registry's
    finally:
        os.close(fd)  # releases the lock
    _PREPARED.add(uri)


def _make_private(root: Path) -> None:
    """Owner-only permissions on a local artefact store: directories 0700, files 0600.

    MLflow copies bundle files with their modes (0644 inside a 0700 bundle) and creates
    directories by the umask, so copies of panel packs and scores would be world-readable.
    Entries owned by another user and symbolic links are left alone.
    """
    if not root.is_dir():
        return
    uid = os.getuid() if hasattr(os, "getuid") else None
    paths = [root]
    for directory, dirs, names in os.walk(root):
        paths += [Path(directory, name) for name in dirs + names]
    for path in paths:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode) or (uid is not None and info.st_uid != uid):
            continue
        mode = stat.S_IMODE(info.st_mode)
        private = 0o700 if stat.S_ISDIR(info.st_mode) else mode & 0o700
        if mode != private:
            os.chmod(path, private)


@contextlib.contextmanager
def _store(uri: str):
    """Point MLflow at ``uri`` for the duration (restoring the previous URIs).

    For a local SQLite store, artefacts are written with a 0o077 umask and made owner-only
    on the way out (:func:`_make_private`): they hold copies of panel packs and scores.
    """
    prepare_store(uri)
    previous = mlflow.get_tracking_uri()
    previous_registry = mlflow.get_registry_uri()
    logger = logging.getLogger("mlflow")
    level = logger.level
    logger.setLevel(logging.ERROR)  # MLflow's INFO/WARNING chatter is not for analysts
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    database = _sqlite_path(uri)
    umask = os.umask(0o077) if database is not None else None
    try:
        yield MlflowClient(tracking_uri=uri, registry_uri=uri)
    finally:
        if umask is not None:
            os.umask(umask)
            _make_private(database.resolve().parent / "mlruns")
        mlflow.set_tracking_uri(previous)
        mlflow.set_registry_uri(previous_registry)
        logger.setLevel(level)


def _experiment_id(client: MlflowClient, name: str) -> str:
    experiment = client.get_experiment_by_name(name)
    if experiment:
        return experiment.experiment_id
    try:
        return client.create_experiment(name, artifact_location=_artifact_location(client))
    except mlflow.exceptions.MlflowException:
        experiment = client.get_experiment_by_name(name)  # another run created it just now
        if experiment is None:
            raise
        return experiment.experiment_id


def _artifact_location(client: MlflowClient) -> str | None:
    """Artefacts of a local SQLite store live beside the database, not in the working directory."""
    database = _sqlite_path(client.tracking_uri)
    if database is None:
        return None
    return (database.resolve().parent / "mlruns").as_uri()


def git_commit() -> str:
    """The commit of the vrurisk source tree, or ``"unknown"`` (installed without git)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _vrurisk_version() -> str:
    try:
        return version("vrurisk")
    except PackageNotFoundError:
        return "0.0.0+source"


def run_tags(config_hash: str, data_fingerprint: str, kind: str) -> dict[str, str]:
    return {
        f"{TAG_PREFIX}kind": kind,
        f"{TAG_PREFIX}config_hash": config_hash,
        f"{TAG_PREFIX}data_fingerprint": data_fingerprint,
        f"{TAG_PREFIX}git_commit": git_commit(),
        f"{TAG_PREFIX}version": _vrurisk_version(),
    }


def _finite(metrics: dict) -> dict[str, float]:
    out = {}
    for name, value in metrics.items():
        if isinstance(value, int | float) and pd.notna(value):
            out[name] = float(value)
    return out


#: Packages every logged model pins; a model kind adds its own (``ModelKind.requirements``).
CORE_REQUIREMENTS = ("scikit-learn", "pandas", "numpy", "scipy")


def _requirements(kind: str) -> list[str]:
    from vrurisk.models.kinds import MODEL_KINDS

    pins = []
    extra = MODEL_KINDS[kind].requirements
    for package in CORE_REQUIREMENTS[:1] + extra + CORE_REQUIREMENTS[1:]:
        with contextlib.suppress(PackageNotFoundError):
            pins.append(f"{package}=={version(package)}")
    return pins


def log_training(result, *, input_example: pd.DataFrame) -> dict:
    """Log a :class:`~vrurisk.models.TrainingResult` and register its champion.

    ``input_example`` must hold feature values only (never identifiers).

    Returns
    -------
    dict
        ``tracking_uri``, ``experiment_id``, ``run_id``, ``model_name``, ``model_version``,
        ``model_uri`` (``models:/NAME@ALIAS``).
    """
    config = result.config
    tracking = config.tracking
    metric_columns = [c for c in result.metrics.columns if c not in ("model", "kind", "split")]
    metric_columns = [c for c in metric_columns if c not in ("test_date", "n_train")]
    with _store(tracking.uri) as client:
        experiment_id = _experiment_id(client, config.experiment_name)
        tags = run_tags(config.config_hash, result.data_fingerprint, "train")
        with mlflow.start_run(
            experiment_id=experiment_id, run_name=f"train {config.name}", tags=tags
        ) as parent:
            mlflow.log_params(
                {
                    "config_name": config.name,
                    "selection_metric": result.selection_metric,
                    "calibration": config.calibration.method,
                    "horizon_days": config.outcome.horizon_days,
                    "test_dates": ",".join(s.name for s in result.splits),
                    "selection_test_dates": ",".join(result.selection_splits),
                    "champion": result.champion.name,
                    "n_features": len(result.champion.feature_names_),
                }
            )
            mlflow.log_dict(config.to_dict(), "config/config.json")
            mlflow.log_dict([spec.to_dict() for spec in result.manifest], "features/manifest.json")
            mlflow.log_dict(result.feature_policy, "privacy/feature_policy.json")
            mlflow.log_text(result.metrics.to_csv(index=False), "metrics/cross_validation.csv")
            for _, row in result.metrics.iterrows():
                with mlflow.start_run(
                    experiment_id=experiment_id,
                    run_name=f"{row['model']} @ {row['split']}",
                    nested=True,
                    tags={**tags, f"{TAG_PREFIX}model": row["model"]},
                ):
                    spec = next(s for s in config.model_specs if s.name == row["model"])
                    mlflow.log_params(
                        {
                            "model": row["model"],
                            "kind": row["kind"],
                            "split": row["split"],
                            "n_train": int(row["n_train"]),
                            **{k: str(v)[:500] for k, v in spec.params.items()},
                        }
                    )
                    mlflow.log_metrics(_finite(row[metric_columns].to_dict()))
            champion_row = result.comparison()
            champion_row = champion_row[champion_row["model"] == result.champion.name]
            mlflow.log_metrics(
                {
                    f"champion_{k}": v
                    for k, v in _finite(champion_row.iloc[0][metric_columns].to_dict()).items()
                }
            )
            started_ms = 1000 * (time.time() - sum(result.timings.values()))
            version_number, previous = _log_champion(client, result, input_example)
    model_uri = f"models:/{tracking.registered_model}@{tracking.alias}"
    return {
        "tracking_uri": tracking.shown_uri,
        "experiment_id": experiment_id,
        "run_id": parent.info.run_id,
        "model_name": tracking.registered_model,
        "model_version": str(version_number),
        "model_uri": model_uri,
        **_replaced(previous, started_ms, config.config_hash),
    }


def _alias_target(client: MlflowClient, name: str, alias: str):
    """The model version ``alias`` points at now, or None (no such model or alias yet)."""
    try:
        return client.get_model_version_by_alias(name, alias)
    except mlflow.exceptions.MlflowException:
        return None


def _replaced(previous, started_ms: float, config_hash: str) -> dict:
    """What the alias pointed at before this training moved it: ``replaced_version`` (None for
    the first registration), its run and config hash, and ``replaced_during_training`` when
    that version was registered after this training started (another analyst's training, whose
    champion this one has just displaced: the alias is last-writer-wins)."""
    if previous is None:
        return {"replaced_version": None, "replaced_during_training": False}
    their_hash = (previous.tags or {}).get(f"{TAG_PREFIX}config_hash")
    return {
        "replaced_version": str(previous.version),
        "replaced_run_id": previous.run_id,
        "replaced_config_hash": their_hash,
        "same_config": their_hash == config_hash,
        "replaced_during_training": bool(previous.creation_timestamp >= started_ms),
    }


def _log_champion(client: MlflowClient, result, input_example: pd.DataFrame) -> tuple:
    """Log the champion as a pyfunc model in the active run, register it and set the alias.

    Returns the new version number and the version the alias pointed at just before (read
    immediately before moving it, and tagged on the new version), or None."""
    from mlflow.models import infer_signature

    tracking = result.config.tracking
    champion = result.champion
    example = input_example[champion.feature_names_].astype("float64")
    signature = infer_signature(example, champion.predict_proba(example))
    with tempfile.TemporaryDirectory(prefix="vrurisk-model-") as tmp:
        path = os.path.join(tmp, RISK_MODEL_FILE)
        with open(path, "wb") as handle:
            pickle.dump(champion, handle, protocol=pickle.HIGHEST_PROTOCOL)
        info = mlflow.pyfunc.log_model(
            name=MODEL_NAME_IN_RUN,
            python_model=RiskModelPyfunc(),
            artifacts={"risk_model": path},
            signature=signature,
            input_example=example,
            pip_requirements=_requirements(champion.kind),
        )
    registered = mlflow.register_model(
        info.model_uri,
        tracking.registered_model,
        tags={
            f"{TAG_PREFIX}config_hash": champion.config_hash,
            f"{TAG_PREFIX}data_fingerprint": result.data_fingerprint,
            f"{TAG_PREFIX}kind": champion.kind,
        },
    )
    name, number = tracking.registered_model, registered.version
    previous = _alias_target(client, name, tracking.alias)
    client.set_registered_model_alias(name, tracking.alias, number)
    replaced = "none" if previous is None else str(previous.version)
    client.set_model_version_tag(name, number, f"{TAG_PREFIX}replaced_version", replaced)
    return number, previous


def load_risk_model(uri: str, *, tracking_uri: str | None = None):
    """Load a :class:`~vrurisk.models.RiskModel` from an MLflow model URI.

    Parameters
    ----------
    uri : str
        E.g. ``models:/vrurisk-risk@champion``, ``models:/vrurisk-risk/3`` or ``runs:/ID/model``.
    tracking_uri : str, optional
        Tracking/registry store to read from (default: MLflow's current one).

    Raises
    ------
    ModelError
        When the URI cannot be resolved or is not a vrurisk model.
    """
    store = tracking_uri or mlflow.get_tracking_uri()
    with _store(store), tempfile.TemporaryDirectory(prefix="vrurisk-load-") as tmp:
        try:
            local = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=tmp)
        except Exception as exc:  # MlflowException, OSError, HTTP errors ...
            reason = " ".join(str(exc).split())[:200]
            raise ModelError(BAD_MODEL_URI.format(uri=uri, reason=reason)) from exc
        found = list(Path(local).rglob(RISK_MODEL_FILE))
        if not found:
            raise ModelError(NOT_A_RISK_MODEL.format(uri=uri, file=RISK_MODEL_FILE))
        with open(found[0], "rb") as handle:
            return pickle.load(handle)


def _registered_version(client: MlflowClient, uri: str):
    """The registry entry behind ``models:/NAME@ALIAS`` or ``models:/NAME/VERSION``."""
    body = uri.removeprefix("models:/")
    if "@" in body:
        name, alias = body.split("@", 1)
        return client.get_model_version_by_alias(name, alias.split("/")[0])
    name, number = body.split("/")[:2]
    return client.get_model_version(name, number)


def model_version(uri: str, *, tracking_uri: str | None = None) -> str:
    """The registry version behind ``models:/NAME@ALIAS`` or ``models:/NAME/VERSION``."""
    store = tracking_uri or mlflow.get_tracking_uri()
    with _store(store) as client:
        try:
            return str(_registered_version(client, uri).version)
        except Exception as exc:
            reason = " ".join(str(exc).split())[:200]
            raise ModelError(BAD_MODEL_URI.format(uri=uri, reason=reason)) from exc


def log_scoring_run(
    config: ExperimentConfig,
    *,
    bundle_dir: str | os.PathLike,
    model_uri: str,
    data_fingerprint: str,
    as_of,
    metrics: dict | None = None,
    params: dict | None = None,
) -> str:
    """Log a scoring bundle (a directory of outputs) as a run of the config's experiment.

    Tags: ``vrurisk.kind=score``, ``vrurisk.model_uri``, ``vrurisk.model_version``,
    ``vrurisk.data_fingerprint``, ``vrurisk.as_of``, ``vrurisk.config_hash``,
    ``vrurisk.bundle_manifest_sha256`` (how :func:`find_bundle_run` finds the run of a bundle),
    git commit and vrurisk version. Everything in ``bundle_dir`` is logged under ``bundle/``: it
    must already be pseudonymised. Returns the run id.
    """
    tracking = config.tracking
    version_number = model_version(model_uri, tracking_uri=tracking.uri)
    with _store(tracking.uri) as client:
        experiment_id = _experiment_id(client, config.experiment_name)
        tags = run_tags(config.config_hash, data_fingerprint, "score")
        tags.update(
            {
                f"{TAG_PREFIX}model_uri": model_uri,
                f"{TAG_PREFIX}model_version": version_number,
                f"{TAG_PREFIX}as_of": str(pd.Timestamp(as_of).date()),
                BUNDLE_TAG: _manifest_sha256(bundle_dir),
            }
        )
        run_name = f"score {config.name} {pd.Timestamp(as_of).date()}"
        return _log_bundle_run(experiment_id, run_name, tags, bundle_dir, params, metrics)


def _log_bundle_run(experiment_id, run_name, tags, bundle_dir, params, metrics) -> str:
    """One run holding ``bundle_dir`` under ``bundle/``, with params and finite metrics."""
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name, tags=tags) as run:
        if params:
            mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
        if metrics:
            mlflow.log_metrics(_finite(metrics))
        mlflow.log_artifacts(str(bundle_dir), artifact_path="bundle")
    return run.info.run_id


#: The tag naming a scoring run's bundle: the SHA-256 of the bundle's ``manifest.json``.
BUNDLE_TAG = f"{TAG_PREFIX}bundle_manifest_sha256"


def _manifest_sha256(bundle_dir) -> str:
    from vrurisk._serialise import file_sha256

    manifest = Path(bundle_dir) / "manifest.json"
    return file_sha256(manifest) if manifest.is_file() else ""


def shareable_uri(uri: str) -> str:
    """A tracking URI without any password in it (to write into a bundle's manifest);
    e.g. ``postgresql://vru:s3cret@db/mlflow`` -> ``postgresql://vru@db/mlflow``.

    >>> shareable_uri("http://vru:s3cret@mlflow.internal:5000")
    'http://vru@mlflow.internal:5000'
    """
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    netloc = f"{parts.username}@{host}" if parts.username else host
    return urlunsplit(parts._replace(netloc=netloc))


def find_bundle_run(tracking_uri: str, experiment: str, bundle_dir) -> str | None:
    """The id of the scoring run that logged ``bundle_dir`` (by its manifest's SHA-256), or None."""
    sha = _manifest_sha256(bundle_dir)
    if not sha:
        return None
    with _store(tracking_uri) as client:
        found = client.get_experiment_by_name(experiment)
        if found is None:
            return None
        runs = client.search_runs(
            [found.experiment_id], filter_string=f"tags.`{BUNDLE_TAG}` = '{sha}'", max_results=2
        )
        return runs[0].info.run_id if runs else None


def log_to_bundle_run(tracking_uri: str, run_id: str, paths, artifact_path: str) -> None:
    """Add files to a (finished) scoring run's artefacts under ``artifact_path``."""
    with _store(tracking_uri) as client:
        for path in paths:
            client.log_artifact(run_id, str(path), artifact_path=artifact_path)


def delete_bundle_artifacts(tracking_uri: str, run_id: str, paths) -> list[str]:
    """Delete artefacts (paths inside the run, e.g. ``bundle/scores.csv``) of a run.

    Returns the paths deleted (those that existed). The run itself, its parameters, metrics
    and tags (aggregate figures, no person's row) are kept.
    """
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

    deleted = []
    with _store(tracking_uri) as client:
        run = client.get_run(run_id)
        repo = get_artifact_repository(run.info.artifact_uri)
        for path in paths:
            parent, _, name = str(path).rpartition("/")
            listed = {Path(f.path).name for f in repo.list_artifacts(parent or None)}
            if name in listed:
                repo.delete_artifacts(str(path))
                deleted.append(str(path))
    return deleted


def load_training_metrics(uri: str, *, tracking_uri: str | None = None) -> pd.DataFrame:
    """The cross-validation metrics table of the training run that logged a registered model.

    For the model card shipped with every scored list. Returns an empty frame when the model
    was not registered by :func:`log_training` (e.g. a ``runs:/`` URI or an older store).
    """
    store = tracking_uri or mlflow.get_tracking_uri()
    if not uri.startswith("models:/"):
        return pd.DataFrame()
    with _store(store) as client, tempfile.TemporaryDirectory(prefix="vrurisk-metrics-") as tmp:
        try:
            run_id = _registered_version(client, uri).run_id
            path = mlflow.artifacts.download_artifacts(
                run_id=run_id, artifact_path="metrics/cross_validation.csv", dst_path=tmp
            )
            return pd.read_csv(path)
        except Exception:  # no run, no artefact: the card says metrics are missing
            return pd.DataFrame()


def log_evaluation_run(
    config: ExperimentConfig,
    *,
    bundle_dir: str | os.PathLike,
    programme: str,
    data_fingerprint: str,
    metrics: dict | None = None,
    params: dict | None = None,
) -> str:
    """Log a what-works evaluation (a directory of reports) as a run of the config's experiment.

    Tags: ``vrurisk.kind=evaluate``, ``vrurisk.programme``, the data fingerprint, config hash,
    git commit and vrurisk version. Everything in ``bundle_dir`` is logged under ``bundle/``
    (it holds no person ids). Returns the run id.
    """
    return _log_report_run(
        config,
        "evaluate",
        f"evaluate {config.name} {programme}",
        bundle_dir,
        data_fingerprint,
        {f"{TAG_PREFIX}programme": programme},
        params,
        metrics,
    )


def log_monitor_run(
    config: ExperimentConfig,
    *,
    report_dir: str | os.PathLike,
    data_fingerprint: str,
    metrics: dict | None = None,
    params: dict | None = None,
) -> str:
    """Log a monitor report (``monitor.html`` and ``monitor.json``: aggregates only, no person
    keys) as a run of the config's experiment, tagged ``vrurisk.kind=monitor`` with the data
    fingerprint, config hash, git commit and vrurisk version. Returns the run id."""
    run_name = f"monitor {config.name}"
    return _log_report_run(
        config, "monitor", run_name, report_dir, data_fingerprint, {}, params, metrics
    )


def _log_report_run(config, kind, run_name, directory, fingerprint, tags, params, metrics) -> str:
    """One run of the config's experiment holding ``directory`` under ``bundle/``."""
    with _store(config.tracking.uri) as client:
        experiment_id = _experiment_id(client, config.experiment_name)
        tags = {**run_tags(config.config_hash, fingerprint, kind), **tags}
        return _log_bundle_run(experiment_id, run_name, tags, directory, params, metrics)
