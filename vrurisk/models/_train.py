"""What a training run produced, and the pieces of choosing its champion.

:func:`vrurisk.training.train_experiment` (the training job) fills a :class:`TrainingResult`
with these: the baseline's factors mapped onto the feature columns, the champion chosen on
every test date but the latest (:func:`choose_champion`, :func:`selection_note`), warnings
about constant features and a synthetic input example for the logged model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from vrurisk._errors import ModelError
from vrurisk._serialise import json_safe
from vrurisk.models._risk_model import RiskModel
from vrurisk.models._specs import ModelSpec
from vrurisk.models._splits import TemporalSplit

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig

NO_FACTORS = (
    "models.baseline.factors: none of {factors} match a feature column "
    "count_<factor>_{window}d built by this config"
)

#: Metrics where lower is better.
LOWER_IS_BETTER = ("brier", "ece")


@dataclass
class TrainingResult:
    """Everything a training run produced.

    Attributes
    ----------
    config : ExperimentConfig
    metrics : pandas.DataFrame
        One row per model per test date: ``model``, ``kind``, ``split``, ``test_date``,
        ``n_train`` and every metric (with ``*_low`` / ``*_high`` bootstrap bounds).
    champion : RiskModel
        The selected model refitted on all labelled as-of dates, with its cross-validation
        models in ``champion.held_out`` and how it was chosen in ``champion.selection``.
    selection_metric : str
    selection_splits : list of str
        The test dates (split names) the champion was chosen on: every test date but the
        latest, or the only one.
    splits : list of TemporalSplit
    refit : TemporalSplit
    manifest : list of FeatureSpec
    data_fingerprint : str
    extraction_date : pandas.Timestamp
    feature_policy : dict
        Sensitive attributes used as features with their justifications, and proxy warnings
        (see :func:`vrurisk.privacy.check_feature_policy`).
    timings : dict
        Seconds per stage.
    tracking : dict
        Filled by :mod:`vrurisk.tracking` (run id, model URI, version) when tracking is on.
    """

    config: ExperimentConfig
    metrics: pd.DataFrame
    champion: RiskModel
    selection_metric: str
    selection_splits: list[str]
    splits: list[TemporalSplit]
    refit: TemporalSplit
    manifest: list
    data_fingerprint: str
    extraction_date: pd.Timestamp
    feature_policy: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    data_warnings: list = field(default_factory=list)
    tracking: dict = field(default_factory=dict)

    @property
    def latest_split(self) -> str:
        """The test date the reported figures come from."""
        return self.splits[-1].name

    @property
    def selection_is_reported(self) -> bool:
        """True when the champion was chosen on the very test date it is reported on."""
        return self.latest_split in self.selection_splits

    def selection_note(self) -> str:
        """How the champion was chosen and what that means for the reported figures."""
        return selection_note(self.champion.selection)

    def comparison(self) -> pd.DataFrame:
        """Models x metrics on the latest test date (baseline included), best first."""
        latest = self.metrics[self.metrics["split"] == self.latest_split].copy()
        ascending = self.selection_metric in LOWER_IS_BETTER
        return latest.sort_values(self.selection_metric, ascending=ascending, kind="stable")

    def to_dict(self) -> dict:
        """JSON-able summary: the comparison, per-split metrics, champion and tracking info."""
        records = self.metrics.replace({np.nan: None}).to_dict(orient="records")
        for record in records:
            record["test_date"] = str(pd.Timestamp(record["test_date"]).date())
        return {
            "config": self.config.name,
            "config_hash": self.config.config_hash,
            "data_fingerprint": self.data_fingerprint,
            "data_warnings": list(self.data_warnings),
            "extraction_date": str(self.extraction_date.date()),
            "selection_metric": self.selection_metric,
            "latest_split": self.latest_split,
            "selection": {**self.champion.selection, "note": self.selection_note()},
            "champion": {
                "name": self.champion.name,
                "kind": self.champion.kind,
                "params": json_safe(self.champion.params),
                "trained_on": self.champion.trained_on,
                "held_out": [m.trained_on for m in self.champion.held_out],
            },
            "splits": [
                {"name": s.name, "train_dates": [str(d.date()) for d in s.train_dates]}
                for s in self.splits
            ],
            "metrics": json_safe(records),
            "feature_policy": self.feature_policy,
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
            "tracking": self.tracking,
        }


def baseline_factors(config: ExperimentConfig, columns: list[str]) -> dict[str, float]:
    """Map the baseline's ``<event_type>_<role>`` factors to this feature matrix's columns."""
    baseline = config.models.baseline
    window = baseline.window_days if baseline else 365
    factors = baseline.factors if baseline else dict(config.models.grid()["baseline"]["factors"][0])
    present = set(columns)
    resolved = {
        f"count_{name}_{window}d": weight
        for name, weight in factors.items()
        if f"count_{name}_{window}d" in present
    }
    if not resolved:
        raise ModelError(NO_FACTORS.format(factors=sorted(factors), window=window))
    return resolved


def with_baseline_factors(spec: ModelSpec, factors: dict[str, float]) -> ModelSpec:
    if spec.kind != "baseline":
        return spec
    template = spec.build().set_params(factors=factors)
    return ModelSpec(spec.name, spec.kind, {"factors": factors}, template)


def choose_champion(
    metrics: pd.DataFrame, splits: list[TemporalSplit], selection: str
) -> tuple[str, list[str]]:
    """The champion's name and the test dates (split names) it was chosen on.

    Chosen on every test date but the latest (mean of ``selection`` over them) so the latest
    date reports it honestly; with one test date, on that date. Ties go to the earlier model
    of the grid.
    """
    names = [s.name for s in splits]
    chosen_on = names[:-1] if len(names) > 1 else names
    rows = metrics[metrics["split"].isin(chosen_on)]
    mean = rows.groupby("model", sort=False)[selection].mean().astype(float)
    best = mean.idxmin() if selection in LOWER_IS_BETTER else mean.idxmax()
    return str(best), chosen_on


def selection_note(selection: dict) -> str:
    """One sentence on how the champion was chosen (from ``RiskModel.selection``)."""
    if not selection:
        return "How this model was chosen was not recorded (it was trained by an older vrurisk)."
    metric, chosen = selection["metric"], ", ".join(selection["chosen_on"])
    reported = selection["reported_on"]
    if selection["reported_is_selection"]:
        return (
            f"Chosen on {metric} at test date {chosen}, the only test date, which is also the "
            f"date its figures are reported on: the reported figures are the selection figures "
            "and are optimistic (the best of several models on one date). Configure "
            "temporal.test_dates >= 2 to report on a date the choice did not see."
        )
    return (
        f"Chosen on mean {metric} at test date(s) {chosen}; its figures are reported at test "
        f"date {reported}, which played no part in the choice."
    )


CONSTANT_FEATURES = (
    "{n_features} feature(s) {kind} over the {n:,} training rows: {names}; they carry little "
    "or nothing to learn from, so check the data behind them"
)
DATE_ONLY_FEATURES = (
    "{n_features} feature(s) take one value per as-of date over the {n:,} training rows, so "
    "they only tell the dates apart: {names} (e.g. imputed birth dates make age encode only "
    "the as-of date)"
)
#: A feature with fewer rows than this away from its most common value is near-constant.
NEAR_CONSTANT_ROWS = 10


def constant_feature_warnings(X: pd.DataFrame, as_of=None) -> list[str]:
    """Warnings for columns that are constant, nearly so, or fixed by the as-of date.

    Near-constant: fewer than :data:`NEAR_CONSTANT_ROWS` rows differ from the most common
    value. Fixed by the as-of date: one value per as-of date (``as_of`` given), so the column
    only tells the dates apart. At most one line per kind, naming the columns.

    Examples
    --------
    >>> X = pd.DataFrame({"age": [24.0] * 400, "n": [0.0, 1.0] * 200})
    >>> constant_feature_warnings(X)[0][:52]
    '1 feature(s) are constant over the 400 training rows'
    """
    if not len(X):
        return []
    dates = None if as_of is None else pd.Series(np.asarray(as_of))
    kinds: dict[str, list[str]] = {"constant": [], "near": [], "date": []}
    for name in X.columns:
        values = X[name].reset_index(drop=True)
        counts = values.value_counts(dropna=False)
        if len(counts) == 1:
            kinds["constant"].append(name)
        elif len(values) - counts.iloc[0] < NEAR_CONSTANT_ROWS:
            kinds["near"].append(name)
        elif (
            dates is not None
            and dates.nunique() > 1
            and (values.groupby(dates).nunique(dropna=False) == 1).all()
        ):
            kinds["date"].append(name)
    out = []
    for key, template, kind in (
        ("constant", CONSTANT_FEATURES, "are constant"),
        (
            "near",
            CONSTANT_FEATURES,
            f"are nearly constant (fewer than {NEAR_CONSTANT_ROWS} rows differ)",
        ),
        ("date", DATE_ONLY_FEATURES, ""),
    ):
        names = kinds[key]
        if names:
            shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
            out.append(template.format(n_features=len(names), kind=kind, n=len(X), names=shown))
    return out


#: Quantiles of each column that make up the rows of the MLflow input example.
EXAMPLE_QUANTILES = (0.1, 0.3, 0.5, 0.7, 0.9)


def synthetic_input_example(X: pd.DataFrame) -> pd.DataFrame:
    """An MLflow input example made of no one's record.

    Row ``i`` holds, in every column independently, that column's ``EXAMPLE_QUANTILES[i]``
    quantile rounded to one decimal: each value is typical of its column, but the combination
    is made up (a real row's ages, counts and rates together can identify a person). Any row
    that still equals a real row of ``X`` has its first column moved above the column's maximum,
    so no example row is anyone's feature vector.

    Examples
    --------
    >>> X = pd.DataFrame({"age": [14.2, 17.9, 21.5], "count": [0.0, 3.0, 1.0]})
    >>> synthetic_input_example(X).shape
    (5, 2)
    """
    values = X.to_numpy(dtype=float)
    example = np.empty((len(EXAMPLE_QUANTILES), X.shape[1]))
    for j in range(X.shape[1]):
        column = values[:, j][~np.isnan(values[:, j])]
        example[:, j] = (
            np.round(np.quantile(column, EXAMPLE_QUANTILES), 1) if column.size else np.nan
        )
    frame = pd.DataFrame(example, columns=X.columns)
    real = set(pd.util.hash_pandas_object(X.astype(float), index=False))
    clash = pd.util.hash_pandas_object(frame, index=False).isin(real).to_numpy()
    if clash.any() and X.shape[1]:
        top = np.nanmax(values[:, 0]) if np.isfinite(values[:, 0]).any() else 0.0
        frame.iloc[np.flatnonzero(clash), 0] = np.floor(top) + 1.0
    return frame
