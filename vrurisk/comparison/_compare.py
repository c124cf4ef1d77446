"""Train vrurisk's models on a flat table and compare them with an existing score.

Governance boards ask "would our own model do better, and more fairly, than the tool we were
sold?". A *score comparison* config names a table (one row per person, e.g. ProPublica's COMPAS
file), its date, outcome and input columns, a temporal split by date, the existing score and the
model grid. :func:`compare_with_existing_score` fits every model on the rows before the split
date, scores the later rows, and reports each model's AUC beside the existing score's and the
bias audit of each at the *same list size* as the existing score flags, so error-rate
disparities are compared like for like.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, ValidationInfo, model_validator

from vrurisk._config_errors import format_validation_error
from vrurisk._errors import ConfigError, DataValidationError
from vrurisk._section import Section as _Section
from vrurisk._serialise import json_safe
from vrurisk.config import ModelSettings, read_config_file
from vrurisk.evaluation import audit_scores, evaluate_predictions
from vrurisk.models import build_model_specs, fit_risk_model

FILTERS = ("none", "propublica")
SENSITIVE_FEATURE = (
    "features: {name!r} is a sensitive attribute (fairness.sensitive_attributes); use it as an "
    "input only with a written reason in features.justified_sensitive"
)
ONE_FLAG_RULE = "existing_score: give exactly one of flag_values or threshold"
BAD_FACTOR = "models.baseline.factors: {names} are not input columns; inputs are {columns}"
EMPTY_SPLIT = (
    "split.test_start {date} leaves {n_train} training and {n_test} test rows; both need "
    "rows of each outcome"
)
MISSING_INPUTS = "{file}: column(s) {missing} not found"
BAD_INPUT = "{file}: input column {column!r} has {n} non-numeric or missing value(s)"
BAD_DATES = "{file}: column {column!r} has {n} value(s) that are not dates: {examples}"


class TableData(_Section):
    """The table (CSV or Parquet, relative to the config) and its key columns."""

    path: Path
    filter: Literal["none", "propublica"] = "none"
    date_column: str
    label_column: str
    #: Where the table comes from (e.g. a download address): said when the file is missing.
    source: str = ""


class TableFeatures(_Section):
    """Model inputs: numeric columns as they are, and indicator columns (value -> 1, else 0)."""

    numeric: tuple[str, ...] = ()
    indicators: dict[str, str] = Field(default_factory=dict)
    justified_sensitive: dict[str, str] = Field(default_factory=dict)

    def columns(self) -> list[str]:
        return list(self.numeric) + [f"{c}_is_{v}" for c, v in self.indicators.items()]

    def sources(self) -> list[str]:
        return list(self.numeric) + list(self.indicators)


class TableSplit(_Section):
    """Rows dated before ``test_start`` train; rows from it (to ``test_end``) test."""

    test_start: dt.date
    test_end: dt.date | None = None


class ExistingScore(_Section):
    """The score being audited: a numeric ranking column and the rule that flags people."""

    name: str = "existing score"
    rank_column: str
    flag_column: str | None = None
    flag_values: tuple[str, ...] = ()
    threshold: float | None = None

    @model_validator(mode="after")
    def _one_rule(self) -> ExistingScore:
        if bool(self.flag_values) == (self.threshold is not None):
            raise ValueError(ONE_FLAG_RULE)
        return self


class ScoreComparisonConfig(ModelSettings):
    """A validated score-comparison config (``kind: score_comparison``): the model sections
    of an experiment config (:class:`~vrurisk.config.ModelSettings`) over a flat table."""

    name: str = "comparison"
    kind: Literal["score_comparison"]
    description: str = ""
    data: TableData
    features: TableFeatures
    split: TableSplit
    existing_score: ExistingScore

    @model_validator(mode="before")
    @classmethod
    def _resolve_path(cls, data: Any, info: ValidationInfo) -> Any:
        base = (info.context or {}).get("base_dir")
        if isinstance(data, dict) and base is not None and isinstance(data.get("data"), dict):
            path = data["data"].get("path")
            if isinstance(path, str):
                data = {**data, "data": {**data["data"], "path": str(Path(base, path).resolve())}}
        return data

    @model_validator(mode="after")
    def _checks(self) -> ScoreComparisonConfig:
        for name in self.features.sources():
            if name in self.fairness.sensitive_attributes and (
                name not in self.features.justified_sensitive
            ):
                raise ValueError(SENSITIVE_FEATURE.format(name=name))
        columns = self.features.columns()
        if self.models.baseline is not None:
            unknown = [f for f in self.models.baseline.factors if f not in columns]
            if unknown:
                raise ValueError(BAD_FACTOR.format(names=unknown, columns=columns))
        return self

    def grid(self) -> dict:
        """The model grid; the baseline counts every input present unless factors are given."""
        grid = self.models.grid()
        factors = (
            dict(self.models.baseline.factors)
            if self.models.baseline is not None
            else dict.fromkeys(self.features.columns(), 1.0)
        )
        grid["baseline"] = {"factors": (factors,)}
        return grid


def load_comparison_config(path: str | os.PathLike) -> ScoreComparisonConfig:
    """Read and validate a score-comparison config (paths relative to the config file)."""
    path = Path(path)
    raw = read_config_file(path)
    raw.setdefault("name", path.stem)
    try:
        return ScoreComparisonConfig.model_validate(raw, context={"base_dir": str(path.parent)})
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, ScoreComparisonConfig)) from exc


@dataclass
class ScoreComparison:
    """Models beside the existing score on the same test rows.

    ``metrics`` has one row per scorer (the existing score first) with AUC and friends and
    their intervals; ``audits`` maps each scorer to its :class:`~vrurisk.evaluation.BiasAudit`
    at the existing score's list size ``k``.
    """

    config: ScoreComparisonConfig
    metrics: pd.DataFrame
    audits: dict
    k: int
    n_train: int
    n_test: int
    train_dates: tuple[str, str]
    test_dates: tuple[str, str]
    timings: dict = field(default_factory=dict)

    def disparities(self) -> pd.DataFrame:
        """Every scorer's disparity rows, side by side (``scorer`` column first)."""
        frames = [a.disparities.assign(scorer=name) for name, a in self.audits.items()]
        table = pd.concat(frames, ignore_index=True)
        return table[["scorer", *[c for c in table.columns if c != "scorer"]]]

    def to_dict(self) -> dict:
        return json_safe(
            {
                "name": self.config.name,
                "description": self.config.description,
                "config_hash": self.config.config_hash,
                "existing_score": self.config.existing_score.name,
                "k": self.k,
                "ci_level": self.config.evaluation.ci_level,
                "n_train": self.n_train,
                "n_test": self.n_test,
                "train_dates": list(self.train_dates),
                "test_dates": list(self.test_dates),
                "metrics": self.metrics.to_dict(orient="records"),
                "disparities": self.disparities().to_dict(orient="records"),
                "audits": {name: a.to_dict() for name, a in self.audits.items()},
            }
        )


def propublica_filter(table: pd.DataFrame) -> pd.DataFrame:
    """ProPublica's standard COMPAS filter (6,172 of 7,214 rows remain)."""
    days = pd.to_numeric(table["days_b_screening_arrest"], errors="coerce")
    keep = (
        days.between(-30, 30)
        & (pd.to_numeric(table["is_recid"], errors="coerce") != -1)
        & (table["c_charge_degree"].astype(str) != "O")
        & (table["score_text"].astype(str) != "N/A")
    )
    return table[keep].reset_index(drop=True)


def build_table_features(table: pd.DataFrame, features: TableFeatures, name: str) -> pd.DataFrame:
    """Float model inputs from a flat table (numeric columns checked, indicators 0/1)."""
    missing = [c for c in features.sources() if c not in table.columns]
    if missing:
        raise DataValidationError(MISSING_INPUTS.format(file=name, missing=missing))
    out = {}
    for column in features.numeric:
        values = pd.to_numeric(table[column], errors="coerce")
        if values.isna().any():
            raise DataValidationError(
                BAD_INPUT.format(file=name, column=column, n=int(values.isna().sum()))
            )
        out[column] = values.astype(float)
    for column, value in features.indicators.items():
        out[f"{column}_is_{value}"] = (table[column].astype(str) == value).astype(float)
    return pd.DataFrame(out)


def compare_with_existing_score(
    config: ScoreComparisonConfig, table: pd.DataFrame | None = None, *, progress=None
) -> ScoreComparison:
    """Fit the config's models before the split date; compare them with the existing score.

    Returns
    -------
    ScoreComparison
    """
    import time

    from vrurisk.data import read_scores_table
    from vrurisk.evaluation import binary_outcomes as _binary

    say = progress or (lambda message: None)
    started = time.perf_counter()
    name = str(config.data.path)
    if table is None:
        score = config.existing_score
        used = [config.data.label_column, score.rank_column, *config.fairness.sensitive_attributes]
        table = read_scores_table(config.data.path, used=used)
    if config.data.filter == "propublica":
        table = propublica_filter(table)
    dates = _dates(table, config.data.date_column, name)
    y = _binary(table[config.data.label_column], name, config.data.label_column)
    X = build_table_features(table, config.features, name)
    start = pd.Timestamp(config.split.test_start)
    train = (dates < start).to_numpy()
    test = (dates >= start).to_numpy().copy()
    if config.split.test_end is not None:
        test &= (dates <= pd.Timestamp(config.split.test_end)).to_numpy()
    if len(set(y[train])) < 2 or len(set(y[test])) < 2:
        raise ConfigError(
            EMPTY_SPLIT.format(date=start.date(), n_train=int(train.sum()), n_test=int(test.sum()))
        )
    evaluation = config.evaluation
    rows = []
    existing = config.existing_score
    rank = pd.to_numeric(table[existing.rank_column], errors="coerce").to_numpy(dtype=float)
    flag_column = existing.flag_column or existing.rank_column
    test_table = table[test].reset_index(drop=True)
    thresholds = () if existing.flag_values else (existing.threshold,)
    existing_audit = audit_scores(
        test_table,
        score_col=flag_column if existing.flag_values else existing.rank_column,
        label_col=config.data.label_column,
        flag_values=existing.flag_values or None,
        config=config.fairness.model_copy(update={"top_k": (), "thresholds": thresholds}),
        name=f"{name} (test rows)",
    )
    k = int(existing_audit.overall.iloc[0]["n_flagged"])
    scaled = (rank[test] - np.nanmin(rank)) / max(np.nanmax(rank) - np.nanmin(rank), 1e-12)

    def evaluate(score: np.ndarray) -> dict:
        return evaluate_predictions(
            y[test],
            score,
            ks=(k,),
            n_boot=evaluation.bootstrap,
            level=evaluation.ci_level,
            seed=config.seed,
        )

    rows.append({"scorer": existing.name, "kind": "existing", **_no_probability(evaluate(scaled))})
    audits = {existing.name: existing_audit}
    person = np.arange(int(train.sum()))
    for spec in build_model_specs(config.grid(), seed=config.seed, n_jobs=config.models.n_jobs):
        say(f"fitting {spec.name} on {int(train.sum()):,} rows")
        model = fit_risk_model(
            spec,
            X[train].reset_index(drop=True),
            y[train],
            as_of=dates[train].to_numpy(),
            person=person,
            calibration=config.calibration.method,
            manifest=[],
            config_hash=config.config_hash,
        )
        proba = model.predict_proba(X[test].reset_index(drop=True))
        rows.append({"scorer": spec.name, "kind": spec.kind, **evaluate(proba)})
        frame = test_table.assign(_score=proba)
        audits[spec.name] = audit_scores(
            frame,
            score_col="_score",
            label_col=config.data.label_column,
            config=config.fairness.model_copy(update={"top_k": (k,), "thresholds": ()}),
            name=f"{name} (test rows)",
        )
    span = lambda mask: (str(dates[mask].min().date()), str(dates[mask].max().date()))  # noqa: E731
    return ScoreComparison(
        config=config,
        metrics=pd.DataFrame(rows),
        audits=audits,
        k=k,
        n_train=int(train.sum()),
        n_test=int(test.sum()),
        train_dates=span(train),
        test_dates=span(test),
        timings={"total": time.perf_counter() - started},
    )


def _no_probability(metrics: dict) -> dict:
    """An existing score is a ranking, not a probability: drop Brier and calibration error."""
    return {
        key: (np.nan if key.split("_")[0] in ("brier", "ece") else value)
        for key, value in metrics.items()
    }


def _dates(table: pd.DataFrame, column: str, name: str) -> pd.Series:
    if column not in table.columns:
        raise DataValidationError(MISSING_INPUTS.format(file=name, missing=[column]))
    dates = pd.to_datetime(table[column], errors="coerce")
    bad = dates.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in table.loc[bad, column].astype(str).unique()[:3])
        raise DataValidationError(
            BAD_DATES.format(file=name, column=column, n=int(bad.sum()), examples=examples)
        )
    return dates.reset_index(drop=True)
