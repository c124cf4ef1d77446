"""The experiment config: one YAML file says what is trained, on what, and how it is judged.

:func:`load_config` reads the YAML, validates every section (unknown keys and bad values are
one-line :class:`~vrurisk.ConfigError` messages naming ``section.key`` and what is allowed),
builds every model spec without fitting it, and returns a frozen :class:`ExperimentConfig`.
Checks that need the data (is the outcome horizon shorter than the data allows?) run in
:func:`check_against_data` as soon as the extraction date is known, before any training.

The outcome horizon lives in ``outcome.horizon_days``; temporal cross-validation uses it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import yaml
from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_serializer,
    model_validator,
)

from vrurisk._config_errors import format_validation_error
from vrurisk._errors import ConfigError
from vrurisk._section import Section
from vrurisk.data import DataConfig, VocabularyConfig, mask_url
from vrurisk.evaluation import EvaluationConfig, FairnessConfig
from vrurisk.features import CohortConfig, FeatureConfig, OutcomeConfig
from vrurisk.models import (
    CalibrationConfig,
    ModelsConfig,
    TemporalConfig,
    check_against_data,
    plan_splits,
)
from vrurisk.privacy import UNJUSTIFIED_ATTRIBUTE, PrivacyConfig, SensitiveFeature
from vrurisk.reports import GovernanceConfig
from vrurisk.scoring import DEFAULT_EXPLAIN_TOP, ScoringConfig

if TYPE_CHECKING:
    from vrurisk.models import ModelSpec

__all__ = [
    "CONFIG_VERSION",
    "DEFAULT_EXPLAIN_TOP",
    "CalibrationConfig",
    "CohortConfig",
    "DataConfig",
    "EvaluationConfig",
    "ExecutionConfig",
    "ExperimentConfig",
    "FairnessConfig",
    "FeatureConfig",
    "GovernanceConfig",
    "ModelSettings",
    "ModelsConfig",
    "OutcomeConfig",
    "PrivacyConfig",
    "ScoringConfig",
    "SensitiveFeature",
    "TemporalConfig",
    "TrackingConfig",
    "check_against_data",
    "load_config",
    "plan_splits",
    "read_config_file",
    "resolve_tracking_uri",
    "stable_hash",
    "validate_config",
]

CONFIG_VERSION = 1

NOT_FOUND = "{path}: config file not found"
NOT_YAML = "{path}: not valid YAML ({reason})"
NOT_MAPPING = "{path}: a config must be a YAML mapping of sections, got {kind}"
BAD_VERSION = "config_version must be {version}, got {value!r}"
BAD_HYPERPARAMETER = "models: a model cannot be built from the grid ({reason})"
BASELINE_WINDOW = (
    "models.baseline.window_days must be one of features.windows_days {allowed}, got {value}"
)
#: Where the vocabulary's violence set and roles go: ``vocabulary.X`` -> ``features.SECTION.KEY``.
VIOLENCE_KEYS = (
    ("violence_types", "network", "violence_event_types"),
    ("violence_roles", "network", "violence_roles"),
    ("violence_types", "place", "event_types"),
    ("violence_roles", "place", "violence_roles"),
)
MOVED_TO_VOCABULARY = (
    "features.{section}.{key} is set once for every builder as vocabulary.{to}; move it there"
)


class TrackingConfig(Section):
    """Where runs and models go. Any MLflow tracking URI works (e.g. ``http://mlflow:5000``)."""

    uri: str = "sqlite:///mlflow.db"
    experiment: str | None = None
    registered_model: str = "vrurisk-risk"
    alias: str = Field("champion", pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")

    @field_serializer("uri")
    def _masked(self, uri: str) -> str:
        # the config logged to MLflow and shown anywhere carries no password of the store
        return mask_url(uri)

    @property
    def shown_uri(self) -> str:
        """The tracking URI with any password masked, for messages."""
        return mask_url(self.uri)


class ExecutionConfig(Section):
    """Where the pipeline runs: this process (``local``) or a Dask cluster (``dask``).

    ``scheduler`` is a Dask scheduler address (e.g. ``tcp://10.0.0.5:8786``); without one a
    LocalCluster of ``n_workers`` single-threaded worker processes (threads in this process when
    ``processes`` is false) is started. A scheduler that does not answer within
    ``connect_timeout_s`` seconds stops the run before any data is read. People are split into
    ``n_partitions`` by a hash of their id. The engine never changes results, so this section is
    left out of ``config_hash``.
    """

    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    n_workers: int = Field(2, ge=1, le=256)
    threads_per_worker: int = Field(1, ge=1, le=64)
    memory_limit: str = "auto"
    n_partitions: int = Field(8, ge=1, le=100_000)
    processes: bool = True
    connect_timeout_s: float = Field(10.0, gt=0, le=600)


def stable_hash(raw: dict) -> str:
    """SHA-256 of ``raw`` as sorted, compact JSON: the same for the same validated config."""
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class ModelSettings(Section):
    """The sections of every config that trains and judges vrurisk's models.

    :class:`ExperimentConfig` and the score-comparison config
    (:class:`vrurisk.comparison.ScoreComparisonConfig`) compose these with their own data
    sections. (Pydantic puts inherited fields first, so a dumped config lists these sections
    before ``data``.)
    """

    config_version: Literal[1]
    name: str = "experiment"
    seed: int = 0
    models: ModelsConfig
    calibration: CalibrationConfig = Field(default_factory=CalibrationConfig)
    evaluation: EvaluationConfig = Field(default_factory=EvaluationConfig)
    fairness: FairnessConfig = Field(default_factory=FairnessConfig)

    @property
    def config_hash(self) -> str:
        """A stable SHA-256 of the validated config."""
        return stable_hash(self.model_dump(mode="json"))


class ExperimentConfig(ModelSettings):
    """A validated experiment config (frozen). Build it with :func:`load_config`.

    ``model_specs`` holds one unfitted :class:`~vrurisk.models.ModelSpec` per grid point and
    ``config_hash`` a stable SHA-256 of the validated config.
    """

    data: DataConfig
    vocabulary: VocabularyConfig = Field(default_factory=VocabularyConfig)
    cohort: CohortConfig = Field(default_factory=CohortConfig)
    outcome: OutcomeConfig = Field(default_factory=OutcomeConfig)
    temporal: TemporalConfig
    features: FeatureConfig = Field(default_factory=FeatureConfig)
    tracking: TrackingConfig = Field(default_factory=TrackingConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    execution: ExecutionConfig = Field(default_factory=ExecutionConfig)
    governance: GovernanceConfig = Field(default_factory=GovernanceConfig)

    _specs: list | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _resolve_paths(cls, data: Any, info: ValidationInfo) -> Any:
        base = (info.context or {}).get("base_dir")
        if not isinstance(data, dict) or base is None:
            return data
        data = dict(data)
        data.setdefault("name", (info.context or {}).get("name", "experiment"))
        for section, key in (("data", "path"), ("privacy", "key_file")):
            value = data.get(section)
            if isinstance(value, dict) and isinstance(value.get(key), str):
                data[section] = {**value, key: str(Path(base, value[key]).resolve())}
        source = data.get("data")
        if isinstance(source, dict) and str(source.get("url")).startswith("sqlite:///"):
            # a relative SQLite database is beside the config, like every path in it
            data["data"] = {**source, "url": resolve_tracking_uri(source["url"], base)}
        tracking = data.get("tracking", {})
        if isinstance(tracking, dict):
            uri = tracking.get("uri", TrackingConfig.model_fields["uri"].default)
            if isinstance(uri, str):
                data["tracking"] = {**tracking, "uri": resolve_tracking_uri(uri, base)}
        return data

    @model_validator(mode="before")
    @classmethod
    def _one_violence_set(cls, data: Any) -> Any:
        """Every builder reads the violence set and roles from ``vocabulary``."""
        if not isinstance(data, dict) or not isinstance(data.get("vocabulary", {}), dict):
            return data
        vocab = data.get("vocabulary") or {}
        features = data.get("features") or {}
        if not isinstance(features, dict):
            return data
        features = dict(features)
        for vocab_key, section, key in VIOLENCE_KEYS:
            sub = features.get(section) or {}
            if not isinstance(sub, dict):
                continue
            if key in sub:
                raise ValueError(MOVED_TO_VOCABULARY.format(section=section, key=key, to=vocab_key))
            if vocab_key in vocab:
                features[section] = sub = {**sub, key: vocab[vocab_key]}
        return {**data, "features": features}

    @model_validator(mode="after")
    def _cross_checks(self) -> ExperimentConfig:
        baseline = self.models.baseline
        if baseline is not None and baseline.window_days not in self.features.windows_days:
            raise ValueError(
                BASELINE_WINDOW.format(
                    allowed=list(self.features.windows_days), value=baseline.window_days
                )
            )
        justified = {f.name for f in self.privacy.sensitive_features}
        for name in self.features.allowed_static_attributes:
            if name in self.fairness.sensitive_attributes and name not in justified:
                raise ValueError(UNJUSTIFIED_ATTRIBUTE.format(name=name))
        return self

    @property
    def model_specs(self) -> list[ModelSpec]:
        """One unfitted spec per grid point, built on first use (:func:`validate_config`
        builds them as soon as the config is valid, so a bad hyperparameter fails at once)."""
        if self._specs is None:
            # scikit-learn and LightGBM load only here, once every section is valid
            from vrurisk.models import build_model_specs

            self._specs = build_model_specs(
                self.models.grid(), seed=self.seed, n_jobs=self.models.n_jobs
            )
        return list(self._specs)

    @property
    def panel_size(self) -> int | str:
        """The panel's list size: ``scoring.panel_size``, else the first ``evaluation.k``."""
        if self.scoring.panel_size is not None:
            return self.scoring.panel_size
        return self.evaluation.k[0]

    @property
    def experiment_name(self) -> str:
        return self.tracking.experiment or f"vrurisk-{self.name}"

    def to_dict(self) -> dict:
        """The validated config as plain JSON-able data (defaults filled in)."""
        return self.model_dump(mode="json")

    @property
    def config_hash(self) -> str:
        # neither the engine, scoring settings nor governance facts change a trained model: a
        # config hashes the same on one machine and on Dask, whatever those sections say
        unhashed = ("execution", "scoring", "governance")
        raw = {k: v for k, v in self.to_dict().items() if k not in unhashed}
        # nor where runs are logged (an absolute store path once resolved against the config)
        raw["tracking"] = {k: v for k, v in raw["tracking"].items() if k != "uri"}
        return stable_hash(raw)

    def with_extraction_date(self, value) -> ExperimentConfig:
        """This config with ``data.extraction_date`` set (``YYYY-MM-DD`` text or a date).

        Examples
        --------
        >>> from vrurisk.config import validate_config
        >>> raw = {"config_version": 1, "data": {"path": "d"}, "models": {"baseline": {}},
        ...        "temporal": {"as_of_dates": ["2023-01-01", "2024-01-01"]}}
        >>> validate_config(raw).with_extraction_date("2025-06-01").data.extraction_date
        datetime.date(2025, 6, 1)
        """
        from vrurisk._dates import parse_date

        day = parse_date(value, "extraction_date").date()
        return self.model_copy(
            update={"data": self.data.model_copy(update={"extraction_date": day})}
        )

    def load_data(self):
        """The config's :class:`~vrurisk.data.Dataset`, read through its ``vocabulary``."""
        return self.data.load(vocabulary=self.vocabulary)

    def horizon(self) -> pd.DateOffset:
        return pd.DateOffset(days=self.outcome.horizon_days)

    def history_length(self) -> pd.DateOffset | None:
        days = self.temporal.history_length_days
        return None if days is None else pd.DateOffset(days=days)


def resolve_tracking_uri(uri: str, base_dir: str | os.PathLike) -> str:
    """A relative local tracking store (``sqlite:///mlflow.db``, a bare path) made absolute.

    Relative paths in a config are relative to the config file, so scoring from another
    directory finds the store training wrote (not a new, empty ``mlflow.db``). Server URIs
    (``http://...``) and absolute paths are returned unchanged.

    Examples
    --------
    >>> resolve_tracking_uri("sqlite:///mlflow.db", "/srv/vru/configs")
    'sqlite:////srv/vru/configs/mlflow.db'
    >>> resolve_tracking_uri("http://mlflow.internal:5000", "/srv/vru/configs")
    'http://mlflow.internal:5000'
    """
    if uri.startswith("sqlite:///"):
        path, sep, query = uri.removeprefix("sqlite:///").partition("?")
        if path and not path.startswith((":", "/")):
            return f"sqlite:///{Path(base_dir, path).resolve()}{sep}{query}"
        return uri
    if "://" not in uri and ":" not in uri[:2] and not Path(uri).is_absolute():
        return str(Path(base_dir, uri).resolve())
    return uri


def validate_config(raw: Any, *, base_dir: str | os.PathLike = ".", name: str = "experiment"):
    """Validate a parsed config mapping; raise a one-line :class:`ConfigError` on any problem."""
    if (
        isinstance(raw, dict)
        and "config_version" in raw
        and raw["config_version"] != CONFIG_VERSION
    ):
        raise ConfigError(BAD_VERSION.format(version=CONFIG_VERSION, value=raw["config_version"]))
    try:
        config = ExperimentConfig.model_validate(
            raw, context={"base_dir": str(base_dir), "name": name}
        )
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, ExperimentConfig)) from exc
    try:
        config.model_specs  # noqa: B018 - every spec built now, none fitted
    except (TypeError, ValueError) as exc:
        raise ConfigError(BAD_HYPERPARAMETER.format(reason=" ".join(str(exc).split()))) from exc
    return config


def load_config(path: str | os.PathLike) -> ExperimentConfig:
    """Read and validate an experiment config from a YAML file.

    Paths in the config are relative to the config file. The config's ``name`` defaults to the
    file name without extension.

    Raises
    ------
    ConfigError
        One line naming the section and key at fault and what is allowed, e.g.
        ``models.lightgbm.num_leaves must be an integer > 1, got 'abc'``.

    Examples
    --------
    >>> from vrurisk.config import load_config
    >>> config = load_config("configs/demo.yaml")  # doctest: +SKIP
    >>> [spec.name for spec in config.model_specs]  # doctest: +SKIP
    ['lightgbm', 'logistic_regression', 'baseline']
    """
    path = Path(path)
    return validate_config(read_config_file(path), base_dir=path.parent, name=path.stem)


def read_config_file(path: str | os.PathLike) -> dict:
    """Parse a YAML config file into a mapping; one-line :class:`ConfigError` otherwise."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(NOT_FOUND.format(path=path))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise ConfigError(NOT_YAML.format(path=path, reason=reason)) from exc
    if not isinstance(raw, dict):
        raise ConfigError(NOT_MAPPING.format(path=path, kind=type(raw).__name__))
    return raw
